//! Demo data for a newcomer: a few households apply, and their cases open.
//!
//! Submission ids are fixed, so loading the demo twice submits nothing new (intake is idempotent).

use anyhow::Context;
use jobcenter_proto::case::v1::{
    FindCaseByApplicationRequest, case_service_client::CaseServiceClient,
};
use jobcenter_proto::common::v1::{Address, Date, Money};
use jobcenter_proto::intake::v1::{
    HouseholdMember, HousingCosts, Income, IncomeKind, MainApplication, Person, Relationship,
    SubmitApplicationRequest, intake_service_client::IntakeServiceClient,
    submit_application_request,
};
use tonic::transport::Channel;

use crate::identity::Identity;

fn person(given: &str, family: &str, (year, month, day): (i32, i32, i32)) -> Option<Person> {
    Some(Person {
        given_name: given.to_owned(),
        family_name: family.to_owned(),
        birth_date: Some(Date { year, month, day }),
    })
}

fn euros(amount: i64) -> Option<Money> {
    Some(Money {
        cents: amount * 100,
    })
}

fn households() -> Vec<(&'static str, MainApplication)> {
    vec![
        (
            "00000000-0000-4000-8000-000000000001",
            MainApplication {
                applicant: person("Erika", "Mustermann", (1984, 8, 12)),
                household_members: vec![
                    HouseholdMember {
                        person: person("Max", "Mustermann", (2014, 3, 2)),
                        relationship: Relationship::Child.into(),
                    },
                    HouseholdMember {
                        person: person("Mia", "Mustermann", (2018, 11, 20)),
                        relationship: Relationship::Child.into(),
                    },
                ],
                address: Some(Address {
                    street: "Heidestraße".into(),
                    house_number: "17".into(),
                    postal_code: "51147".into(),
                    city: "Köln".into(),
                }),
                incomes: vec![Income {
                    kind: IncomeKind::ChildBenefit.into(),
                    monthly_amount: euros(510),
                    member_index: 0,
                }],
                housing_costs: Some(HousingCosts {
                    base_rent: euros(620),
                    heating: euros(95),
                    utilities: euros(180),
                }),
                iban: "DE02120300000000202051".into(),
                ..Default::default()
            },
        ),
        (
            "00000000-0000-4000-8000-000000000002",
            MainApplication {
                applicant: person("Ali", "Yılmaz", (1991, 1, 30)),
                household_members: vec![],
                address: Some(Address {
                    street: "Am Markt".into(),
                    house_number: "3a".into(),
                    postal_code: "51149".into(),
                    city: "Köln".into(),
                }),
                incomes: vec![Income {
                    kind: IncomeKind::Employment.into(),
                    monthly_amount: euros(450),
                    member_index: 0,
                }],
                housing_costs: Some(HousingCosts {
                    base_rent: euros(410),
                    heating: euros(60),
                    utilities: euros(90),
                }),
                iban: String::new(),
                ..Default::default()
            },
        ),
        (
            "00000000-0000-4000-8000-000000000003",
            MainApplication {
                applicant: person("Jana", "Nowak", (1977, 6, 5)),
                household_members: vec![HouseholdMember {
                    person: person("Piotr", "Nowak", (1975, 9, 14)),
                    relationship: Relationship::Partner.into(),
                }],
                address: Some(Address {
                    street: "Lindenallee".into(),
                    house_number: "42".into(),
                    postal_code: "51143".into(),
                    city: "Köln".into(),
                }),
                incomes: vec![],
                housing_costs: Some(HousingCosts {
                    base_rent: euros(540),
                    heating: euros(80),
                    utilities: euros(140),
                }),
                iban: String::new(),
                ..Default::default()
            },
        ),
    ]
}

/// Submits the demo households as an applicant and waits until each case is open.
pub async fn load(
    mut intake: IntakeServiceClient<Channel>,
    mut case: CaseServiceClient<Channel>,
    identity: &Identity,
) -> anyhow::Result<()> {
    for (submission_id, application) in households() {
        let request = SubmitApplicationRequest {
            submission_id: submission_id.to_owned(),
            form: Some(submit_application_request::Form::MainApplication(
                application,
            )),
            ..Default::default()
        };
        let reply = intake
            .submit_application(identity.request_as(
                request,
                &format!("applicant-{submission_id}"),
                "applicant",
            )?)
            .await
            .context("submitting a demo application")?
            .into_inner();
        let submission = reply.submission.context("answer without submission")?;
        let found = case
            .find_case_by_application(identity.request(FindCaseByApplicationRequest {
                application_id: submission.application_id.clone(),
                min_position: reply.position,
            })?)
            .await
            .context("waiting for the demo case")?
            .into_inner();
        let case_id = found.case.map(|c| c.case_id).unwrap_or_default();
        println!(
            "application {} -> case {case_id}",
            submission.application_id
        );
    }
    Ok(())
}
