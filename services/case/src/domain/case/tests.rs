//! Given a case's events, when a command, then events or a refusal.

use super::*;
use jobcenter_proto::common::v1 as common;

/// `decide` under the law's periods.
fn decide(case: &Case, command: Command, today: NaiveDate) -> Result<Vec<Event>, CommandError> {
    super::decide(case, command, today, &Periods::LEGAL)
}

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("a valid date")
}

fn opened() -> Event {
    Event::CaseOpened(proto::CaseOpened {
        case_id: "c-1".into(),
        application_id: "a-1".into(),
        // 2026-11-23 10:10 UTC.
        application_received_at: Some(prost_types::Timestamp {
            seconds: 1_795_426_200,
            nanos: 0,
        }),
        applicant_family_name: "Özdemir".into(),
        postal_code: "45127".into(),
        applicant_account: "acc-1".into(),
        ..Default::default()
    })
}

fn given(events: &[Event]) -> Case {
    let mut all = vec![opened()];
    all.extend_from_slice(events);
    let numbered: Vec<(i32, &Event)> = all
        .iter()
        .enumerate()
        .map(|(i, e)| (i32::try_from(i + 1).expect("small"), e))
        .collect();
    Case::fold(numbered).expect("an opened case")
}

#[test]
fn the_case_remembers_who_may_see_it_and_where_it_stands() {
    let case = given(&[]);
    assert_eq!(case.applicant_account, "acc-1");
    assert_eq!(case.version, 1);
    assert_eq!(
        case.stage,
        Stage::Received {
            received_on: day(2026, 11, 23)
        }
    );
    // Nothing folds into a case before it was opened.
    assert_eq!(
        Case::fold([(1, &Event::ReviewStarted(proto::ReviewStarted {}))]),
        None
    );
}

#[test]
fn requested_documents_and_decisions_carry_what_the_lifecycle_does_not_know() {
    let case = given(&[Event::ReviewStarted(proto::ReviewStarted {})]);
    let events = decide(
        &case,
        Command::RequestDocuments {
            due: day(2026, 12, 9),
            documents: vec!["Mietvertrag".into()],
        },
        day(2026, 11, 25),
    )
    .expect("requested");
    assert_eq!(
        events,
        vec![Event::DocumentsRequested(proto::DocumentsRequested {
            due: Some(common::Date {
                year: 2026,
                month: 12,
                day: 9
            }),
            documents: vec!["Mietvertrag".into()],
        })]
    );
    let events = decide(
        &case,
        Command::IssueDecision {
            outcome: lifecycle::Outcome::Approved,
            provisional: true,
        },
        day(2026, 12, 1),
    )
    .expect("decided");
    let [Event::DecisionIssued(decision)] = events.as_slice() else {
        panic!("one decision: {events:?}")
    };
    assert!(decision.provisional);
    assert_eq!(decision.rule_set, RULE_SET);
    // Provenance: the decision names the case version it rests on.
    assert_eq!(decision.based_on_version, 2);
    assert_eq!(
        decision.period.as_ref().and_then(|p| p.last_day),
        Some(common::Date {
            year: 2027,
            month: 4,
            day: 30
        })
    );
}

#[test]
fn an_illegal_transition_is_refused_with_the_stage_in_words() {
    let case = given(&[]);
    assert_eq!(
        decide(&case, Command::FileObjection, day(2026, 11, 24)),
        Err(CommandError::Transition(TransitionError::NotNow(
            "received"
        )))
    );
}

#[test]
fn a_matter_is_attached_once_and_decided_once() {
    let attached = proto::MatterAttached {
        application_id: "m-1".into(),
        kind: proto::MatterKind::SickNote as i32,
        ..Default::default()
    };
    let case = given(&[]);
    let events = decide(
        &case,
        Command::AttachMatter(attached.clone()),
        day(2026, 11, 24),
    )
    .expect("attached");
    assert_eq!(events.len(), 1);
    let case = given(&events);
    assert_eq!(
        decide(&case, Command::AttachMatter(attached), day(2026, 11, 24)),
        Ok(Vec::new())
    );
    let decide_it = |case: &Case| {
        decide(
            case,
            Command::DecideMatter {
                application_id: "m-1".into(),
                outcome: proto::MatterOutcome::Processed,
                note: String::new(),
            },
            day(2026, 11, 25),
        )
    };
    let decided = decide_it(&case).expect("decided");
    let mut history = events.clone();
    history.extend(decided);
    assert_eq!(
        decide_it(&given(&history)),
        Err(CommandError::MatterAlreadyDecided)
    );
    let unknown = decide(
        &case,
        Command::DecideMatter {
            application_id: "m-2".into(),
            outcome: proto::MatterOutcome::Approved,
            note: String::new(),
        },
        day(2026, 11, 25),
    );
    assert_eq!(unknown, Err(CommandError::UnknownMatter));
}

#[test]
fn the_same_assignment_again_records_nothing_and_a_closed_case_is_not_assigned() {
    let assign = || Command::Assign {
        caseworker: "cw-1".into(),
        team: "team-a".into(),
        source: proto::AssignmentSource::Manual,
        rule_id: String::new(),
    };
    let today = day(2026, 11, 24);
    let events = decide(&given(&[]), assign(), today).expect("assigned");
    assert_eq!(events.len(), 1);
    assert_eq!(decide(&given(&events), assign(), today), Ok(Vec::new()));
    let closed = given(&[Event::CaseClosed(proto::CaseClosed {
        closed_on: Some(dates::to_proto(today)),
        reason: proto::CloseReason::WorkFound as i32,
    })]);
    assert_eq!(decide(&closed, assign(), today), Err(CommandError::Closed));
}

#[test]
fn a_deadline_fires_once_only_while_it_is_still_due_and_not_before_its_day() {
    let due = day(2026, 12, 9);
    let waiting = given(&[
        Event::ReviewStarted(proto::ReviewStarted {}),
        Event::DocumentsRequested(proto::DocumentsRequested {
            due: Some(dates::to_proto(due)),
            documents: vec!["Kontoauszüge".into()],
        }),
    ]);
    let reach = || Command::ReachDeadline {
        kind: proto::DeadlineKind::DocumentsDue,
        due_on: due,
    };
    assert_eq!(decide(&waiting, reach(), day(2026, 12, 8)), Ok(Vec::new()));
    let fired = decide(&waiting, reach(), day(2026, 12, 10)).expect("fires");
    assert_eq!(fired.len(), 1);
    let mut history = vec![
        Event::ReviewStarted(proto::ReviewStarted {}),
        Event::DocumentsRequested(proto::DocumentsRequested {
            due: Some(dates::to_proto(due)),
            documents: vec![],
        }),
    ];
    history.extend(fired);
    assert_eq!(
        decide(&given(&history), reach(), day(2026, 12, 11)),
        Ok(Vec::new())
    );
    // Documents that arrived cancel the deadline.
    let back = given(&[
        Event::ReviewStarted(proto::ReviewStarted {}),
        Event::DocumentsRequested(proto::DocumentsRequested {
            due: Some(dates::to_proto(due)),
            documents: vec![],
        }),
        Event::DocumentsReceived(proto::DocumentsReceived::default()),
    ]);
    assert_eq!(decide(&back, reach(), day(2026, 12, 10)), Ok(Vec::new()));
}

#[test]
fn the_rules_do_not_move_a_case_someone_already_assigned() {
    let today = day(2026, 11, 24);
    let assign = |caseworker: &str, source| Command::Assign {
        caseworker: caseworker.into(),
        team: "team-a".into(),
        source,
        rule_id: String::new(),
    };
    let by_hand = decide(
        &given(&[]),
        assign("cw-1", proto::AssignmentSource::Manual),
        today,
    )
    .expect("assigned by hand");
    let assigned = given(&by_hand);
    assert_eq!(
        decide(
            &assigned,
            assign("cw-2", proto::AssignmentSource::Rule),
            today
        ),
        Ok(Vec::new())
    );
    // A team lead may still move it.
    let moved = decide(
        &assigned,
        assign("cw-2", proto::AssignmentSource::Manual),
        today,
    )
    .expect("reassigned");
    assert_eq!(moved.len(), 1);
}
