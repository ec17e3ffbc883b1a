//! Sick notes on the case (docs/casework/sick-notes.md): a sick-note form is recorded by the
//! platform and the caseworker takes note; a scanned one the E-Akte read is recorded by itself
//! when nothing is in doubt, and confirmed by the caseworker otherwise; never twice.
//!
//! The scanned path runs without the E-Akte: the test installs its event log in the test
//! database and relays it into NATS, and appends the `efile.SickNoteRead` events itself.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod harness;

use chrono::{Days, NaiveDate};
use jobcenter_proto::case::v1 as proto;
use jobcenter_proto::common::v1 as common;
use jobcenter_proto::efile::v1 as efile;
use jobcenter_proto::intake::v1 as intake;
use tonic::Code;
use uuid::Uuid;

use harness::{
    TestApp, append_sick_note_read, as_caller, as_subject, case_command, count_events, efile_log,
    eventually, fallback_rule, find, list_all_tasks, set_rules, sick_notes_reactor_reached,
    spawn_app, submit_as,
};

const TENANT: &str = "jc-essen";
const CASEWORKER: &str = "cw-sick";

fn today() -> NaiveDate {
    case::domain::dates::legal_day(chrono::Utc::now())
}

fn date(day: NaiveDate) -> Option<common::Date> {
    Some(case::domain::dates::to_proto(day))
}

fn days_ago(n: u64) -> NaiveDate {
    today().checked_sub_days(Days::new(n)).unwrap()
}

fn in_days(n: u64) -> NaiveDate {
    today().checked_add_days(Days::new(n)).unwrap()
}

/// A case of the applicant Erika Mustermann, assigned to [`CASEWORKER`] by the tenant's rules.
async fn assigned_case(app: &mut TestApp, account: &str) -> proto::Case {
    set_rules(
        app,
        TENANT,
        vec![fallback_rule("all", CASEWORKER, "team-1")],
    )
    .await;
    let (main, at) = submit_as(app, TENANT, account, "Mustermann").await;
    let case_id = find(app, TENANT, &main, &at).await.case_id;
    let cases = app.cases.clone();
    eventually("the case assigned by the rules", || {
        let mut cases = cases.clone();
        let case_id = case_id.clone();
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
            (case.assigned_caseworker == CASEWORKER).then_some(case)
        }
    })
    .await
}

/// The caseworker's open tasks of `kind` for the record `record_id`, once the tasks read model
/// has applied `at` (when given).
async fn tasks_for(
    app: &mut TestApp,
    kind: proto::TaskKind,
    record_id: &str,
    at: Option<common::Position>,
) -> Vec<proto::Task> {
    list_all_tasks(
        app,
        TENANT,
        CASEWORKER,
        "caseworker",
        proto::ListTasksRequest {
            min_position: at,
            ..Default::default()
        },
    )
    .await
    .expect("own queue")
    .into_iter()
    .filter(|task| task.kind == kind as i32 && task.application_id == record_id)
    .collect()
}

/// Waits until the caseworker's queue holds a task of `kind` for `record_id`.
async fn task_appears(app: &mut TestApp, kind: proto::TaskKind, record_id: &str) -> proto::Task {
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(15);
    loop {
        if let Some(task) = tasks_for(app, kind, record_id, None).await.pop() {
            return task;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "no {kind:?} task for {record_id}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
}

async fn incapacities(
    app: &mut TestApp,
    tenant: &str,
    case_id: &str,
    at: Option<common::Position>,
) -> Result<Vec<proto::IncapacityRecorded>, tonic::Status> {
    Ok(app
        .cases
        .list_incapacities(as_caller(
            proto::ListIncapacitiesRequest {
                case_id: case_id.into(),
                min_position: at,
            },
            tenant,
            "caseworker",
        ))
        .await?
        .into_inner()
        .incapacities)
}

/// Waits until the case's incapacities include `record_id`.
async fn recorded(app: &mut TestApp, case_id: &str, record_id: &str) -> proto::IncapacityRecorded {
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(15);
    loop {
        let listed = incapacities(app, TENANT, case_id, None)
            .await
            .expect("incapacities");
        if let Some(found) = listed.into_iter().find(|i| i.record_id == record_id) {
            return found;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "{record_id} not recorded"
        );
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
}

fn acknowledge(
    case_id: &str,
    record_id: &str,
) -> tonic::Request<proto::AcknowledgeSickNoteRequest> {
    as_subject(
        proto::AcknowledgeSickNoteRequest {
            command: case_command(case_id),
            record_id: record_id.into(),
        },
        TENANT,
        CASEWORKER,
        "caseworker",
    )
}

#[tokio::test]
async fn a_sick_note_form_is_recorded_by_the_platform_and_the_caseworker_takes_note() {
    let mut app = spawn_app().await;
    let case = assigned_case(&mut app, "applicant-form").await;

    // Reported ten days late: intake flags it, and the caseworker is to see that.
    let sent = app
        .intake
        .submit_application(as_subject(
            intake::SubmitApplicationRequest {
                submission_id: Uuid::new_v4().to_string(),
                form: Some(intake::submit_application_request::Form::SickNote(
                    intake::SickNote {
                        person: harness::application("Mustermann").applicant,
                        certificate: intake::CertificateKind::First as i32,
                        incapacity_from: date(days_ago(10)),
                        incapacity_until: date(in_days(4)),
                        issued_on: date(days_ago(10)),
                        attachments: vec![intake::AttachmentKind::IncapacityCertificate as i32],
                    },
                )),
                ..Default::default()
            },
            TENANT,
            "applicant-form",
            "applicant",
        ))
        .await
        .expect("sick note accepted")
        .into_inner();
    let note = sent.submission.unwrap().application_id;
    let at = sent.position.unwrap();
    let holder = find(&mut app, TENANT, &note, &at).await;
    assert_eq!(holder.case_id, case.case_id);

    // Attached, recorded and processed in one append.
    assert_eq!(
        count_events(&app, &case.case_id, "case.MatterAttached").await,
        1
    );
    assert_eq!(
        count_events(&app, &case.case_id, "case.IncapacityRecorded").await,
        1
    );
    assert_eq!(
        count_events(&app, &case.case_id, "case.MatterDecided").await,
        1
    );
    let listed = incapacities(&mut app, TENANT, &case.case_id, Some(at.clone()))
        .await
        .expect("incapacities");
    assert_eq!(listed.len(), 1);
    let record = &listed[0];
    assert_eq!(record.record_id, note);
    assert_eq!(record.source, proto::IncapacitySource::Form as i32);
    assert_eq!(record.incapacity_from, date(days_ago(10)));
    assert_eq!(record.incapacity_until, date(in_days(4)));
    assert_eq!(record.certificate, proto::SickNoteCertificate::First as i32);
    assert!(record.automatic);
    assert!(record.received_at.is_some());

    // The caseworker is told; no matter task is left open for it.
    let told = task_appears(&mut app, proto::TaskKind::SickNoteRecorded, &note).await;
    assert_eq!(
        told.title,
        format!(
            "Krankmeldung eingegangen und erfasst: {} bis {}",
            days_ago(10).format("%d.%m.%Y"),
            in_days(4).format("%d.%m.%Y")
        )
    );
    assert_eq!(told.case_id, case.case_id);
    assert_eq!(told.assignee, CASEWORKER);
    assert!(
        told.checklist
            .iter()
            .any(|item| item.starts_with("Plausibilitätshinweis prüfen: sick_note.incapacity_from")),
        "{:?}",
        told.checklist
    );
    assert!(
        tasks_for(&mut app, proto::TaskKind::ProcessMatter, &note, None)
            .await
            .is_empty()
    );
    // The platform processed the matter: not again by hand.
    let by_hand = app
        .cases
        .decide_matter(as_caller(
            proto::DecideMatterRequest {
                command: case_command(&case.case_id),
                application_id: note.clone(),
                outcome: proto::MatterOutcome::Processed as i32,
                note: String::new(),
            },
            TENANT,
            "caseworker",
        ))
        .await
        .expect_err("processed already");
    assert_eq!(by_hand.code(), Code::FailedPrecondition);

    let noted = app
        .cases
        .acknowledge_sick_note(acknowledge(&case.case_id, &note))
        .await
        .expect("acknowledged")
        .into_inner()
        .result
        .unwrap();
    assert!(
        tasks_for(
            &mut app,
            proto::TaskKind::SickNoteRecorded,
            &note,
            noted.position.clone()
        )
        .await
        .is_empty()
    );
    let twice = app
        .cases
        .acknowledge_sick_note(acknowledge(&case.case_id, &note))
        .await
        .expect_err("twice");
    assert_eq!(twice.code(), Code::FailedPrecondition);
    let unknown = app
        .cases
        .acknowledge_sick_note(acknowledge(&case.case_id, &Uuid::new_v4().to_string()))
        .await
        .expect_err("no such record");
    assert_eq!(unknown.code(), Code::FailedPrecondition);
}

/// What the E-Akte reads from a scan of Erika Mustermann's sick note (`name` as read).
fn read_of(case_id: &str, given: &str, family: &str, confidence: u32) -> efile::SickNoteRead {
    efile::SickNoteRead {
        document_id: Uuid::new_v4().to_string(),
        case_id: case_id.into(),
        version: 1,
        family_name: family.into(),
        given_name: given.into(),
        birth_date: None,
        incapacity_from: date(days_ago(1)),
        incapacity_until: date(in_days(5)),
        issued_on: date(days_ago(1)),
        certificate: efile::CertificateKind::First as i32,
        confidence,
        doubts: Vec::new(),
        // Microseconds, as PostgreSQL keeps them.
        received_at: Some(case::domain::to_timestamp(
            chrono::SubsecRound::trunc_subsecs(chrono::Utc::now(), 6),
        )),
    }
}

fn confirm(
    case_id: &str,
    document_id: &str,
    from: Option<common::Date>,
    until: Option<common::Date>,
) -> proto::ConfirmSickNoteRequest {
    proto::ConfirmSickNoteRequest {
        command: case_command(case_id),
        document_id: document_id.into(),
        incapacity_from: from,
        incapacity_until: until,
        issued_on: None,
        certificate: proto::SickNoteCertificate::FollowUp as i32,
    }
}

#[tokio::test]
async fn a_confident_scan_is_recorded_by_itself_and_a_doubtful_one_is_confirmed_by_the_caseworker()
{
    let mut app = spawn_app().await;
    let case = assigned_case(&mut app, "applicant-scan").await;
    let efile = efile_log(&app).await;

    // Confident, and the name matches the applicant (case and umlaut folding aside).
    let sure = read_of(&case.case_id, "ERIKA", "mustermann", 92);
    append_sick_note_read(&efile, TENANT, &sure).await;
    let record = recorded(&mut app, &case.case_id, &sure.document_id).await;
    assert_eq!(record.source, proto::IncapacitySource::Scan as i32);
    assert!(record.automatic);
    assert_eq!(record.incapacity_until, date(in_days(5)));
    assert_eq!(record.received_at, sure.received_at);
    task_appears(
        &mut app,
        proto::TaskKind::SickNoteRecorded,
        &sure.document_id,
    )
    .await;

    // Unsure reading, and a confident one of somebody else: both to the caseworker.
    let unsure = read_of(&case.case_id, "Erika", "Mustermann", 40);
    append_sick_note_read(&efile, TENANT, &unsure).await;
    let review = task_appears(
        &mut app,
        proto::TaskKind::ConfirmSickNote,
        &unsure.document_id,
    )
    .await;
    assert_eq!(review.title, "Krankmeldung prüfen");
    assert_eq!(review.assignee, CASEWORKER);
    assert!(
        review.checklist.contains(
            &"Zweifel prüfen: the reading's confidence (40) is below the threshold (80)".to_owned()
        ),
        "{:?}",
        review.checklist
    );
    let stranger = read_of(&case.case_id, "Max", "Mustermann", 95);
    append_sick_note_read(&efile, TENANT, &stranger).await;
    let review = task_appears(
        &mut app,
        proto::TaskKind::ConfirmSickNote,
        &stranger.document_id,
    )
    .await;
    assert!(
        review.checklist.contains(
            &"Zweifel prüfen: the name read does not match the case's applicant".to_owned()
        ),
        "{:?}",
        review.checklist
    );
    assert_eq!(
        count_events(&app, &case.case_id, "case.SickNoteReviewRequested").await,
        2
    );

    // Bad input: field violations, nothing recorded.
    let bad = app
        .cases
        .confirm_sick_note(as_subject(
            confirm(
                &case.case_id,
                &unsure.document_id,
                date(in_days(5)),
                date(days_ago(1)),
            ),
            TENANT,
            CASEWORKER,
            "caseworker",
        ))
        .await
        .expect_err("unordered");
    assert_eq!(bad.code(), Code::InvalidArgument);
    let fields: Vec<String> = platform::status::field_violations(&bad)
        .into_iter()
        .map(|v| v.field)
        .collect();
    assert_eq!(fields, vec!["incapacity_until".to_owned()]);
    let bad = app
        .cases
        .confirm_sick_note(as_subject(
            confirm(&case.case_id, &unsure.document_id, None, None),
            TENANT,
            CASEWORKER,
            "caseworker",
        ))
        .await
        .expect_err("no days");
    assert_eq!(bad.code(), Code::InvalidArgument);
    let fields: Vec<String> = platform::status::field_violations(&bad)
        .into_iter()
        .map(|v| v.field)
        .collect();
    assert_eq!(
        fields,
        vec!["incapacity_from".to_owned(), "incapacity_until".to_owned()]
    );
    assert_eq!(
        count_events(&app, &case.case_id, "case.IncapacityRecorded").await,
        1
    );

    // Only what is under review can be confirmed.
    for (document, why) in [
        (&sure.document_id, "recorded already"),
        (&Uuid::new_v4().to_string(), "never read"),
    ] {
        let refused = app
            .cases
            .confirm_sick_note(as_subject(
                confirm(&case.case_id, document, date(days_ago(1)), date(in_days(5))),
                TENANT,
                CASEWORKER,
                "caseworker",
            ))
            .await
            .expect_err(why);
        assert_eq!(refused.code(), Code::FailedPrecondition, "{why}");
    }

    // The caseworker corrects the last day; the confirmation task closes.
    let confirmed = app
        .cases
        .confirm_sick_note(as_subject(
            confirm(
                &case.case_id,
                &unsure.document_id,
                date(days_ago(1)),
                date(in_days(9)),
            ),
            TENANT,
            CASEWORKER,
            "caseworker",
        ))
        .await
        .expect("confirmed")
        .into_inner()
        .result
        .unwrap();
    assert!(
        tasks_for(
            &mut app,
            proto::TaskKind::ConfirmSickNote,
            &unsure.document_id,
            confirmed.position.clone()
        )
        .await
        .is_empty()
    );
    // The other review is still open.
    assert_eq!(
        tasks_for(
            &mut app,
            proto::TaskKind::ConfirmSickNote,
            &stranger.document_id,
            None
        )
        .await
        .len(),
        1
    );
    let listed = incapacities(&mut app, TENANT, &case.case_id, confirmed.position.clone())
        .await
        .expect("incapacities");
    assert_eq!(listed.len(), 2, "{listed:?}");
    let corrected = listed
        .iter()
        .find(|i| i.record_id == unsure.document_id)
        .expect("the confirmed one");
    assert!(!corrected.automatic);
    assert_eq!(corrected.incapacity_until, date(in_days(9)));
    assert_eq!(
        corrected.certificate,
        proto::SickNoteCertificate::FollowUp as i32
    );
    assert_eq!(corrected.received_at, unsure.received_at);
    // What a caseworker confirmed needs no acknowledgement.
    let refused = app
        .cases
        .acknowledge_sick_note(acknowledge(&case.case_id, &unsure.document_id))
        .await
        .expect_err("not automatic");
    assert_eq!(refused.code(), Code::FailedPrecondition);

    // Another jobcenter sees and confirms nothing of it.
    let status = incapacities(&mut app, "jc-bochum", &case.case_id, None)
        .await
        .expect_err("another tenant's case");
    assert_eq!(status.code(), Code::NotFound);
    let status = app
        .cases
        .confirm_sick_note(as_caller(
            confirm(
                &case.case_id,
                &stranger.document_id,
                date(days_ago(1)),
                date(in_days(5)),
            ),
            "jc-bochum",
            "caseworker",
        ))
        .await
        .expect_err("another tenant's case");
    assert_eq!(status.code(), Code::NotFound);
}

#[tokio::test]
async fn the_same_reading_delivered_twice_is_recorded_once() {
    let mut app = spawn_app().await;
    let case = assigned_case(&mut app, "applicant-twice").await;
    let efile = efile_log(&app).await;

    let sure = read_of(&case.case_id, "Erika", "Mustermann", 90);
    let unsure = read_of(&case.case_id, "Erika", "Mustermann", 20);
    let mut last = None;
    // Each twice on its document's stream (versions 1 and 2), as a re-read or re-sent reading
    // would be.
    for read in [&sure, &unsure, &sure, &unsure] {
        last = Some(append_sick_note_read(&efile, TENANT, read).await.position);
    }
    sick_notes_reactor_reached(&app, last.unwrap()).await;
    assert_eq!(
        count_events(&app, &case.case_id, "case.IncapacityRecorded").await,
        1
    );
    assert_eq!(
        count_events(&app, &case.case_id, "case.SickNoteReviewRequested").await,
        1
    );
    recorded(&mut app, &case.case_id, &sure.document_id).await;
    task_appears(
        &mut app,
        proto::TaskKind::ConfirmSickNote,
        &unsure.document_id,
    )
    .await;
}

#[tokio::test]
async fn a_reading_for_an_unknown_or_another_jobcenters_case_records_nothing_and_the_next_goes_on()
{
    let mut app = spawn_app().await;
    let case = assigned_case(&mut app, "applicant-mine").await;
    let (theirs, at) = submit_as(&mut app, "jc-bochum", "applicant-theirs", "Mustermann").await;
    let other = find(&mut app, "jc-bochum", &theirs, &at).await;
    let efile = efile_log(&app).await;

    // Essen's E-Akte names Bochum's case, and a case nobody has.
    append_sick_note_read(
        &efile,
        TENANT,
        &read_of(&other.case_id, "Erika", "Mustermann", 99),
    )
    .await;
    append_sick_note_read(
        &efile,
        TENANT,
        &read_of(&Uuid::new_v4().to_string(), "Erika", "Mustermann", 99),
    )
    .await;
    let mine = read_of(&case.case_id, "Erika", "Mustermann", 99);
    let at = append_sick_note_read(&efile, TENANT, &mine).await.position;
    sick_notes_reactor_reached(&app, at).await;
    for case_id in [&other.case_id, &case.case_id] {
        assert_eq!(
            count_events(&app, case_id, "case.SickNoteReviewRequested").await,
            0
        );
    }
    assert_eq!(
        count_events(&app, &other.case_id, "case.IncapacityRecorded").await,
        0
    );
    assert_eq!(
        count_events(&app, &case.case_id, "case.IncapacityRecorded").await,
        1
    );
    recorded(&mut app, &case.case_id, &mine.document_id).await;
    // Bochum sees no incapacity on its case.
    assert!(
        incapacities(&mut app, "jc-bochum", &other.case_id, None)
            .await
            .expect("their own case")
            .is_empty()
    );
}
