//! The sick note that processes itself, through the real `intake`, `case` and `efile`
//! binaries: a scan the test renders (text on an image) is uploaded to the E-Akte, read by
//! OCR, recorded on the applicant's case, filed with its tags, and the caseworker told; a
//! blurred scan becomes a task the caseworker confirms. (The form path, from structured data,
//! is in casework.rs: the case records it and the E-Akte files a record of it.)
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::Duration;

use chrono::{Days, NaiveDate};
use jobcenter_proto::case::v1 as case_pb;
use jobcenter_proto::case::v1::case_service_client::CaseServiceClient;
use jobcenter_proto::efile::v1 as efile_pb;
use system_tests::{Caller, Person, System};
use testkit::scan::{SickNoteScan, render_sick_note};
use tonic::transport::Channel;
use uuid::Uuid;

const TENANT: &str = "jc-essen";

fn staff<T>(message: T) -> tonic::Request<T> {
    Caller::dev(TENANT, "caseworker-au", "caseworker").request(message)
}

/// A case opened by Erika's online application; returns its id.
async fn erikas_case(system: &System) -> String {
    let mut intake = system.intake(None).await.expect("intake client");
    let mut cases = system.cases(None).await.expect("case client");
    let applicant = format!("applicant-{}", Uuid::new_v4());
    let submitted = intake
        .submit_application(
            Caller::dev(TENANT, &applicant, "applicant")
                .request(Person::erika().submission(&Uuid::new_v4().to_string())),
        )
        .await
        .expect("submit")
        .into_inner();
    cases
        .find_case_by_application(staff(case_pb::FindCaseByApplicationRequest {
            application_id: submitted.submission.unwrap().application_id,
            min_position: submitted.position,
        }))
        .await
        .expect("case")
        .into_inner()
        .case
        .unwrap()
        .case_id
}

/// Erika's sick note from yesterday for a week, scanned at 300 dpi with `blur`.
fn scan(blur: f32) -> (Vec<u8>, NaiveDate, NaiveDate) {
    let today = case::domain::dates::legal_day(chrono::Utc::now());
    let from = today.checked_sub_days(Days::new(1)).unwrap();
    let until = today.checked_add_days(Days::new(6)).unwrap();
    let scan = SickNoteScan::standard(
        "Mustermann",
        "Erika",
        NaiveDate::from_ymd_opt(1985, 4, 12).unwrap(),
        from,
        until,
        from,
        true,
    )
    .with_blur(blur);
    (render_sick_note(&scan).expect("rendered"), from, until)
}

/// The scan centre files `bytes` onto the case as scanned post; returns the document.
async fn upload_scan(system: &System, case_id: &str, bytes: &[u8]) -> efile_pb::Document {
    use efile_pb::upload_document_request::Part;
    let mut efile = system.efile(None).await.expect("efile client");
    let mut messages = vec![efile_pb::UploadDocumentRequest {
        part: Some(Part::Header(efile_pb::UploadHeader {
            upload_id: Uuid::new_v4().to_string(),
            case_id: case_id.into(),
            r#type: efile_pb::DocumentType::SickNote as i32,
            channel: efile_pb::Channel::ScannedPost as i32,
            declared_media_type: "image/png".into(),
            file_name: "au-scan.png".into(),
            ..Default::default()
        })),
    }];
    messages.extend(
        bytes
            .chunks(64 * 1024)
            .map(|chunk| efile_pb::UploadDocumentRequest {
                part: Some(Part::Chunk(chunk.to_vec())),
            }),
    );
    efile
        .upload_document(staff(futures::stream::iter(messages)))
        .await
        .expect("uploaded")
        .into_inner()
        .document
        .expect("document")
}

async fn incapacities(
    cases: &mut CaseServiceClient<Channel>,
    case_id: &str,
) -> Vec<case_pb::IncapacityRecorded> {
    cases
        .list_incapacities(staff(case_pb::ListIncapacitiesRequest {
            case_id: case_id.into(),
            min_position: None,
        }))
        .await
        .expect("incapacities")
        .into_inner()
        .incapacities
}

/// Open tasks of the case as (kind, matter), from the work queue's read model.
async fn open_tasks(system: &System, case_id: &str) -> Vec<(i32, String)> {
    sqlx::query_as(
        "SELECT kind, application_id FROM cases.tasks \
         WHERE case_id = $1::uuid AND closed_at IS NULL",
    )
    .bind(case_id)
    .fetch_all(system.db().pool())
    .await
    .expect("tasks")
}

/// Polls until `check` yields (OCR and three services lie between upload and case).
async fn eventually<T, F, Fut>(what: &str, mut check: F) -> T
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Option<T>>,
{
    for _ in 0..300 {
        if let Some(value) = check().await {
            return value;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("timed out waiting for {what}");
}

#[tokio::test]
async fn a_scanned_sick_note_is_read_recorded_on_the_case_filed_and_announced() {
    let system = System::development().await.expect("system");
    let case_id = erikas_case(&system).await;
    let (bytes, from, until) = scan(0.0);
    let document = upload_scan(&system, &case_id, &bytes).await;

    let mut cases = system.cases(None).await.expect("case client");
    let recorded = eventually("the incapacity on the case", || {
        let mut cases = cases.clone();
        let case_id = case_id.clone();
        async move { incapacities(&mut cases, &case_id).await.into_iter().next() }
    })
    .await;
    assert_eq!(recorded.record_id, document.document_id);
    assert_eq!(recorded.source, case_pb::IncapacitySource::Scan as i32);
    assert!(recorded.automatic);
    assert_eq!(
        recorded.incapacity_from,
        Some(case::domain::dates::to_proto(from))
    );
    assert_eq!(
        recorded.incapacity_until,
        Some(case::domain::dates::to_proto(until))
    );

    // The caseworker is told, and takes note.
    let told = (
        case_pb::TaskKind::SickNoteRecorded as i32,
        document.document_id.clone(),
    );
    eventually("the caseworker's task", || async {
        open_tasks(&system, &case_id)
            .await
            .contains(&told)
            .then_some(())
    })
    .await;
    cases
        .acknowledge_sick_note(staff(case_pb::AcknowledgeSickNoteRequest {
            command: Some(case_pb::CaseCommand {
                case_id: case_id.clone(),
                command_id: Uuid::new_v4().to_string(),
                expected_version: None,
            }),
            record_id: document.document_id.clone(),
        }))
        .await
        .expect("acknowledged");

    // Filed with its tags; the same scan again is the same document, processed once.
    let mut efile = system.efile(None).await.expect("efile client");
    let filed = eventually("the tags", || {
        let mut efile = efile.clone();
        let id = document.document_id.clone();
        async move {
            let document = efile
                .get_document(staff(efile_pb::GetDocumentRequest {
                    document_id: id,
                    min_position: None,
                }))
                .await
                .expect("document")
                .into_inner()
                .document
                .unwrap();
            document
                .tags
                .contains(&"arbeitsunfaehigkeit".to_owned())
                .then_some(document)
        }
    })
    .await;
    assert!(filed.tags.contains(&"erstbescheinigung".to_owned()));
    let again = upload_scan(&system, &case_id, &bytes).await;
    assert_eq!(again.document_id, document.document_id);
    let history = efile
        .get_document_history(staff(efile_pb::GetDocumentHistoryRequest {
            document_id: document.document_id.clone(),
        }))
        .await
        .expect("history")
        .into_inner()
        .entries;
    let readings = history
        .iter()
        .filter(|e| e.event_type == "efile.SickNoteRead")
        .count();
    assert_eq!(readings, 1, "{history:?}");
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(incapacities(&mut cases, &case_id).await.len(), 1);
}

#[tokio::test]
async fn a_blurred_scan_becomes_a_task_the_caseworker_confirms() {
    let system = System::development().await.expect("system");
    let case_id = erikas_case(&system).await;
    let (bytes, from, until) = scan(8.0);
    let document = upload_scan(&system, &case_id, &bytes).await;

    let confirm = (
        case_pb::TaskKind::ConfirmSickNote as i32,
        document.document_id.clone(),
    );
    eventually("the confirmation task", || async {
        open_tasks(&system, &case_id)
            .await
            .contains(&confirm)
            .then_some(())
    })
    .await;
    let mut cases = system.cases(None).await.expect("case client");
    assert!(incapacities(&mut cases, &case_id).await.is_empty());

    // The caseworker reads the paper and confirms the period: recorded, the task closed.
    cases
        .confirm_sick_note(staff(case_pb::ConfirmSickNoteRequest {
            command: Some(case_pb::CaseCommand {
                case_id: case_id.clone(),
                command_id: Uuid::new_v4().to_string(),
                expected_version: None,
            }),
            document_id: document.document_id.clone(),
            incapacity_from: Some(case::domain::dates::to_proto(from)),
            incapacity_until: Some(case::domain::dates::to_proto(until)),
            issued_on: None,
            certificate: case_pb::SickNoteCertificate::First as i32,
        }))
        .await
        .expect("confirmed");
    let recorded = eventually("the confirmed incapacity", || {
        let mut cases = cases.clone();
        let case_id = case_id.clone();
        async move { incapacities(&mut cases, &case_id).await.into_iter().next() }
    })
    .await;
    assert!(!recorded.automatic);
    assert_eq!(recorded.record_id, document.document_id);
    eventually("the task closed", || async {
        (!open_tasks(&system, &case_id).await.contains(&confirm)).then_some(())
    })
    .await;
}
