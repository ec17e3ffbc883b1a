//! The E-Akte's side of a sick note submitted as a form: the case service recorded the period
//! (`case.IncapacityRecorded`, source form); the E-Akte files a printable record of it, so the
//! case file shows the sick note like every other document. What the record says, its id and
//! its tags are decided here; rendering is [`text_pdf`]. Pure.
//!
//! Never carries a diagnosis: the form has none, and the record shows only the period, the kind
//! of certificate and when it arrived.

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Europe::Berlin;
use jobcenter_proto::case::v1 as case;
use uuid::Uuid;

use super::dates;
use text_pdf::Line;

/// Namespace of the ids of records of form sick notes.
const RECORDS: Uuid = Uuid::from_u128(0x3b7e_52c1_a94d_4f60_8d2e_61f0_b7a9_c418);
/// Namespace of the command ids that file them.
const FILINGS: Uuid = Uuid::from_u128(0x9c04_e6a2_1f5b_47d3_b8e9_2a6c_d153_f07e);

/// The tag every sick note carries, and the tags of the certificate kinds.
pub const TAG_SICK_NOTE: &str = "arbeitsunfaehigkeit";
pub const TAG_FIRST: &str = "erstbescheinigung";
pub const TAG_FOLLOW_UP: &str = "folgebescheinigung";

/// First or follow-up certificate, as far as known.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CertificateKind {
    First,
    FollowUp,
    Unknown,
}

impl CertificateKind {
    /// From the case service's recorded value.
    pub fn from_case(value: i32) -> Self {
        match case::SickNoteCertificate::try_from(value) {
            Ok(case::SickNoteCertificate::First) => Self::First,
            Ok(case::SickNoteCertificate::FollowUp) => Self::FollowUp,
            _ => Self::Unknown,
        }
    }

    /// In German, for the record.
    fn words(self) -> &'static str {
        match self {
            Self::First => "Erstbescheinigung",
            Self::FollowUp => "Folgebescheinigung",
            Self::Unknown => "nicht angegeben",
        }
    }

    /// The tags a sick note of this kind carries (before the vocabulary is applied).
    pub fn tags(self) -> Vec<&'static str> {
        match self {
            Self::First => vec![TAG_SICK_NOTE, TAG_FIRST],
            Self::FollowUp => vec![TAG_SICK_NOTE, TAG_FOLLOW_UP],
            Self::Unknown => vec![TAG_SICK_NOTE],
        }
    }
}

/// A sick note the case service recorded from a form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FormSickNote {
    /// The intake application's UUID (the record id on the case).
    pub application_id: Uuid,
    pub case_id: Uuid,
    pub incapacity_from: NaiveDate,
    pub incapacity_until: NaiveDate,
    pub issued_on: Option<NaiveDate>,
    pub certificate: CertificateKind,
    /// The legal moment of receipt.
    pub received_at: DateTime<Utc>,
}

impl FormSickNote {
    /// The form sick note an `IncapacityRecorded` of case `case_id` stands for; `None` for a
    /// scan's record (that document is in the E-Akte already) or an incomplete event.
    pub fn from_event(case_id: Uuid, recorded: &case::IncapacityRecorded) -> Option<Self> {
        if recorded.source != case::IncapacitySource::Form as i32 {
            return None;
        }
        Some(Self {
            application_id: Uuid::parse_str(&recorded.record_id).ok()?,
            case_id,
            incapacity_from: recorded
                .incapacity_from
                .as_ref()
                .and_then(dates::from_proto)?,
            incapacity_until: recorded
                .incapacity_until
                .as_ref()
                .and_then(dates::from_proto)?,
            issued_on: recorded.issued_on.as_ref().and_then(dates::from_proto),
            certificate: CertificateKind::from_case(recorded.certificate),
            received_at: recorded.received_at.as_ref().and_then(dates::to_utc)?,
        })
    }

    /// The document the record is filed as: one per tenant and application, so a redelivered
    /// event files nothing twice.
    pub fn document_id(&self, tenant: &str) -> Uuid {
        Uuid::new_v5(
            &RECORDS,
            format!("{tenant}\0{}", self.application_id).as_bytes(),
        )
    }

    /// The client id of the command filing it.
    pub fn command_id(&self, tenant: &str) -> Uuid {
        Uuid::new_v5(
            &FILINGS,
            format!("{tenant}\0{}", self.application_id).as_bytes(),
        )
    }

    /// The record's file name.
    pub fn file_name(&self) -> String {
        format!(
            "krankmeldung-{}.pdf",
            self.incapacity_from.format("%Y-%m-%d")
        )
    }

    /// What the record shows, in German.
    pub fn lines(&self) -> Vec<Line> {
        let day = |d: NaiveDate| d.format("%d.%m.%Y").to_string();
        let received = self.received_at.with_timezone(&Berlin);
        let mut lines = vec![
            Line::Heading("Krankmeldung (Online-Formular)".into()),
            Line::Blank,
            Line::Text(format!("Fall: {}", self.case_id)),
            Line::Text(format!("Formular-Eingang: {}", self.application_id)),
            Line::Text(format!(
                "Eingegangen am {} um {} Uhr",
                received.format("%d.%m.%Y"),
                received.format("%H:%M")
            )),
            Line::Blank,
            Line::Text(format!(
                "Art der Bescheinigung: {}",
                self.certificate.words()
            )),
            Line::Text(format!(
                "Arbeitsunfähig vom {} bis voraussichtlich {}",
                day(self.incapacity_from),
                day(self.incapacity_until)
            )),
        ];
        if let Some(issued) = self.issued_on {
            lines.push(Line::Text(format!("Festgestellt am {}", day(issued))));
        }
        lines.extend([
            Line::Blank,
            Line::Text("Angaben der antragstellenden Person im Online-Formular, vom".into()),
            Line::Text("Jobcenter automatisch in den Fall übernommen. Ohne Diagnose.".into()),
        ]);
        lines
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn recorded(source: case::IncapacitySource) -> case::IncapacityRecorded {
        case::IncapacityRecorded {
            record_id: Uuid::from_u128(7).to_string(),
            source: source as i32,
            incapacity_from: Some(dates::to_proto(day(2026, 11, 16))),
            incapacity_until: Some(dates::to_proto(day(2026, 11, 27))),
            issued_on: Some(dates::to_proto(day(2026, 11, 16))),
            certificate: case::SickNoteCertificate::FollowUp as i32,
            received_at: Some(dates::to_timestamp(
                DateTime::from_timestamp(1_795_339_800, 0).expect("time"),
            )),
            automatic: true,
        }
    }

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).expect("day")
    }

    #[test]
    fn only_a_form_sick_note_is_filed_as_a_record() {
        let case_id = Uuid::from_u128(9);
        assert!(
            FormSickNote::from_event(case_id, &recorded(case::IncapacitySource::Scan)).is_none()
        );
        let note = FormSickNote::from_event(case_id, &recorded(case::IncapacitySource::Form))
            .expect("a form sick note");
        assert_eq!(note.application_id, Uuid::from_u128(7));
        assert_eq!(note.certificate, CertificateKind::FollowUp);
        assert_eq!(note.incapacity_until, day(2026, 11, 27));
    }

    #[test]
    fn the_record_shows_the_period_the_kind_and_the_receipt_in_berlin_time() {
        let note =
            FormSickNote::from_event(Uuid::from_u128(9), &recorded(case::IncapacitySource::Form))
                .expect("note");
        let text: Vec<String> = note
            .lines()
            .into_iter()
            .filter_map(|line| match line {
                Line::Heading(t) | Line::Text(t) => Some(t),
                Line::Blank => None,
            })
            .collect();
        assert!(
            text.contains(
                &"Arbeitsunfähig vom 16.11.2026 bis voraussichtlich 27.11.2026".to_owned()
            )
        );
        assert!(text.contains(&"Art der Bescheinigung: Folgebescheinigung".to_owned()));
        assert!(text.contains(&"Festgestellt am 16.11.2026".to_owned()));
        // 1_795_339_800 is 2026-11-22 09:30 UTC, 10:30 in Berlin (winter time).
        assert!(text.contains(&"Eingegangen am 22.11.2026 um 10:30 Uhr".to_owned()));
    }

    #[test]
    fn the_record_of_an_application_has_one_id_per_tenant() {
        let note =
            FormSickNote::from_event(Uuid::from_u128(9), &recorded(case::IncapacitySource::Form))
                .expect("note");
        assert_eq!(note.document_id("jc-a"), note.document_id("jc-a"));
        assert_ne!(note.document_id("jc-a"), note.document_id("jc-b"));
        assert_ne!(note.document_id("jc-a"), note.command_id("jc-a"));
    }
}
