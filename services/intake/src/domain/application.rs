//! A main application (Hauptantrag) that has passed every plausibility check.
//!
//! [`MainApplication::parse`] turns the proto message into domain values and collects every
//! violation with its field path. [`MainApplication::to_proto`] gives the canonical proto form that
//! is recorded in the event log (for instance the IBAN without spaces).

use std::collections::HashSet;

use chrono::NaiveDate;
use jobcenter_proto::common::v1 as common;
use jobcenter_proto::intake::v1 as proto;

use super::iban::Iban;
use super::values::{Amount, BirthDate, MIN_APPLICANT_AGE, PostalCode, Text};
use super::violation::{FieldPath, Violations};

/// A natural person.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Person {
    pub given_name: Text,
    pub family_name: Text,
    pub birth_date: BirthDate,
}

/// How a household member relates to the applicant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Relationship {
    Partner,
    Child,
    Other,
}

/// A member of the household besides the applicant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HouseholdMember {
    pub person: Person,
    pub relationship: Relationship,
}

/// Kinds of income.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IncomeKind {
    Employment,
    SelfEmployment,
    ChildBenefit,
    Maintenance,
    Pension,
    Other,
}

/// A regular monthly income of a household member (0 = the applicant).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Income {
    pub kind: IncomeKind,
    pub monthly_amount: Amount,
    pub member_index: u32,
}

/// Where the household lives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Address {
    pub street: Text,
    pub house_number: Text,
    pub postal_code: PostalCode,
    pub city: Text,
}

/// Monthly costs of accommodation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HousingCosts {
    pub base_rent: Amount,
    pub heating: Amount,
    pub utilities: Amount,
}

/// A main application that passed every check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MainApplication {
    pub applicant: Person,
    pub household_members: Vec<HouseholdMember>,
    pub address: Address,
    pub incomes: Vec<Income>,
    pub housing_costs: HousingCosts,
    pub iban: Option<Iban>,
}

impl MainApplication {
    /// Parses the proto message found at `path`, as of `today`; records every violation.
    pub fn parse(
        input: Option<&proto::MainApplication>,
        today: NaiveDate,
        path: &FieldPath,
        v: &mut Violations,
    ) -> Option<Self> {
        let Some(input) = input else {
            v.push(path, "the application is required");
            return None;
        };
        let applicant_path = path.child("applicant");
        let applicant = parse_person(input.applicant.as_ref(), today, &applicant_path, v);
        if let Some(a) = &applicant
            && a.birth_date.age_on(today) < MIN_APPLICANT_AGE
        {
            v.push(
                &applicant_path.child("birth_date"),
                "the applicant must be at least 15 years old",
            );
        }
        let members = parse_members(input, today, path, v);
        let address = parse_address(input.address.as_ref(), &path.child("address"), v);
        let incomes = parse_incomes(input, path, v);
        let housing_costs = parse_housing(
            input.housing_costs.as_ref(),
            &path.child("housing_costs"),
            v,
        );
        let iban = if input.iban.trim().is_empty() {
            Some(None)
        } else {
            v.keep(Iban::parse(&input.iban, &path.child("iban")))
                .map(Some)
        };
        if !v.is_empty() {
            return None;
        }
        Some(Self {
            applicant: applicant?,
            household_members: members?,
            address: address?,
            incomes: incomes?,
            housing_costs: housing_costs?,
            iban: iban?,
        })
    }

    /// Number of people in the household, the applicant included.
    pub fn household_size(&self) -> u32 {
        u32::try_from(self.household_members.len()).map_or(u32::MAX, |n| n.saturating_add(1))
    }

    /// The canonical proto form, as recorded in the event log.
    pub fn to_proto(&self) -> proto::MainApplication {
        proto::MainApplication {
            applicant: Some(person_to_proto(&self.applicant)),
            household_members: self
                .household_members
                .iter()
                .map(|m| proto::HouseholdMember {
                    person: Some(person_to_proto(&m.person)),
                    relationship: relationship_to_proto(m.relationship) as i32,
                })
                .collect(),
            address: Some(common::Address {
                street: self.address.street.as_str().to_owned(),
                house_number: self.address.house_number.as_str().to_owned(),
                postal_code: self.address.postal_code.as_str().to_owned(),
                city: self.address.city.as_str().to_owned(),
            }),
            incomes: self
                .incomes
                .iter()
                .map(|i| proto::Income {
                    kind: income_kind_to_proto(i.kind) as i32,
                    monthly_amount: Some(i.monthly_amount.to_proto()),
                    member_index: i.member_index,
                })
                .collect(),
            housing_costs: Some(proto::HousingCosts {
                base_rent: Some(self.housing_costs.base_rent.to_proto()),
                heating: Some(self.housing_costs.heating.to_proto()),
                utilities: Some(self.housing_costs.utilities.to_proto()),
            }),
            iban: self
                .iban
                .as_ref()
                .map(|i| i.as_str().to_owned())
                .unwrap_or_default(),
        }
    }
}

fn parse_person(
    input: Option<&proto::Person>,
    today: NaiveDate,
    path: &FieldPath,
    v: &mut Violations,
) -> Option<Person> {
    let Some(input) = input else {
        v.push(path, "the person is required");
        return None;
    };
    let given = v.keep(Text::parse(&input.given_name, &path.child("given_name")));
    let family = v.keep(Text::parse(&input.family_name, &path.child("family_name")));
    let birth = v.keep(BirthDate::parse(
        input.birth_date.as_ref(),
        today,
        &path.child("birth_date"),
    ));
    Some(Person {
        given_name: given?,
        family_name: family?,
        birth_date: birth?,
    })
}

fn parse_members(
    input: &proto::MainApplication,
    today: NaiveDate,
    path: &FieldPath,
    v: &mut Violations,
) -> Option<Vec<HouseholdMember>> {
    let list_path = path.child("household_members");
    let mut seen: HashSet<(String, String, NaiveDate)> = HashSet::new();
    if let Some(key) = input.applicant.as_ref().and_then(|a| person_key(a, today)) {
        seen.insert(key);
    }
    let mut members = Vec::with_capacity(input.household_members.len());
    let mut all_ok = true;
    for (i, m) in input.household_members.iter().enumerate() {
        let mp = list_path.index(i);
        let person = parse_person(m.person.as_ref(), today, &mp.child("person"), v);
        let relationship = match proto::Relationship::try_from(m.relationship) {
            Ok(proto::Relationship::Partner) => Some(Relationship::Partner),
            Ok(proto::Relationship::Child) => Some(Relationship::Child),
            Ok(proto::Relationship::Other) => Some(Relationship::Other),
            Ok(proto::Relationship::Unspecified) | Err(_) => {
                v.push(&mp.child("relationship"), "the relationship must be given");
                None
            }
        };
        if let Some(p) = &m.person
            && let Some(key) = person_key(p, today)
            && !seen.insert(key)
        {
            v.push(
                &mp.child("person"),
                "this person is already listed in the household",
            );
        }
        match (person, relationship) {
            (Some(person), Some(relationship)) => members.push(HouseholdMember {
                person,
                relationship,
            }),
            _ => all_ok = false,
        }
    }
    all_ok.then_some(members)
}

/// Identity of a person for the duplicate check: names (case-insensitive, trimmed) and birth date.
fn person_key(p: &proto::Person, today: NaiveDate) -> Option<(String, String, NaiveDate)> {
    let birth = BirthDate::parse(p.birth_date.as_ref(), today, &FieldPath::root("")).ok()?;
    Some((
        p.given_name.trim().to_lowercase(),
        p.family_name.trim().to_lowercase(),
        birth.date(),
    ))
}

fn parse_address(
    input: Option<&common::Address>,
    path: &FieldPath,
    v: &mut Violations,
) -> Option<Address> {
    let Some(input) = input else {
        v.push(path, "the address is required");
        return None;
    };
    let street = v.keep(Text::parse(&input.street, &path.child("street")));
    let house_number = v.keep(Text::parse(
        &input.house_number,
        &path.child("house_number"),
    ));
    let postal_code = v.keep(PostalCode::parse(
        &input.postal_code,
        &path.child("postal_code"),
    ));
    let city = v.keep(Text::parse(&input.city, &path.child("city")));
    Some(Address {
        street: street?,
        house_number: house_number?,
        postal_code: postal_code?,
        city: city?,
    })
}

fn parse_incomes(
    input: &proto::MainApplication,
    path: &FieldPath,
    v: &mut Violations,
) -> Option<Vec<Income>> {
    let list_path = path.child("incomes");
    let members = input.household_members.len();
    let mut incomes = Vec::with_capacity(input.incomes.len());
    let mut all_ok = true;
    for (i, income) in input.incomes.iter().enumerate() {
        let ip = list_path.index(i);
        let kind = match proto::IncomeKind::try_from(income.kind) {
            Ok(proto::IncomeKind::Employment) => Some(IncomeKind::Employment),
            Ok(proto::IncomeKind::SelfEmployment) => Some(IncomeKind::SelfEmployment),
            Ok(proto::IncomeKind::ChildBenefit) => Some(IncomeKind::ChildBenefit),
            Ok(proto::IncomeKind::Maintenance) => Some(IncomeKind::Maintenance),
            Ok(proto::IncomeKind::Pension) => Some(IncomeKind::Pension),
            Ok(proto::IncomeKind::Other) => Some(IncomeKind::Other),
            Ok(proto::IncomeKind::Unspecified) | Err(_) => {
                v.push(&ip.child("kind"), "the kind of income must be given");
                None
            }
        };
        let amount = v.keep(Amount::parse(
            income.monthly_amount.as_ref(),
            &ip.child("monthly_amount"),
        ));
        let index_ok = usize::try_from(income.member_index).is_ok_and(|i| i <= members);
        if !index_ok {
            v.push(
                &ip.child("member_index"),
                "must be 0 for the applicant or name a listed household member",
            );
        }
        match (kind, amount, index_ok) {
            (Some(kind), Some(monthly_amount), true) => incomes.push(Income {
                kind,
                monthly_amount,
                member_index: income.member_index,
            }),
            _ => all_ok = false,
        }
    }
    all_ok.then_some(incomes)
}

fn parse_housing(
    input: Option<&proto::HousingCosts>,
    path: &FieldPath,
    v: &mut Violations,
) -> Option<HousingCosts> {
    let Some(input) = input else {
        // No housing costs declared (e.g. living with parents): all zero.
        return Some(HousingCosts {
            base_rent: Amount::from_cents(0, path).ok()?,
            heating: Amount::from_cents(0, path).ok()?,
            utilities: Amount::from_cents(0, path).ok()?,
        });
    };
    let base_rent = v.keep(Amount::parse_optional(
        input.base_rent.as_ref(),
        &path.child("base_rent"),
    ));
    let heating = v.keep(Amount::parse_optional(
        input.heating.as_ref(),
        &path.child("heating"),
    ));
    let utilities = v.keep(Amount::parse_optional(
        input.utilities.as_ref(),
        &path.child("utilities"),
    ));
    Some(HousingCosts {
        base_rent: base_rent?,
        heating: heating?,
        utilities: utilities?,
    })
}

fn person_to_proto(p: &Person) -> proto::Person {
    proto::Person {
        given_name: p.given_name.as_str().to_owned(),
        family_name: p.family_name.as_str().to_owned(),
        birth_date: Some(p.birth_date.to_proto()),
    }
}

fn relationship_to_proto(r: Relationship) -> proto::Relationship {
    match r {
        Relationship::Partner => proto::Relationship::Partner,
        Relationship::Child => proto::Relationship::Child,
        Relationship::Other => proto::Relationship::Other,
    }
}

fn income_kind_to_proto(k: IncomeKind) -> proto::IncomeKind {
    match k {
        IncomeKind::Employment => proto::IncomeKind::Employment,
        IncomeKind::SelfEmployment => proto::IncomeKind::SelfEmployment,
        IncomeKind::ChildBenefit => proto::IncomeKind::ChildBenefit,
        IncomeKind::Maintenance => proto::IncomeKind::Maintenance,
        IncomeKind::Pension => proto::IncomeKind::Pension,
        IncomeKind::Other => proto::IncomeKind::Other,
    }
}
