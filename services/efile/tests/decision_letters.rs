//! A decision becomes a letter in the E-Akte, inside the E-Akte with the real intake and case
//! services: a caseworker decides through the case service, the E-Akte files the decision
//! letter once (the document the notification service announces to the applicant), and neither
//! a redelivered decision nor a reactor replaying the case log from its start files it again.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod harness;

use std::sync::Arc;

use efile::blobs::{BlobConfig, BlobStore};
use efile::commands::DocumentCommands;
use efile::reactors::decision_letters::DecisionLettersReactor;
use harness::*;
use jobcenter_proto::case::v1 as case;
use jobcenter_proto::efile::v1 as proto;
use projection::Projection;
use prost::Message;

/// Review and decide `case_id` as caseworker `cw-1`.
async fn decide(app: &mut TestApp, case_id: &str, outcome: case::DecisionOutcome) {
    let command = || {
        Some(case::CaseCommand {
            case_id: case_id.into(),
            command_id: uuid::Uuid::new_v4().to_string(),
            expected_version: None,
        })
    };
    app.cases
        .start_review(as_caseworker(
            case::StartReviewRequest { command: command() },
            TENANT,
        ))
        .await
        .expect("review started");
    app.cases
        .issue_decision(as_caseworker(
            case::IssueDecisionRequest {
                command: command(),
                outcome: outcome as i32,
                provisional: true,
            },
            TENANT,
        ))
        .await
        .expect("decision issued");
}

/// The decision letters in the case file.
async fn letters(app: &TestApp, case_id: &str) -> Vec<proto::Document> {
    case_file(app, case_id)
        .await
        .into_iter()
        .filter(|d| d.r#type == proto::DocumentType::DecisionLetter as i32)
        .collect()
}

/// A reactor of its own, as after a restart with no checkpoint, over the harness's store.
fn fresh_reactor(app: &TestApp) -> DecisionLettersReactor {
    let blobs = BlobStore::from_config(&BlobConfig {
        local_root: app.blob_root.clone(),
        local_fsync: false,
        ..BlobConfig::default()
    })
    .expect("blob store");
    DecisionLettersReactor::new(
        DocumentCommands::new(app.log.clone()),
        blobs,
        Arc::new(efile::domain::rules::TenantFilingRules::default()),
        MAX_BYTES as u64,
    )
}

#[tokio::test]
async fn a_decision_is_filed_once_as_a_generated_decision_letter_that_states_it() {
    let mut app = spawn_app().await;
    let case = open_case(&mut app, TENANT).await;
    decide(&mut app, &case.case_id, case::DecisionOutcome::Approved).await;

    let letter = eventually("the decision letter in the case file", || async {
        letters(&app, &case.case_id).await.into_iter().next()
    })
    .await;
    assert_eq!(letter.channel, proto::Channel::Generated as i32);
    assert_eq!(letter.tags, vec!["bescheid".to_owned()]);
    let content = download(&mut app, &letter.document_id, 0)
        .await
        .expect("downloaded");
    assert!(content.end.is_ok());
    let described = content.content.expect("content");
    assert_eq!(described.media_type, "application/pdf");
    assert!(described.file_name.starts_with("bescheid-"));
    // Legal citations are set with no-break spaces, so they never break across lines.
    let text = pdf_text(&content.bytes).replace('\u{a0}', " ");
    for expected in [
        "Bescheid über Leistungen nach dem SGB II",
        "werden bewilligt.",
        "Bewilligungszeitraum:",
        "vorläufig (§ 41a SGB II)",
        "(§ 37 Abs. 2 SGB X)",
        "Rechtsbehelfsbelehrung",
        "innerhalb eines Monats",
    ] {
        assert!(text.contains(expected), "{expected:?} missing in {text}");
    }

    // The filing names the decision it stands for and was caused by it.
    let decision = app
        .case_log
        .read_stream(&format!("case-{}", case.case_id), 0, 100)
        .await
        .expect("case stream")
        .into_iter()
        .find(|e| e.event_type == "case.DecisionIssued")
        .expect("the decision");
    let filed = app
        .log
        .read_stream(&format!("document-{}", letter.document_id), 0, 10)
        .await
        .expect("document stream");
    assert_eq!(filed[0].event_type, "efile.DocumentFiled");
    assert_eq!(filed[0].metadata.causation_id, Some(decision.event_id));
    let payload = proto::DocumentFiled::decode(filed[0].payload.as_slice()).expect("filed");
    assert_eq!(payload.source_id, decision.event_id.to_string());
    assert_eq!(payload.filed_by, "efile");

    // The same decision delivered again to a reactor that never saw it: nothing new.
    let reactor = fresh_reactor(&app);
    let mut conn = app.db.pool().acquire().await.expect("connection");
    for _ in 0..2 {
        reactor
            .apply(&mut conn, &decision)
            .await
            .expect("redelivered");
    }
    drop(conn);
    // And the whole case log replayed from its start, as after a lost checkpoint.
    let worker = sqlx::PgPool::connect(app.db.worker_url())
        .await
        .expect("worker pool");
    let replayed = projection::rebuild(&worker, &app.case_log, efile::SCHEMA, &reactor)
        .await
        .expect("replayed");
    assert!(replayed.events >= 3, "the case log was replayed");
    assert_eq!(count_events(&app, "efile.DocumentFiled").await, 1);
    assert_eq!(letters(&app, &case.case_id).await.len(), 1);
}
