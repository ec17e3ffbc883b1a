//! Given events, when a command, then events or a refusal.

use super::*;

/// `decide` under the law's periods (the glob import's three-argument use in these tests).
fn decide(
    stage: &Stage,
    command: Command,
    today: NaiveDate,
) -> Result<Vec<Event>, TransitionError> {
    super::decide(stage, command, today, &Periods::LEGAL)
}

/// `deadlines` under the law's periods.
fn deadlines(stage: &Stage) -> Vec<Deadline> {
    super::deadlines(stage, &Periods::LEGAL)
}

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("a valid date")
}

const RECEIVED: (i32, u32, u32) = (2026, 11, 23);

fn received() -> Stage {
    let (y, m, d) = RECEIVED;
    Stage::Received {
        received_on: day(y, m, d),
    }
}

/// The stage after `events`, starting at receipt.
fn given(events: &[Event]) -> Stage {
    events.iter().fold(received(), evolve)
}

/// Decides `command` on `today` and folds the result, or returns the refusal.
fn when(
    stage: &Stage,
    command: Command,
    today: NaiveDate,
) -> Result<(Vec<Event>, Stage), TransitionError> {
    let events = decide(stage, command, today)?;
    let next = events.iter().fold(stage.clone(), evolve);
    Ok((events, next))
}

#[test]
fn review_starts_only_once() {
    let today = day(2026, 11, 24);
    let (events, stage) = when(&received(), Command::StartReview, today).expect("starts");
    assert_eq!(events, vec![Event::ReviewStarted]);
    assert!(matches!(stage, Stage::InReview { .. }));
    assert_eq!(
        decide(&stage, Command::StartReview, today),
        Err(TransitionError::NotNow("in review"))
    );
}

#[test]
fn documents_are_requested_with_a_deadline_in_the_future_and_received_back() {
    let stage = given(&[Event::ReviewStarted]);
    let today = day(2026, 11, 25);
    assert_eq!(
        decide(&stage, Command::RequestDocuments { due: today }, today),
        Err(TransitionError::DeadlineNotInFuture)
    );
    let due = day(2026, 12, 9);
    let (_, waiting) = when(&stage, Command::RequestDocuments { due }, today).expect("requested");
    // A reminder three days before, then the deadline itself.
    assert_eq!(
        deadlines(&waiting)[..2],
        [
            Deadline::DocumentsReminder(day(2026, 12, 6)),
            Deadline::DocumentsDue(due)
        ]
    );
    let (_, back) = when(&waiting, Command::ReceiveDocuments, day(2026, 12, 1)).expect("received");
    assert!(matches!(back, Stage::InReview { .. }));
}

#[test]
fn refusal_for_lack_of_cooperation_needs_an_expired_written_warning() {
    let due = day(2026, 12, 9);
    let waiting = given(&[Event::ReviewStarted, Event::DocumentsRequested { due }]);
    let refuse = || Command::IssueDecision {
        outcome: Outcome::RefusedForLackOfCooperation,
        provisional: false,
    };
    // No warning yet: no refusal, and no warning before the deadline has passed.
    assert_eq!(
        decide(&waiting, refuse(), day(2026, 12, 20)),
        Err(TransitionError::NoExpiredWarning)
    );
    assert_eq!(
        decide(
            &waiting,
            Command::WarnOfRefusal {
                due: day(2026, 12, 30)
            },
            due
        ),
        Err(TransitionError::DeadlineNotPassed)
    );
    let (_, warned) = when(
        &waiting,
        Command::WarnOfRefusal {
            due: day(2026, 12, 30),
        },
        day(2026, 12, 10),
    )
    .expect("warned");
    // One warning only; the refusal waits for its deadline.
    assert_eq!(
        decide(
            &warned,
            Command::WarnOfRefusal {
                due: day(2027, 1, 15)
            },
            day(2026, 12, 31)
        ),
        Err(TransitionError::NotNow("waiting for documents"))
    );
    assert_eq!(
        decide(&warned, refuse(), day(2026, 12, 30)),
        Err(TransitionError::NoExpiredWarning)
    );
    let (events, decided) = when(&warned, refuse(), day(2026, 12, 31)).expect("refused");
    assert_eq!(
        events,
        vec![Event::DecisionIssued {
            outcome: Outcome::RefusedForLackOfCooperation,
            issued_on: day(2026, 12, 31),
            notified_on: day(2027, 1, 4),
            period: None,
        }]
    );
    assert!(matches!(decided, Stage::Decided { .. }));
}

#[test]
fn an_approval_runs_from_the_first_of_the_month_of_receipt() {
    let stage = given(&[Event::ReviewStarted]);
    let approve = |provisional| Command::IssueDecision {
        outcome: Outcome::Approved,
        provisional,
    };
    let today = day(2026, 12, 15);
    let events = decide(&stage, approve(false), today).expect("approved");
    assert_eq!(
        events,
        vec![Event::DecisionIssued {
            outcome: Outcome::Approved,
            issued_on: today,
            notified_on: day(2026, 12, 19),
            period: Some(BenefitPeriod {
                first_day: day(2026, 11, 1),
                last_day: day(2027, 10, 31),
            }),
        }]
    );
    let provisional = decide(&stage, approve(true), today);
    let Ok([Event::DecisionIssued { period, .. }]) = provisional.as_deref() else {
        panic!("one decision");
    };
    assert_eq!(period.map(|p| p.last_day), Some(day(2027, 4, 30)));
    // Refusal for lack of cooperation is never the first decision of a review.
    assert_eq!(
        decide(
            &stage,
            Command::IssueDecision {
                outcome: Outcome::RefusedForLackOfCooperation,
                provisional: false
            },
            today
        ),
        Err(TransitionError::NoExpiredWarning)
    );
}

#[test]
fn a_decision_brings_the_objection_period_and_the_continuation_prompt() {
    let stage = given(&[Event::ReviewStarted]);
    let (_, decided) = when(
        &stage,
        Command::IssueDecision {
            outcome: Outcome::Approved,
            provisional: false,
        },
        day(2026, 12, 15),
    )
    .expect("approved");
    assert_eq!(
        deadlines(&decided),
        vec![
            Deadline::ObjectionPeriodEnds(day(2027, 1, 19)),
            Deadline::ContinuationPrompt(day(2027, 8, 31)),
        ]
    );
}

#[test]
fn an_objection_in_time_is_not_late_and_a_late_one_is_recorded_as_late() {
    let decided = given(&[
        Event::ReviewStarted,
        Event::DecisionIssued {
            outcome: Outcome::Rejected,
            issued_on: day(2026, 12, 15),
            notified_on: day(2026, 12, 19),
            period: None,
        },
    ]);
    let (events, filed) = when(&decided, Command::FileObjection, day(2027, 1, 19)).expect("filed");
    assert_eq!(
        events,
        vec![Event::ObjectionFiled {
            filed_on: day(2027, 1, 19),
            late: false
        }]
    );
    assert_eq!(
        deadlines(&filed),
        vec![Deadline::ObjectionDecisionOverdueWarning(day(2027, 4, 5))]
    );
    let after = decide(&decided, Command::FileObjection, day(2027, 1, 20));
    let Ok([Event::ObjectionFiled { late, .. }]) = after.as_deref() else {
        panic!("one objection");
    };
    assert!(late);
    let (_, done) = when(
        &filed,
        Command::DecideObjection {
            result: ObjectionResult::Remedied,
        },
        day(2027, 2, 1),
    )
    .expect("decided");
    assert!(matches!(
        done,
        Stage::ObjectionDecided {
            result: ObjectionResult::Remedied,
            ..
        }
    ));
    assert!(deadlines(&done).is_empty());
}

#[test]
fn a_case_closes_from_any_open_stage_and_then_refuses_everything() {
    let stages = [
        received(),
        given(&[Event::ReviewStarted]),
        given(&[
            Event::ReviewStarted,
            Event::DocumentsRequested {
                due: day(2026, 12, 9),
            },
        ]),
    ];
    for stage in stages {
        let (_, closed) = when(&stage, Command::Close, day(2027, 3, 1)).expect("closes");
        assert_eq!(
            closed,
            Stage::Closed {
                closed_on: day(2027, 3, 1)
            }
        );
        for (_, command) in every_command() {
            assert_eq!(
                decide(&closed, command, day(2027, 3, 2)),
                Err(TransitionError::NotNow("closed"))
            );
        }
    }
}

/// Every command, named for the transition table below.
fn every_command() -> Vec<(&'static str, Command)> {
    vec![
        ("review", Command::StartReview),
        (
            "request",
            Command::RequestDocuments {
                due: day(2030, 1, 1),
            },
        ),
        ("receive", Command::ReceiveDocuments),
        (
            "warn",
            Command::WarnOfRefusal {
                due: day(2030, 1, 1),
            },
        ),
        (
            "approve",
            Command::IssueDecision {
                outcome: Outcome::Approved,
                provisional: false,
            },
        ),
        (
            "refuse",
            Command::IssueDecision {
                outcome: Outcome::RefusedForLackOfCooperation,
                provisional: false,
            },
        ),
        ("object", Command::FileObjection),
        (
            "decide objection",
            Command::DecideObjection {
                result: ObjectionResult::Rejected,
            },
        ),
        ("close", Command::Close),
    ]
}

#[test]
fn each_stage_takes_exactly_its_legal_commands_and_refuses_the_rest() {
    let decided = Event::DecisionIssued {
        outcome: Outcome::Approved,
        issued_on: day(2026, 12, 15),
        notified_on: day(2026, 12, 19),
        period: BenefitPeriod::for_receipt(day(2026, 11, 23), false, &Periods::LEGAL),
    };
    let histories: Vec<Vec<Event>> = vec![
        vec![],
        vec![Event::ReviewStarted],
        vec![
            Event::ReviewStarted,
            Event::DocumentsRequested {
                due: day(2026, 12, 9),
            },
        ],
        vec![
            Event::ReviewStarted,
            Event::DocumentsRequested {
                due: day(2026, 12, 9),
            },
            Event::RefusalWarned {
                due: day(2026, 12, 30),
            },
        ],
        vec![Event::ReviewStarted, decided.clone()],
        vec![
            Event::ReviewStarted,
            decided.clone(),
            Event::ObjectionFiled {
                filed_on: day(2027, 1, 2),
                late: false,
            },
        ],
        vec![
            Event::ReviewStarted,
            decided,
            Event::ObjectionFiled {
                filed_on: day(2027, 1, 2),
                late: false,
            },
            Event::ObjectionDecided {
                result: ObjectionResult::Rejected,
            },
        ],
    ];
    // Which commands each stage takes (every deadline of the histories has passed by the day
    // of the commands); everything else is refused.
    let legal: [&[&str]; 7] = [
        &["review", "close"],
        &["request", "approve", "close"],
        &["receive", "warn", "close"],
        &["receive", "refuse", "close"],
        &["object", "close"],
        &["decide objection", "close"],
        &["close"],
    ];
    assert_eq!(histories.len(), legal.len());
    for (history, legal) in histories.iter().zip(legal) {
        let stage = given(history);
        for (name, command) in every_command() {
            match decide(&stage, command.clone(), day(2027, 6, 1)) {
                Ok(events) => {
                    assert!(legal.contains(&name), "{name} accepted in {stage:?}");
                    assert!(!events.is_empty(), "{name} in {stage:?}");
                    let next = events.iter().fold(stage.clone(), evolve);
                    assert_ne!(next, stage, "{name} in {stage:?} changed nothing");
                }
                Err(error) => {
                    assert!(
                        !legal.contains(&name),
                        "{name} refused in {stage:?}: {error}"
                    );
                    assert!(!error.to_string().is_empty());
                }
            }
        }
    }
}

#[test]
fn a_jobcenter_configured_apart_counts_with_its_own_periods() {
    // Deemed notification on the third day (the rule before 2025) and a two-month objection
    // period.
    let periods = Periods {
        notification_days: 3,
        objection_months: 2,
        ..Periods::LEGAL
    };
    let stage = given(&[Event::ReviewStarted]);
    let approve = Command::IssueDecision {
        outcome: Outcome::Approved,
        provisional: false,
    };
    let events = super::decide(&stage, approve, day(2026, 12, 15), &periods).expect("approved");
    let [Event::DecisionIssued { notified_on, .. }] = events.as_slice() else {
        panic!("one decision: {events:?}")
    };
    assert_eq!(*notified_on, day(2026, 12, 18));
    let decided = events.iter().fold(stage, evolve);
    assert_eq!(
        super::deadlines(&decided, &periods)[0],
        Deadline::ObjectionPeriodEnds(day(2027, 2, 18))
    );
    // Six weeks after notification: late under the law, in time here.
    let filed = super::decide(&decided, Command::FileObjection, day(2027, 1, 29), &periods);
    assert_eq!(
        filed,
        Ok(vec![Event::ObjectionFiled {
            filed_on: day(2027, 1, 29),
            late: false
        }])
    );
    assert_eq!(
        decide(&decided, Command::FileObjection, day(2027, 1, 29)),
        Ok(vec![Event::ObjectionFiled {
            filed_on: day(2027, 1, 29),
            late: true
        }])
    );
}
