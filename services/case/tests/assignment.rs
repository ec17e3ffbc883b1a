//! Assignment rules over gRPC: new cases assigned by surname letters, postal-code prefix or the
//! fallback; invalid rule sets refused with field paths; reassignment moving the open tasks.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod harness;

use jobcenter_proto::case::v1 as proto;
use jobcenter_proto::intake::v1 as intake;
use prost::Message;
use tonic::Code;

use harness::{
    TestApp, as_caller, as_subject, case_command, eventually, fallback_rule, find, list_all_tasks,
    own_queue, postal_rule, set_rules, spawn_app, submit, surname_rule,
};

const TENANT: &str = "jc-essen";

/// Submits a main application of `family` living at `postal_code`; returns the case.
async fn submit_at(app: &mut TestApp, family: &str, postal_code: &str) -> proto::Case {
    let mut application = harness::application(family);
    if let Some(address) = application.address.as_mut() {
        address.postal_code = postal_code.into();
    }
    let response = app
        .intake
        .submit_application(as_subject(
            intake::SubmitApplicationRequest {
                submission_id: uuid::Uuid::new_v4().to_string(),
                form: Some(intake::submit_application_request::Form::MainApplication(
                    application,
                )),
                ..Default::default()
            },
            TENANT,
            &format!("applicant-{}", uuid::Uuid::new_v4()),
            "applicant",
        ))
        .await
        .expect("submit")
        .into_inner();
    let application_id = response.submission.unwrap().application_id;
    find(app, TENANT, &application_id, &response.position.unwrap()).await
}

/// The case once its assignment shows (the `assign` reactor runs after the case opened).
async fn assigned(app: &mut TestApp, case_id: &str) -> proto::Case {
    eventually("the case's assignment", || {
        let mut cases = app.cases.clone();
        let case_id = case_id.to_owned();
        async move {
            let case = cases
                .get_case(as_caller(
                    proto::GetCaseRequest {
                        case_id,
                        min_position: None,
                    },
                    TENANT,
                    "caseworker",
                ))
                .await
                .ok()?
                .into_inner()
                .case?;
            (!case.team.is_empty()).then_some(case)
        }
    })
    .await
}

#[tokio::test]
async fn new_cases_are_assigned_by_surname_letters_with_umlauts_as_their_base_letter() {
    let mut app = spawn_app().await;
    set_rules(
        &mut app,
        TENANT,
        vec![
            surname_rule("a-k", "A", "K", "cw-ak", "team-1"),
            surname_rule("l-z", "L", "Z", "cw-lz", "team-2"),
        ],
    )
    .await;
    for (family, caseworker, team, rule) in [
        ("Becker", "cw-ak", "team-1", "a-k"),
        ("Özdemir", "cw-lz", "team-2", "l-z"),
        ("ärger", "cw-ak", "team-1", "a-k"),
        ("Lange", "cw-lz", "team-2", "l-z"),
    ] {
        let case = submit_at(&mut app, family, "45127").await;
        let case = assigned(&mut app, &case.case_id).await;
        assert_eq!(
            (case.assigned_caseworker.as_str(), case.team.as_str()),
            (caseworker, team),
            "{family}"
        );
        // The rule is on record with the assignment, made by the reactor.
        let stream = app
            .log
            .read_stream(&format!("case-{}", case.case_id), 0, 100)
            .await
            .unwrap();
        let event = stream
            .iter()
            .find(|e| e.event_type == "case.CaseAssigned")
            .expect("an assignment");
        let recorded = proto::CaseAssigned::decode(event.payload.as_slice()).unwrap();
        assert_eq!(recorded.rule_id, rule);
        assert_eq!(recorded.source, proto::AssignmentSource::Rule as i32);
        assert_eq!(event.metadata.actor.as_deref(), Some("reactor:assign"));
    }
}

#[tokio::test]
async fn postal_code_prefixes_come_first_when_listed_first_and_the_fallback_takes_the_rest() {
    let mut app = spawn_app().await;
    let rules = set_rules(
        &mut app,
        TENANT,
        vec![
            postal_rule("essen-mitte", "451", "cw-mitte", "team-mitte"),
            surname_rule("a-k", "A", "K", "cw-ak", "team-1"),
            fallback_rule("rest", "", "team-eingang"),
        ],
    )
    .await;
    assert_eq!(rules.len(), 3);
    assert_eq!(rules[0].rule_id, "essen-mitte");
    let by_postal = submit_at(&mut app, "Becker", "45127").await;
    let by_letter = submit_at(&mut app, "Becker", "45327").await;
    let by_fallback = submit_at(&mut app, "Müller", "45327").await;
    let got = |case: &proto::Case| (case.assigned_caseworker.clone(), case.team.clone());
    let case = assigned(&mut app, &by_postal.case_id).await;
    assert_eq!(got(&case), ("cw-mitte".into(), "team-mitte".into()));
    let case = assigned(&mut app, &by_letter.case_id).await;
    assert_eq!(got(&case), ("cw-ak".into(), "team-1".into()));
    // The fallback puts it into the team's queue, with no caseworker.
    let case = assigned(&mut app, &by_fallback.case_id).await;
    assert_eq!(got(&case), (String::new(), "team-eingang".into()));
    let team_queue = eventually("the fallback case in its team's queue", || {
        let mut cases = app.cases.clone();
        async move {
            let tasks = cases
                .list_tasks(as_subject(
                    proto::ListTasksRequest {
                        team: "team-eingang".into(),
                        ..Default::default()
                    },
                    TENANT,
                    "lead-1",
                    "team-lead",
                ))
                .await
                .ok()?
                .into_inner()
                .tasks;
            (!tasks.is_empty()).then_some(tasks)
        }
    })
    .await;
    assert_eq!(team_queue.len(), 1);
    assert_eq!(team_queue[0].case_id, by_fallback.case_id);
    assert_eq!(team_queue[0].assignee, "");
}

#[tokio::test]
async fn a_case_no_rule_matches_stays_unassigned() {
    let mut app = spawn_app().await;
    set_rules(
        &mut app,
        TENANT,
        vec![surname_rule("a-k", "A", "K", "cw-ak", "team-1")],
    )
    .await;
    let unmatched = submit_at(&mut app, "Zander", "45127").await;
    // The reactor takes cases in order: once a later case is assigned, the first was decided.
    let later = submit_at(&mut app, "Adler", "45127").await;
    assigned(&mut app, &later.case_id).await;
    let case = app
        .cases
        .get_case(as_caller(
            proto::GetCaseRequest {
                case_id: unmatched.case_id.clone(),
                min_position: None,
            },
            TENANT,
            "caseworker",
        ))
        .await
        .unwrap()
        .into_inner()
        .case
        .unwrap();
    assert_eq!(
        (case.assigned_caseworker.as_str(), case.team.as_str()),
        ("", "")
    );
}

fn fields(status: &tonic::Status) -> Vec<String> {
    platform::status::field_violations(status)
        .into_iter()
        .map(|v| v.field)
        .collect()
}

#[tokio::test]
async fn invalid_rules_are_refused_with_their_field_paths_and_nothing_is_recorded() {
    let mut app = spawn_app().await;
    let before = set_rules(
        &mut app,
        TENANT,
        vec![fallback_rule("rest", "cw-1", "team-1")],
    )
    .await;
    let mut no_team = postal_rule("p", "451", "cw-1", "team-1");
    no_team.team = String::new();
    let status = app
        .cases
        .set_assignment_rules(as_subject(
            proto::SetAssignmentRulesRequest {
                command_id: "not-a-uuid".into(),
                rules: vec![
                    surname_rule("a", "A", "K", "cw-1", "team-1"),
                    surname_rule("a", "Ä", "B", "cw-1", "team-1"),
                    surname_rule("c", "M", "L", "cw-1", "team-1"),
                    no_team,
                    postal_rule("e", "45x", "cw-1", "team-1"),
                ],
            },
            TENANT,
            "lead-1",
            "team-lead",
        ))
        .await
        .expect_err("invalid");
    assert_eq!(status.code(), Code::InvalidArgument);
    assert_eq!(
        fields(&status),
        vec![
            "command_id",
            "rules[1].rule_id",
            "rules[1].surname.from",
            "rules[2].surname.to",
            "rules[3].team",
            "rules[4].postal_code_prefix",
        ]
    );
    // Only team leads set rules.
    let status = app
        .cases
        .set_assignment_rules(as_subject(
            proto::SetAssignmentRulesRequest {
                command_id: uuid::Uuid::new_v4().to_string(),
                rules: vec![],
            },
            TENANT,
            "cw-1",
            "caseworker",
        ))
        .await
        .expect_err("denied");
    assert_eq!(status.code(), Code::PermissionDenied);
    let recorded: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM cases.events WHERE stream_id = 'assignment-rules-jc-essen'",
    )
    .fetch_one(app.db.worker_pool())
    .await
    .unwrap();
    assert_eq!(recorded, 1);
    let after = app
        .cases
        .get_assignment_rules(as_subject(
            proto::GetAssignmentRulesRequest { min_position: None },
            TENANT,
            "cw-1",
            "caseworker",
        ))
        .await
        .unwrap()
        .into_inner()
        .rules;
    assert_eq!(after, before);
    // Another jobcenter has no rules.
    let other = app
        .cases
        .get_assignment_rules(as_subject(
            proto::GetAssignmentRulesRequest { min_position: None },
            "jc-bochum",
            "lead-1",
            "team-lead",
        ))
        .await
        .unwrap()
        .into_inner()
        .rules;
    assert!(other.is_empty());
}

#[tokio::test]
async fn reassignment_moves_the_open_tasks_and_leaves_the_closed_with_who_did_them() {
    let mut app = spawn_app().await;
    set_rules(
        &mut app,
        TENANT,
        vec![fallback_rule("all", "cw-old", "team-1")],
    )
    .await;
    let (application_id, at) = submit(&mut app, TENANT, "Mustermann").await;
    let case = find(&mut app, TENANT, &application_id, &at).await;
    assigned(&mut app, &case.case_id).await;
    app.cases
        .start_review(as_subject(
            proto::StartReviewRequest {
                command: case_command(&case.case_id),
            },
            TENANT,
            "cw-old",
            "caseworker",
        ))
        .await
        .expect("review");
    // Reassigning is a team lead's.
    let denied = app
        .cases
        .assign_case(as_subject(
            proto::AssignCaseRequest {
                command: case_command(&case.case_id),
                caseworker: "cw-new".into(),
                team: "team-2".into(),
            },
            TENANT,
            "cw-old",
            "caseworker",
        ))
        .await
        .expect_err("denied");
    assert_eq!(denied.code(), Code::PermissionDenied);
    let moved = app
        .cases
        .assign_case(as_subject(
            proto::AssignCaseRequest {
                command: case_command(&case.case_id),
                caseworker: "cw-new".into(),
                team: "team-2".into(),
            },
            TENANT,
            "lead-1",
            "team-lead",
        ))
        .await
        .expect("reassign")
        .into_inner()
        .result
        .unwrap();
    let new_queue = list_all_tasks(
        &mut app,
        TENANT,
        "cw-new",
        "caseworker",
        proto::ListTasksRequest {
            min_position: moved.position.clone(),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    assert_eq!(new_queue.len(), 1);
    assert_eq!(new_queue[0].kind, proto::TaskKind::DecideApplication as i32);
    assert_eq!(new_queue[0].team, "team-2");
    assert!(own_queue(&mut app, TENANT, "cw-old").await.is_empty());
    // The review task was closed by cw-old's review start and stays theirs.
    let closed: Vec<(String, bool)> = sqlx::query_as(
        "SELECT assignee, closed_by_event IS NOT NULL FROM cases.tasks \
         WHERE case_id = $1::uuid AND kind = $2",
    )
    .bind(&case.case_id)
    .bind(proto::TaskKind::ReviewApplication as i32)
    .fetch_all(app.db.worker_pool())
    .await
    .unwrap();
    assert_eq!(closed, vec![("cw-old".to_owned(), true)]);
}
