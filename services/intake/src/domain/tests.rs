//! Given-when-then tests of parsing and the submission decider.

use chrono::{NaiveDate, TimeZone, Utc};
use jobcenter_proto::common::v1 as common;
use jobcenter_proto::intake::v1 as proto;
use proptest::prelude::*;

use super::*;

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 23).unwrap_or_default()
}

fn date(y: i32, m: i32, d: i32) -> Option<common::Date> {
    Some(common::Date {
        year: y,
        month: m,
        day: d,
    })
}

fn person(given: &str, family: &str, birth: Option<common::Date>) -> Option<proto::Person> {
    Some(proto::Person {
        given_name: given.into(),
        family_name: family.into(),
        birth_date: birth,
    })
}

fn valid_request() -> proto::SubmitApplicationRequest {
    proto::SubmitApplicationRequest {
        submission_id: "5f0c6c0e-8f0a-4a57-9d7e-1f3c2b9a0b11".into(),
        main_application: Some(proto::MainApplication {
            applicant: person("Erika", "Mustermann", date(1985, 4, 12)),
            household_members: vec![proto::HouseholdMember {
                person: person("Max", "Mustermann", date(2015, 6, 1)),
                relationship: proto::Relationship::Child as i32,
            }],
            address: Some(common::Address {
                street: "Kettwiger Straße".into(),
                house_number: "12a".into(),
                postal_code: "45127".into(),
                city: "Essen".into(),
            }),
            incomes: vec![proto::Income {
                kind: proto::IncomeKind::ChildBenefit as i32,
                monthly_amount: Some(common::Money { cents: 25_500 }),
                member_index: 1,
            }],
            housing_costs: Some(proto::HousingCosts {
                base_rent: Some(common::Money { cents: 45_000 }),
                heating: Some(common::Money { cents: 8_000 }),
                utilities: Some(common::Money { cents: 12_000 }),
            }),
            iban: "DE89 3704 0044 0532 0130 00".into(),
        }),
    }
}

fn fields(req: &proto::SubmitApplicationRequest) -> Vec<String> {
    match parse_submit_request(req, today()) {
        Ok(_) => Vec::new(),
        Err(v) => v.into_iter().map(|v| v.field).collect(),
    }
}

fn app_mut(req: &mut proto::SubmitApplicationRequest) -> &mut proto::MainApplication {
    req.main_application.get_or_insert_with(Default::default)
}

#[test]
fn a_complete_application_is_accepted() {
    let parsed = parse_submit_request(&valid_request(), today());
    assert!(parsed.is_ok(), "{parsed:?}");
    let app = parsed.map(|p| p.application);
    assert_eq!(app.as_ref().map(MainApplication::household_size), Ok(2));
    assert_eq!(
        app.map(|a| a.to_proto().iban),
        Ok("DE89370400440532013000".to_owned())
    );
}

#[test]
fn every_violation_is_reported_with_its_path() {
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
fn an_applicant_under_15_is_refused() {
    let mut req = valid_request();
    app_mut(&mut req).applicant = person("Kim", "Klein", date(2012, 1, 1));
    assert_eq!(fields(&req), vec!["main_application.applicant.birth_date"]);
}

#[test]
fn a_duplicated_household_member_is_refused() {
    let mut req = valid_request();
    let app = app_mut(&mut req);
    app.household_members.push(proto::HouseholdMember {
        person: person("max ", "Mustermann", date(2015, 6, 1)),
        relationship: proto::Relationship::Child as i32,
    });
    assert_eq!(
        fields(&req),
        vec!["main_application.household_members[1].person"]
    );
}

#[test]
fn amounts_above_a_million_are_refused() {
    let mut req = valid_request();
    if let Some(h) = app_mut(&mut req).housing_costs.as_mut() {
        h.heating = Some(common::Money { cents: 100_000_001 });
    }
    assert_eq!(fields(&req), vec!["main_application.housing_costs.heating"]);
}

#[test]
fn a_missing_application_is_refused() {
    let mut req = valid_request();
    req.main_application = None;
    assert_eq!(fields(&req), vec!["main_application"]);
}

#[test]
fn an_empty_iban_is_allowed() {
    let mut req = valid_request();
    app_mut(&mut req).iban = String::new();
    assert_eq!(fields(&req), Vec::<String>::new());
}

fn command(req: &proto::SubmitApplicationRequest, tenant: &str) -> Option<SubmitApplication> {
    let parsed = parse_submit_request(req, today()).ok()?;
    Some(SubmitApplication {
        tenant_id: tenant.into(),
        submission_id: parsed.submission_id,
        application: parsed.application,
        received_at: Utc.with_ymd_and_hms(2026, 11, 23, 9, 30, 0).single()?,
        submitted_by: "applicant-1".into(),
        applicant_account: Some("applicant-1".into()),
    })
}

#[test]
fn given_nothing_when_submitted_then_application_submitted() {
    let Some(cmd) = command(&valid_request(), "jc-essen") else {
        panic!("valid request did not parse");
    };
    let expected_id = application_id("jc-essen", cmd.submission_id).to_string();
    let events = decide_submit(&SubmissionState::NotSubmitted, cmd);
    let Ok(events) = events else {
        panic!("refused")
    };
    assert_eq!(events.len(), 1);
    let Event::ApplicationSubmitted(e) = &events[0];
    assert_eq!(e.application_id, expected_id);
    assert_eq!(
        e.received_at.as_ref().map(|t| t.seconds),
        Some(1_795_426_200)
    );
}

#[test]
fn given_submitted_when_same_again_then_nothing_new() {
    let Some(cmd) = command(&valid_request(), "jc-essen") else {
        panic!("valid request did not parse");
    };
    let state = decide_submit(&SubmissionState::NotSubmitted, cmd.clone())
        .unwrap_or_default()
        .iter()
        .fold(SubmissionState::NotSubmitted, evolve);
    let mut later = cmd;
    later.received_at += chrono::Duration::minutes(5);
    assert_eq!(decide_submit(&state, later), Ok(Vec::new()));
}

#[test]
fn given_submitted_when_another_caller_reuses_the_id_then_refused() {
    let Some(cmd) = command(&valid_request(), "jc-essen") else {
        panic!("valid request did not parse");
    };
    let state = decide_submit(&SubmissionState::NotSubmitted, cmd.clone())
        .unwrap_or_default()
        .iter()
        .fold(SubmissionState::NotSubmitted, evolve);
    let mut other = cmd;
    other.submitted_by = "applicant-2".into();
    assert_eq!(
        decide_submit(&state, other),
        Err(Rejection::SubmissionIdReused)
    );
}

#[test]
fn the_submitter_and_applicant_account_are_recorded() {
    let Some(cmd) = command(&valid_request(), "jc-essen") else {
        panic!("valid request did not parse");
    };
    let events = decide_submit(&SubmissionState::NotSubmitted, cmd).unwrap_or_default();
    let [Event::ApplicationSubmitted(e)] = events.as_slice() else {
        panic!("one event expected: {events:?}");
    };
    assert_eq!(e.submitted_by, "applicant-1");
    assert_eq!(e.applicant_account, "applicant-1");
}

#[test]
fn given_submitted_when_other_content_then_refused() {
    let Some(cmd) = command(&valid_request(), "jc-essen") else {
        panic!("valid request did not parse");
    };
    let state = decide_submit(&SubmissionState::NotSubmitted, cmd)
        .unwrap_or_default()
        .iter()
        .fold(SubmissionState::NotSubmitted, evolve);
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
    let Ok(id) = SubmissionId::parse(
        "5f0c6c0e-8f0a-4a57-9d7e-1f3c2b9a0b11",
        &FieldPath::root("x"),
    ) else {
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
    ) {
        let mut req = valid_request();
        req.submission_id = sid;
        let app = app_mut(&mut req);
        app.applicant = person(&given, "X", date(y, m, d));
        app.household_members.push(proto::HouseholdMember { person: person(&given, "Y", date(y, m, d)), relationship: rel });
        if let Some(a) = app.address.as_mut() { a.postal_code = plz; }
        app.incomes.push(proto::Income { kind, monthly_amount: Some(common::Money { cents }), member_index: idx });
        let _ = parse_submit_request(&req, today());
    }

    #[test]
    fn canonical_form_parses_to_the_same_application(cents in 0i64..=100_000_000) {
        let mut req = valid_request();
        if let Some(h) = app_mut(&mut req).housing_costs.as_mut() {
            h.base_rent = Some(common::Money { cents });
        }
        let parsed = parse_submit_request(&req, today());
        prop_assert!(parsed.is_ok());
        if let Ok(p) = parsed {
            let again = proto::SubmitApplicationRequest {
                submission_id: req.submission_id.clone(),
                main_application: Some(p.application.to_proto()),
            };
            prop_assert_eq!(parse_submit_request(&again, today()).map(|a| a.application), Ok(p.application));
        }
    }
}
