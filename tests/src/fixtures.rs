//! Valid applications to submit: the personal data of one applicant, turned into a
//! `SubmitApplicationRequest`. Tests that hunt for personal data choose unusual values; the
//! others take [`Person::erika`].

use jobcenter_proto::common::v1 as common;
use jobcenter_proto::intake::v1 as intake_pb;

/// The personal data of an application's main applicant and household.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Person {
    /// Given name.
    pub given_name: String,
    /// Family name.
    pub family_name: String,
    /// Birth date as (year, month, day).
    pub birth_date: (i32, i32, i32),
    /// Street (without house number).
    pub street: String,
    /// House number.
    pub house_number: String,
    /// Postal code (five digits).
    pub postal_code: String,
    /// City.
    pub city: String,
    /// IBAN (valid: the intake service checks it).
    pub iban: String,
    /// Other people of the household: (given name, family name, birth date), as children.
    pub children: Vec<(String, String, (i32, i32, i32))>,
}

impl Person {
    /// Erika Mustermann of Essen, alone, employed.
    pub fn erika() -> Person {
        Person {
            given_name: "Erika".into(),
            family_name: "Mustermann".into(),
            birth_date: (1985, 4, 12),
            street: "Kettwiger Straße".into(),
            house_number: "12a".into(),
            postal_code: "45127".into(),
            city: "Essen".into(),
            iban: "DE89370400440532013000".into(),
            children: Vec::new(),
        }
    }

    /// A main application of this person, with an employment income of 1,200.00 a month.
    pub fn application(&self) -> intake_pb::MainApplication {
        intake_pb::MainApplication {
            applicant: Some(person(&self.given_name, &self.family_name, self.birth_date)),
            household_members: self
                .children
                .iter()
                .map(|(given, family, born)| intake_pb::HouseholdMember {
                    person: Some(person(given, family, *born)),
                    relationship: intake_pb::Relationship::Child as i32,
                })
                .collect(),
            address: Some(common::Address {
                street: self.street.clone(),
                house_number: self.house_number.clone(),
                postal_code: self.postal_code.clone(),
                city: self.city.clone(),
            }),
            incomes: vec![intake_pb::Income {
                kind: intake_pb::IncomeKind::Employment as i32,
                monthly_amount: Some(common::Money { cents: 120_000 }),
                member_index: 0,
            }],
            housing_costs: None,
            iban: self.iban.clone(),
            ..Default::default()
        }
    }

    /// The request submitting [`Self::application`] as `submission_id`.
    pub fn submission(&self, submission_id: &str) -> intake_pb::SubmitApplicationRequest {
        intake_pb::SubmitApplicationRequest {
            submission_id: submission_id.to_owned(),
            form: Some(
                intake_pb::submit_application_request::Form::MainApplication(self.application()),
            ),
            ..Default::default()
        }
    }
}

fn person(given: &str, family: &str, (year, month, day): (i32, i32, i32)) -> intake_pb::Person {
    intake_pb::Person {
        given_name: given.to_owned(),
        family_name: family.to_owned(),
        birth_date: Some(common::Date { year, month, day }),
    }
}
