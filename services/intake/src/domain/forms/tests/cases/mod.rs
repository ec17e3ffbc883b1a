//! Table-driven: each kind accepted as sampled, and refused (or warned about) for each rule that
//! applies to it, with the field path and rule id of every finding. The cases are split by
//! applications and notices.

mod applications;
mod notices;

use std::collections::BTreeSet;

use jobcenter_proto::intake::v1 as proto;

use super::samples::{self, date, person, today};
use crate::domain::forms::rules::{RuleId, TenantRules};
use crate::domain::forms::{Form, FormKind, check};

/// One case: a form, the jobcenter's parameters, and exactly the findings expected.
pub(super) struct Case {
    name: &'static str,
    form: Form,
    tenant: TenantRules,
    errors: Vec<(&'static str, &'static str)>,
    warnings: Vec<(&'static str, &'static str)>,
}

pub(super) fn case(name: &'static str, form: Form) -> Case {
    Case {
        name,
        form,
        tenant: TenantRules::default(),
        errors: Vec::new(),
        warnings: Vec::new(),
    }
}

impl Case {
    pub(super) fn error(mut self, field: &'static str, rule: &'static str) -> Self {
        self.errors.push((field, rule));
        self
    }

    pub(super) fn warning(mut self, field: &'static str, rule: &'static str) -> Self {
        self.warnings.push((field, rule));
        self
    }

    pub(super) fn area(mut self, prefixes: &[&str]) -> Self {
        self.tenant.postal_code_prefixes = prefixes.iter().map(|p| (*p).to_owned()).collect();
        self
    }
}

macro_rules! variant {
    ($name:ident, $sample:ident, $variant:ident, $ty:ty) => {
        pub(super) fn $name(change: impl FnOnce(&mut $ty)) -> Form {
            let mut m = samples::$sample();
            change(&mut m);
            Form::$variant(m)
        }
    };
}
variant!(main, main_application, Main, proto::MainApplication);
variant!(
    cont,
    continuation,
    Continuation,
    proto::ContinuationApplication
);
variant!(one_off, one_off, OneOff, proto::OneOffBenefitApplication);
variant!(
    edu,
    education,
    Education,
    proto::EducationParticipationApplication
);
variant!(sick, sick_note, SickNote, proto::SickNote);
variant!(absence, absence, Absence, proto::AbsenceNotice);
variant!(change, change, Change, proto::ChangeNotice);

pub(super) fn member(
    given: &str,
    born: (i32, i32, i32),
    r: proto::Relationship,
) -> proto::HouseholdMember {
    proto::HouseholdMember {
        person: person(given, "Mustermann", date(born.0, born.1, born.2)),
        relationship: r as i32,
    }
}

fn cases() -> Vec<Case> {
    let mut all = vec![
        // Every sample is accepted as it is.
        case("main application", main(|_| {})),
        case("continuation application", cont(|_| {})),
        case("one-off benefit", one_off(|_| {})),
        case("education and participation", edu(|_| {})),
        case("sick note", sick(|_| {})),
        case("absence notice", absence(|_| {})),
        case("change notice", change(|_| {})),
    ];
    all.extend(applications::cases());
    all.extend(notices::cases());
    all
}

#[test]
fn every_kind_is_accepted_and_refused_or_warned_for_each_rule_that_applies() {
    let mut failures = Vec::new();
    for c in cases() {
        let found = check(&c.form, today(), &c.tenant);
        let pairs = |fs: &[crate::domain::forms::validate::Finding]| -> Vec<(String, String)> {
            fs.iter()
                .map(|f| (f.field.clone(), f.rule.clone()))
                .collect()
        };
        let want = |v: &[(&str, &str)]| -> Vec<(String, String)> {
            v.iter()
                .map(|(f, r)| ((*f).to_owned(), (*r).to_owned()))
                .collect()
        };
        if pairs(&found.errors) != want(&c.errors) || pairs(&found.warnings) != want(&c.warnings) {
            failures.push(format!(
                "{}: errors {:?} (want {:?}), warnings {:?} (want {:?})",
                c.name,
                pairs(&found.errors),
                c.errors,
                pairs(&found.warnings),
                c.warnings
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn every_kind_has_cases_and_every_named_rule_fires_in_one() {
    let cases = cases();
    let kinds: BTreeSet<FormKind> = cases.iter().map(|c| c.form.kind()).collect();
    assert_eq!(kinds.len(), FormKind::ALL.len());
    let fired: BTreeSet<&str> = cases
        .iter()
        .flat_map(|c| c.errors.iter().chain(c.warnings.iter()).map(|(_, r)| *r))
        .collect();
    for rule in RuleId::ALL {
        assert!(
            fired.contains(rule.as_str()),
            "no case fires {}",
            rule.as_str()
        );
    }
}
