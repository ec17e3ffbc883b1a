//! Every kind of submission over gRPC: accepted and recorded with its form, refused with the
//! field path of the rule it breaks (and nothing recorded), warnings recorded and returned.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use jobcenter_proto::common::v1 as common;
use jobcenter_proto::intake::v1 as proto;
use proto::application_submitted::Form as Recorded;
use proto::submit_application_request::Form;
use support::{
    as_caller, as_subject, day, events_in_log, every_kind, new_id, recorded, spawn_app,
    spawn_with_essen_area, submit, violated_fields,
};
use tonic::Code;

const CASE: &str = "3f1e2d3c-4b5a-4978-8a6b-5c4d3e2f1a0b";

fn recorded_kind(form: &Recorded) -> proto::SubmissionKind {
    use proto::SubmissionKind as K;
    match form {
        Recorded::MainApplication(_) => K::MainApplication,
        Recorded::ContinuationApplication(_) => K::ContinuationApplication,
        Recorded::OneOffBenefitApplication(_) => K::OneOffBenefitApplication,
        Recorded::EducationParticipationApplication(_) => K::EducationParticipationApplication,
        Recorded::SickNote(_) => K::SickNote,
        Recorded::AbsenceNotice(_) => K::AbsenceNotice,
        Recorded::ChangeNotice(_) => K::ChangeNotice,
    }
}

#[tokio::test]
async fn every_kind_is_accepted_recorded_and_readable() {
    let mut app = spawn_app().await;
    let kinds = every_kind();
    for (kind, form) in &kinds {
        let id = new_id();
        let submission = app
            .client
            .submit_application(as_caller(submit(&id, form.clone()), "jc-essen"))
            .await
            .unwrap_or_else(|s| panic!("{kind:?} refused: {s:?}"))
            .into_inner()
            .submission
            .expect("submission");
        assert_eq!(submission.kind, *kind as i32);
        assert!(
            submission.warnings.is_empty(),
            "{kind:?}: {:?}",
            submission.warnings
        );
        assert_eq!(submission.form_version, 1);
        let got = app
            .client
            .get_submission(as_caller(
                proto::GetSubmissionRequest {
                    submission_id: id.clone(),
                    language: "en".into(),
                },
                "jc-essen",
            ))
            .await
            .expect("read back")
            .into_inner()
            .submission
            .expect("submission");
        assert_eq!(got.kind, *kind as i32);
        assert!(got.status_text.contains("received"), "{}", got.status_text);
    }
    let events = recorded(&app).await;
    assert_eq!(events.len(), kinds.len());
    for ((kind, _), event) in kinds.iter().zip(&events) {
        let form = event.form.as_ref().expect("a form");
        assert_eq!(recorded_kind(form), *kind);
        assert_eq!(event.form_version, 1);
        assert_eq!(event.applicant_account, "portal-test");
        assert!(event.case_id.is_empty());
    }
}

/// One invalid submission of each kind and the field its violation must name.
fn one_rejection_per_kind() -> Vec<(Form, &'static str)> {
    let mut forms: Vec<Form> = every_kind().into_iter().map(|(_, f)| f).collect();
    let mut expected = Vec::new();
    for form in &mut forms {
        let field = match form {
            Form::MainApplication(m) => {
                m.household_members.push(m.household_members[0].clone());
                "main_application.household_members[1].person"
            }
            Form::ContinuationApplication(m) => {
                m.changes_since_last_application = true;
                "continuation_application.change_details"
            }
            Form::OneOffBenefitApplication(m) => {
                m.estimated_cost = Some(common::Money { cents: -1 });
                "one_off_benefit_application.estimated_cost"
            }
            Form::EducationParticipationApplication(m) => {
                m.period_until = day(3);
                "education_participation_application.period_until"
            }
            Form::SickNote(m) => {
                m.incapacity_from = day(2);
                "sick_note.incapacity_from"
            }
            Form::AbsenceNotice(m) => {
                m.absent_until = day(9);
                "absence_notice.absent_until"
            }
            Form::ChangeNotice(m) => {
                m.new_iban = "DE00 0000 0000 0000 0000 00".into();
                "change_notice.new_iban"
            }
        };
        expected.push(field);
    }
    forms.into_iter().zip(expected).collect()
}

#[tokio::test]
async fn each_kind_is_refused_with_the_field_path_and_nothing_is_recorded() {
    let mut app = spawn_app().await;
    for (form, field) in one_rejection_per_kind() {
        let status = app
            .client
            .submit_application(as_caller(submit(&new_id(), form), "jc-essen"))
            .await
            .expect_err(field);
        assert_eq!(status.code(), Code::InvalidArgument, "{field}");
        assert_eq!(violated_fields(&status), vec![field]);
    }
    assert_eq!(events_in_log(&app).await, 0);
}

#[tokio::test]
async fn violations_come_in_the_requested_language() {
    let mut app = spawn_app().await;
    let (form, _) = one_rejection_per_kind().remove(6);
    let mut request = submit(&new_id(), form);
    request.language = "en".into();
    let status = app
        .client
        .submit_application(as_caller(request.clone(), "jc-essen"))
        .await
        .expect_err("invalid");
    let violations = platform::status::field_violations(&status);
    assert_eq!(
        violations[0].description,
        "This IBAN is not valid. Please check it."
    );
    request.language = "tlh".into();
    let status = app
        .client
        .submit_application(as_caller(request, "jc-essen"))
        .await
        .expect_err("unsupported language");
    assert_eq!(status.code(), Code::InvalidArgument);
    let violations = platform::status::field_violations(&status);
    assert_eq!(violations[0].field, "language");
    assert!(violations[0].description.contains("de, en"));
}

#[tokio::test]
async fn staff_name_the_case_of_a_matter_and_it_is_recorded() {
    let mut app = spawn_app().await;
    let note = Form::SickNote(support::sick_note());
    let staff = |request| as_subject(request, "jc-essen", "cw-1", "caseworker");
    let status = app
        .client
        .submit_application(staff(submit(&new_id(), note.clone())))
        .await
        .expect_err("no case named");
    assert_eq!(violated_fields(&status), vec!["case_id"]);
    assert_eq!(events_in_log(&app).await, 0);

    let mut request = submit(&new_id(), note);
    request.case_id = CASE.into();
    let submission = app
        .client
        .submit_application(staff(request))
        .await
        .expect("accepted")
        .into_inner()
        .submission
        .expect("submission");
    assert_eq!(submission.case_id, CASE);
    let events = recorded(&app).await;
    assert_eq!(events[0].case_id, CASE);
    assert_eq!(events[0].submitted_by, "cw-1");
    assert!(events[0].applicant_account.is_empty());
}

#[tokio::test]
async fn a_repeated_notice_gets_the_same_answer_and_one_event() {
    let mut app = spawn_app().await;
    let id = new_id();
    let (_, form) = every_kind().remove(5);
    let first = app
        .client
        .submit_application(as_caller(submit(&id, form.clone()), "jc-essen"))
        .await
        .expect("first")
        .into_inner();
    let second = app
        .client
        .submit_application(as_caller(submit(&id, form), "jc-essen"))
        .await
        .expect("second")
        .into_inner();
    assert_eq!(first, second);
    assert_eq!(events_in_log(&app).await, 1);
}

#[tokio::test]
async fn warnings_are_accepted_recorded_in_german_and_returned_in_the_language_asked() {
    let mut app = spawn_app().await;
    let id = new_id();
    let absence = proto::AbsenceNotice {
        absent_from: day(10),
        absent_until: day(17),
        reason: proto::AbsenceReason::Holiday as i32,
        days_already_absent_this_year: 20,
        ..Default::default()
    };
    let response = app
        .client
        .submit_application(as_caller(
            submit(&id, Form::AbsenceNotice(absence)),
            "jc-essen",
        ))
        .await
        .expect("accepted despite the warning")
        .into_inner();
    let submission = response.submission.expect("submission");
    assert_eq!(submission.warnings.len(), 1);
    let warning = &submission.warnings[0];
    assert_eq!(warning.field, "absence_notice.absent_until");
    assert_eq!(warning.rule, "absence.yearly_limit");
    assert!(warning.message.contains("28 Tage"), "{}", warning.message);
    assert!(
        submission.status_text.contains("Hinweise"),
        "{}",
        submission.status_text
    );

    let events = recorded(&app).await;
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].warnings, submission.warnings);

    let english = app
        .client
        .get_submission(as_caller(
            proto::GetSubmissionRequest {
                submission_id: id,
                language: "en".into(),
            },
            "jc-essen",
        ))
        .await
        .expect("read")
        .into_inner()
        .submission
        .expect("submission");
    assert_eq!(english.warnings.len(), 1);
    assert_eq!(english.warnings[0].rule, "absence.yearly_limit");
    assert!(
        english.warnings[0].message.contains("28 days"),
        "{}",
        english.warnings[0].message
    );
}

#[tokio::test]
async fn a_postal_code_outside_the_jobcenters_area_is_refused_there_only() {
    let mut app = spawn_with_essen_area().await;
    let mut application = support::main_application();
    application.address = support::address("44135");
    let request = || submit(&new_id(), Form::MainApplication(application.clone()));
    let status = app
        .client
        .submit_application(as_caller(request(), "jc-essen"))
        .await
        .expect_err("Dortmund is not Essen");
    assert_eq!(
        violated_fields(&status),
        vec!["main_application.address.postal_code"]
    );
    assert_eq!(events_in_log(&app).await, 0);
    app.client
        .submit_application(as_caller(request(), "jc-dortmund"))
        .await
        .expect("a jobcenter without an area accepts every postal code");
    assert_eq!(events_in_log(&app).await, 1);
}
