//! A valid submission of each kind, received on [`today`], without warnings.

use chrono::NaiveDate;
use jobcenter_proto::common::v1 as common;
use jobcenter_proto::intake::v1 as proto;

use crate::domain::forms::{Form, FormKind};

/// The day of receipt of every sample.
pub fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 23).unwrap_or_default()
}

pub fn date(year: i32, month: i32, day: i32) -> Option<common::Date> {
    Some(common::Date { year, month, day })
}

pub fn money(cents: i64) -> Option<common::Money> {
    Some(common::Money { cents })
}

pub fn person(given: &str, family: &str, birth: Option<common::Date>) -> Option<proto::Person> {
    Some(proto::Person {
        given_name: given.into(),
        family_name: family.into(),
        birth_date: birth,
    })
}

pub fn address() -> Option<common::Address> {
    Some(common::Address {
        street: "Kettwiger Straße".into(),
        house_number: "12a".into(),
        postal_code: "45127".into(),
        city: "Essen".into(),
    })
}

pub fn main_application() -> proto::MainApplication {
    proto::MainApplication {
        applicant: person("Erika", "Mustermann", date(1985, 4, 12)),
        household_members: vec![proto::HouseholdMember {
            person: person("Max", "Mustermann", date(2015, 6, 1)),
            relationship: proto::Relationship::Child as i32,
        }],
        address: address(),
        incomes: vec![proto::Income {
            kind: proto::IncomeKind::ChildBenefit as i32,
            monthly_amount: money(25_500),
            member_index: 1,
        }],
        housing_costs: Some(proto::HousingCosts {
            base_rent: money(45_000),
            heating: money(8_000),
            utilities: money(12_000),
        }),
        iban: "DE89 3704 0044 0532 0130 00".into(),
        assets: vec![proto::Asset {
            kind: proto::AssetKind::Vehicle as i32,
            value: money(300_000),
            member_index: 0,
        }],
        attachments: vec![proto::AttachmentKind::RentalContract as i32],
    }
}

pub fn continuation() -> proto::ContinuationApplication {
    proto::ContinuationApplication {
        changes_since_last_application: false,
        change_details: String::new(),
        address: address(),
        iban: String::new(),
        incomes: vec![proto::Income {
            kind: proto::IncomeKind::Pension as i32,
            monthly_amount: money(40_000),
            member_index: 0,
        }],
        attachments: vec![],
    }
}

pub fn one_off() -> proto::OneOffBenefitApplication {
    proto::OneOffBenefitApplication {
        kind: proto::OneOffBenefitKind::FirstFurnishing as i32,
        reason: "Erstbezug einer eigenen Wohnung nach der Trennung".into(),
        estimated_cost: money(120_000),
        expected_birth_date: None,
        attachments: vec![],
    }
}

pub fn education() -> proto::EducationParticipationApplication {
    proto::EducationParticipationApplication {
        child: person("Max", "Mustermann", date(2015, 6, 1)),
        kind: proto::EducationBenefitKind::SchoolTrip as i32,
        institution: "Grundschule am Stadtgarten".into(),
        amount: money(25_000),
        period_from: date(2026, 12, 1),
        period_until: date(2026, 12, 5),
        attachments: vec![proto::AttachmentKind::SchoolConfirmation as i32],
    }
}

pub fn sick_note() -> proto::SickNote {
    proto::SickNote {
        person: person("Erika", "Mustermann", date(1985, 4, 12)),
        certificate: proto::CertificateKind::First as i32,
        incapacity_from: date(2026, 11, 21),
        incapacity_until: date(2026, 11, 28),
        issued_on: date(2026, 11, 21),
        attachments: vec![proto::AttachmentKind::IncapacityCertificate as i32],
    }
}

pub fn absence() -> proto::AbsenceNotice {
    proto::AbsenceNotice {
        absent_from: date(2026, 12, 20),
        absent_until: date(2026, 12, 27),
        destination: "Hamburg".into(),
        reason: proto::AbsenceReason::Holiday as i32,
        reason_details: String::new(),
        days_already_absent_this_year: 5,
    }
}

pub fn change() -> proto::ChangeNotice {
    proto::ChangeNotice {
        changes: vec![proto::ChangeKind::Address as i32],
        changed_on: date(2026, 12, 1),
        details: "Umzug in eine neue Wohnung".into(),
        new_address: Some(common::Address {
            street: "Rüttenscheider Straße".into(),
            house_number: "3".into(),
            postal_code: "45128".into(),
            city: "Essen".into(),
        }),
        new_iban: String::new(),
        new_monthly_income: None,
        new_housing_costs: None,
        attachments: vec![proto::AttachmentKind::RentalContract as i32],
    }
}

/// The sample of `kind`.
pub fn sample(kind: FormKind) -> Form {
    match kind {
        FormKind::Main => Form::Main(main_application()),
        FormKind::Continuation => Form::Continuation(continuation()),
        FormKind::OneOff => Form::OneOff(one_off()),
        FormKind::Education => Form::Education(education()),
        FormKind::SickNote => Form::SickNote(sick_note()),
        FormKind::Absence => Form::Absence(absence()),
        FormKind::Change => Form::Change(change()),
    }
}
