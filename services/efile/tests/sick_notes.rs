//! The sick note that processes itself, inside the E-Akte with the real intake and case
//! services: a scan is read once and the case records it (or asks a caseworker), a form's sick
//! note is filed as a printable record. The same paths through the real binaries are in the
//! system tests (tests/tests/sick_notes.rs).

mod harness;

use std::time::Duration;

use chrono::{Days, NaiveDate};
use harness::*;
use jobcenter_proto::case::v1 as case;
use jobcenter_proto::efile::v1 as proto;
use testkit::scan::{SickNoteScan, render_sick_note};

/// A scan of the harness applicant's sick note, first certificate, from yesterday for a week.
fn scan_of_erika(blur: f32) -> (Vec<u8>, NaiveDate, NaiveDate) {
    let today = chrono::Utc::now().date_naive();
    let from = today.checked_sub_days(Days::new(1)).expect("day");
    let until = today.checked_add_days(Days::new(6)).expect("day");
    let scan = SickNoteScan::standard(
        "Mustermann",
        "Erika",
        NaiveDate::from_ymd_opt(1985, 4, 12).expect("day"),
        from,
        until,
        from,
        true,
    )
    .with_blur(blur);
    // 150 dpi keeps the scan within the harness's small upload limit and reads as well.
    let scan = SickNoteScan { dpi: 150, ..scan };
    (render_sick_note(&scan).expect("rendered"), from, until)
}

fn sick_note_header(case: &OpenedCase) -> proto::UploadHeader {
    proto::UploadHeader {
        file_name: "au.png".into(),
        ..header(case, proto::DocumentType::SickNote, &[])
    }
}

async fn incapacities(app: &TestApp, case_id: &str) -> Vec<case::IncapacityRecorded> {
    app.cases
        .clone()
        .list_incapacities(as_caseworker(
            case::ListIncapacitiesRequest {
                case_id: case_id.into(),
                min_position: None,
            },
            TENANT,
        ))
        .await
        .expect("incapacities")
        .into_inner()
        .incapacities
}

/// The open tasks of a case in the work queue's read model, as (kind, matter) (the
/// administrator's view: whichever queue they are in).
async fn tasks_of_case(app: &TestApp, case_id: &str) -> Vec<(i32, String)> {
    sqlx::query_as(
        "SELECT kind, application_id FROM cases.tasks \
         WHERE case_id = $1::uuid AND closed_at IS NULL ORDER BY opened_at",
    )
    .bind(case_id)
    .fetch_all(app.db.pool())
    .await
    .expect("tasks")
}

#[tokio::test]
async fn a_clear_scan_is_read_once_recorded_on_the_case_and_tagged() {
    let mut app = spawn_app().await;
    let case = open_case(&mut app, TENANT).await;
    let (scan, from, until) = scan_of_erika(0.0);
    assert!(scan.len() <= MAX_BYTES, "scan of {} bytes", scan.len());

    let filed = upload(&mut app, sick_note_header(&case), &scan)
        .await
        .expect("filed")
        .document
        .expect("document");
    let recorded = eventually("the incapacity on the case", || async {
        incapacities(&app, &case.case_id).await.into_iter().next()
    })
    .await;
    assert_eq!(recorded.record_id, filed.document_id);
    assert_eq!(recorded.source, case::IncapacitySource::Scan as i32);
    assert!(recorded.automatic, "a clear scan is recorded by itself");
    assert_eq!(recorded.incapacity_from, Some(date(from)));
    assert_eq!(recorded.incapacity_until, Some(date(until)));
    // The caseworker is told.
    let told = (
        case::TaskKind::SickNoteRecorded as i32,
        filed.document_id.clone(),
    );
    eventually("the caseworker's task", || async {
        tasks_of_case(&app, &case.case_id)
            .await
            .contains(&told)
            .then_some(())
    })
    .await;

    // Filed with the tags of a first certificate, and the reading is in its history.
    let tagged = eventually("the tags", || async {
        let document = document_of(&app, &filed.document_id).await;
        (document.tags.contains(&"arbeitsunfaehigkeit".to_owned())).then_some(document)
    })
    .await;
    assert!(tagged.tags.contains(&"erstbescheinigung".to_owned()));
    assert_eq!(count_events(&app, "efile.SickNoteRead").await, 1);

    // The same scan again, and a redelivery of everything: processed once.
    let again = upload(&mut app, sick_note_header(&case), &scan)
        .await
        .expect("answered");
    assert!(again.already_filed);
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(count_events(&app, "efile.SickNoteRead").await, 1);
    assert_eq!(incapacities(&app, &case.case_id).await.len(), 1);
}

#[tokio::test]
async fn a_blurred_scan_becomes_a_task_to_confirm_with_what_could_be_read() {
    let mut app = spawn_app().await;
    let case = open_case(&mut app, TENANT).await;
    let (scan, _, _) = scan_of_erika(6.0);
    let filed = upload(&mut app, sick_note_header(&case), &scan)
        .await
        .expect("filed")
        .document
        .expect("document");
    let confirm = (
        case::TaskKind::ConfirmSickNote as i32,
        filed.document_id.clone(),
    );
    eventually("the confirmation task", || async {
        tasks_of_case(&app, &case.case_id)
            .await
            .contains(&confirm)
            .then_some(())
    })
    .await;
    assert!(incapacities(&app, &case.case_id).await.is_empty());
    assert_eq!(count_events(&app, "efile.SickNoteRead").await, 1);
}

#[tokio::test]
async fn a_form_sick_note_is_filed_as_a_printable_record_once() {
    let mut app = spawn_app().await;
    let case = open_case(&mut app, TENANT).await;
    let today = chrono::Utc::now().date_naive();
    let from = today.checked_sub_days(Days::new(1)).expect("day");
    let until = today.checked_add_days(Days::new(4)).expect("day");
    submit_sick_note_form(&mut app, &case, from, until).await;

    let record = eventually("the record in the case file", || async {
        case_file(&app, &case.case_id)
            .await
            .into_iter()
            .find(|d| d.r#type == proto::DocumentType::SickNote as i32)
    })
    .await;
    assert_eq!(record.channel, proto::Channel::Generated as i32);
    assert!(record.tags.contains(&"arbeitsunfaehigkeit".to_owned()));
    let content = download(&mut app, &record.document_id, 0)
        .await
        .expect("downloaded");
    assert!(content.bytes.starts_with(b"%PDF-"));
    let text = pdf_text(&content.bytes);
    let period = format!(
        "Arbeitsunfähig vom {} bis voraussichtlich {}",
        from.format("%d.%m.%Y"),
        until.format("%d.%m.%Y")
    );
    assert!(text.contains(&period), "{text}");
    // A record is no scan: nothing is read from it.
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(count_events(&app, "efile.SickNoteRead").await, 0);
    assert_eq!(count_events(&app, "efile.DocumentFiled").await, 1);
}

fn date(day: NaiveDate) -> jobcenter_proto::common::v1::Date {
    use chrono::Datelike;
    jobcenter_proto::common::v1::Date {
        year: day.year(),
        month: i32::try_from(day.month()).expect("month"),
        day: i32::try_from(day.day()).expect("day"),
    }
}

async fn document_of(app: &TestApp, document_id: &str) -> proto::Document {
    app.efile
        .clone()
        .get_document(as_caseworker(
            proto::GetDocumentRequest {
                document_id: document_id.into(),
                min_position: None,
            },
            TENANT,
        ))
        .await
        .expect("document")
        .into_inner()
        .document
        .expect("document")
}

/// The applicant of `case` sends a sick-note form for the period.
async fn submit_sick_note_form(
    app: &mut TestApp,
    case: &OpenedCase,
    from: NaiveDate,
    until: NaiveDate,
) {
    use jobcenter_proto::intake::v1 as intake;
    app.intake
        .submit_application(as_subject(
            intake::SubmitApplicationRequest {
                submission_id: uuid::Uuid::new_v4().to_string(),
                case_id: case.case_id.clone(),
                form: Some(intake::submit_application_request::Form::SickNote(
                    intake::SickNote {
                        person: Some(intake::Person {
                            given_name: "Erika".into(),
                            family_name: "Mustermann".into(),
                            birth_date: Some(date(
                                NaiveDate::from_ymd_opt(1985, 4, 12).expect("day"),
                            )),
                        }),
                        certificate: intake::CertificateKind::First as i32,
                        incapacity_from: Some(date(from)),
                        incapacity_until: Some(date(until)),
                        issued_on: Some(date(from)),
                        attachments: vec![intake::AttachmentKind::IncapacityCertificate as i32],
                    },
                )),
                ..Default::default()
            },
            TENANT,
            &case.applicant,
            "applicant",
        ))
        .await
        .expect("sick note accepted");
}
