//! Retention and the sweep, through the real services with a clock moved years ahead.

mod harness;

use harness::*;
use jobcenter_proto::efile::v1 as proto;
use tonic::Code;

fn as_team_lead<T>(message: T) -> tonic::Request<T> {
    as_subject(message, TENANT, "lead-1", "team-lead")
}

async fn run_retention(app: &mut TestApp) -> proto::RunRetentionResponse {
    app.efile
        .run_retention(as_team_lead(proto::RunRetentionRequest {}))
        .await
        .expect("retention")
        .into_inner()
}

/// Polls GetDocument until `check` holds (the read model follows the log asynchronously).
async fn eventually_document(
    app: &mut TestApp,
    document_id: &str,
    what: &str,
    check: impl Fn(&proto::Document) -> bool,
) -> proto::Document {
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(15);
    loop {
        let document = get_document(app, document_id, None).await;
        if check(&document) {
            return document;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "timed out waiting for {what}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
}

#[tokio::test]
async fn at_the_end_of_retention_content_is_deleted_and_recorded_unless_a_legal_hold_keeps_it() {
    let mut app = spawn_app().await;
    let case = open_case(&mut app, TENANT).await;
    let kept_content = pdf(3_000, 20);
    let doomed_content = pdf(3_000, 21);
    let kept = upload(
        &mut app,
        header(&case, proto::DocumentType::Letter, &[]),
        &kept_content,
    )
    .await
    .expect("filed")
    .document
    .expect("a document")
    .document_id;
    let doomed = upload(
        &mut app,
        header(&case, proto::DocumentType::RentalContract, &["miete"]),
        &doomed_content,
    )
    .await
    .expect("filed")
    .document
    .expect("a document")
    .document_id;

    let hold = |command_id: &str| proto::PlaceLegalHoldRequest {
        document_id: kept.clone(),
        command_id: command_id.into(),
        reason: "S 12 AS 345/26".into(),
    };
    let first_hold = uuid::Uuid::new_v4().to_string();
    app.efile
        .place_legal_hold(as_caseworker(hold(&first_hold), TENANT))
        .await
        .expect("held");
    // The same command again answers its first result; another hold is refused.
    app.efile
        .place_legal_hold(as_caseworker(hold(&first_hold), TENANT))
        .await
        .expect("retried");
    let twice = app
        .efile
        .place_legal_hold(as_caseworker(
            hold(&uuid::Uuid::new_v4().to_string()),
            TENANT,
        ))
        .await
        .expect_err("held already");
    assert_eq!(twice.code(), Code::FailedPrecondition);
    let lift = |document_id: &str| proto::LiftLegalHoldRequest {
        document_id: document_id.into(),
        command_id: uuid::Uuid::new_v4().to_string(),
        reason: "proceedings ended".into(),
    };
    let by_caseworker = app
        .efile
        .lift_legal_hold(as_caseworker(lift(&kept), TENANT))
        .await
        .expect_err("team leads lift holds");
    assert_eq!(by_caseworker.code(), Code::PermissionDenied);
    let without_hold = app
        .efile
        .lift_legal_hold(as_team_lead(lift(&doomed)))
        .await
        .expect_err("no hold to lift");
    assert_eq!(without_hold.code(), Code::FailedPrecondition);

    // Open case: nothing is due.
    assert_eq!(
        run_retention(&mut app).await,
        proto::RunRetentionResponse {
            deleted: 0,
            held: 0
        }
    );

    let closed = close_case(&mut app, TENANT, &case.case_id).await;
    let case_file = app
        .efile
        .get_case_file(as_caseworker(
            proto::GetCaseFileRequest {
                case_id: case.case_id.clone(),
                min_position: Some(closed),
            },
            TENANT,
        ))
        .await
        .expect("case file")
        .into_inner()
        .documents;
    let today = efile::domain::dates::legal_day(chrono::Utc::now());
    let due = today
        .checked_add_months(chrono::Months::new(120))
        .and_then(|d| d.checked_add_days(chrono::Days::new(1)))
        .expect("day");
    for document in &case_file {
        assert_eq!(
            document.deletion_due_on,
            Some(efile::domain::dates::to_proto(due))
        );
    }
    assert_eq!(
        run_retention(&mut app).await,
        proto::RunRetentionResponse {
            deleted: 0,
            held: 0
        }
    );

    app.clock.advance_days(11 * 366);
    assert_eq!(
        run_retention(&mut app).await,
        proto::RunRetentionResponse {
            deleted: 1,
            held: 1
        }
    );
    assert!(!blob_path(&app, TENANT, &sha256(&doomed_content)).exists());
    assert!(blob_path(&app, TENANT, &sha256(&kept_content)).exists());
    let recorded = app
        .log
        .read_stream(&format!("document-{doomed}"), 0, 100)
        .await
        .expect("stream");
    let deleted = recorded.last().expect("events");
    assert_eq!(deleted.event_type, "efile.DocumentDeleted");
    assert_eq!(deleted.metadata.actor.as_deref(), Some("efile"));
    let payload = <proto::DocumentDeleted as prost::Message>::decode(deleted.payload.as_slice())
        .expect("payload");
    assert_eq!(payload.rule, "10 years after the case closed");
    assert_eq!(payload.sha256, [sha256(&doomed_content)]);
    assert_eq!(payload.due_on, Some(efile::domain::dates::to_proto(due)));

    let gone = download(&mut app, &doomed, 0)
        .await
        .map(|_| ())
        .expect_err("deleted");
    assert_eq!(gone.code(), Code::FailedPrecondition);
    let still = download(&mut app, &kept, 0).await.expect("held");
    assert_eq!(still.bytes, kept_content);
    let change = app
        .efile
        .place_legal_hold(as_caseworker(
            proto::PlaceLegalHoldRequest {
                document_id: doomed.clone(),
                command_id: uuid::Uuid::new_v4().to_string(),
                reason: "too late".into(),
            },
            TENANT,
        ))
        .await
        .expect_err("a deleted document takes no changes");
    assert_eq!(change.code(), Code::FailedPrecondition);
    let shown = eventually_document(&mut app, &doomed, "the deletion in the read model", |d| {
        d.deleted
    })
    .await;
    assert_eq!(shown.versions.len(), 1, "the metadata stays");

    // Again: nothing more to delete, the hold still keeps; lifted, the next run deletes.
    assert_eq!(
        run_retention(&mut app).await,
        proto::RunRetentionResponse {
            deleted: 0,
            held: 1
        }
    );
    app.efile
        .lift_legal_hold(as_team_lead(lift(&kept)))
        .await
        .expect("lifted");
    eventually_document(&mut app, &kept, "the lifted hold", |d| !d.legal_hold).await;
    assert_eq!(
        run_retention(&mut app).await,
        proto::RunRetentionResponse {
            deleted: 1,
            held: 0
        }
    );
    assert!(!blob_path(&app, TENANT, &sha256(&kept_content)).exists());
    assert_eq!(count_events(&app, "efile.DocumentDeleted").await, 2);
}

#[tokio::test]
async fn a_sick_note_is_due_five_years_after_receipt_and_content_another_document_holds_stays() {
    let mut app = spawn_app().await;
    let case = open_case(&mut app, TENANT).await;
    let other_case = open_case(&mut app, TENANT).await;
    let content = pdf(2_500, 30);
    let mut old = header(
        &case,
        proto::DocumentType::SickNote,
        &["arbeitsunfaehigkeit"],
    );
    let received = chrono::Utc::now() - chrono::Duration::days(6 * 366);
    old.received_at = Some(prost_types::Timestamp {
        seconds: received.timestamp(),
        nanos: 0,
    });
    let sick_note = upload(&mut app, old, &content).await.expect("filed");
    // The same bytes filed as a letter on another case: a live reference to the blob.
    let letter = upload(
        &mut app,
        header(&other_case, proto::DocumentType::Letter, &[]),
        &content,
    )
    .await
    .expect("filed");
    let sick_note = sick_note.document.expect("a document");
    assert!(
        sick_note.deletion_due_on.is_some(),
        "known from receipt while the case is open"
    );
    let _ = get_document(
        &mut app,
        &letter.document.expect("a document").document_id,
        letter.position,
    )
    .await;
    // Past the grace period of the blob, so only the reference keeps it.
    app.clock.advance_days(2);
    assert_eq!(
        run_retention(&mut app).await,
        proto::RunRetentionResponse {
            deleted: 1,
            held: 0
        }
    );
    assert!(blob_path(&app, TENANT, &sha256(&content)).exists());
}

#[tokio::test]
async fn the_sweep_removes_an_unreferenced_blob_past_the_grace_period_and_keeps_a_referenced_one() {
    let mut app = spawn_app().await;
    let case = open_case(&mut app, TENANT).await;
    let referenced = pdf(4_000, 40);
    let filed = upload(
        &mut app,
        header(&case, proto::DocumentType::Payslip, &[]),
        &referenced,
    )
    .await
    .expect("filed");
    let _ = get_document(
        &mut app,
        &filed.document.expect("a document").document_id,
        filed.position,
    )
    .await;
    // A blob no event references (an upload whose event never came).
    let store = efile::blobs::BlobStore::from_config(&efile::blobs::BlobConfig {
        local_root: app.blob_root.clone(),
        local_fsync: false,
        ..Default::default()
    })
    .expect("store");
    let stray = pdf(1_000, 41);
    let mut upload = store.begin_upload(TENANT, 10_000).await.expect("begin");
    upload.write(&stray).await.expect("write");
    upload.finish().await.expect("finish");
    assert!(blob_path(&app, TENANT, &sha256(&stray)).exists());

    // Young: both stay.
    let report = app.sweeper.sweep_once().await.expect("sweep");
    assert_eq!(report.content_deleted, 0);
    assert!(blob_path(&app, TENANT, &sha256(&stray)).exists());

    app.clock.advance_days(2);
    let report = app.sweeper.sweep_once().await.expect("sweep");
    assert_eq!(report.content_deleted, 1);
    assert_eq!(report.kept_referenced, 1);
    assert!(!blob_path(&app, TENANT, &sha256(&stray)).exists());
    assert!(blob_path(&app, TENANT, &sha256(&referenced)).exists());
}
