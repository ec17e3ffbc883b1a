//! intake.ApplicationSubmitted and efile.DocumentFiled.

use super::*;

#[test]
fn a_main_application_is_confirmed_to_its_account_with_its_own_address_for_letters() {
    let e = submitted(main_form(), "user-1");
    let got = run(
        INTAKE_LOG,
        event_types::APPLICATION_SUBMITTED,
        "application-x",
        &e,
        &Context::default(),
    );
    assert_eq!(
        got,
        vec![notice(
            account(),
            Topic::SubmissionReceived,
            None,
            received_args("main-application")
        )]
    );
}

#[test]
fn a_main_application_without_account_is_confirmed_by_letter() {
    let e = submitted(main_form(), "");
    let got = run(
        INTAKE_LOG,
        event_types::APPLICATION_SUBMITTED,
        "application-x",
        &e,
        &Context::default(),
    );
    assert_eq!(
        got,
        vec![notice(
            letter_only(),
            Topic::SubmissionReceived,
            None,
            received_args("main-application")
        )]
    );
}

#[test]
fn other_submissions_are_confirmed_only_to_an_account() {
    let mut e = submitted(sick_note_form(), "");
    e.case_id = CASE.to_string();
    assert!(
        run(
            INTAKE_LOG,
            event_types::APPLICATION_SUBMITTED,
            "application-x",
            &e,
            &full()
        )
        .is_empty()
    );

    e.applicant_account = "user-1".into();
    let got = run(
        INTAKE_LOG,
        event_types::APPLICATION_SUBMITTED,
        "application-x",
        &e,
        &full(),
    );
    assert_eq!(
        got,
        vec![notice(
            account(),
            Topic::SubmissionReceived,
            Some(CASE),
            received_args("sick-note")
        )]
    );
}

#[test]
fn every_submission_form_has_its_kind_selector() {
    use intake::application_submitted::Form;
    let forms = [
        (
            Form::MainApplication(Default::default()),
            "main-application",
        ),
        (
            Form::ContinuationApplication(Default::default()),
            "continuation",
        ),
        (
            Form::OneOffBenefitApplication(Default::default()),
            "one-off-benefit",
        ),
        (
            Form::EducationParticipationApplication(Default::default()),
            "education-participation",
        ),
        (Form::SickNote(Default::default()), "sick-note"),
        (Form::AbsenceNotice(Default::default()), "absence-notice"),
        (Form::ChangeNotice(Default::default()), "change-notice"),
    ];
    for (form, selector) in forms {
        let got = run(
            INTAKE_LOG,
            event_types::APPLICATION_SUBMITTED,
            "a",
            &submitted(form, "user-1"),
            &full(),
        );
        assert_eq!(got.len(), 1);
        assert_eq!(got[0].args.get("kind"), Some(&text(selector)));
    }
}

#[test]
fn a_generated_decision_letter_goes_to_the_applicant_attached() {
    let e = filed(
        efile::DocumentType::DecisionLetter,
        efile::Channel::Generated,
    );
    let got = run(
        EFILE_LOG,
        event_types::DOCUMENT_FILED,
        "document-x",
        &e,
        &full(),
    );
    assert_eq!(
        got,
        vec![Notice {
            attachments: vec![DOCUMENT],
            ..notice(account(), Topic::DecisionIssued, Some(CASE), Args::new())
        }]
    );
}

#[test]
fn other_filed_documents_trigger_nothing() {
    for (kind, channel) in [
        (
            efile::DocumentType::DecisionLetter,
            efile::Channel::ScannedPost,
        ),
        (efile::DocumentType::DecisionLetter, efile::Channel::Portal),
        (efile::DocumentType::SickNote, efile::Channel::Generated),
        (efile::DocumentType::Letter, efile::Channel::Generated),
    ] {
        let payload = filed(kind, channel).encode_to_vec();
        let got = decode(
            EFILE_LOG,
            event_types::DOCUMENT_FILED,
            "document-x",
            &payload,
        );
        assert!(matches!(got, Ok(None)), "{kind:?} {channel:?}");
    }
}
