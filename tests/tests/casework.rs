//! Casework end to end through the real binaries: an applicant's main application opens a case;
//! the caseworker reviews it, requests documents, records their arrival and decides; the
//! applicant objects and the objection is decided; a sick note the applicant sends lands on the
//! same case, is recorded by itself and filed in the E-Akte as a record; the applicant follows it
//! all in plain words.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use chrono::Days;
use jobcenter_proto::case::v1 as case_pb;
use jobcenter_proto::common::v1 as common;
use jobcenter_proto::efile::v1 as efile_pb;
use jobcenter_proto::intake::v1 as intake_pb;
use system_tests::{Caller, Person, System};
use uuid::Uuid;

const TENANT: &str = "jc-essen";
const APPLICANT: &str = "applicant-e2e";

fn staff<T>(message: T) -> tonic::Request<T> {
    Caller::dev(TENANT, "caseworker-e2e", "caseworker").request(message)
}

fn applicant<T>(message: T) -> tonic::Request<T> {
    Caller::dev(TENANT, APPLICANT, "applicant").request(message)
}

fn command(case_id: &str) -> Option<case_pb::CaseCommand> {
    Some(case_pb::CaseCommand {
        case_id: case_id.into(),
        command_id: Uuid::new_v4().to_string(),
        expected_version: None,
    })
}

fn today() -> chrono::NaiveDate {
    case::domain::dates::legal_day(chrono::Utc::now())
}

fn date(day: chrono::NaiveDate) -> Option<common::Date> {
    Some(case::domain::dates::to_proto(day))
}

#[tokio::test]
async fn main_application_to_case_documents_decision_and_objection() {
    let system = System::development().await.expect("system");
    let mut intake = system.intake(None).await.expect("intake client");
    let mut cases = system.cases(None).await.expect("case client");

    // The applicant applies online: a case opens.
    let submitted = intake
        .submit_application(applicant(
            Person::erika().submission(&Uuid::new_v4().to_string()),
        ))
        .await
        .expect("submit")
        .into_inner();
    let application_id = submitted.submission.unwrap().application_id;
    let case = cases
        .find_case_by_application(staff(case_pb::FindCaseByApplicationRequest {
            application_id: application_id.clone(),
            min_position: submitted.position,
        }))
        .await
        .expect("case opened")
        .into_inner()
        .case
        .unwrap();
    let id = case.case_id.clone();
    assert_eq!(case.status, case_pb::CaseStatus::Open as i32);

    // Review, and missing proofs requested with a deadline.
    cases
        .start_review(staff(case_pb::StartReviewRequest {
            command: command(&id),
        }))
        .await
        .expect("review");
    let due = today().checked_add_days(Days::new(14)).unwrap();
    let requested = cases
        .request_documents(staff(case_pb::RequestDocumentsRequest {
            command: command(&id),
            due: date(due),
            documents: vec!["Kontoauszüge der letzten drei Monate".into()],
        }))
        .await
        .expect("documents requested")
        .into_inner()
        .result
        .unwrap();

    // The applicant sees, in plain words, what is missing by when.
    let seen = cases
        .get_case(applicant(case_pb::GetCaseRequest {
            case_id: id.clone(),
            min_position: requested.position.clone(),
        }))
        .await
        .expect("applicant reads own case")
        .into_inner()
        .case
        .unwrap();
    assert_eq!(seen.status, case_pb::CaseStatus::DocumentsRequested as i32);
    assert!(
        seen.status_text
            .contains(&due.format("%d.%m.%Y").to_string()),
        "{}",
        seen.status_text
    );

    // The documents arrive; the application is approved.
    cases
        .record_documents_received(staff(case_pb::RecordDocumentsReceivedRequest {
            command: command(&id),
            note: String::new(),
        }))
        .await
        .expect("documents arrived");
    let decided = cases
        .issue_decision(staff(case_pb::IssueDecisionRequest {
            command: command(&id),
            outcome: case_pb::DecisionOutcome::PartlyApproved as i32,
            provisional: true,
        }))
        .await
        .expect("decided")
        .into_inner()
        .result
        .unwrap();
    let case_now = cases
        .get_case(staff(case_pb::GetCaseRequest {
            case_id: id.clone(),
            min_position: decided.position.clone(),
        }))
        .await
        .expect("get")
        .into_inner()
        .case
        .unwrap();
    assert_eq!(case_now.status, case_pb::CaseStatus::Decided as i32);
    let period = case_now.benefit_period.expect("benefit period");
    // Provisional: six months from the first of the month of receipt.
    let first = period.first_day.unwrap();
    let last = period.last_day.unwrap();
    assert_eq!(first.day, 1);
    assert_eq!(
        (last.year * 12 + last.month) - (first.year * 12 + first.month),
        5
    );

    // The applicant objects online; the office remedies it.
    let objected = cases
        .file_objection(applicant(case_pb::FileObjectionRequest {
            command: command(&id),
        }))
        .await
        .expect("objection")
        .into_inner();
    assert!(!objected.late);
    let remedied = cases
        .decide_objection(staff(case_pb::DecideObjectionRequest {
            command: command(&id),
            result: case_pb::ObjectionResult::Remedied as i32,
        }))
        .await
        .expect("objection decided")
        .into_inner()
        .result
        .unwrap();

    // A decided objection cannot be decided again: FAILED_PRECONDITION, nothing recorded.
    let again = cases
        .decide_objection(staff(case_pb::DecideObjectionRequest {
            command: command(&id),
            result: case_pb::ObjectionResult::Rejected as i32,
        }))
        .await
        .expect_err("already decided");
    assert_eq!(again.code(), tonic::Code::FailedPrecondition);

    // The timeline tells the whole story in order.
    let final_case = cases
        .get_case(staff(case_pb::GetCaseRequest {
            case_id: id.clone(),
            min_position: remedied.position.clone(),
        }))
        .await
        .expect("get")
        .into_inner()
        .case
        .unwrap();
    assert_eq!(
        final_case.status,
        case_pb::CaseStatus::ObjectionDecided as i32
    );
    let timeline = cases
        .get_case_timeline(staff(case_pb::GetCaseTimelineRequest {
            case_id: id.clone(),
            ..Default::default()
        }))
        .await
        .expect("timeline")
        .into_inner();
    let lifecycle: Vec<&str> = timeline
        .entries
        .iter()
        .map(|e| e.event_type.as_str())
        .filter(|t| *t != "case.CaseAssigned" && *t != "case.DeadlineReached")
        .collect();
    assert_eq!(
        lifecycle,
        [
            "case.CaseOpened",
            "case.ReviewStarted",
            "case.DocumentsRequested",
            "case.DocumentsReceived",
            "case.DecisionIssued",
            "case.ObjectionFiled",
            "case.ObjectionDecided",
        ]
    );
    assert!(
        timeline
            .entries
            .iter()
            .any(|e| e.description.contains("partly approved")),
        "{timeline:?}"
    );
}

#[tokio::test]
async fn a_sick_note_lands_on_the_applicants_case_and_is_processed() {
    let system = System::development().await.expect("system");
    let mut intake = system.intake(None).await.expect("intake client");
    let mut cases = system.cases(None).await.expect("case client");
    let erika = Person::erika();
    let submitted = intake
        .submit_application(applicant(erika.submission(&Uuid::new_v4().to_string())))
        .await
        .expect("submit")
        .into_inner();
    let case = cases
        .find_case_by_application(staff(case_pb::FindCaseByApplicationRequest {
            application_id: submitted.submission.unwrap().application_id,
            min_position: submitted.position,
        }))
        .await
        .expect("case")
        .into_inner()
        .case
        .unwrap();

    // The applicant sends a sick note without naming the case: their own is found.
    let yesterday = today().checked_sub_days(Days::new(1)).unwrap();
    let sick_note = intake_pb::SickNote {
        person: erika.application().applicant,
        certificate: intake_pb::CertificateKind::First as i32,
        incapacity_from: date(yesterday),
        incapacity_until: date(today().checked_add_days(Days::new(5)).unwrap()),
        issued_on: date(yesterday),
        attachments: vec![intake_pb::AttachmentKind::IncapacityCertificate as i32],
    };
    let sent = intake
        .submit_application(applicant(intake_pb::SubmitApplicationRequest {
            submission_id: Uuid::new_v4().to_string(),
            form: Some(intake_pb::submit_application_request::Form::SickNote(
                sick_note,
            )),
            ..Default::default()
        }))
        .await
        .expect("sick note accepted")
        .into_inner();
    let matter_id = sent.submission.unwrap().application_id;
    let sent_position = sent.position.clone();
    let with_matter = cases
        .find_case_by_application(staff(case_pb::FindCaseByApplicationRequest {
            application_id: matter_id.clone(),
            min_position: sent.position,
        }))
        .await
        .expect("the sick note is on the case")
        .into_inner()
        .case
        .unwrap();
    assert_eq!(with_matter.case_id, case.case_id);
    assert!(with_matter.application_ids.contains(&matter_id));

    // The platform recorded the period by itself and processed the matter: deciding it again is
    // refused, the incapacity is on the case, and the caseworker takes note of it.
    let again = cases
        .decide_matter(staff(case_pb::DecideMatterRequest {
            command: command(&case.case_id),
            application_id: matter_id.clone(),
            outcome: case_pb::MatterOutcome::Processed as i32,
            note: String::new(),
        }))
        .await
        .expect_err("processed by the platform already");
    assert_eq!(again.code(), tonic::Code::FailedPrecondition);
    let incapacities = cases
        .list_incapacities(staff(case_pb::ListIncapacitiesRequest {
            case_id: case.case_id.clone(),
            // The intake position of the sick note: waits for its filing to be applied.
            min_position: sent_position,
        }))
        .await
        .expect("incapacities")
        .into_inner()
        .incapacities;
    assert_eq!(incapacities.len(), 1);
    let recorded = &incapacities[0];
    assert_eq!(recorded.record_id, matter_id);
    assert_eq!(recorded.source, case_pb::IncapacitySource::Form as i32);
    assert!(recorded.automatic);
    assert_eq!(recorded.incapacity_from, date(yesterday));
    cases
        .acknowledge_sick_note(staff(case_pb::AcknowledgeSickNoteRequest {
            command: command(&case.case_id),
            record_id: matter_id.clone(),
        }))
        .await
        .expect("acknowledged");
    let twice = cases
        .acknowledge_sick_note(staff(case_pb::AcknowledgeSickNoteRequest {
            command: command(&case.case_id),
            record_id: matter_id,
        }))
        .await
        .expect_err("already acknowledged");
    assert_eq!(twice.code(), tonic::Code::FailedPrecondition);

    // The E-Akte files a printable record of the form on the case, once.
    let mut efile = system.efile(None).await.expect("efile client");
    let mut record = None;
    for _ in 0..300 {
        let file = efile
            .get_case_file(staff(efile_pb::GetCaseFileRequest {
                case_id: case.case_id.clone(),
                min_position: None,
            }))
            .await
            .expect("case file")
            .into_inner()
            .documents;
        if let Some(found) = file
            .into_iter()
            .find(|d| d.r#type == efile_pb::DocumentType::SickNote as i32)
        {
            record = Some(found);
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let record = record.expect("the record of the sick note in the E-Akte");
    assert_eq!(record.channel, efile_pb::Channel::Generated as i32);
    assert!(record.tags.contains(&"erstbescheinigung".to_owned()));
    let content = &record.versions.last().expect("a version").content;
    assert_eq!(
        content.as_ref().map(|c| c.media_type.as_str()),
        Some("application/pdf")
    );
}
