//! A submission as a tree of answers, addressed by the field paths of the form definitions.
//!
//! The validator walks definitions, not proto types: each kind's message is turned into this
//! tree once ([`answers`]), and every check reads it by path. A message left out is
//! [`Value::Absent`]; so is an unset date or amount. Names are the proto field names, which a
//! test checks against the descriptors.

use jobcenter_proto::common::v1 as common;
use jobcenter_proto::intake::v1 as proto;

use super::Form;

/// One answer, or a group or list of them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value {
    /// Not given (an unset message, date or amount).
    Absent,
    /// Text as given.
    Text(String),
    /// A date as given (not yet known to be a calendar date).
    Date { year: i32, month: i32, day: i32 },
    /// An amount in cents.
    Money(i64),
    /// Yes or no.
    Bool(bool),
    /// A proto enum number; 0 = not chosen.
    Choice(i32),
    /// Proto enum numbers.
    Choices(Vec<i32>),
    /// A whole number.
    Int(i64),
    /// A message: its fields by name.
    Group(Vec<(&'static str, Value)>),
    /// A repeated message.
    List(Vec<Value>),
}

impl Value {
    /// The field `name` of a group; `Absent` for anything else.
    pub fn field(&self, name: &str) -> &Value {
        match self {
            Value::Group(fields) => fields
                .iter()
                .find(|(n, _)| *n == name)
                .map_or(&Value::Absent, |(_, v)| v),
            _ => &Value::Absent,
        }
    }

    /// The field `name` of a group, to change it (tests build variants this way).
    pub fn field_mut(&mut self, name: &str) -> Option<&mut Value> {
        match self {
            Value::Group(fields) => fields.iter_mut().find(|(n, _)| *n == name).map(|(_, v)| v),
            _ => None,
        }
    }

    /// Whether no answer was given: absent, blank text, no choice, empty list.
    pub fn is_missing(&self) -> bool {
        match self {
            Value::Absent => true,
            Value::Text(s) => s.trim().is_empty(),
            Value::Choice(n) => *n == 0,
            Value::Choices(v) => v.is_empty(),
            Value::List(v) => v.is_empty(),
            _ => false,
        }
    }

    /// Every value at `path` (segments separated by `.`; `name[]` = each element), with the
    /// concrete path of each (`name[2]`). A path through an absent group reaches nothing: a
    /// question inside a group that was not given is not asked.
    pub fn resolve<'a>(&'a self, path: &str) -> Vec<(String, &'a Value)> {
        let mut found = vec![(String::new(), self)];
        for segment in path.split('.') {
            let (name, each) = match segment.strip_suffix("[]") {
                Some(name) => (name, true),
                None => (segment, false),
            };
            let mut next = Vec::new();
            for (at, value) in found {
                if !matches!(value, Value::Group(_)) {
                    continue;
                }
                let child = value.field(name);
                let child_path = if at.is_empty() {
                    name.to_owned()
                } else {
                    format!("{at}.{name}")
                };
                if each {
                    if let Value::List(items) = child {
                        for (i, item) in items.iter().enumerate() {
                            next.push((format!("{child_path}[{i}]"), item));
                        }
                    }
                } else {
                    next.push((child_path, child));
                }
            }
            found = next;
        }
        found
    }

    /// The single value at a path without `[]`; `Absent` when not reachable.
    pub fn at(&self, path: &str) -> &Value {
        self.resolve(path)
            .into_iter()
            .next()
            .map_or(&Value::Absent, |(_, v)| v)
    }
}

/// The answers of a submission: a group holding the form under its root field name.
pub fn answers(form: &Form) -> Value {
    let (root, value) = match form {
        Form::Main(m) => ("main_application", main(m)),
        Form::Continuation(m) => ("continuation_application", continuation(m)),
        Form::OneOff(m) => ("one_off_benefit_application", one_off(m)),
        Form::Education(m) => ("education_participation_application", education(m)),
        Form::SickNote(m) => ("sick_note", sick_note(m)),
        Form::Absence(m) => ("absence_notice", absence(m)),
        Form::Change(m) => ("change_notice", change(m)),
    };
    Value::Group(vec![(root, value)])
}

fn text(s: &str) -> Value {
    Value::Text(s.to_owned())
}

fn date(d: Option<&common::Date>) -> Value {
    d.map_or(Value::Absent, |d| Value::Date {
        year: d.year,
        month: d.month,
        day: d.day,
    })
}

fn money(m: Option<&common::Money>) -> Value {
    m.map_or(Value::Absent, |m| Value::Money(m.cents))
}

fn person(p: Option<&proto::Person>) -> Value {
    p.map_or(Value::Absent, |p| {
        Value::Group(vec![
            ("given_name", text(&p.given_name)),
            ("family_name", text(&p.family_name)),
            ("birth_date", date(p.birth_date.as_ref())),
        ])
    })
}

fn address(a: Option<&common::Address>) -> Value {
    a.map_or(Value::Absent, |a| {
        Value::Group(vec![
            ("street", text(&a.street)),
            ("house_number", text(&a.house_number)),
            ("postal_code", text(&a.postal_code)),
            ("city", text(&a.city)),
        ])
    })
}

fn incomes(list: &[proto::Income]) -> Value {
    Value::List(
        list.iter()
            .map(|i| {
                Value::Group(vec![
                    ("kind", Value::Choice(i.kind)),
                    ("monthly_amount", money(i.monthly_amount.as_ref())),
                    ("member_index", Value::Int(i.member_index.into())),
                ])
            })
            .collect(),
    )
}

fn housing(h: Option<&proto::HousingCosts>) -> Value {
    h.map_or(Value::Absent, |h| {
        Value::Group(vec![
            ("base_rent", money(h.base_rent.as_ref())),
            ("heating", money(h.heating.as_ref())),
            ("utilities", money(h.utilities.as_ref())),
        ])
    })
}

fn main(m: &proto::MainApplication) -> Value {
    Value::Group(vec![
        ("applicant", person(m.applicant.as_ref())),
        (
            "household_members",
            Value::List(
                m.household_members
                    .iter()
                    .map(|h| {
                        Value::Group(vec![
                            ("person", person(h.person.as_ref())),
                            ("relationship", Value::Choice(h.relationship)),
                        ])
                    })
                    .collect(),
            ),
        ),
        ("address", address(m.address.as_ref())),
        ("incomes", incomes(&m.incomes)),
        (
            "assets",
            Value::List(
                m.assets
                    .iter()
                    .map(|a| {
                        Value::Group(vec![
                            ("kind", Value::Choice(a.kind)),
                            ("value", money(a.value.as_ref())),
                            ("member_index", Value::Int(a.member_index.into())),
                        ])
                    })
                    .collect(),
            ),
        ),
        ("housing_costs", housing(m.housing_costs.as_ref())),
        ("iban", text(&m.iban)),
        ("attachments", Value::Choices(m.attachments.clone())),
    ])
}

fn continuation(m: &proto::ContinuationApplication) -> Value {
    Value::Group(vec![
        (
            "changes_since_last_application",
            Value::Bool(m.changes_since_last_application),
        ),
        ("change_details", text(&m.change_details)),
        ("address", address(m.address.as_ref())),
        ("iban", text(&m.iban)),
        ("incomes", incomes(&m.incomes)),
        ("attachments", Value::Choices(m.attachments.clone())),
    ])
}

fn one_off(m: &proto::OneOffBenefitApplication) -> Value {
    Value::Group(vec![
        ("kind", Value::Choice(m.kind)),
        ("reason", text(&m.reason)),
        ("estimated_cost", money(m.estimated_cost.as_ref())),
        ("expected_birth_date", date(m.expected_birth_date.as_ref())),
        ("attachments", Value::Choices(m.attachments.clone())),
    ])
}

fn education(m: &proto::EducationParticipationApplication) -> Value {
    Value::Group(vec![
        ("child", person(m.child.as_ref())),
        ("kind", Value::Choice(m.kind)),
        ("institution", text(&m.institution)),
        ("amount", money(m.amount.as_ref())),
        ("period_from", date(m.period_from.as_ref())),
        ("period_until", date(m.period_until.as_ref())),
        ("attachments", Value::Choices(m.attachments.clone())),
    ])
}

fn sick_note(m: &proto::SickNote) -> Value {
    Value::Group(vec![
        ("person", person(m.person.as_ref())),
        ("certificate", Value::Choice(m.certificate)),
        ("incapacity_from", date(m.incapacity_from.as_ref())),
        ("incapacity_until", date(m.incapacity_until.as_ref())),
        ("issued_on", date(m.issued_on.as_ref())),
        ("attachments", Value::Choices(m.attachments.clone())),
    ])
}

fn absence(m: &proto::AbsenceNotice) -> Value {
    Value::Group(vec![
        ("absent_from", date(m.absent_from.as_ref())),
        ("absent_until", date(m.absent_until.as_ref())),
        ("destination", text(&m.destination)),
        ("reason", Value::Choice(m.reason)),
        ("reason_details", text(&m.reason_details)),
        (
            "days_already_absent_this_year",
            Value::Int(m.days_already_absent_this_year.into()),
        ),
    ])
}

fn change(m: &proto::ChangeNotice) -> Value {
    Value::Group(vec![
        ("changes", Value::Choices(m.changes.clone())),
        ("changed_on", date(m.changed_on.as_ref())),
        ("details", text(&m.details)),
        ("new_address", address(m.new_address.as_ref())),
        ("new_iban", text(&m.new_iban)),
        ("new_monthly_income", money(m.new_monthly_income.as_ref())),
        ("new_housing_costs", housing(m.new_housing_costs.as_ref())),
        ("attachments", Value::Choices(m.attachments.clone())),
    ])
}
