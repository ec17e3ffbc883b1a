//! The path of a main application through its case (DOMAIN.md, "A main application's path"):
//! received → in review → documents requested → decided → objection → objection decided, and
//! closed. Two pure functions in the decider style: [`decide`] turns an intent into events or a
//! [`TransitionError`] (answered `FAILED_PRECONDITION`, nothing recorded), [`evolve`] folds an
//! event into the [`Stage`]. [`deadlines`] tells what is due in a stage, for the deadline watcher.
//!
//! Legal rules kept here, each with its source:
//! - refusal for lack of cooperation only after a written warning whose deadline has passed
//!   (§ 66 SGB I);
//! - a benefit period starts on the first day of the month of receipt (§ 37 SGB II) and lasts
//!   12 months, 6 when provisional (§ 41 SGB II);
//! - a decision sent by post is deemed notified on the fourth day after it was sent
//!   (§ 37 (2) SGB X);
//! - an objection is due within one month of notification (§ 84 SGG); a late one is still
//!   recorded, marked late, because the office must decide on it too;
//! - six months without a decision on an application, three on an objection, open the way to
//!   an action for failure to act (§ 88 SGG): the watcher warns before.

use chrono::{Datelike, Days, Months, NaiveDate};

pub use super::periods::Periods;

/// How a decision on the application came out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Approved for a benefit period.
    Approved,
    /// Approved in part, for a benefit period.
    PartlyApproved,
    /// Rejected.
    Rejected,
    /// Refused for lack of cooperation (§ 66 SGB I).
    RefusedForLackOfCooperation,
}

impl Outcome {
    /// Whether benefits are granted, so that a benefit period runs.
    pub fn grants_benefits(self) -> bool {
        matches!(self, Outcome::Approved | Outcome::PartlyApproved)
    }
}

/// A benefit period (Bewilligungszeitraum), both days included.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BenefitPeriod {
    pub first_day: NaiveDate,
    pub last_day: NaiveDate,
}

impl BenefitPeriod {
    /// The period of an application received on `received`: from the first of that month, 12
    /// months, or 6 when `provisional` (as `periods` say).
    pub fn for_receipt(
        received: NaiveDate,
        provisional: bool,
        periods: &Periods,
    ) -> Option<BenefitPeriod> {
        let first_day = received.with_day(1)?;
        let months = if provisional {
            periods.provisional_benefit_period_months
        } else {
            periods.benefit_period_months
        };
        let last_day = first_day
            .checked_add_months(Months::new(months))?
            .checked_sub_days(Days::new(1))?;
        Some(BenefitPeriod {
            first_day,
            last_day,
        })
    }
}

/// How an objection was decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ObjectionResult {
    /// The office itself granted it (Abhilfe).
    Remedied,
    /// Rejected by an objection decision (Widerspruchsbescheid).
    Rejected,
}

/// Where the application stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Stage {
    /// Received; nobody works on it yet.
    Received { received_on: NaiveDate },
    /// A caseworker reviews it.
    InReview { received_on: NaiveDate },
    /// Proofs are missing and requested until `due`; `warned` once the written warning of
    /// § 66 SGB I was sent (with `due` its new deadline).
    DocumentsRequested {
        received_on: NaiveDate,
        due: NaiveDate,
        warned: bool,
    },
    /// Decided; deemed notified on `notified_on`.
    Decided {
        received_on: NaiveDate,
        outcome: Outcome,
        notified_on: NaiveDate,
        period: Option<BenefitPeriod>,
    },
    /// An objection against the decision awaits its decision.
    ObjectionFiled {
        decision: Box<Stage>,
        filed_on: NaiveDate,
        late: bool,
    },
    /// The objection was decided.
    ObjectionDecided {
        decision: Box<Stage>,
        result: ObjectionResult,
    },
    /// Closed (benefits ended, moved away, ...); retention runs from `closed_on`.
    Closed { closed_on: NaiveDate },
}

/// Intents of caseworkers (and the watcher) on the application.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    StartReview,
    RequestDocuments { due: NaiveDate },
    ReceiveDocuments,
    WarnOfRefusal { due: NaiveDate },
    IssueDecision { outcome: Outcome, provisional: bool },
    FileObjection,
    DecideObjection { result: ObjectionResult },
    Close,
}

/// What happened. Dates are legal facts, taken when the command was decided.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    ReviewStarted,
    DocumentsRequested {
        due: NaiveDate,
    },
    DocumentsReceived,
    RefusalWarned {
        due: NaiveDate,
    },
    DecisionIssued {
        outcome: Outcome,
        issued_on: NaiveDate,
        notified_on: NaiveDate,
        period: Option<BenefitPeriod>,
    },
    ObjectionFiled {
        filed_on: NaiveDate,
        late: bool,
    },
    ObjectionDecided {
        result: ObjectionResult,
    },
    CaseClosed {
        closed_on: NaiveDate,
    },
}

/// Why an intent does not fit the stage. The message is for a caseworker.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TransitionError {
    #[error("this is not possible while the application is {0}")]
    NotNow(&'static str),
    #[error("the deadline must lie after today")]
    DeadlineNotInFuture,
    #[error("refusal for lack of cooperation needs a written warning whose deadline has passed")]
    NoExpiredWarning,
    #[error("a warning is only possible once the deadline for the documents has passed")]
    DeadlineNotPassed,
    #[error("the benefit period cannot be computed from the date of receipt")]
    NoBenefitPeriod,
}

/// The stage's name in plain words, for messages.
pub fn describe(stage: &Stage) -> &'static str {
    match stage {
        Stage::Received { .. } => "received",
        Stage::InReview { .. } => "in review",
        Stage::DocumentsRequested { .. } => "waiting for documents",
        Stage::Decided { .. } => "decided",
        Stage::ObjectionFiled { .. } => "under objection",
        Stage::ObjectionDecided { .. } => "decided on objection",
        Stage::Closed { .. } => "closed",
    }
}

/// Decides `command` in `stage` on `today`, counting with `periods`.
pub fn decide(
    stage: &Stage,
    command: Command,
    today: NaiveDate,
    periods: &Periods,
) -> Result<Vec<Event>, TransitionError> {
    let not_now = || TransitionError::NotNow(describe(stage));
    let future = |due: NaiveDate| {
        if due > today {
            Ok(due)
        } else {
            Err(TransitionError::DeadlineNotInFuture)
        }
    };
    match (stage, command) {
        (Stage::Received { .. }, Command::StartReview) => Ok(vec![Event::ReviewStarted]),
        (Stage::InReview { .. }, Command::RequestDocuments { due }) => {
            Ok(vec![Event::DocumentsRequested { due: future(due)? }])
        }
        (Stage::DocumentsRequested { .. }, Command::ReceiveDocuments) => {
            Ok(vec![Event::DocumentsReceived])
        }
        (
            Stage::DocumentsRequested { due, warned, .. },
            Command::WarnOfRefusal { due: new_due },
        ) => {
            if *warned {
                Err(not_now())
            } else if *due >= today {
                Err(TransitionError::DeadlineNotPassed)
            } else {
                Ok(vec![Event::RefusalWarned {
                    due: future(new_due)?,
                }])
            }
        }
        (
            Stage::DocumentsRequested {
                received_on,
                due,
                warned,
            },
            Command::IssueDecision { outcome, .. },
        ) => {
            if outcome != Outcome::RefusedForLackOfCooperation {
                return Err(not_now());
            }
            if !*warned || *due >= today {
                return Err(TransitionError::NoExpiredWarning);
            }
            Ok(vec![decision(
                *received_on,
                outcome,
                false,
                today,
                periods,
            )?])
        }
        (
            Stage::InReview { received_on },
            Command::IssueDecision {
                outcome,
                provisional,
            },
        ) => {
            if outcome == Outcome::RefusedForLackOfCooperation {
                return Err(TransitionError::NoExpiredWarning);
            }
            Ok(vec![decision(
                *received_on,
                outcome,
                provisional,
                today,
                periods,
            )?])
        }
        (Stage::Decided { notified_on, .. }, Command::FileObjection) => {
            let period_end = notified_on
                .checked_add_months(Months::new(periods.objection_months))
                .unwrap_or(*notified_on);
            Ok(vec![Event::ObjectionFiled {
                filed_on: today,
                late: today > period_end,
            }])
        }
        (Stage::ObjectionFiled { .. }, Command::DecideObjection { result }) => {
            Ok(vec![Event::ObjectionDecided { result }])
        }
        (Stage::Closed { .. }, Command::Close) => Err(not_now()),
        (_, Command::Close) => Ok(vec![Event::CaseClosed { closed_on: today }]),
        _ => Err(not_now()),
    }
}

fn decision(
    received_on: NaiveDate,
    outcome: Outcome,
    provisional: bool,
    today: NaiveDate,
    periods: &Periods,
) -> Result<Event, TransitionError> {
    let period = if outcome.grants_benefits() {
        Some(
            BenefitPeriod::for_receipt(received_on, provisional, periods)
                .ok_or(TransitionError::NoBenefitPeriod)?,
        )
    } else {
        None
    };
    Ok(Event::DecisionIssued {
        outcome,
        issued_on: today,
        notified_on: today
            .checked_add_days(Days::new(u64::from(periods.notification_days)))
            .unwrap_or(today),
        period,
    })
}

/// Folds `event` into `stage`. Events were decided valid; one that does not fit (a bug, or a
/// newer event type) leaves the stage as it was.
pub fn evolve(stage: Stage, event: &Event) -> Stage {
    match (stage, event) {
        (Stage::Received { received_on }, Event::ReviewStarted) => Stage::InReview { received_on },
        (Stage::InReview { received_on }, Event::DocumentsRequested { due }) => {
            Stage::DocumentsRequested {
                received_on,
                due: *due,
                warned: false,
            }
        }
        (Stage::DocumentsRequested { received_on, .. }, Event::DocumentsReceived) => {
            Stage::InReview { received_on }
        }
        (Stage::DocumentsRequested { received_on, .. }, Event::RefusalWarned { due }) => {
            Stage::DocumentsRequested {
                received_on,
                due: *due,
                warned: true,
            }
        }
        (
            Stage::InReview { received_on } | Stage::DocumentsRequested { received_on, .. },
            Event::DecisionIssued {
                outcome,
                notified_on,
                period,
                ..
            },
        ) => Stage::Decided {
            received_on,
            outcome: *outcome,
            notified_on: *notified_on,
            period: *period,
        },
        (decided @ Stage::Decided { .. }, Event::ObjectionFiled { filed_on, late }) => {
            Stage::ObjectionFiled {
                decision: Box::new(decided),
                filed_on: *filed_on,
                late: *late,
            }
        }
        (Stage::ObjectionFiled { decision, .. }, Event::ObjectionDecided { result }) => {
            Stage::ObjectionDecided {
                decision,
                result: *result,
            }
        }
        (stage, Event::CaseClosed { closed_on }) if !matches!(stage, Stage::Closed { .. }) => {
            Stage::Closed {
                closed_on: *closed_on,
            }
        }
        (stage, _) => stage,
    }
}

/// Something due on a day, which the deadline watcher turns into a task and an event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Deadline {
    /// Three days before the requested documents are due: remind the applicant.
    DocumentsReminder(NaiveDate),
    /// The requested documents are due.
    DocumentsDue(NaiveDate),
    /// Prompt the continuation application, two months before the benefit period ends.
    ContinuationPrompt(NaiveDate),
    /// The objection period ends (one month after notification).
    ObjectionPeriodEnds(NaiveDate),
    /// Six months after receipt without a decision (§ 88 SGG), warned a month before.
    DecisionOverdueWarning(NaiveDate),
    /// Three months after an objection without its decision (§ 88 SGG), warned two weeks before.
    ObjectionDecisionOverdueWarning(NaiveDate),
}

/// What is due in `stage`, earliest first, counting with `periods`.
pub fn deadlines(stage: &Stage, periods: &Periods) -> Vec<Deadline> {
    let months = |day: NaiveDate, n: u32| day.checked_add_months(Months::new(n));
    let mut due = Vec::new();
    match stage {
        Stage::Received { received_on } | Stage::InReview { received_on } => {
            due.extend(
                months(*received_on, periods.decision_warning_months)
                    .map(Deadline::DecisionOverdueWarning),
            );
        }
        Stage::DocumentsRequested {
            received_on,
            due: documents,
            ..
        } => {
            due.extend(
                documents
                    .checked_sub_days(Days::new(u64::from(periods.documents_reminder_days)))
                    .map(Deadline::DocumentsReminder),
            );
            due.push(Deadline::DocumentsDue(*documents));
            due.extend(
                months(*received_on, periods.decision_warning_months)
                    .map(Deadline::DecisionOverdueWarning),
            );
        }
        Stage::Decided {
            notified_on,
            period,
            ..
        } => {
            due.extend(
                months(*notified_on, periods.objection_months).map(Deadline::ObjectionPeriodEnds),
            );
            if let Some(period) = period {
                due.extend(
                    period
                        .last_day
                        .checked_sub_months(Months::new(periods.continuation_prompt_months))
                        .map(Deadline::ContinuationPrompt),
                );
            }
        }
        Stage::ObjectionFiled { filed_on, .. } => {
            due.extend(
                months(*filed_on, periods.objection_decision_months)
                    .and_then(|d| {
                        d.checked_sub_days(Days::new(u64::from(periods.objection_warning_days)))
                    })
                    .map(Deadline::ObjectionDecisionOverdueWarning),
            );
        }
        Stage::ObjectionDecided { .. } | Stage::Closed { .. } => {}
    }
    due.sort_by_key(|deadline| match deadline {
        Deadline::DocumentsReminder(d)
        | Deadline::DocumentsDue(d)
        | Deadline::ContinuationPrompt(d)
        | Deadline::ObjectionPeriodEnds(d)
        | Deadline::DecisionOverdueWarning(d)
        | Deadline::ObjectionDecisionOverdueWarning(d) => *d,
    });
    due
}

#[cfg(test)]
mod tests;
