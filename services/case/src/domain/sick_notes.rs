//! Sick notes on the case (docs/casework/sick-notes.md): what the case remembers of them, and
//! the decisions on the four ways one reaches it.
//!
//! - A sick-note form filed onto the case ([`decide_form`]) is recorded by the platform in the
//!   same append that attaches it: the form's dates were validated at intake.
//! - What the E-Akte read from a scanned sick note ([`decide_reading`]) is recorded by the
//!   platform only when [`assess`] finds nothing to doubt; otherwise a caseworker is asked to
//!   confirm or correct it ([`decide_confirmation`]).
//! - A caseworker takes note of an automatic record ([`decide_acknowledgement`]).
//!
//! Pure: the reactors and the API convert their inputs into these types and execute the events
//! through `commands::CaseCommands`. Never a diagnosis: nothing here has a field for one.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use jobcenter_proto::case::v1 as proto;

use super::case::Case;
use super::dates;
use super::events::Event;
use super::lifecycle::Stage;

/// The confidence from which a scanned sick note is recorded without a caseworker, by default.
pub const DEFAULT_CONFIDENCE: u32 = 80;

/// The note of the `MatterDecided` that closes a sick-note form the platform recorded.
pub const RECORDED_AUTOMATICALLY: &str = "recorded automatically";

/// The confidence (1 to 100) a reading must reach to be recorded without a caseworker.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ConfidenceThreshold(u32);

impl ConfidenceThreshold {
    /// The threshold `value`, if it is between 1 and 100.
    pub fn new(value: u32) -> Result<Self, String> {
        if (1..=100).contains(&value) {
            Ok(Self(value))
        } else {
            Err(format!(
                "sick_note_confidence must be between 1 and 100 (is {value})"
            ))
        }
    }

    /// The threshold as a number.
    pub fn get(self) -> u32 {
        self.0
    }
}

impl Default for ConfidenceThreshold {
    fn default() -> Self {
        Self(DEFAULT_CONFIDENCE)
    }
}

/// A period of incapacity: its first day is not after its last.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IncapacityPeriod {
    from: NaiveDate,
    until: NaiveDate,
}

/// A period whose last day lies before its first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("the last day of incapacity lies before the first")]
pub struct Unordered;

impl IncapacityPeriod {
    /// The period from `from` to `until`, both included.
    pub fn new(from: NaiveDate, until: NaiveDate) -> Result<Self, Unordered> {
        if until < from {
            return Err(Unordered);
        }
        Ok(Self { from, until })
    }

    /// First day.
    pub fn from(self) -> NaiveDate {
        self.from
    }

    /// Last day (expected).
    pub fn until(self) -> NaiveDate {
        self.until
    }
}

/// A sick note as the applicant's form states it.
#[derive(Debug, Clone, PartialEq)]
pub struct FormSickNote {
    pub incapacity_from: Option<NaiveDate>,
    pub incapacity_until: Option<NaiveDate>,
    pub issued_on: Option<NaiveDate>,
    pub certificate: proto::SickNoteCertificate,
}

/// What the E-Akte read from a scanned sick note (its `efile.SickNoteRead`).
#[derive(Debug, Clone, PartialEq)]
pub struct Reading {
    /// The E-Akte document (a UUID).
    pub document_id: String,
    pub family_name: String,
    pub given_name: String,
    pub incapacity_from: Option<NaiveDate>,
    pub incapacity_until: Option<NaiveDate>,
    pub issued_on: Option<NaiveDate>,
    pub certificate: proto::SickNoteCertificate,
    /// 0 to 100.
    pub confidence: u32,
    /// What the reader itself doubted, in words.
    pub doubts: Vec<String>,
    pub received_at: Option<prost_types::Timestamp>,
}

/// A caseworker's confirmation or correction of a scanned sick note under review.
#[derive(Debug, Clone, PartialEq)]
pub struct Confirmation {
    pub document_id: String,
    pub period: IncapacityPeriod,
    pub issued_on: Option<NaiveDate>,
    pub certificate: proto::SickNoteCertificate,
}

/// A recorded incapacity, as the case remembers it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Recorded {
    /// Recorded by the platform (the caseworker is to take note).
    pub automatic: bool,
    /// The caseworker took note.
    pub acknowledged: bool,
}

/// The sick notes of a case: recorded ones by record id, and scanned ones a caseworker is to
/// confirm, by document id (with their moment of receipt).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SickNotes {
    pub recorded: BTreeMap<String, Recorded>,
    pub reviews: BTreeMap<String, Option<prost_types::Timestamp>>,
}

impl SickNotes {
    /// Folds one event of the case.
    pub fn evolve(&mut self, event: &Event) {
        match event {
            Event::IncapacityRecorded(e) => {
                self.reviews.remove(&e.record_id);
                self.recorded.insert(
                    e.record_id.clone(),
                    Recorded {
                        automatic: e.automatic,
                        acknowledged: false,
                    },
                );
            }
            Event::SickNoteReviewRequested(e) if !self.recorded.contains_key(&e.document_id) => {
                self.reviews.insert(e.document_id.clone(), e.received_at);
            }
            Event::SickNoteAcknowledged(e) => {
                if let Some(recorded) = self.recorded.get_mut(&e.record_id) {
                    recorded.acknowledged = true;
                }
            }
            _ => {}
        }
    }

    /// Whether the document or form is recorded, or a caseworker is asked about it already.
    pub fn knows(&self, record_id: &str) -> bool {
        self.recorded.contains_key(record_id) || self.reviews.contains_key(record_id)
    }
}

/// Why a sick-note command was refused; the message is for the caller.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SickNoteRefusal {
    /// Confirming a document that is recorded already.
    #[error("the sick note is already recorded on the case")]
    AlreadyRecorded,
    /// Confirming a document no caseworker was asked about.
    #[error("no review of that sick note is open on the case")]
    NoReview,
    /// Acknowledging what the platform did not record by itself.
    #[error("the case holds no sick note recorded automatically under that id")]
    NoAutomaticRecord,
    /// Acknowledging twice.
    #[error("the sick note was acknowledged before")]
    AlreadyAcknowledged,
}

/// Folds a name for comparison: case-insensitive, umlauts as their two-letter spelling
/// (ä/ae, ö/oe, ü/ue, also written with a combining diaeresis), ß as ss, spaces collapsed.
pub fn fold_name(name: &str) -> String {
    let mut folded = String::with_capacity(name.len());
    for word in name.split_whitespace() {
        if !folded.is_empty() {
            folded.push(' ');
        }
        for c in word.chars().flat_map(char::to_lowercase) {
            match c {
                'ä' => folded.push_str("ae"),
                'ö' => folded.push_str("oe"),
                'ü' => folded.push_str("ue"),
                'ß' => folded.push_str("ss"),
                // "a" + combining diaeresis (as OCR and some keyboards write it).
                '\u{308}' if folded.ends_with(['a', 'o', 'u']) => folded.push('e'),
                c => folded.push(c),
            }
        }
    }
    folded
}

/// Whether the person read is the case's applicant (family and given name, folded).
pub fn same_person(case: &Case, family_name: &str, given_name: &str) -> bool {
    let family = fold_name(family_name);
    let given = fold_name(given_name);
    !family.is_empty()
        && !given.is_empty()
        && family == fold_name(&case.applicant_family_name)
        && given == fold_name(&case.applicant_given_name)
}

/// The outcome of assessing a reading.
#[derive(Debug, Clone, PartialEq)]
pub enum Assessment {
    /// Nothing to doubt: record it.
    Record(proto::IncapacityRecorded),
    /// A caseworker is to confirm or correct it, for these reasons.
    Review(proto::SickNoteReviewRequested),
}

/// Decides whether a scanned sick note can be recorded without a caseworker: the reading is at
/// least as confident as `threshold`, the reader doubted nothing, both days were read and are in
/// order, the person read is the case's applicant, and the case is not closed. Otherwise the
/// review lists the reader's doubts followed by the case's.
pub fn assess(case: &Case, reading: &Reading, threshold: ConfidenceThreshold) -> Assessment {
    let mut doubts = reading.doubts.clone();
    if reading.confidence < threshold.get() {
        doubts.push(format!(
            "the reading's confidence ({}) is below the threshold ({})",
            reading.confidence,
            threshold.get()
        ));
    }
    let period = match (reading.incapacity_from, reading.incapacity_until) {
        (Some(from), Some(until)) => match IncapacityPeriod::new(from, until) {
            Ok(period) => Some(period),
            Err(unordered) => {
                doubts.push(unordered.to_string());
                None
            }
        },
        (from, until) => {
            if from.is_none() {
                doubts.push("no first day of incapacity was read".to_owned());
            }
            if until.is_none() {
                doubts.push("no last day of incapacity was read".to_owned());
            }
            None
        }
    };
    if reading.family_name.trim().is_empty() || reading.given_name.trim().is_empty() {
        doubts.push("no full name was read".to_owned());
    } else if !same_person(case, &reading.family_name, &reading.given_name) {
        doubts.push("the name read does not match the case's applicant".to_owned());
    }
    if matches!(case.stage, Stage::Closed { .. }) {
        doubts.push("the case is closed".to_owned());
    }
    match period {
        Some(period) if doubts.is_empty() => Assessment::Record(proto::IncapacityRecorded {
            record_id: reading.document_id.clone(),
            source: proto::IncapacitySource::Scan as i32,
            incapacity_from: Some(dates::to_proto(period.from())),
            incapacity_until: Some(dates::to_proto(period.until())),
            issued_on: reading.issued_on.map(dates::to_proto),
            certificate: reading.certificate as i32,
            received_at: reading.received_at,
            automatic: true,
        }),
        _ => Assessment::Review(proto::SickNoteReviewRequested {
            document_id: reading.document_id.clone(),
            incapacity_from: reading.incapacity_from.map(dates::to_proto),
            incapacity_until: reading.incapacity_until.map(dates::to_proto),
            issued_on: reading.issued_on.map(dates::to_proto),
            certificate: reading.certificate as i32,
            person_read: format!(
                "{} {}",
                reading.given_name.trim(),
                reading.family_name.trim()
            )
            .trim()
            .to_owned(),
            confidence: reading.confidence,
            doubts,
            received_at: reading.received_at,
        }),
    }
}

/// What a reading records: the incapacity or a review; nothing for a document that is recorded
/// or under review already (a redelivered or re-read document is processed once).
pub fn decide_reading(
    case: &Case,
    reading: &Reading,
    threshold: ConfidenceThreshold,
) -> Vec<Event> {
    if case.sick_notes.knows(&reading.document_id) {
        return Vec::new();
    }
    match assess(case, reading, threshold) {
        Assessment::Record(recorded) => vec![Event::IncapacityRecorded(recorded)],
        Assessment::Review(review) => vec![Event::SickNoteReviewRequested(review)],
    }
}

/// What filing a sick-note form records: the matter, and, when its period is there and in order
/// and the case is open, the incapacity (by the platform) and the matter processed, in one
/// append. Otherwise the matter alone, for a caseworker to process. Nothing when the matter is
/// attached already.
pub fn decide_form(case: &Case, matter: proto::MatterAttached, form: &FormSickNote) -> Vec<Event> {
    if case.matters.contains_key(&matter.application_id)
        || case.sick_notes.knows(&matter.application_id)
    {
        return Vec::new();
    }
    let period = match (form.incapacity_from, form.incapacity_until) {
        (Some(from), Some(until)) => IncapacityPeriod::new(from, until).ok(),
        _ => None,
    };
    let Some(period) = period.filter(|_| !matches!(case.stage, Stage::Closed { .. })) else {
        return vec![Event::MatterAttached(matter)];
    };
    let recorded = proto::IncapacityRecorded {
        record_id: matter.application_id.clone(),
        source: proto::IncapacitySource::Form as i32,
        incapacity_from: Some(dates::to_proto(period.from())),
        incapacity_until: Some(dates::to_proto(period.until())),
        issued_on: form.issued_on.map(dates::to_proto),
        certificate: form.certificate as i32,
        received_at: matter.received_at,
        automatic: true,
    };
    let decided = proto::MatterDecided {
        application_id: matter.application_id.clone(),
        outcome: proto::MatterOutcome::Processed as i32,
        note: RECORDED_AUTOMATICALLY.to_owned(),
    };
    vec![
        Event::MatterAttached(matter),
        Event::IncapacityRecorded(recorded),
        Event::MatterDecided(decided),
    ]
}

/// What a caseworker's confirmation records: the incapacity as they confirmed or corrected it,
/// for a document under review.
pub fn decide_confirmation(
    case: &Case,
    confirmation: Confirmation,
) -> Result<Vec<Event>, SickNoteRefusal> {
    if case
        .sick_notes
        .recorded
        .contains_key(&confirmation.document_id)
    {
        return Err(SickNoteRefusal::AlreadyRecorded);
    }
    let Some(received_at) = case.sick_notes.reviews.get(&confirmation.document_id) else {
        return Err(SickNoteRefusal::NoReview);
    };
    Ok(vec![Event::IncapacityRecorded(proto::IncapacityRecorded {
        record_id: confirmation.document_id,
        source: proto::IncapacitySource::Scan as i32,
        incapacity_from: Some(dates::to_proto(confirmation.period.from())),
        incapacity_until: Some(dates::to_proto(confirmation.period.until())),
        issued_on: confirmation.issued_on.map(dates::to_proto),
        certificate: confirmation.certificate as i32,
        received_at: *received_at,
        automatic: false,
    })])
}

/// What taking note of an automatic record records.
pub fn decide_acknowledgement(
    case: &Case,
    record_id: String,
) -> Result<Vec<Event>, SickNoteRefusal> {
    match case.sick_notes.recorded.get(&record_id) {
        Some(recorded) if recorded.automatic && recorded.acknowledged => {
            Err(SickNoteRefusal::AlreadyAcknowledged)
        }
        Some(recorded) if recorded.automatic => Ok(vec![Event::SickNoteAcknowledged(
            proto::SickNoteAcknowledged { record_id },
        )]),
        _ => Err(SickNoteRefusal::NoAutomaticRecord),
    }
}

#[cfg(test)]
mod tests;
