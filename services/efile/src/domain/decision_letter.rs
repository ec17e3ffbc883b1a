//! The E-Akte's side of a decision: the case service recorded it (`case.DecisionIssued`); the
//! E-Akte files the decision letter (Bescheid) as a generated document on the case, which the
//! notification service then delivers to the applicant's mailbox or by post. What the letter
//! says, its id and its tags are decided here; rendering is [`text_pdf`]. Pure.
//!
//! The letter is made from the event alone (no name, no address: the E-Akte keeps neither, and
//! the printed letter gets its address block from the notification service), so the same
//! decision always gives the same bytes.

use chrono::{DateTime, NaiveDate, Utc};
use jobcenter_proto::case::v1 as case;
use text_pdf::Line;
use uuid::Uuid;

use super::dates;

/// Namespace of the ids of decision letters.
const LETTERS: Uuid = Uuid::from_u128(0x71bd_3e21_4488_4d1e_a5dc_a5f5_4a74_803a);
/// Namespace of the command ids that file them.
const FILINGS: Uuid = Uuid::from_u128(0x0a59_23da_9652_4ed1_9bf9_c623_93e7_7fff);

/// The tag of decision letters (in the default vocabulary).
pub const TAG_DECISION: &str = "bescheid";

/// How the application was decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Bewilligung.
    Approved,
    /// Teilweise Bewilligung.
    PartlyApproved,
    /// Ablehnung.
    Rejected,
    /// Versagung wegen fehlender Mitwirkung (§ 66 SGB I).
    RefusedForLackOfCooperation,
}

impl Outcome {
    /// From the case service's recorded value; `None` for a value this service does not know.
    pub fn from_case(value: i32) -> Option<Self> {
        match case::DecisionOutcome::try_from(value) {
            Ok(case::DecisionOutcome::Approved) => Some(Self::Approved),
            Ok(case::DecisionOutcome::PartlyApproved) => Some(Self::PartlyApproved),
            Ok(case::DecisionOutcome::Rejected) => Some(Self::Rejected),
            Ok(case::DecisionOutcome::RefusedForLackOfCooperation) => {
                Some(Self::RefusedForLackOfCooperation)
            }
            Ok(case::DecisionOutcome::Unspecified) | Err(_) => None,
        }
    }

    /// The operative sentence, in German.
    pub fn words(self) -> &'static str {
        match self {
            Self::Approved => {
                "Die beantragten Leistungen zur Sicherung des Lebensunterhalts werden bewilligt."
            }
            Self::PartlyApproved => {
                "Die beantragten Leistungen werden teilweise bewilligt; im Übrigen wird der \
                 Antrag abgelehnt."
            }
            Self::Rejected => "Der Antrag auf Leistungen wird abgelehnt.",
            Self::RefusedForLackOfCooperation => {
                "Die Leistungen werden wegen fehlender Mitwirkung versagt (§\u{a0}66 SGB\u{a0}I)."
            }
        }
    }
}

/// A legal citation whose parts stay on one line ("§ 37 Abs. 2 SGB X" with no-break spaces).
fn cite(citation: &str) -> String {
    citation.replace(' ', "\u{a0}")
}

/// A decision the case service recorded, as the letter shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecisionLetter {
    /// The id of the `case.DecisionIssued` event (one letter per decision).
    pub decision_event_id: Uuid,
    /// The case the decision is on (its stream).
    pub case_id: Uuid,
    /// How it came out.
    pub outcome: Outcome,
    /// The day the letter was issued.
    pub issued_on: NaiveDate,
    /// Deemed notified (§ 37 (2) SGB X).
    pub notified_on: NaiveDate,
    /// The benefit period, both days included, when benefits are granted.
    pub period: Option<(NaiveDate, NaiveDate)>,
    /// Provisional (§ 41a SGB II).
    pub provisional: bool,
    /// The rule set and the case version the decision rests on (its provenance).
    pub rule_set: String,
    /// The case stream's version the decision rests on.
    pub based_on_version: i32,
    /// When the case log recorded the decision: the letter's moment of receipt in the file.
    pub decided_at: DateTime<Utc>,
}

impl DecisionLetter {
    /// The letter of event `event_id` (recorded at `recorded_at`) on case `case_id`; `None` for
    /// an outcome this service does not know or an event without its days.
    pub fn from_event(
        case_id: Uuid,
        event_id: Uuid,
        recorded_at: DateTime<Utc>,
        issued: &case::DecisionIssued,
    ) -> Option<Self> {
        let period = issued.period.as_ref().and_then(|p| {
            Some((
                p.first_day.as_ref().and_then(dates::from_proto)?,
                p.last_day.as_ref().and_then(dates::from_proto)?,
            ))
        });
        Some(Self {
            decision_event_id: event_id,
            case_id,
            outcome: Outcome::from_case(issued.outcome)?,
            issued_on: issued.issued_on.as_ref().and_then(dates::from_proto)?,
            notified_on: issued.notified_on.as_ref().and_then(dates::from_proto)?,
            period,
            provisional: issued.provisional,
            rule_set: issued.rule_set.clone(),
            based_on_version: issued.based_on_version,
            decided_at: recorded_at,
        })
    }

    /// The document the letter is filed as: one per tenant and decision event, so a
    /// redelivered event files nothing twice.
    pub fn document_id(&self, tenant: &str) -> Uuid {
        Uuid::new_v5(&LETTERS, self.key(tenant).as_bytes())
    }

    /// The client id of the command filing it.
    pub fn command_id(&self, tenant: &str) -> Uuid {
        Uuid::new_v5(&FILINGS, self.key(tenant).as_bytes())
    }

    fn key(&self, tenant: &str) -> String {
        format!("{tenant}\0{}", self.decision_event_id)
    }

    /// The tags a decision letter carries (before the vocabulary is applied).
    pub fn tags() -> Vec<&'static str> {
        vec![TAG_DECISION]
    }

    /// The letter's file name.
    pub fn file_name(&self) -> String {
        format!("bescheid-{}.pdf", self.issued_on.format("%Y-%m-%d"))
    }

    /// What the letter says, in German.
    pub fn lines(&self) -> Vec<Line> {
        let day = |d: NaiveDate| d.format("%d.%m.%Y").to_string();
        let mut lines = vec![
            Line::Heading("Bescheid über Leistungen nach dem SGB II".into()),
            Line::Blank,
            Line::Text(format!("Fall: {}", self.case_id)),
            Line::Text(format!("Bescheid vom {}", day(self.issued_on))),
            Line::Blank,
            Line::Heading("Entscheidung".into()),
            Line::Text(self.outcome.words().into()),
        ];
        if let Some((first, last)) = self.period {
            lines.push(Line::Text(format!(
                "Bewilligungszeitraum: {} bis {}",
                day(first),
                day(last)
            )));
        }
        if self.provisional {
            lines.push(Line::Text(format!(
                "Die Entscheidung ergeht vorläufig ({}); abschließend entschieden wird, sobald \
                 die Voraussetzungen feststehen.",
                cite("§ 41a SGB II")
            )));
        }
        lines.extend([
            Line::Blank,
            Line::Heading("Bekanntgabe".into()),
            Line::Text(format!(
                "Dieser Bescheid wurde am {} erlassen und gilt am {} als bekannt gegeben ({}).",
                day(self.issued_on),
                day(self.notified_on),
                cite("§ 37 Abs. 2 SGB X")
            )),
            Line::Blank,
            Line::Heading("Rechtsbehelfsbelehrung".into()),
            Line::Text(
                "Gegen diesen Bescheid kann innerhalb eines Monats nach seiner Bekanntgabe \
                 Widerspruch erhoben werden. Der Widerspruch ist schriftlich oder zur \
                 Niederschrift bei dem Jobcenter einzulegen, das diesen Bescheid erlassen hat."
                    .into(),
            ),
            Line::Blank,
            Line::Text(format!(
                "Grundlage der Entscheidung: Regelwerk {}, Stand des Falls Version {}.",
                self.rule_set, self.based_on_version
            )),
            Line::Text(format!(
                "Dieser Bescheid wurde maschinell erstellt und ist ohne Unterschrift gültig ({}).",
                cite("§ 33 Abs. 5 SGB X")
            )),
        ]);
        lines
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).expect("day")
    }

    fn issued(outcome: case::DecisionOutcome, provisional: bool) -> case::DecisionIssued {
        let granted = matches!(
            outcome,
            case::DecisionOutcome::Approved | case::DecisionOutcome::PartlyApproved
        );
        case::DecisionIssued {
            outcome: outcome as i32,
            issued_on: Some(dates::to_proto(day(2026, 11, 16))),
            notified_on: Some(dates::to_proto(day(2026, 11, 20))),
            period: granted.then(|| case::BenefitPeriod {
                first_day: Some(dates::to_proto(day(2026, 11, 1))),
                last_day: Some(dates::to_proto(day(2027, 4, 30))),
            }),
            provisional,
            rule_set: "sgb2-2026".into(),
            based_on_version: 5,
        }
    }

    fn letter(outcome: case::DecisionOutcome, provisional: bool) -> DecisionLetter {
        DecisionLetter::from_event(
            Uuid::from_u128(9),
            Uuid::from_u128(77),
            DateTime::from_timestamp(1_795_339_800, 0).expect("time"),
            &issued(outcome, provisional),
        )
        .expect("a letter")
    }

    fn text(letter: &DecisionLetter) -> Vec<String> {
        letter
            .lines()
            .into_iter()
            .filter_map(|line| match line {
                Line::Heading(t) | Line::Text(t) => Some(t.replace('\u{a0}', " ")),
                Line::Blank => None,
            })
            .collect()
    }

    #[test]
    fn an_approval_states_outcome_period_dates_and_the_objection_period() {
        let text = text(&letter(case::DecisionOutcome::Approved, true));
        assert_eq!(text[0], "Bescheid über Leistungen nach dem SGB II");
        assert!(text.contains(&Outcome::Approved.words().to_owned()));
        // Citations are not broken across lines.
        assert!(letter(case::DecisionOutcome::Approved, true)
            .lines()
            .iter()
            .any(|l| matches!(l, Line::Text(t) if t.contains("(§\u{a0}37\u{a0}Abs.\u{a0}2\u{a0}SGB\u{a0}X)"))));
        assert!(text.contains(&"Bewilligungszeitraum: 01.11.2026 bis 30.04.2027".to_owned()));
        assert!(
            text.iter()
                .any(|l| l.starts_with("Die Entscheidung ergeht vorläufig (§ 41a"))
        );
        assert!(
            text.contains(
                &"Dieser Bescheid wurde am 16.11.2026 erlassen und gilt am 20.11.2026 als bekannt \
              gegeben (§ 37 Abs. 2 SGB X)."
                    .to_owned()
            )
        );
        assert!(text.contains(&"Rechtsbehelfsbelehrung".to_owned()));
        assert!(text.iter().any(
            |l| l.contains("innerhalb eines Monats nach seiner Bekanntgabe")
                && l.contains("schriftlich oder zur Niederschrift")
        ));
        assert!(
            text.contains(
                &"Grundlage der Entscheidung: Regelwerk sgb2-2026, Stand des Falls Version 5."
                    .to_owned()
            )
        );
    }

    #[test]
    fn a_rejection_has_no_benefit_period_and_a_final_decision_no_provisional_note() {
        let text = text(&letter(case::DecisionOutcome::Rejected, false));
        assert!(text.contains(&"Der Antrag auf Leistungen wird abgelehnt.".to_owned()));
        assert!(!text.iter().any(|l| l.starts_with("Bewilligungszeitraum")));
        assert!(!text.iter().any(|l| l.contains("vorläufig")));
    }

    #[test]
    fn every_known_outcome_has_its_words_and_an_unknown_one_no_letter() {
        for outcome in [
            case::DecisionOutcome::Approved,
            case::DecisionOutcome::PartlyApproved,
            case::DecisionOutcome::Rejected,
            case::DecisionOutcome::RefusedForLackOfCooperation,
        ] {
            let letter = letter(outcome, false);
            let words = letter.outcome.words().replace('\u{a0}', " ");
            assert!(text(&letter).contains(&words));
        }
        let mut unknown = issued(case::DecisionOutcome::Approved, false);
        unknown.outcome = 99;
        let at = DateTime::from_timestamp(0, 0).expect("time");
        assert!(DecisionLetter::from_event(Uuid::nil(), Uuid::nil(), at, &unknown).is_none());
        let mut undated = issued(case::DecisionOutcome::Approved, false);
        undated.notified_on = None;
        assert!(DecisionLetter::from_event(Uuid::nil(), Uuid::nil(), at, &undated).is_none());
    }

    #[test]
    fn the_letter_of_a_decision_has_one_id_per_tenant_and_decision_event() {
        let letter = letter(case::DecisionOutcome::Approved, false);
        assert_eq!(letter.document_id("jc-a"), letter.document_id("jc-a"));
        assert_ne!(letter.document_id("jc-a"), letter.document_id("jc-b"));
        assert_ne!(letter.document_id("jc-a"), letter.command_id("jc-a"));
        let other = DecisionLetter {
            decision_event_id: Uuid::from_u128(78),
            ..letter.clone()
        };
        assert_ne!(letter.document_id("jc-a"), other.document_id("jc-a"));
        assert_eq!(letter.file_name(), "bescheid-2026-11-16.pdf");
    }

    #[test]
    fn the_same_decision_renders_to_the_same_pdf() {
        let letter = letter(case::DecisionOutcome::PartlyApproved, true);
        let pdf = text_pdf::render_letter(None, &letter.lines());
        assert!(pdf.starts_with(b"%PDF-"));
        assert_eq!(pdf, text_pdf::render_letter(None, &letter.lines()));
    }
}
