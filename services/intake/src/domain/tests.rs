//! Given-when-then tests of request parsing and the submission decider.

use chrono::{TimeZone, Utc};
use jobcenter_proto::common::v1 as common;
use jobcenter_proto::intake::v1 as proto;
use proptest::prelude::*;

use super::forms::tests::samples::{self, date, person, today};
use super::*;

const SID: &str = "5f0c6c0e-8f0a-4a57-9d7e-1f3c2b9a0b11";
const CASE: &str = "9b2d4c1a-3e5f-4a6b-8c7d-0e1f2a3b4c5d";

fn request(form: Form) -> proto::SubmitApplicationRequest {
    proto::SubmitApplicationRequest {
        submission_id: SID.into(),
        form: Some(form.to_request()),
        ..Default::default()
    }
}

fn valid_request() -> proto::SubmitApplicationRequest {
    request(Form::Main(samples::main_application()))
}

fn parse(
    req: &proto::SubmitApplicationRequest,
    who: Submitter,
) -> Result<ParsedSubmission, Vec<FieldViolation>> {
    parse_submit_request(req, today(), &TenantRules::default(), who, Language::German)
}

fn fields(req: &proto::SubmitApplicationRequest) -> Vec<String> {
    match parse(req, Submitter::Applicant) {
        Ok(_) => Vec::new(),
        Err(v) => v.into_iter().map(|v| v.field).collect(),
    }
}

fn app_mut(req: &mut proto::SubmitApplicationRequest) -> &mut proto::MainApplication {
    match req.form.as_mut() {
        Some(proto::submit_application_request::Form::MainApplication(m)) => m,
        _ => panic!("a main application"),
    }
}

#[test]
fn a_complete_application_is_accepted_in_canonical_form() {
    let parsed = parse(&valid_request(), Submitter::Applicant);
    let Ok(parsed) = parsed else {
        panic!("refused: {parsed:?}");
    };
    let Form::Main(m) = &parsed.form else {
        panic!("a main application");
    };
    assert_eq!(m.iban, "DE89370400440532013000");
    assert_eq!(parsed.form_version, 1);
    assert!(parsed.warnings.is_empty());
}

#[test]
fn every_violation_is_reported_with_its_path_in_order() {
    let mut req = valid_request();
    req.submission_id = "nope".into();
    let app = app_mut(&mut req);
    app.applicant = person("", "Mustermann", date(2030, 1, 1));
    app.household_members.push(proto::HouseholdMember {
        person: person("Anna", "Mustermann", date(1990, 2, 30)),
        relationship: proto::Relationship::Unspecified as i32,
    });
    if let Some(a) = app.address.as_mut() {
        a.postal_code = "4512".into();
    }
    app.incomes.push(proto::Income {
        kind: proto::IncomeKind::Unspecified as i32,
        monthly_amount: Some(common::Money { cents: -1 }),
        member_index: 7,
    });
    app.iban = "DE00 3704 0044 0532 0130 00".into();
    assert_eq!(
        fields(&req),
        vec![
            "submission_id",
            "main_application.applicant.given_name",
            "main_application.applicant.birth_date",
            "main_application.household_members[1].person.birth_date",
            "main_application.household_members[1].relationship",
            "main_application.address.postal_code",
            "main_application.incomes[1].kind",
            "main_application.incomes[1].monthly_amount",
            "main_application.incomes[1].member_index",
            "main_application.iban",
        ]
    );
}

#[test]
fn violations_are_in_the_requested_language() {
    let mut req = valid_request();
    app_mut(&mut req).iban = "DE00 3704 0044 0532 0130 00".into();
    let message = |language| {
        parse_submit_request(
            &req,
            today(),
            &TenantRules::default(),
            Submitter::Applicant,
            language,
        )
        .err()
        .and_then(|v| v.into_iter().next())
        .map(|v| v.description)
        .unwrap_or_default()
    };
    assert_eq!(
        message(Language::German),
        "Diese IBAN ist nicht gültig. Bitte prüfen Sie sie."
    );
    assert_eq!(
        message(Language::English),
        "This IBAN is not valid. Please check it."
    );
}

#[test]
fn an_unsupported_language_names_the_supported_ones() {
    let v = parse_language("fr", "language");
    assert!(
        matches!(&v, Err(v) if v.field == "language" && v.description.contains("de, en")),
        "{v:?}"
    );
    assert_eq!(parse_language("", "language"), Ok(Language::German));
}

#[test]
fn a_request_without_a_form_is_refused() {
    let mut req = valid_request();
    req.form = None;
    assert_eq!(fields(&req), vec!["form"]);
}

#[test]
fn a_main_application_names_no_case() {
    let mut req = valid_request();
    req.case_id = CASE.into();
    assert_eq!(fields(&req), vec!["case_id"]);
}

#[test]
fn a_case_id_must_be_a_uuid() {
    let mut req = request(Form::SickNote(samples::sick_note()));
    req.case_id = "case 17".into();
    assert_eq!(fields(&req), vec!["case_id"]);
}

#[test]
fn staff_must_name_the_case_of_a_matter_and_applicants_need_not() {
    let mut req = request(Form::Absence(samples::absence()));
    assert!(parse(&req, Submitter::Applicant).is_ok());
    let refused = parse(&req, Submitter::OnBehalf).err().unwrap_or_default();
    assert_eq!(
        refused.iter().map(|v| v.field.as_str()).collect::<Vec<_>>(),
        vec!["case_id"]
    );
    req.case_id = CASE.into();
    let parsed = parse(&req, Submitter::OnBehalf);
    assert_eq!(
        parsed.map(|p| p.case_id.map(|c| c.to_string())),
        Ok(Some(CASE.to_owned()))
    );
    // A main application opens the case; staff entering one name none.
    assert!(parse(&valid_request(), Submitter::OnBehalf).is_ok());
}

#[test]
fn warnings_are_kept_for_the_record_in_german() {
    let mut absence = samples::absence();
    absence.days_already_absent_this_year = 20;
    let parsed = parse(&request(Form::Absence(absence)), Submitter::Applicant);
    let Ok(parsed) = parsed else {
        panic!("refused: {parsed:?}");
    };
    let recorded: Vec<proto::PlausibilityWarning> = parsed
        .warnings
        .iter()
        .map(|w| warning(w, Language::German))
        .collect();
    assert_eq!(recorded.len(), 1);
    assert_eq!(recorded[0].field, "absence_notice.absent_until");
    assert_eq!(recorded[0].rule, "absence.yearly_limit");
    assert!(
        recorded[0].message.contains("28 Tage"),
        "{}",
        recorded[0].message
    );
    assert!(
        recorded[0].message.contains("21 Tage"),
        "{}",
        recorded[0].message
    );
}

fn command(req: &proto::SubmitApplicationRequest, tenant: &str) -> Option<SubmitApplication> {
    let parsed = parse(req, Submitter::Applicant).ok()?;
    Some(SubmitApplication {
        tenant_id: tenant.into(),
        submission_id: parsed.submission_id,
        form: parsed.form,
        case_id: parsed.case_id,
        warnings: Vec::new(),
        form_version: parsed.form_version,
        received_at: Utc.with_ymd_and_hms(2026, 11, 23, 9, 30, 0).single()?,
        submitted_by: "applicant-1".into(),
        applicant_account: Some("applicant-1".into()),
    })
}

fn submitted(cmd: &SubmitApplication) -> SubmissionState {
    decide_submit(&SubmissionState::NotSubmitted, cmd.clone())
        .unwrap_or_default()
        .iter()
        .fold(SubmissionState::NotSubmitted, evolve)
}

#[test]
fn given_nothing_when_submitted_then_application_submitted() {
    let Some(cmd) = command(&valid_request(), "jc-essen") else {
        panic!("valid request did not parse");
    };
    let expected_id = application_id("jc-essen", cmd.submission_id).to_string();
    let events = decide_submit(&SubmissionState::NotSubmitted, cmd).unwrap_or_default();
    let [Event::ApplicationSubmitted(e)] = events.as_slice() else {
        panic!("one event expected: {events:?}");
    };
    assert_eq!(e.application_id, expected_id);
    assert_eq!(
        e.received_at.as_ref().map(|t| t.seconds),
        Some(1_795_426_200)
    );
    assert_eq!(e.form_version, 1);
    assert!(matches!(
        e.form,
        Some(proto::application_submitted::Form::MainApplication(_))
    ));
}

#[test]
fn given_submitted_when_same_again_then_nothing_new() {
    let Some(cmd) = command(&valid_request(), "jc-essen") else {
        panic!("valid request did not parse");
    };
    let state = submitted(&cmd);
    let mut later = cmd;
    later.received_at += chrono::Duration::minutes(5);
    assert_eq!(decide_submit(&state, later), Ok(Vec::new()));
}

#[test]
fn given_submitted_when_another_caller_reuses_the_id_then_refused() {
    let Some(cmd) = command(&valid_request(), "jc-essen") else {
        panic!("valid request did not parse");
    };
    let state = submitted(&cmd);
    let mut other = cmd;
    other.submitted_by = "applicant-2".into();
    assert_eq!(
        decide_submit(&state, other),
        Err(Rejection::SubmissionIdReused)
    );
}

#[test]
fn given_submitted_when_another_kind_or_case_with_the_same_id_then_refused() {
    let sick = request(Form::SickNote(samples::sick_note()));
    let Some(cmd) = command(&sick, "jc-essen") else {
        panic!("valid request did not parse");
    };
    let state = submitted(&cmd);
    let mut other_case = cmd.clone();
    other_case.case_id = uuid::Uuid::parse_str(CASE).ok();
    assert_eq!(
        decide_submit(&state, other_case),
        Err(Rejection::SubmissionIdReused)
    );
    let Some(main) = command(&valid_request(), "jc-essen") else {
        panic!("valid request did not parse");
    };
    assert_eq!(
        decide_submit(&state, main),
        Err(Rejection::SubmissionIdReused)
    );
    assert_eq!(decide_submit(&state, cmd), Ok(Vec::new()));
}

#[test]
fn the_submitter_applicant_account_case_and_warnings_are_recorded() {
    let mut req = request(Form::SickNote(samples::sick_note()));
    req.case_id = CASE.into();
    let Some(mut cmd) = command(&req, "jc-essen") else {
        panic!("valid request did not parse");
    };
    cmd.warnings = vec![proto::PlausibilityWarning {
        field: "sick_note.incapacity_from".into(),
        rule: "sick_note.reported_late".into(),
        message: "spät".into(),
    }];
    let events = decide_submit(&SubmissionState::NotSubmitted, cmd).unwrap_or_default();
    let [Event::ApplicationSubmitted(e)] = events.as_slice() else {
        panic!("one event expected: {events:?}");
    };
    assert_eq!(e.submitted_by, "applicant-1");
    assert_eq!(e.applicant_account, "applicant-1");
    assert_eq!(e.case_id, CASE);
    assert_eq!(e.warnings.len(), 1);
    assert!(matches!(
        e.form,
        Some(proto::application_submitted::Form::SickNote(_))
    ));
}

#[test]
fn given_submitted_when_other_content_then_refused() {
    let Some(cmd) = command(&valid_request(), "jc-essen") else {
        panic!("valid request did not parse");
    };
    let state = submitted(&cmd);
    let mut other = valid_request();
    app_mut(&mut other).iban = String::new();
    let Some(other) = command(&other, "jc-essen") else {
        panic!("valid request did not parse");
    };
    assert_eq!(
        decide_submit(&state, other),
        Err(Rejection::SubmissionIdReused)
    );
}

#[test]
fn application_ids_differ_between_tenants() {
    let Ok(id) = SubmissionId::parse(SID, &FieldPath::root("x")) else {
        panic!("uuid");
    };
    assert_ne!(application_id("a", id), application_id("b", id));
    assert_eq!(application_id("a", id), application_id("a", id));
}

proptest! {
    #[test]
    fn parsing_arbitrary_requests_never_panics(
        sid in "\\PC{0,40}",
        given in "\\PC{0,10}",
        y in -5000i32..5000, m in -2i32..15, d in -2i32..40,
        plz in "\\PC{0,7}",
        cents in any::<i64>(),
        idx in any::<u32>(),
        kind in -1i32..9,
        rel in -1i32..5,
        iban in "\\PC{0,40}",
    ) {
        let mut req = valid_request();
        req.submission_id = sid;
        let app = app_mut(&mut req);
        app.applicant = person(&given, "X", date(y, m, d));
        app.household_members.push(proto::HouseholdMember { person: person(&given, "Y", date(y, m, d)), relationship: rel });
        if let Some(a) = app.address.as_mut() { a.postal_code = plz; }
        app.incomes.push(proto::Income { kind, monthly_amount: Some(common::Money { cents }), member_index: idx });
        app.iban = iban;
        let _ = parse(&req, Submitter::Applicant);
    }

    #[test]
    fn amounts_in_range_are_accepted_and_outside_refused(cents in -1_000_000_000i64..1_000_000_000) {
        let mut req = valid_request();
        app_mut(&mut req).incomes[0].monthly_amount = Some(common::Money { cents });
        let ok = parse(&req, Submitter::Applicant).is_ok();
        prop_assert_eq!(ok, (0..=10_000_000).contains(&cents));
    }

    #[test]
    fn five_digit_codes_are_accepted_and_others_refused(code in "[0-9]{5}|[0-9]{0,4}|[0-9]{6,9}|[a-z]{5}|\\PC{0,6}") {
        let mut req = valid_request();
        if let Some(a) = app_mut(&mut req).address.as_mut() {
            a.postal_code = code.clone();
        }
        let five_digits = code.len() == 5 && code.bytes().all(|b| b.is_ascii_digit());
        prop_assert_eq!(parse(&req, Submitter::Applicant).is_ok(), five_digits);
    }

    #[test]
    fn the_canonical_form_parses_to_itself(cents in 0i64..=1_000_000) {
        let mut req = valid_request();
        if let Some(h) = app_mut(&mut req).housing_costs.as_mut() {
            h.base_rent = Some(common::Money { cents });
        }
        let parsed = parse(&req, Submitter::Applicant);
        prop_assert!(parsed.is_ok());
        if let Ok(p) = parsed {
            let again = request(p.form.clone());
            prop_assert_eq!(parse(&again, Submitter::Applicant).map(|a| a.form), Ok(p.form));
        }
    }
}
