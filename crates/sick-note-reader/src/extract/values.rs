//! The values behind the labels: dates and the person's name, parsed from noisy OCR text.
//!
//! Dates survive what OCR commonly does to them (spaces around the dots, a comma for a dot, one
//! separator lost to a space, "O" for "0" and "l" or "I" for "1" inside a number, two-digit
//! years) but must still be real calendar dates. Names must look like names: letters, spaces,
//! hyphens, apostrophes, dots; anything with a digit is refused (that is also what keeps an ICD
//! code like "J06.9" out of a name).

use std::ops::Range;
use std::sync::LazyLock;

use chrono::NaiveDate;
use regex::Regex;

/// Day, month, year, each separated by a dot or comma (with spaces around it), or one of the two
/// separators by spaces alone; the year has four digits or two.
static DATE: LazyLock<Regex> = LazyLock::new(|| {
    let separator = r"(?:\s*[.,]\s*|\s+)";
    let pattern =
        format!(r"([0-9]{{1,2}}){separator}([0-9]{{1,2}}){separator}([0-9]{{4}}|[0-9]{{2}})");
    // A constant pattern: it compiles, as every test of dates proves.
    Regex::new(&pattern).expect("the date pattern compiles")
});

/// A date as printed, before a two-digit year is placed in its century.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DateParts {
    day: u32,
    month: u32,
    year: i32,
    two_digit_year: bool,
}

impl DateParts {
    /// Whether the year was printed with two digits only.
    pub fn has_two_digit_year(self) -> bool {
        self.two_digit_year
    }

    /// The date, a two-digit year taken as 20xx: certificates are issued in this century.
    pub fn recent(self) -> Option<NaiveDate> {
        let year = if self.two_digit_year {
            2000 + self.year
        } else {
            self.year
        };
        NaiveDate::from_ymd_opt(year, self.month, self.day)
    }

    /// The date, a two-digit year placed in the one century that makes the date no later than
    /// `reference` and less than a hundred years before it (a birth date, given a day of the
    /// certificate).
    pub fn before(self, reference: NaiveDate) -> Option<NaiveDate> {
        if !self.two_digit_year {
            return NaiveDate::from_ymd_opt(self.year, self.month, self.day);
        }
        [2000, 1900]
            .into_iter()
            .filter_map(|century| {
                NaiveDate::from_ymd_opt(century + self.year, self.month, self.day)
            })
            .find(|date| *date <= reference)
    }
}

/// The first date in the text, and the bytes it covers. Four-digit years outside 1900–2199 and
/// impossible days or months are not dates.
pub fn find_date(text: &str) -> Option<(DateParts, Range<usize>)> {
    let text = digits_misread_as_letters(text);
    let bytes = text.as_bytes();
    DATE.captures_iter(&text).find_map(|captures| {
        let whole = captures.get(0)?;
        let digit_before = whole.start() > 0 && bytes[whole.start() - 1].is_ascii_digit();
        let digit_after = bytes.get(whole.end()).is_some_and(u8::is_ascii_digit);
        let has_separator = whole.as_str().contains(['.', ',']);
        if digit_before || digit_after || !has_separator {
            return None;
        }
        let number = |i: usize| captures.get(i)?.as_str().parse::<u32>().ok();
        let (day, month, year) = (number(1)?, number(2)?, number(3)?);
        let two_digit_year = captures.get(3)?.as_str().len() == 2;
        let plausible = (1..=31).contains(&day)
            && (1..=12).contains(&month)
            && (two_digit_year || (1900..2200).contains(&year));
        plausible.then(|| {
            let parts = DateParts {
                day,
                month,
                year: i32::try_from(year).unwrap_or_default(),
                two_digit_year,
            };
            (parts, whole.range())
        })
    })
}

/// Inside words that hold a digit, reads "O"/"o" as 0 and "l"/"I"/"|" as 1, the usual OCR
/// confusions in numbers. Every replacement is one ASCII byte for one, so byte positions hold.
fn digits_misread_as_letters(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for (i, token) in text.split(' ').enumerate() {
        if i > 0 {
            out.push(' ');
        }
        if token.chars().any(|c| c.is_ascii_digit()) {
            out.extend(token.chars().map(|c| match c {
                'O' | 'o' => '0',
                'l' | 'I' | '|' => '1',
                other => other,
            }));
        } else {
            out.push_str(token);
        }
    }
    out
}

/// A name as read after "Name, Vorname".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Name {
    /// The family name.
    pub family: String,
    /// The given name, when printed.
    pub given: Option<String>,
    /// Whether a comma separated them as the label says ("Name, Vorname"). Without one, the
    /// first word is taken as the family name, in the label's order.
    pub separated: bool,
}

/// The name in the text (after its label), and the bytes it covers.
pub fn parse_name(text: &str) -> Option<(Name, Range<usize>)> {
    // A digit anywhere after the label (an ICD code, a date) means this is not just a name.
    if text.chars().any(|c| c.is_numeric()) {
        return None;
    }
    // Leading punctuation belongs to the label (": "), trailing specks are scanner noise.
    let start = text.len() - text.trim_start_matches(|c: char| !c.is_alphabetic()).len();
    let end = text.trim_end_matches(|c: char| !c.is_alphabetic()).len();
    if start >= end {
        return None;
    }
    let value = &text[start..end];
    let allowed = |c: char| c.is_alphabetic() || matches!(c, ' ' | '-' | '\'' | '.' | ',');
    if !value.chars().all(allowed) || value.chars().filter(|c| c.is_alphabetic()).count() < 2 {
        return None;
    }
    // Inner spaces collapsed; a dot left at the end is OCR's comma, not part of the name.
    let tidy = |part: &str| {
        let words = part.split_whitespace().collect::<Vec<_>>().join(" ");
        words.trim_end_matches('.').to_owned()
    };
    let name = match value.split_once(',') {
        Some((family, given)) => {
            let given = tidy(given);
            Name {
                family: tidy(family),
                given: (!given.is_empty()).then_some(given),
                separated: true,
            }
        }
        None => {
            let mut words = value.split_whitespace();
            let family = tidy(words.next().unwrap_or_default());
            let given = tidy(&words.collect::<Vec<_>>().join(" "));
            Name {
                family,
                given: (!given.is_empty()).then_some(given),
                separated: false,
            }
        }
    };
    let valid = |part: &str| part.chars().any(char::is_alphabetic) && !part.contains(',');
    if !valid(&name.family) || name.given.as_deref().is_some_and(|given| !valid(given)) {
        return None;
    }
    Some((name, start..end))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn date(text: &str) -> Option<NaiveDate> {
        find_date(text).and_then(|(parts, _)| parts.recent())
    }

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn dates_survive_common_ocr_noise() {
        let expected = Some(day(2026, 11, 16));
        for noisy in [
            "16.11.2026",
            " 16. 11. 2026",
            "16,11,2026",
            "16.11.26",
            "l6.1l.2O26",
            "I6.11.2o26",
            "16 11.2026",
            "16.11 2026.",
            "einschließlich 16.11.2026 J06.9",
        ] {
            assert_eq!(date(noisy), expected, "{noisy:?}");
        }
    }

    #[test]
    fn impossible_or_ambiguous_dates_are_not_dates() {
        for not_a_date in [
            "31.02.2026",
            "16.13.2026",
            "00.11.2026",
            "16 11 2026",
            "116.11.2026",
            "16.11.20261",
            "16.11.1850",
            "J06.9",
            "16.11.",
            "",
        ] {
            assert_eq!(date(not_a_date), None, "{not_a_date:?}");
        }
    }

    #[test]
    fn date_range_covers_the_date_in_the_original_text() {
        let (_, range) = find_date("am 12.04.1985 x").unwrap();
        assert_eq!(range, 3..13);
    }

    #[test]
    fn two_digit_birth_years_are_placed_before_the_reference_day() {
        let (parts, _) = find_date("12.04.85").unwrap();
        assert!(parts.has_two_digit_year());
        assert_eq!(parts.before(day(2026, 11, 16)), Some(day(1985, 4, 12)));
        let (parts, _) = find_date("12.04.10").unwrap();
        assert_eq!(parts.before(day(2026, 11, 16)), Some(day(2010, 4, 12)));
        let (parts, _) = find_date("12.04.1985").unwrap();
        assert_eq!(parts.before(day(1980, 1, 1)), Some(day(1985, 4, 12)));
    }

    #[test]
    fn names_are_split_at_the_comma_and_tidied() {
        let (name, range) = parse_name(": Musterfrau ,  Erika |").unwrap();
        assert_eq!(
            name,
            Name {
                family: "Musterfrau".into(),
                given: Some("Erika".into()),
                separated: true
            }
        );
        assert_eq!(range, 2..21);
        let (name, _) = parse_name(" Müller-Lüdenscheidt, Hans Peter").unwrap();
        assert_eq!(name.family, "Müller-Lüdenscheidt");
        assert_eq!(name.given.as_deref(), Some("Hans Peter"));
    }

    #[test]
    fn a_name_without_comma_is_split_in_the_labels_order_and_marked() {
        let (name, _) = parse_name(" Musterfrau Erika").unwrap();
        assert_eq!(name.family, "Musterfrau");
        assert_eq!(name.given.as_deref(), Some("Erika"));
        assert!(!name.separated);
        let (name, _) = parse_name(" Musterfrau. Erika").unwrap();
        assert_eq!(name.family, "Musterfrau", "a comma read as a dot");
    }

    #[test]
    fn text_with_digits_or_without_letters_is_no_name() {
        for not_a_name in [
            ": Musterfrau, Erika J06.9",
            " J06.9 G",
            " 12.04.1985",
            " :: ",
            " X",
            "Musterfrau, Erika, Dr",
        ] {
            assert_eq!(parse_name(not_a_name), None, "{not_a_name:?}");
        }
    }
}
