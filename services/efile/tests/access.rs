//! Tenancy, ownership, bad input and the hash check on the way out.

mod harness;

use harness::*;
use jobcenter_proto::efile::v1 as proto;
use tonic::Code;

/// `message` from a caseworker of the other tenant.
fn stranger<T>(message: T) -> tonic::Request<T> {
    as_subject(message, OTHER_TENANT, "cw-9", "caseworker")
}

#[tokio::test]
async fn another_tenants_documents_and_cases_are_not_found() {
    let mut app = spawn_app().await;
    let case = open_case(&mut app, TENANT).await;
    let filed = upload(
        &mut app,
        header(&case, proto::DocumentType::Letter, &[]),
        &pdf(2_000, 50),
    )
    .await
    .expect("filed");
    let document_id = filed.document.expect("a document").document_id;
    let _ = get_document(&mut app, &document_id, filed.position.clone()).await;

    let code = app
        .efile
        .get_document(stranger(proto::GetDocumentRequest {
            document_id: document_id.clone(),
            min_position: filed.position.clone(),
        }))
        .await
        .expect_err("other tenant")
        .code();
    assert_eq!(code, Code::NotFound);
    let refused = download_as(
        &mut app,
        OTHER_TENANT,
        "cw-9",
        "caseworker",
        &document_id,
        0,
    )
    .await
    .map(|_| ())
    .expect_err("other tenant");
    assert_eq!(refused.code(), Code::NotFound);
    let code = app
        .efile
        .get_document_history(stranger(proto::GetDocumentHistoryRequest {
            document_id: document_id.clone(),
        }))
        .await
        .expect_err("other tenant")
        .code();
    assert_eq!(code, Code::NotFound);
    let code = app
        .efile
        .get_case_file(stranger(proto::GetCaseFileRequest {
            case_id: case.case_id.clone(),
            min_position: None,
        }))
        .await
        .expect_err("other tenant")
        .code();
    assert_eq!(code, Code::NotFound);
    let code = app
        .efile
        .place_legal_hold(stranger(proto::PlaceLegalHoldRequest {
            document_id: document_id.clone(),
            command_id: uuid::Uuid::new_v4().to_string(),
            reason: "x".into(),
        }))
        .await
        .expect_err("other tenant")
        .code();
    assert_eq!(code, Code::NotFound);
    let listed = app
        .efile
        .list_documents(stranger(proto::ListDocumentsRequest::default()))
        .await
        .expect("list")
        .into_inner();
    assert!(listed.documents.is_empty());
    let refused = upload_as(
        &mut app,
        OTHER_TENANT,
        "cw-9",
        "caseworker",
        header(&case, proto::DocumentType::Letter, &[]),
        &pdf(2_000, 51),
    )
    .await
    .expect_err("other tenant's case");
    assert_eq!(refused.code(), Code::NotFound);
    assert_eq!(count_events(&app, "efile.LegalHoldPlaced").await, 0);
}

#[tokio::test]
async fn an_applicant_files_onto_and_reads_only_their_own_case() {
    let mut app = spawn_app().await;
    let own = open_case_as(&mut app, TENANT, "applicant-erika").await;
    let foreign = open_case_as(&mut app, TENANT, "applicant-max").await;
    let mut portal = header(&own, proto::DocumentType::Payslip, &["einkommen"]);
    portal.channel = proto::Channel::Portal as i32;
    let filed = upload_as(
        &mut app,
        TENANT,
        "applicant-erika",
        "applicant",
        portal.clone(),
        &pdf(2_000, 60),
    )
    .await
    .expect("own case");
    let document_id = filed.document.expect("a document").document_id;
    let staff_filed = upload(
        &mut app,
        header(&foreign, proto::DocumentType::Letter, &[]),
        &pdf(2_000, 61),
    )
    .await
    .expect("staff");
    let _ = get_document(
        &mut app,
        &staff_filed.document.expect("a document").document_id,
        staff_filed.position,
    )
    .await;

    let mut onto_foreign = header(&foreign, proto::DocumentType::Payslip, &[]);
    onto_foreign.channel = proto::Channel::Portal as i32;
    let refused = upload_as(
        &mut app,
        TENANT,
        "applicant-erika",
        "applicant",
        onto_foreign,
        &pdf(2_000, 62),
    )
    .await
    .expect_err("not their case");
    assert_eq!(refused.code(), Code::NotFound);
    let mut scanned = portal.clone();
    scanned.upload_id = uuid::Uuid::new_v4().to_string();
    scanned.channel = proto::Channel::ScannedPost as i32;
    let refused = upload_as(
        &mut app,
        TENANT,
        "applicant-erika",
        "applicant",
        scanned,
        &pdf(2_000, 63),
    )
    .await
    .expect_err("not an applicant's channel");
    assert_eq!(violated_fields(&refused), ["header.channel"]);

    let own_read = download_as(
        &mut app,
        TENANT,
        "applicant-erika",
        "applicant",
        &document_id,
        0,
    )
    .await
    .expect("own document");
    own_read.end.expect("complete");
    let refused = download_as(
        &mut app,
        TENANT,
        "applicant-max",
        "applicant",
        &document_id,
        0,
    )
    .await
    .map(|_| ())
    .expect_err("someone else's document");
    assert_eq!(refused.code(), Code::NotFound);
    let code = app
        .efile
        .get_document(as_subject(
            proto::GetDocumentRequest {
                document_id: document_id.clone(),
                min_position: filed.position.clone(),
            },
            TENANT,
            "applicant-max",
            "applicant",
        ))
        .await
        .expect_err("someone else's document")
        .code();
    assert_eq!(code, Code::NotFound);
    let listed = app
        .efile
        .list_documents(as_subject(
            proto::ListDocumentsRequest::default(),
            TENANT,
            "applicant-erika",
            "applicant",
        ))
        .await
        .expect("list")
        .into_inner()
        .documents;
    let ids: Vec<&str> = listed.iter().map(|d| d.document_id.as_str()).collect();
    assert_eq!(ids, [document_id.as_str()]);
    let code = app
        .efile
        .get_document_history(as_subject(
            proto::GetDocumentHistoryRequest {
                document_id: document_id.clone(),
            },
            TENANT,
            "applicant-erika",
            "applicant",
        ))
        .await
        .expect_err("history is for staff")
        .code();
    assert_eq!(code, Code::PermissionDenied);
}

#[tokio::test]
async fn bad_input_names_every_field_and_records_nothing() {
    let mut app = spawn_app().await;
    let case = open_case(&mut app, TENANT).await;
    let mut bad = header(
        &case,
        proto::DocumentType::Unspecified,
        &["miete", "Diagnose"],
    );
    bad.upload_id = "not-a-uuid".into();
    bad.file_name = "../../etc/passwd".into();
    let tomorrow = chrono::Utc::now() + chrono::Duration::days(1);
    bad.received_at = Some(prost_types::Timestamp {
        seconds: tomorrow.timestamp(),
        nanos: 0,
    });
    bad.declared_media_type = "image/jpg".into();
    let refused = upload(&mut app, bad, &pdf(2_000, 70))
        .await
        .expect_err("invalid");
    assert_eq!(refused.code(), Code::InvalidArgument);
    assert_eq!(
        violated_fields(&refused),
        [
            "header.upload_id",
            "header.type",
            "header.tags[1]",
            "header.received_at",
            "header.file_name",
            "header.declared_media_type"
        ]
    );

    // Content before the header.
    let chunk_first = vec![proto::UploadDocumentRequest {
        part: Some(proto::upload_document_request::Part::Chunk(pdf(100, 71))),
    }];
    let refused = app
        .efile
        .upload_document(as_caseworker(futures::stream::iter(chunk_first), TENANT))
        .await
        .expect_err("no header");
    assert_eq!(violated_fields(&refused), ["header"]);

    let refused = app
        .efile
        .change_document_metadata(as_caseworker(
            proto::ChangeDocumentMetadataRequest {
                document_id: uuid::Uuid::new_v4().to_string(),
                command_id: "x".into(),
                expected_version: Some(0),
                case_id: case.case_id.clone(),
                r#type: proto::DocumentType::Letter as i32,
                tags: vec!["unbekannt".into()],
                reason: " ".into(),
            },
            TENANT,
        ))
        .await
        .expect_err("invalid");
    assert_eq!(
        violated_fields(&refused),
        ["command_id", "expected_version", "tags[0]", "reason"]
    );
    assert_eq!(all_events(&app).await, 0);
    assert!(content_files(&app, TENANT).is_empty());
}

#[tokio::test]
async fn changed_stored_bytes_end_the_download_with_data_loss_before_the_content_is_complete() {
    let mut app = spawn_app().await;
    let case = open_case(&mut app, TENANT).await;
    let content = pdf(100_000, 80);
    let filed = upload(
        &mut app,
        header(&case, proto::DocumentType::Letter, &[]),
        &content,
    )
    .await
    .expect("filed");
    let document_id = filed.document.expect("a document").document_id;
    let path = blob_path(&app, TENANT, &sha256(&content));
    let mut tampered = std::fs::read(&path).expect("stored");
    tampered[70_000] ^= 0xFF;
    std::fs::write(&path, &tampered).expect("tampered");

    let downloaded = download(&mut app, &document_id, 0).await.expect("started");
    assert_eq!(
        downloaded.end.expect_err("data loss").code(),
        Code::DataLoss
    );
    assert!(downloaded.content.is_some());
    assert!(
        downloaded.bytes.len() < content.len(),
        "the last chunk was held back"
    );

    // A cut file too.
    std::fs::write(&path, &content[..50_000]).expect("cut");
    let downloaded = download(&mut app, &document_id, 0).await.expect("started");
    assert_eq!(
        downloaded.end.expect_err("data loss").code(),
        Code::DataLoss
    );
}

#[tokio::test]
async fn every_read_of_a_document_is_in_the_read_access_log() {
    let mut app = spawn_app().await;
    let case = open_case(&mut app, TENANT).await;
    let filed = upload(
        &mut app,
        header(&case, proto::DocumentType::Letter, &[]),
        &pdf(2_000, 90),
    )
    .await
    .expect("filed");
    let document_id = filed.document.expect("a document").document_id;
    let admin = app.db.pool().clone();
    let records = || async {
        sqlx::query_scalar::<_, i64>("SELECT count(*) FROM efile_access.events")
            .fetch_one(&admin)
            .await
            .expect("counted")
    };
    let before = records().await;
    let _ = get_document(&mut app, &document_id, filed.position.clone()).await;
    download(&mut app, &document_id, 0)
        .await
        .expect("download")
        .end
        .expect("complete");
    assert_eq!(records().await, before + 2);
}
