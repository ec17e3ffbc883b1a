//! Between the lifecycle's domain values and the recorded proto events: the one place where
//! outcomes, results, deadlines and periods change form.

use jobcenter_proto::case::v1 as proto;

use super::dates;
use super::events::Event;
use super::lifecycle::{self, BenefitPeriod, Deadline, ObjectionResult, Outcome};

/// A decision outcome as recorded.
pub fn outcome_to_proto(outcome: Outcome) -> proto::DecisionOutcome {
    match outcome {
        Outcome::Approved => proto::DecisionOutcome::Approved,
        Outcome::PartlyApproved => proto::DecisionOutcome::PartlyApproved,
        Outcome::Rejected => proto::DecisionOutcome::Rejected,
        Outcome::RefusedForLackOfCooperation => proto::DecisionOutcome::RefusedForLackOfCooperation,
    }
}

/// A recorded decision outcome; `None` for unspecified or unknown values.
pub fn outcome_from_proto(value: i32) -> Option<Outcome> {
    match proto::DecisionOutcome::try_from(value).ok()? {
        proto::DecisionOutcome::Approved => Some(Outcome::Approved),
        proto::DecisionOutcome::PartlyApproved => Some(Outcome::PartlyApproved),
        proto::DecisionOutcome::Rejected => Some(Outcome::Rejected),
        proto::DecisionOutcome::RefusedForLackOfCooperation => {
            Some(Outcome::RefusedForLackOfCooperation)
        }
        proto::DecisionOutcome::Unspecified => None,
    }
}

/// A recorded objection result; `None` for unspecified or unknown values.
pub fn objection_result_from_proto(value: i32) -> Option<ObjectionResult> {
    match proto::ObjectionResult::try_from(value).ok()? {
        proto::ObjectionResult::Remedied => Some(ObjectionResult::Remedied),
        proto::ObjectionResult::Rejected => Some(ObjectionResult::Rejected),
        proto::ObjectionResult::Unspecified => None,
    }
}

fn objection_result_to_proto(result: ObjectionResult) -> proto::ObjectionResult {
    match result {
        ObjectionResult::Remedied => proto::ObjectionResult::Remedied,
        ObjectionResult::Rejected => proto::ObjectionResult::Rejected,
    }
}

/// A benefit period as recorded.
pub fn period_to_proto(period: BenefitPeriod) -> proto::BenefitPeriod {
    proto::BenefitPeriod {
        first_day: Some(dates::to_proto(period.first_day)),
        last_day: Some(dates::to_proto(period.last_day)),
    }
}

fn period_from_proto(period: &proto::BenefitPeriod) -> Option<BenefitPeriod> {
    Some(BenefitPeriod {
        first_day: dates::from_proto(period.first_day.as_ref()?)?,
        last_day: dates::from_proto(period.last_day.as_ref()?)?,
    })
}

/// A deadline as its recorded kind and day.
pub fn deadline_to_proto(deadline: Deadline) -> (proto::DeadlineKind, chrono::NaiveDate) {
    match deadline {
        Deadline::DocumentsReminder(d) => (proto::DeadlineKind::DocumentsReminder, d),
        Deadline::DocumentsDue(d) => (proto::DeadlineKind::DocumentsDue, d),
        Deadline::ContinuationPrompt(d) => (proto::DeadlineKind::ContinuationPrompt, d),
        Deadline::ObjectionPeriodEnds(d) => (proto::DeadlineKind::ObjectionPeriodEnds, d),
        Deadline::DecisionOverdueWarning(d) => (proto::DeadlineKind::DecisionOverdueWarning, d),
        Deadline::ObjectionDecisionOverdueWarning(d) => {
            (proto::DeadlineKind::ObjectionDecisionOverdueWarning, d)
        }
    }
}

/// The recorded form of a lifecycle event (fields the lifecycle does not know stay default:
/// the caller adds them).
pub fn lifecycle_to_proto(event: &lifecycle::Event) -> Event {
    use lifecycle::Event as L;
    match event {
        L::ReviewStarted => Event::ReviewStarted(proto::ReviewStarted {}),
        L::DocumentsRequested { due } => Event::DocumentsRequested(proto::DocumentsRequested {
            due: Some(dates::to_proto(*due)),
            documents: Vec::new(),
        }),
        L::DocumentsReceived => Event::DocumentsReceived(proto::DocumentsReceived::default()),
        L::RefusalWarned { due } => Event::RefusalWarned(proto::RefusalWarned {
            due: Some(dates::to_proto(*due)),
        }),
        L::DecisionIssued {
            outcome,
            issued_on,
            notified_on,
            period,
        } => Event::DecisionIssued(proto::DecisionIssued {
            outcome: outcome_to_proto(*outcome) as i32,
            issued_on: Some(dates::to_proto(*issued_on)),
            notified_on: Some(dates::to_proto(*notified_on)),
            period: period.map(period_to_proto),
            ..Default::default()
        }),
        L::ObjectionFiled { filed_on, late } => Event::ObjectionFiled(proto::ObjectionFiled {
            filed_on: Some(dates::to_proto(*filed_on)),
            late: *late,
        }),
        L::ObjectionDecided { result } => Event::ObjectionDecided(proto::ObjectionDecided {
            result: objection_result_to_proto(*result) as i32,
        }),
        L::CaseClosed { closed_on } => Event::CaseClosed(proto::CaseClosed {
            closed_on: Some(dates::to_proto(*closed_on)),
            reason: proto::CloseReason::Unspecified as i32,
        }),
    }
}

/// The lifecycle event a recorded event is, if it is one (and readable).
pub fn lifecycle_from_proto(event: &Event) -> Option<lifecycle::Event> {
    use lifecycle::Event as L;
    let day =
        |d: &Option<jobcenter_proto::common::v1::Date>| d.as_ref().and_then(dates::from_proto);
    Some(match event {
        Event::ReviewStarted(_) => L::ReviewStarted,
        Event::DocumentsRequested(e) => L::DocumentsRequested { due: day(&e.due)? },
        Event::DocumentsReceived(_) => L::DocumentsReceived,
        Event::RefusalWarned(e) => L::RefusalWarned { due: day(&e.due)? },
        Event::DecisionIssued(e) => L::DecisionIssued {
            outcome: outcome_from_proto(e.outcome)?,
            issued_on: day(&e.issued_on)?,
            notified_on: day(&e.notified_on)?,
            period: e.period.as_ref().and_then(period_from_proto),
        },
        Event::ObjectionFiled(e) => L::ObjectionFiled {
            filed_on: day(&e.filed_on)?,
            late: e.late,
        },
        Event::ObjectionDecided(e) => L::ObjectionDecided {
            result: objection_result_from_proto(e.result)?,
        },
        Event::CaseClosed(e) => L::CaseClosed {
            closed_on: day(&e.closed_on)?,
        },
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).expect("day")
    }

    #[test]
    fn every_lifecycle_event_survives_recording() {
        use lifecycle::Event as L;
        let events = [
            L::ReviewStarted,
            L::DocumentsRequested {
                due: day(2026, 12, 9),
            },
            L::DocumentsReceived,
            L::RefusalWarned {
                due: day(2026, 12, 30),
            },
            L::DecisionIssued {
                outcome: Outcome::PartlyApproved,
                issued_on: day(2026, 12, 1),
                notified_on: day(2026, 12, 5),
                period: BenefitPeriod::for_receipt(
                    day(2026, 11, 23),
                    true,
                    &lifecycle::Periods::LEGAL,
                ),
            },
            L::DecisionIssued {
                outcome: Outcome::RefusedForLackOfCooperation,
                issued_on: day(2026, 12, 31),
                notified_on: day(2027, 1, 4),
                period: None,
            },
            L::ObjectionFiled {
                filed_on: day(2027, 1, 10),
                late: true,
            },
            L::ObjectionDecided {
                result: ObjectionResult::Remedied,
            },
            L::CaseClosed {
                closed_on: day(2027, 2, 1),
            },
        ];
        for event in events {
            assert_eq!(
                lifecycle_from_proto(&lifecycle_to_proto(&event)),
                Some(event)
            );
        }
    }
}
