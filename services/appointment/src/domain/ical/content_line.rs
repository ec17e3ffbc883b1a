//! RFC 5545 content lines (§ 3.1): escaping of TEXT values (§ 3.3.11), quoting of parameter
//! values (§ 3.2), and folding at 75 octets.
//!
//! Hand-written rather than taken from the `icalendar` crate: its folding (0.17.17) emits a
//! 76-octet line when the rest of a line is exactly 75 octets, and it would bring a second
//! version of `nom` into the workspace. What is here is small and tested against an
//! independent parser (`ical`) in the tests of [`super`].

/// The longest physical line, in octets, without its CRLF.
pub const MAX_OCTETS: usize = 75;

/// How far back from the limit a fold looks for a spot between two non-blank characters.
const LOOK_BACK: usize = 16;

/// A TEXT value escaped: backslash, semicolon and comma get a backslash, a line break becomes
/// `\n`, and other control characters (which TEXT may not hold) are dropped.
pub fn escape_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\r' => {
                // CRLF and a lone CR are each one line break.
                chars.next_if_eq(&'\n');
                out.push_str("\\n");
            }
            '\n' => out.push_str("\\n"),
            '\t' => out.push('\t'),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// A parameter value: quoted when it holds `:`, `;` or `,`; double quotes and control
/// characters, which a parameter value cannot carry, are dropped.
pub fn param_value(value: &str) -> String {
    let clean: String = value
        .chars()
        .filter(|c| *c != '"' && !c.is_control())
        .collect();
    if clean.contains([':', ';', ',']) {
        format!("\"{clean}\"")
    } else {
        clean
    }
}

/// Appends the content line `line` to `out`, folded so that no physical line exceeds
/// [`MAX_OCTETS`], each ended by CRLF. Folds fall between characters, never inside a UTF-8
/// sequence, and where possible between two non-blank characters: some parsers trim blanks at
/// the ends of physical lines, which would eat a space at a fold.
pub fn push_folded(out: &mut String, line: &str) {
    let mut rest = line;
    // The first physical line has the whole limit; continuations start with a space.
    let mut room = MAX_OCTETS;
    while rest.len() > room {
        let cut = fold_point(rest, room);
        out.push_str(&rest[..cut]);
        out.push_str("\r\n ");
        rest = &rest[cut..];
        room = MAX_OCTETS - 1;
    }
    out.push_str(rest);
    out.push_str("\r\n");
}

/// Where to cut `text` so that at most `room` octets come before the cut: the last character
/// boundary within `room`, moved back (a little) to lie between two non-blank characters and
/// not inside an escape such as `\,` (valid per RFC 5545, which unfolds first, but naive
/// readers handle escapes per physical line).
fn fold_point(text: &str, room: usize) -> usize {
    let mut limit = room;
    while !text.is_char_boundary(limit) {
        limit -= 1;
    }
    let blank_at = |i: usize| text[i..].starts_with([' ', '\t']);
    let blank_before = |i: usize| text[..i].ends_with([' ', '\t']);
    // An odd run of backslashes before the cut leaves one of them escaping across it.
    let in_escape = |i: usize| text[..i].bytes().rev().take_while(|&b| b == b'\\').count() % 2 == 1;
    let floor = limit.saturating_sub(LOOK_BACK).max(1);
    (floor..=limit)
        .rev()
        .filter(|&i| text.is_char_boundary(i))
        .find(|&i| !blank_at(i) && !blank_before(i) && !in_escape(i))
        .unwrap_or(limit)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// RFC 5545 unfolding: a CRLF followed by one blank is removed.
    fn unfold(folded: &str) -> String {
        folded.replace("\r\n ", "").replace("\r\n\t", "")
    }

    #[test]
    fn special_characters_are_escaped() {
        assert_eq!(
            escape_text("Raum 3; EG, links\\rechts\r\nZeile 2\nZeile 3\rZeile 4\u{7}"),
            "Raum 3\\; EG\\, links\\\\rechts\\nZeile 2\\nZeile 3\\nZeile 4"
        );
        assert_eq!(escape_text("Bürgergeld: Straße"), "Bürgergeld: Straße");
    }

    #[test]
    fn parameter_values_with_separators_are_quoted() {
        assert_eq!(param_value("Jobcenter Essen"), "Jobcenter Essen");
        assert_eq!(param_value("Essen, Mitte"), "\"Essen, Mitte\"");
        assert_eq!(param_value("Der \"Chef\""), "Der Chef");
    }

    #[test]
    fn a_line_of_exactly_the_limit_stays_whole_and_the_rest_of_75_octets_is_folded_again() {
        let mut out = String::new();
        push_folded(&mut out, &"a".repeat(75));
        assert_eq!(out, format!("{}\r\n", "a".repeat(75)));
        // 150 octets: 75, then 75 more do not fit behind the continuation's space.
        let mut out = String::new();
        push_folded(&mut out, &"a".repeat(150));
        let lines: Vec<&str> = out.trim_end_matches("\r\n").split("\r\n").collect();
        assert_eq!(
            lines.iter().map(|l| l.len()).collect::<Vec<_>>(),
            vec![75, 75, 2]
        );
    }

    #[test]
    fn a_fold_never_separates_an_escape_from_its_backslash() {
        // The 75th octet is the backslash of `\,`: the cut moves before it.
        let line = format!("DESCRIPTION:{}\\,{}", "x".repeat(62), "y".repeat(20));
        let mut out = String::new();
        push_folded(&mut out, &line);
        let first = out.split("\r\n").next().unwrap_or_default();
        assert!(first.ends_with('x'), "{first}");
        assert!(out.contains("\r\n \\,"));
    }

    proptest! {
        #[test]
        fn folded_lines_fit_and_unfold_to_the_original(
            line in "[A-Z]{1,10}:[a-zäöüß€ 😀,;\\\\]{0,400}",
        ) {
            let mut out = String::new();
            push_folded(&mut out, &line);
            prop_assert!(out.ends_with("\r\n"));
            for physical in out.trim_end_matches("\r\n").split("\r\n") {
                prop_assert!(physical.len() <= MAX_OCTETS, "{} octets", physical.len());
            }
            prop_assert_eq!(unfold(out.trim_end_matches("\r\n")), line);
        }

        #[test]
        fn escaped_text_has_no_raw_separators_or_line_breaks(text in "\\PC{0,200}|[\r\n,;\\\\]{0,20}") {
            let escaped = escape_text(&text);
            prop_assert!(!escaped.contains(['\r', '\n']));
            let mut chars = escaped.chars();
            while let Some(c) = chars.next() {
                if c == '\\' {
                    let next = chars.next();
                    prop_assert!(matches!(next, Some('\\' | ';' | ',' | 'n')), "{:?}", next);
                } else {
                    prop_assert!(c != ';' && c != ',');
                }
            }
        }
    }
}
