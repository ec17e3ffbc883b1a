//! From what OCR saw to what a caseworker needs: the certificate's fields, how sure the reading
//! is, and in words what made it unsure.
//!
//! Pure: no I/O, no clock, unit-tested on pages built from text. The layout read is the German
//! incapacity certificate (Muster 1 style): a field is found only where its printed label is found
//! with a valid value after it; nothing is guessed from position or from unlabelled text. A
//! diagnosis (the "Diagnose" field, ICD codes) is never read into any field.

mod labels;
mod text;
mod values;

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests;

use std::collections::BTreeSet;
use std::fmt;

use chrono::NaiveDate;

use crate::page::OcrPage;
use labels::{Hit, Label, Line};
use values::DateParts;

/// Below this confidence a reading carries the doubt "low OCR confidence"; a service that acts on
/// readings by itself should not act below it. Measured on rendered 300 dpi scans: clear ones
/// read at 95, blurred ones that still read at 92 to 95; blurred further, Tesseract loses labels
/// (and the reading its required fields) while its mean word confidence falls through 70 to 50.
pub const LOW_CONFIDENCE: u8 = 80;
/// Days a doctor may backdate the start of incapacity (AU-Richtlinie § 5: up to three days).
const BACKDATING_DAYS: i64 = 3;
/// An expected period longer than this is unusual enough for a caseworker to look at.
const LONG_PERIOD_DAYS: i64 = 31;

/// First or follow-up certificate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Certificate {
    /// Not marked, or marked as both.
    #[default]
    Unknown,
    /// Erstbescheinigung.
    First,
    /// Folgebescheinigung.
    FollowUp,
}

/// A field of the certificate, as named in doubts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    /// The person's name.
    Name,
    /// The person's birth date.
    BirthDate,
    /// The first day of incapacity.
    IncapacityFrom,
    /// The expected last day.
    IncapacityUntil,
    /// The day the doctor issued the certificate.
    IssuedOn,
}

impl Field {
    fn noun(self) -> &'static str {
        match self {
            Self::Name => "name",
            Self::BirthDate => "birth date",
            Self::IncapacityFrom => "first day of incapacity",
            Self::IncapacityUntil => "end date",
            Self::IssuedOn => "issue date",
        }
    }
}

/// What kept a reading from being sure. Shown to caseworkers (as its English text) and carried in
/// the `SickNoteRead` event; never contains text from the scan.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Doubt {
    /// The field's label was not found.
    Missing(Field),
    /// The label was found, but no valid value with it.
    Unreadable(Field),
    /// The field was found more than once, with different values; none is taken.
    Conflicting(Field),
    /// Family and given name not separated by a comma; split in the label's order.
    NameNotSeparated,
    /// A birth date with a two-digit year and no other date to place its century.
    BirthCenturyUnknown,
    /// Neither "Erstbescheinigung" nor "Folgebescheinigung" found.
    KindMissing,
    /// Both found.
    KindConflicting,
    /// No "Arbeitsunfähigkeitsbescheinigung" title: perhaps not a sick note at all.
    NoTitle,
    /// The expected end lies before the first day.
    EndBeforeStart,
    /// The period is longer than a month.
    LongPeriod,
    /// Issued before the first day of incapacity.
    IssuedBeforeStart,
    /// Issued more than three days after the first day (backdated further than allowed).
    IssuedLate,
    /// Issued after the expected end.
    IssuedAfterEnd,
    /// The birth date is not before the first day of incapacity.
    BirthNotBeforeStart,
    /// The OCR's confidence in the fields found is below [`LOW_CONFIDENCE`].
    LowConfidence(u8),
}

impl fmt::Display for Doubt {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Missing(field) => write!(f, "no {} found", field.noun()),
            Self::Unreadable(field) => write!(f, "{} not readable", field.noun()),
            Self::Conflicting(field) => write!(f, "{} found twice, differently", field.noun()),
            Self::NameNotSeparated => f.write_str("family and given name not separated by a comma"),
            Self::BirthCenturyUnknown => {
                f.write_str("birth date has a two-digit year and no other date to place it")
            }
            Self::KindMissing => f.write_str("not marked as first or follow-up certificate"),
            Self::KindConflicting => f.write_str("marked as both first and follow-up certificate"),
            Self::NoTitle => f.write_str("no sick-note title found; it may not be a sick note"),
            Self::EndBeforeStart => f.write_str("end date before the first day of incapacity"),
            Self::LongPeriod => f.write_str("expected period longer than one month"),
            Self::IssuedBeforeStart => f.write_str("issued before the first day of incapacity"),
            Self::IssuedLate => write!(
                f,
                "issued more than {BACKDATING_DAYS} days after the first day of incapacity"
            ),
            Self::IssuedAfterEnd => f.write_str("issued after the expected end date"),
            Self::BirthNotBeforeStart => {
                f.write_str("birth date not before the first day of incapacity")
            }
            Self::LowConfidence(confidence) => write!(f, "low OCR confidence ({confidence})"),
        }
    }
}

/// What was read from a sick note.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Reading {
    /// The person's family name as read.
    pub family_name: Option<String>,
    /// The person's given name as read.
    pub given_name: Option<String>,
    /// The person's birth date ("geb. am").
    pub birth_date: Option<NaiveDate>,
    /// First day of incapacity ("arbeitsunfähig seit").
    pub incapacity_from: Option<NaiveDate>,
    /// Expected last day ("voraussichtlich arbeitsunfähig bis einschließlich").
    pub incapacity_until: Option<NaiveDate>,
    /// Day the doctor issued it ("festgestellt am").
    pub issued_on: Option<NaiveDate>,
    /// First or follow-up certificate.
    pub certificate: Certificate,
    /// How sure the reading is, 0 to 100: the mean OCR confidence of the words of the fields
    /// found (labels and values); 0 when the name, the first day or the end is missing, or when
    /// the period ends before it starts, so that nothing is recorded without a person looking.
    pub confidence: u8,
    /// What kept the reading from being sure, as [`Doubt`] texts; empty if nothing did.
    pub doubts: Vec<String>,
}

impl Reading {
    /// Whether a service may act on this reading by itself: confident enough and without doubt.
    pub fn is_sure(&self) -> bool {
        self.confidence >= LOW_CONFIDENCE && self.doubts.is_empty()
    }
}

/// Reads the certificate's fields from what OCR saw.
pub fn extract(page: &OcrPage) -> Reading {
    let lines = labels::prepare(page);
    let hits = labels::find(&lines);
    let mut words = BTreeSet::new();
    let mut doubts = Vec::new();

    if !hits.iter().any(|hit| hit.label == Label::Title) {
        doubts.push(Doubt::NoTitle);
    }
    let certificate = certificate(&lines, &hits, &mut words, &mut doubts);

    let name = field(&lines, &hits, Label::Name, values::parse_name);
    let name = settle(name, Field::Name, &mut words, &mut doubts);
    if name.as_ref().is_some_and(|name| !name.separated) {
        doubts.push(Doubt::NameNotSeparated);
    }

    let recent = |text: &str| {
        values::find_date(text).and_then(|(parts, range)| parts.recent().map(|d| (d, range)))
    };
    let from = field(&lines, &hits, Label::From, recent);
    let from = settle(from, Field::IncapacityFrom, &mut words, &mut doubts);
    let until = field(&lines, &hits, Label::Until, recent);
    let until = settle(until, Field::IncapacityUntil, &mut words, &mut doubts);
    let issued = field(&lines, &hits, Label::Issued, recent);
    let issued = settle(issued, Field::IssuedOn, &mut words, &mut doubts);

    let birth = field(&lines, &hits, Label::BirthDate, values::find_date);
    let birth = settle(birth, Field::BirthDate, &mut words, &mut doubts);
    let birth_date = birth.and_then(|parts| place_birth_date(parts, [from, issued, until]));
    let no_reference = from.or(issued).or(until).is_none();
    match (birth, birth_date) {
        (Some(parts), None) if parts.has_two_digit_year() && no_reference => {
            doubts.push(Doubt::BirthCenturyUnknown);
        }
        (Some(_), None) => doubts.push(Doubt::Unreadable(Field::BirthDate)),
        _ => {}
    }

    doubts.extend(plausibility(birth_date, from, until, issued));

    let required = name.is_some() && from.is_some() && until.is_some();
    let impossible = doubts.contains(&Doubt::EndBeforeStart);
    let confidence = if required && !impossible {
        mean_confidence(&lines, &words)
    } else {
        0
    };
    if confidence > 0 && confidence < LOW_CONFIDENCE {
        doubts.push(Doubt::LowConfidence(confidence));
    }

    let (family_name, given_name) =
        name.map_or((None, None), |name| (Some(name.family), name.given));
    Reading {
        family_name,
        given_name,
        birth_date,
        incapacity_from: from,
        incapacity_until: until,
        issued_on: issued,
        certificate,
        confidence,
        doubts: doubts.iter().map(ToString::to_string).collect(),
    }
}

/// The words (line, word) a field was read from.
type Words = BTreeSet<(usize, usize)>;

/// What the hits of one label gave.
enum Outcome<T> {
    /// The label was not found.
    Absent,
    /// The label was found, but never with a valid value.
    Unreadable,
    /// Valid values were found that differ.
    Conflicting,
    /// One value (possibly found more than once), with the words of its labels and values.
    Found(T, Words),
}

/// Reads one label's value wherever the label was found.
fn field<T: PartialEq>(
    lines: &[Line<'_>],
    hits: &[Hit],
    label: Label,
    parse: impl Fn(&str) -> Option<(T, std::ops::Range<usize>)>,
) -> Outcome<T> {
    let mut found: Option<(T, Words)> = None;
    let mut seen = false;
    for hit in hits.iter().filter(|hit| hit.label == label) {
        seen = true;
        let text = &lines[hit.value.line].raw[hit.value.bytes.clone()];
        let Some((value, range)) = parse(text) else {
            continue;
        };
        let at = hit.value.bytes.start;
        let value_region = labels::Region {
            line: hit.value.line,
            bytes: at + range.start..at + range.end,
        };
        let hit_words = labels::words_in(lines, &hit.at)
            .into_iter()
            .chain(labels::words_in(lines, &value_region));
        match &mut found {
            None => found = Some((value, hit_words.collect())),
            Some((earlier, words)) if *earlier == value => words.extend(hit_words),
            Some(_) => return Outcome::Conflicting,
        }
    }
    match (found, seen) {
        (Some((value, words)), _) => Outcome::Found(value, words),
        (None, true) => Outcome::Unreadable,
        (None, false) => Outcome::Absent,
    }
}

/// Takes a found value (and its words for the confidence), or records why there is none.
fn settle<T>(
    outcome: Outcome<T>,
    field: Field,
    words: &mut Words,
    doubts: &mut Vec<Doubt>,
) -> Option<T> {
    match outcome {
        Outcome::Found(value, found_in) => {
            words.extend(found_in);
            return Some(value);
        }
        Outcome::Absent => doubts.push(Doubt::Missing(field)),
        Outcome::Unreadable => doubts.push(Doubt::Unreadable(field)),
        Outcome::Conflicting => doubts.push(Doubt::Conflicting(field)),
    }
    None
}

/// First or follow-up, from which of the two labels stands on the certificate.
fn certificate(
    lines: &[Line<'_>],
    hits: &[Hit],
    words: &mut Words,
    doubts: &mut Vec<Doubt>,
) -> Certificate {
    let first: Vec<&Hit> = hits
        .iter()
        .filter(|hit| hit.label == Label::First)
        .collect();
    let follow_up: Vec<&Hit> = hits
        .iter()
        .filter(|hit| hit.label == Label::FollowUp)
        .collect();
    let (kind, marked) = match (first.is_empty(), follow_up.is_empty()) {
        (false, true) => (Certificate::First, first),
        (true, false) => (Certificate::FollowUp, follow_up),
        (false, false) => {
            doubts.push(Doubt::KindConflicting);
            return Certificate::Unknown;
        }
        (true, true) => {
            doubts.push(Doubt::KindMissing);
            return Certificate::Unknown;
        }
    };
    for hit in marked {
        words.extend(labels::words_in(lines, &hit.at));
    }
    kind
}

/// The birth date, a two-digit year placed by the certificate's first date found.
fn place_birth_date(parts: DateParts, references: [Option<NaiveDate>; 3]) -> Option<NaiveDate> {
    if !parts.has_two_digit_year() {
        return parts.recent();
    }
    references
        .into_iter()
        .flatten()
        .next()
        .and_then(|reference| parts.before(reference))
}

/// What a caseworker checks by hand on the dates read.
fn plausibility(
    birth: Option<NaiveDate>,
    from: Option<NaiveDate>,
    until: Option<NaiveDate>,
    issued: Option<NaiveDate>,
) -> Vec<Doubt> {
    let mut doubts = Vec::new();
    if let (Some(from), Some(until)) = (from, until) {
        if until < from {
            doubts.push(Doubt::EndBeforeStart);
        } else if (until - from).num_days() + 1 > LONG_PERIOD_DAYS {
            doubts.push(Doubt::LongPeriod);
        }
    }
    if let (Some(from), Some(issued)) = (from, issued) {
        if issued < from {
            doubts.push(Doubt::IssuedBeforeStart);
        } else if (issued - from).num_days() > BACKDATING_DAYS {
            doubts.push(Doubt::IssuedLate);
        }
    }
    if let (Some(until), Some(issued)) = (until, issued)
        && issued > until
    {
        doubts.push(Doubt::IssuedAfterEnd);
    }
    if let (Some(birth), Some(from)) = (birth, from)
        && birth >= from
    {
        doubts.push(Doubt::BirthNotBeforeStart);
    }
    doubts
}

/// Mean OCR confidence of the words, rounded to 0..=100.
fn mean_confidence(lines: &[Line<'_>], words: &Words) -> u8 {
    if words.is_empty() {
        return 0;
    }
    let sum: f32 = words
        .iter()
        .map(|&(line, word)| lines[line].words[word].confidence.clamp(0.0, 100.0))
        .sum();
    (sum / words.len() as f32).round() as u8
}
