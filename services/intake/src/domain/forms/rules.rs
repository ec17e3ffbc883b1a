//! The named rules: plausibility checks that need code, each listed by id in the definitions
//! that use it and implemented here, beside its id.
//!
//! A rule is evaluated at the question it is attached to, once per concrete answer there, with
//! the whole submission at hand ([`RuleContext::root`]) for cross-field checks. It reports the
//! fields it finds wrong with the parameters of its message. A rule never sees a missing or
//! malformed answer at its own question (the required and format checks come first), but must
//! tolerate malformed neighbours: it skips what it cannot read.

use std::collections::HashSet;

use chrono::NaiveDate;

use super::answers::Value;
use super::model::{Key, Severity};
use super::options;
use crate::domain::iban::Iban;
use crate::domain::values::{age_on, calendar_date};
use crate::domain::violation::FieldPath;

/// Youngest age at which a person may apply (able to work, § 7 SGB II).
pub const MIN_APPLICANT_AGE: u32 = 15;
/// Retirement age (Regelaltersgrenze) from which people are referred to the social welfare
/// office (SGB XII) instead.
pub const RETIREMENT_AGE: u32 = 67;
/// Education and participation benefits end at this age (§ 28 (1) SGB II).
pub const EDUCATION_MAX_AGE: u32 = 25;
/// Club fees and leisure activities end at this age (§ 28 (7) SGB II).
pub const PARTICIPATION_MAX_AGE: u32 = 18;
/// Calendar days after the first day of incapacity within which a first certificate is on time
/// (§ 56 SGB II: presented after the third day of incapacity at the latest).
pub const SICK_NOTE_DAYS: i64 = 3;

/// A jobcenter's parameters of the named rules (from the service configuration).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TenantRules {
    /// Postal-code prefixes of the jobcenter's area; empty = every postal code.
    pub postal_code_prefixes: Vec<String>,
    /// Days of absence per calendar year approved without further reason.
    pub absence_days_per_year: u32,
}

impl Default for TenantRules {
    fn default() -> Self {
        Self {
            postal_code_prefixes: Vec::new(),
            absence_days_per_year: 21,
        }
    }
}

/// What a rule sees besides its own answer.
#[derive(Debug, Clone, Copy)]
pub struct RuleContext<'a> {
    /// The day of receipt.
    pub today: NaiveDate,
    /// The jobcenter's parameters.
    pub tenant: &'a TenantRules,
    /// Every answer of the submission.
    pub root: &'a Value,
}

/// A field a rule found wrong, with its message's parameters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleHit {
    /// Concrete path of the field.
    pub field: String,
    /// Values for the message's placeholders.
    pub params: Vec<(&'static str, String)>,
}

impl RuleHit {
    fn at(field: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            params: Vec::new(),
        }
    }

    fn with(mut self, name: &'static str, value: impl ToString) -> Self {
        self.params.push((name, value.to_string()));
        self
    }
}

/// Every named rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum RuleId {
    /// An IBAN's structure and mod-97 check digits (ISO 13616).
    IbanChecksum,
    /// A postal code lies in the jobcenter's area.
    PostalCodeInArea,
    /// The applicant is at least 15.
    ApplicantMinAge,
    /// The applicant is below the retirement age (warning).
    ApplicantRetirementAge,
    /// Nobody is listed twice in the household (the applicant included).
    HouseholdUniqueMembers,
    /// At most one partner.
    HouseholdOnePartner,
    /// A child is younger than the applicant.
    HouseholdChildYounger,
    /// A member index names the applicant or a listed member.
    HouseholdMemberIndex,
    /// The absence stays within the yearly limit (warning).
    AbsenceYearlyLimit,
    /// A first sick note arrives in time (warning).
    SickNoteReportedLate,
    /// The child of an education benefit is under 25.
    EducationChildAge,
    /// Club fees only for people under 18.
    EducationParticipationAge,
}

impl RuleId {
    /// Every rule, in a fixed order.
    pub const ALL: [RuleId; 12] = [
        RuleId::IbanChecksum,
        RuleId::PostalCodeInArea,
        RuleId::ApplicantMinAge,
        RuleId::ApplicantRetirementAge,
        RuleId::HouseholdUniqueMembers,
        RuleId::HouseholdOnePartner,
        RuleId::HouseholdChildYounger,
        RuleId::HouseholdMemberIndex,
        RuleId::AbsenceYearlyLimit,
        RuleId::SickNoteReportedLate,
        RuleId::EducationChildAge,
        RuleId::EducationParticipationAge,
    ];

    /// The id in definitions and warnings.
    pub const fn as_str(self) -> &'static str {
        match self {
            RuleId::IbanChecksum => "iban.checksum",
            RuleId::PostalCodeInArea => "postal_code.in_area",
            RuleId::ApplicantMinAge => "household.applicant_min_age",
            RuleId::ApplicantRetirementAge => "household.applicant_retirement_age",
            RuleId::HouseholdUniqueMembers => "household.unique_members",
            RuleId::HouseholdOnePartner => "household.one_partner",
            RuleId::HouseholdChildYounger => "household.child_younger",
            RuleId::HouseholdMemberIndex => "household.member_index",
            RuleId::AbsenceYearlyLimit => "absence.yearly_limit",
            RuleId::SickNoteReportedLate => "sick_note.reported_late",
            RuleId::EducationChildAge => "education.child_age",
            RuleId::EducationParticipationAge => "education.participation_age",
        }
    }

    /// Its message key: `rule.<id>`.
    pub const fn message(self) -> Key {
        match self {
            RuleId::IbanChecksum => "rule.iban.checksum",
            RuleId::PostalCodeInArea => "rule.postal_code.in_area",
            RuleId::ApplicantMinAge => "rule.household.applicant_min_age",
            RuleId::ApplicantRetirementAge => "rule.household.applicant_retirement_age",
            RuleId::HouseholdUniqueMembers => "rule.household.unique_members",
            RuleId::HouseholdOnePartner => "rule.household.one_partner",
            RuleId::HouseholdChildYounger => "rule.household.child_younger",
            RuleId::HouseholdMemberIndex => "rule.household.member_index",
            RuleId::AbsenceYearlyLimit => "rule.absence.yearly_limit",
            RuleId::SickNoteReportedLate => "rule.sick_note.reported_late",
            RuleId::EducationChildAge => "rule.education.child_age",
            RuleId::EducationParticipationAge => "rule.education.participation_age",
        }
    }

    /// Error or warning.
    pub const fn severity(self) -> Severity {
        match self {
            // Past retirement age, the application goes to the right office (§ 16 SGB I) and
            // counts as received here: refusing it would cost the applicant the receipt date.
            RuleId::ApplicantRetirementAge
            | RuleId::AbsenceYearlyLimit
            | RuleId::SickNoteReportedLate => Severity::Warning,
            _ => Severity::Error,
        }
    }

    /// The parameters a portal needs to run the rule itself (rendered with the definition).
    pub fn parameters(self, tenant: &TenantRules) -> Vec<String> {
        match self {
            RuleId::PostalCodeInArea => tenant.postal_code_prefixes.clone(),
            RuleId::AbsenceYearlyLimit => vec![tenant.absence_days_per_year.to_string()],
            RuleId::ApplicantMinAge => vec![MIN_APPLICANT_AGE.to_string()],
            RuleId::ApplicantRetirementAge => vec![RETIREMENT_AGE.to_string()],
            RuleId::EducationChildAge => vec![EDUCATION_MAX_AGE.to_string()],
            RuleId::EducationParticipationAge => vec![PARTICIPATION_MAX_AGE.to_string()],
            RuleId::SickNoteReportedLate => vec![SICK_NOTE_DAYS.to_string()],
            _ => Vec::new(),
        }
    }

    /// Parameters of the message (the same in every finding of the rule).
    pub fn message_params(self, tenant: &TenantRules) -> Vec<(&'static str, String)> {
        match self {
            RuleId::PostalCodeInArea => {
                vec![("prefixes", tenant.postal_code_prefixes.join(", "))]
            }
            RuleId::AbsenceYearlyLimit => {
                vec![("limit", tenant.absence_days_per_year.to_string())]
            }
            RuleId::ApplicantMinAge => vec![("age", MIN_APPLICANT_AGE.to_string())],
            RuleId::ApplicantRetirementAge => vec![("age", RETIREMENT_AGE.to_string())],
            RuleId::EducationChildAge => vec![("age", EDUCATION_MAX_AGE.to_string())],
            RuleId::EducationParticipationAge => vec![("age", PARTICIPATION_MAX_AGE.to_string())],
            RuleId::SickNoteReportedLate => vec![("days", SICK_NOTE_DAYS.to_string())],
            _ => Vec::new(),
        }
    }

    /// Evaluates the rule on the answer `value` at `path`.
    pub fn check(self, ctx: &RuleContext<'_>, path: &str, value: &Value) -> Vec<RuleHit> {
        let hit = |ok: bool| {
            if ok {
                Vec::new()
            } else {
                vec![RuleHit::at(path)]
            }
        };
        match self {
            RuleId::IbanChecksum => match value {
                Value::Text(s) => hit(Iban::parse(s, &FieldPath::root(path)).is_ok()),
                _ => Vec::new(),
            },
            RuleId::PostalCodeInArea => match value {
                Value::Text(s) => hit(in_area(&ctx.tenant.postal_code_prefixes, s)),
                _ => Vec::new(),
            },
            RuleId::ApplicantMinAge => match calendar_date(value) {
                Some(born) => hit(age_on(born, ctx.today) >= MIN_APPLICANT_AGE),
                None => Vec::new(),
            },
            RuleId::ApplicantRetirementAge => match calendar_date(value) {
                Some(born) => hit(age_on(born, ctx.today) < RETIREMENT_AGE),
                None => Vec::new(),
            },
            RuleId::HouseholdUniqueMembers => unique_members(ctx, path, value),
            RuleId::HouseholdOnePartner => one_partner(path, value),
            RuleId::HouseholdChildYounger => child_younger(ctx, path, value),
            RuleId::HouseholdMemberIndex => member_index(ctx, path, value),
            RuleId::AbsenceYearlyLimit => absence_limit(ctx, path, value),
            RuleId::SickNoteReportedLate => sick_note_late(ctx, path, value),
            RuleId::EducationChildAge => match calendar_date(value) {
                Some(born) => hit(age_on(born, ctx.today) < EDUCATION_MAX_AGE),
                None => Vec::new(),
            },
            RuleId::EducationParticipationAge => {
                let kind = ctx.root.at("education_participation_application.kind");
                match calendar_date(value) {
                    Some(born) if *kind == Value::Choice(options::CLUB_FEES.number) => {
                        hit(age_on(born, ctx.today) < PARTICIPATION_MAX_AGE)
                    }
                    _ => Vec::new(),
                }
            }
        }
    }
}

/// Whether `postal_code` starts with one of `prefixes` (none configured: every code).
pub fn in_area(prefixes: &[String], postal_code: &str) -> bool {
    prefixes.is_empty() || prefixes.iter().any(|p| postal_code.starts_with(p.as_str()))
}

/// Identity of a person for the duplicate check: names (case-insensitive, trimmed) and birth date.
fn person_key(person: &Value) -> Option<(String, String, NaiveDate)> {
    let name = |field: &str| match person.field(field) {
        Value::Text(s) => Some(s.trim().to_lowercase()),
        _ => None,
    };
    Some((
        name("given_name")?,
        name("family_name")?,
        calendar_date(person.field("birth_date"))?,
    ))
}

fn members(value: &Value) -> &[Value] {
    match value {
        Value::List(items) => items,
        _ => &[],
    }
}

/// The applicant's birth date, if it is one (a date in the future is reported at its own
/// field and compares with nothing).
fn applicant_birth(ctx: &RuleContext<'_>) -> Option<NaiveDate> {
    calendar_date(ctx.root.at("main_application.applicant.birth_date")).filter(|b| *b < ctx.today)
}

fn unique_members(ctx: &RuleContext<'_>, path: &str, value: &Value) -> Vec<RuleHit> {
    let mut seen: HashSet<(String, String, NaiveDate)> = HashSet::new();
    if let Some(key) = person_key(ctx.root.at("main_application.applicant")) {
        seen.insert(key);
    }
    let mut hits = Vec::new();
    for (i, member) in members(value).iter().enumerate() {
        if let Some(key) = person_key(member.field("person"))
            && !seen.insert(key)
        {
            hits.push(RuleHit::at(format!("{path}[{i}].person")));
        }
    }
    hits
}

fn one_partner(path: &str, value: &Value) -> Vec<RuleHit> {
    let partner = Value::Choice(options::PARTNER.number);
    members(value)
        .iter()
        .enumerate()
        .filter(|(_, m)| *m.field("relationship") == partner)
        .skip(1)
        .map(|(i, _)| RuleHit::at(format!("{path}[{i}].relationship")))
        .collect()
}

fn child_younger(ctx: &RuleContext<'_>, path: &str, value: &Value) -> Vec<RuleHit> {
    let Some(applicant) = applicant_birth(ctx) else {
        return Vec::new();
    };
    let child = Value::Choice(options::CHILD.number);
    members(value)
        .iter()
        .enumerate()
        .filter(|(_, m)| *m.field("relationship") == child)
        .filter(|(_, m)| {
            calendar_date(m.field("person").field("birth_date")).is_some_and(|b| b <= applicant)
        })
        .map(|(i, _)| RuleHit::at(format!("{path}[{i}].person.birth_date")))
        .collect()
}

fn member_index(ctx: &RuleContext<'_>, path: &str, value: &Value) -> Vec<RuleHit> {
    let listed = members(ctx.root.at("main_application.household_members")).len();
    match value {
        Value::Int(i) if usize::try_from(*i).is_ok_and(|i| i <= listed) => Vec::new(),
        Value::Int(_) => vec![RuleHit::at(path)],
        _ => Vec::new(),
    }
}

fn absence_limit(ctx: &RuleContext<'_>, path: &str, value: &Value) -> Vec<RuleHit> {
    let from = calendar_date(ctx.root.at("absence_notice.absent_from"));
    let until = calendar_date(value);
    let already = match ctx.root.at("absence_notice.days_already_absent_this_year") {
        Value::Int(n) => *n,
        _ => 0,
    };
    match (from, until) {
        (Some(from), Some(until)) if from <= until => {
            let days = (until - from).num_days() + 1 + already;
            if days > i64::from(ctx.tenant.absence_days_per_year) {
                vec![RuleHit::at(path).with("days", days)]
            } else {
                Vec::new()
            }
        }
        _ => Vec::new(),
    }
}

fn sick_note_late(ctx: &RuleContext<'_>, path: &str, value: &Value) -> Vec<RuleHit> {
    let first =
        *ctx.root.at("sick_note.certificate") == Value::Choice(options::FIRST_CERTIFICATE.number);
    match calendar_date(value) {
        Some(from) if first && (ctx.today - from).num_days() > SICK_NOTE_DAYS => {
            vec![RuleHit::at(path)]
        }
        _ => Vec::new(),
    }
}
