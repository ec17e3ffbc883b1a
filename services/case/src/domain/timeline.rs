//! The words a caseworker reads for each event of a case.

use jobcenter_proto::case::v1 as proto;
use jobcenter_proto::common::v1::Date;

use super::{Event, to_utc};

mod appointment_wording;
mod message_wording;

/// Describes one event of a case in plain words.
pub fn describe(event: &Event) -> String {
    match event {
        Event::CaseOpened(e) => describe_opened(e),
        Event::ReviewStarted(_) => "Review of the application started".to_owned(),
        Event::DocumentsRequested(e) => {
            let what = match e.documents.as_slice() {
                [] => "Documents".to_owned(),
                documents => documents.join(", "),
            };
            format!("Requested from the applicant: {what}; due {}", day(&e.due))
        }
        Event::DocumentsReceived(_) => "The requested documents arrived".to_owned(),
        Event::RefusalWarned(e) => format!(
            "Written warning sent (§ 66 SGB I): refusal unless the documents arrive by {}",
            day(&e.due)
        ),
        Event::DecisionIssued(e) => describe_decision(e),
        Event::ObjectionFiled(e) => {
            let late = if e.late {
                " after the objection period"
            } else {
                ""
            };
            format!("Objection received on {}{late}", day(&e.filed_on))
        }
        Event::ObjectionDecided(e) => {
            match proto::ObjectionResult::try_from(e.result).unwrap_or_default() {
                proto::ObjectionResult::Remedied => "Objection granted by the office (remedy)",
                proto::ObjectionResult::Rejected => "Objection rejected by objection decision",
                proto::ObjectionResult::Unspecified => "Objection decided",
            }
            .to_owned()
        }
        Event::CaseClosed(e) => format!(
            "Case closed on {} ({})",
            day(&e.closed_on),
            close_reason(e.reason)
        ),
        Event::CaseAssigned(e) => describe_assignment(e),
        Event::DeadlineReached(e) => describe_deadline(e),
        Event::MatterAttached(e) => {
            let warnings = match e.warnings.len() {
                0 => String::new(),
                1 => " with one plausibility warning".to_owned(),
                n => format!(" with {n} plausibility warnings"),
            };
            format!("{} received{warnings}", matter_kind(e.kind))
        }
        Event::MatterDecided(e) => {
            let how = match proto::MatterOutcome::try_from(e.outcome).unwrap_or_default() {
                proto::MatterOutcome::Approved => "approved",
                proto::MatterOutcome::Rejected => "rejected",
                proto::MatterOutcome::Processed | proto::MatterOutcome::Unspecified => "processed",
            };
            format!("Matter {} {how}", short_id(&e.application_id))
        }
        Event::AssignmentRulesSet(e) => format!("Assignment rules set ({} rules)", e.rules.len()),
        Event::CaseworkerAbsenceRecorded(e) => format!(
            "Absence recorded from {} to {}",
            day(&e.first_day),
            day(&e.last_day)
        ),
        Event::IncapacityRecorded(e) => describe_incapacity(e),
        Event::SickNoteReviewRequested(e) => {
            let doubts = match e.doubts.as_slice() {
                [] => String::new(),
                doubts => format!(": {}", doubts.join("; ")),
            };
            format!(
                "Scanned sick note {} to be checked by a caseworker (read with confidence {}){doubts}",
                short_id(&e.document_id),
                e.confidence
            )
        }
        Event::SickNoteAcknowledged(e) => format!(
            "Caseworker took note of the sick note {} the platform recorded",
            short_id(&e.record_id)
        ),
        Event::AppointmentNoted(e) => appointment_wording::noted(e),
        Event::MissedAppointmentAssessmentRequested(e) => {
            appointment_wording::assessment_requested(e)
        }
        Event::MissedAppointmentAssessed(e) => appointment_wording::assessed(e),
        Event::ApplicantMessageNoted(e) => message_wording::noted(e),
        Event::ApplicantMessageAnswered(e) => message_wording::answered(e),
    }
}

fn describe_incapacity(e: &proto::IncapacityRecorded) -> String {
    let source = match proto::IncapacitySource::try_from(e.source).unwrap_or_default() {
        proto::IncapacitySource::Form => "the sick-note form",
        proto::IncapacitySource::Scan => "a scanned sick note",
        proto::IncapacitySource::Unspecified => "a sick note",
    };
    let how = if e.automatic {
        "recorded automatically"
    } else {
        "recorded as confirmed by a caseworker"
    };
    let certificate = match proto::SickNoteCertificate::try_from(e.certificate).unwrap_or_default()
    {
        proto::SickNoteCertificate::First => " (first certificate)",
        proto::SickNoteCertificate::FollowUp => " (follow-up certificate)",
        proto::SickNoteCertificate::Unspecified => "",
    };
    format!(
        "Incapacity for work from {} to {} {how} from {source}{certificate}",
        day(&e.incapacity_from),
        day(&e.incapacity_until)
    )
}

/// A date as "2026-12-09", or "(no date)".
fn day(date: &Option<Date>) -> String {
    date.as_ref()
        .map(|d| format!("{:04}-{:02}-{:02}", d.year, d.month, d.day))
        .unwrap_or_else(|| "(no date)".to_owned())
}

fn short_id(id: &str) -> &str {
    id.get(..8).unwrap_or(id)
}

fn describe_decision(e: &proto::DecisionIssued) -> String {
    let outcome = match proto::DecisionOutcome::try_from(e.outcome).unwrap_or_default() {
        proto::DecisionOutcome::Approved => "approved",
        proto::DecisionOutcome::PartlyApproved => "partly approved",
        proto::DecisionOutcome::Rejected => "rejected",
        proto::DecisionOutcome::RefusedForLackOfCooperation => {
            "refused for lack of cooperation (§ 66 SGB I)"
        }
        proto::DecisionOutcome::Unspecified => "decided",
    };
    let provisional = if e.provisional { " provisionally" } else { "" };
    let period = e
        .period
        .as_ref()
        .map(|p| format!(" for {} to {}", day(&p.first_day), day(&p.last_day)))
        .unwrap_or_default();
    format!(
        "Application{provisional} {outcome}{period}; decision issued {}, deemed notified {}",
        day(&e.issued_on),
        day(&e.notified_on)
    )
}

fn close_reason(reason: i32) -> &'static str {
    match proto::CloseReason::try_from(reason).unwrap_or_default() {
        proto::CloseReason::BenefitsEnded => "benefits ended",
        proto::CloseReason::WorkFound => "work found",
        proto::CloseReason::MovedAway => "moved away",
        proto::CloseReason::NotEligible => "not eligible",
        proto::CloseReason::Withdrawn => "application withdrawn",
        proto::CloseReason::Other | proto::CloseReason::Unspecified => "other reason",
    }
}

fn describe_assignment(e: &proto::CaseAssigned) -> String {
    let whom = if e.caseworker.is_empty() {
        format!("the queue of team {}", e.team)
    } else {
        format!("caseworker {} (team {})", e.caseworker, e.team)
    };
    match proto::AssignmentSource::try_from(e.source).unwrap_or_default() {
        proto::AssignmentSource::Rule => format!("Assigned to {whom} by rule {}", e.rule_id),
        _ => format!("Reassigned to {whom}"),
    }
}

fn describe_deadline(e: &proto::DeadlineReached) -> String {
    let what = match proto::DeadlineKind::try_from(e.kind).unwrap_or_default() {
        proto::DeadlineKind::DocumentsReminder => "Reminder: requested documents due in 3 days",
        proto::DeadlineKind::DocumentsDue => "Deadline for the requested documents passed",
        proto::DeadlineKind::ContinuationPrompt => {
            "Benefit period ends in two months: continuation application due"
        }
        proto::DeadlineKind::ObjectionPeriodEnds => "Objection period ended",
        proto::DeadlineKind::DecisionOverdueWarning => {
            "Five months without a decision: the six-month limit (§ 88 SGG) is near"
        }
        proto::DeadlineKind::ObjectionDecisionOverdueWarning => {
            "Objection undecided for almost three months (§ 88 SGG)"
        }
        proto::DeadlineKind::Unspecified => "A deadline passed",
    };
    format!("{what} ({})", day(&e.due_on))
}

/// The kind of a matter in words.
pub fn matter_kind(kind: i32) -> &'static str {
    match proto::MatterKind::try_from(kind).unwrap_or_default() {
        proto::MatterKind::MainApplication => "Further main application",
        proto::MatterKind::ContinuationApplication => "Continuation application",
        proto::MatterKind::OneOffBenefit => "Application for one-off benefits",
        proto::MatterKind::EducationParticipation => "Application for education and participation",
        proto::MatterKind::SickNote => "Sick note",
        proto::MatterKind::AbsenceNotice => "Notice of absence",
        proto::MatterKind::ChangeNotice => "Change notice",
        proto::MatterKind::Unspecified => "Submission",
    }
}

/// Describes a recorded case event (payload decoded by its type) in plain words; a type this
/// version does not know gets a neutral line.
pub fn describe_recorded(event_type: &str, payload: &[u8]) -> Result<String, prost::DecodeError> {
    Ok(match super::Event::decode(event_type, payload)? {
        Some(event) => describe(&event),
        None => describe_unknown(event_type),
    })
}

/// A line for an event type this version does not know (written by a newer version).
pub fn describe_unknown(event_type: &str) -> String {
    format!("Recorded event of type {event_type}")
}

fn describe_opened(e: &proto::CaseOpened) -> String {
    let received = e
        .application_received_at
        .as_ref()
        .and_then(to_utc)
        .map(|at| at.format("%Y-%m-%d").to_string());
    let people = match e.household_size {
        1 => "one person".to_owned(),
        n => format!("{n} people"),
    };
    match received {
        Some(day) => {
            format!("Case opened for an application received on {day} (household of {people})")
        }
        None => format!("Case opened for an application (household of {people})"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(year: i32, month: i32, day: i32) -> Option<Date> {
        Some(Date { year, month, day })
    }

    #[test]
    fn the_lifecycle_reads_as_a_caseworker_would_say_it() {
        let cases = [
            (
                Event::DocumentsRequested(proto::DocumentsRequested {
                    due: date(2026, 12, 9),
                    documents: vec!["Kontoauszüge".into(), "Mietvertrag".into()],
                }),
                "Requested from the applicant: Kontoauszüge, Mietvertrag; due 2026-12-09",
            ),
            (
                Event::DecisionIssued(proto::DecisionIssued {
                    outcome: proto::DecisionOutcome::Approved as i32,
                    issued_on: date(2026, 12, 15),
                    notified_on: date(2026, 12, 19),
                    period: Some(proto::BenefitPeriod {
                        first_day: date(2026, 11, 1),
                        last_day: date(2027, 10, 31),
                    }),
                    provisional: true,
                    ..Default::default()
                }),
                "Application provisionally approved for 2026-11-01 to 2027-10-31; decision issued \
                 2026-12-15, deemed notified 2026-12-19",
            ),
            (
                Event::ObjectionFiled(proto::ObjectionFiled {
                    filed_on: date(2027, 2, 1),
                    late: true,
                }),
                "Objection received on 2027-02-01 after the objection period",
            ),
            (
                Event::DeadlineReached(proto::DeadlineReached {
                    kind: proto::DeadlineKind::DocumentsDue as i32,
                    due_on: date(2026, 12, 9),
                }),
                "Deadline for the requested documents passed (2026-12-09)",
            ),
            (
                Event::MatterAttached(proto::MatterAttached {
                    kind: proto::MatterKind::SickNote as i32,
                    warnings: vec!["x".into()],
                    ..Default::default()
                }),
                "Sick note received with one plausibility warning",
            ),
            (
                Event::IncapacityRecorded(proto::IncapacityRecorded {
                    record_id: "5f0c6c0e-8f0a-4a57-9d7e-1f3c2b9a0b11".into(),
                    source: proto::IncapacitySource::Form as i32,
                    incapacity_from: date(2026, 12, 1),
                    incapacity_until: date(2026, 12, 5),
                    certificate: proto::SickNoteCertificate::FollowUp as i32,
                    automatic: true,
                    ..Default::default()
                }),
                "Incapacity for work from 2026-12-01 to 2026-12-05 recorded automatically from \
                 the sick-note form (follow-up certificate)",
            ),
            (
                Event::IncapacityRecorded(proto::IncapacityRecorded {
                    source: proto::IncapacitySource::Scan as i32,
                    incapacity_from: date(2026, 12, 1),
                    incapacity_until: date(2026, 12, 5),
                    automatic: false,
                    ..Default::default()
                }),
                "Incapacity for work from 2026-12-01 to 2026-12-05 recorded as confirmed by a \
                 caseworker from a scanned sick note",
            ),
            (
                Event::SickNoteReviewRequested(proto::SickNoteReviewRequested {
                    document_id: "0a1b2c3d-8f0a-4a57-9d7e-1f3c2b9a0b11".into(),
                    confidence: 55,
                    doubts: vec![
                        "no end date found".into(),
                        "the name read does not match the case's applicant".into(),
                    ],
                    ..Default::default()
                }),
                "Scanned sick note 0a1b2c3d to be checked by a caseworker (read with confidence \
                 55): no end date found; the name read does not match the case's applicant",
            ),
            (
                Event::SickNoteAcknowledged(proto::SickNoteAcknowledged {
                    record_id: "5f0c6c0e-8f0a-4a57-9d7e-1f3c2b9a0b11".into(),
                }),
                "Caseworker took note of the sick note 5f0c6c0e the platform recorded",
            ),
        ];
        for (event, words) in cases {
            assert_eq!(describe(&event), words);
        }
    }

    #[test]
    fn case_opened_names_the_day_of_receipt() {
        let e = Event::CaseOpened(proto::CaseOpened {
            application_received_at: Some(prost_types::Timestamp {
                seconds: 1_795_426_200,
                nanos: 0,
            }),
            household_size: 2,
            ..Default::default()
        });
        assert_eq!(
            describe(&e),
            "Case opened for an application received on 2026-11-23 (household of 2 people)"
        );
    }
}
