//! The legal periods the case lifecycle counts with, per jobcenter.
//!
//! The law sets them for every jobcenter alike, but it changes (deemed notification moved from
//! the third to the fourth day in 2025; the benefit is due to be renamed and reshaped), so each
//! is a setting with the law's value as default, and a jobcenter can be configured apart while
//! a change rolls out (DOMAIN.md: "make every period a per-tenant setting with these defaults").

use std::collections::BTreeMap;

use serde::Deserialize;

/// The periods of one jobcenter. A field left out of the configuration keeps the law's value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Periods {
    /// Days after posting until a decision counts as notified (§ 37 (2) SGB X). Default 4.
    pub notification_days: u32,
    /// Months after notification within which an objection is in time (§ 84 SGG). Default 1.
    pub objection_months: u32,
    /// Months of a benefit period (§ 41 (3) SGB II). Default 12.
    pub benefit_period_months: u32,
    /// Months of a provisional benefit period (§ 41 (3), § 41a SGB II). Default 6.
    pub provisional_benefit_period_months: u32,
    /// Months before a benefit period ends when the continuation application is prompted.
    /// Default 2.
    pub continuation_prompt_months: u32,
    /// Days before requested documents are due when the applicant is reminded. Default 3.
    pub documents_reminder_days: u32,
    /// Months after receipt when the caseworker is warned that the six-month limit of § 88 SGG
    /// approaches. Default 5.
    pub decision_warning_months: u32,
    /// Months after an objection until its decision is overdue (§ 88 SGG). Default 3.
    pub objection_decision_months: u32,
    /// Days before that limit when the caseworker is warned. Default 14.
    pub objection_warning_days: u32,
}

impl Periods {
    /// The law as of 2026.
    pub const LEGAL: Periods = Periods {
        notification_days: 4,
        objection_months: 1,
        benefit_period_months: 12,
        provisional_benefit_period_months: 6,
        continuation_prompt_months: 2,
        documents_reminder_days: 3,
        decision_warning_months: 5,
        objection_decision_months: 3,
        objection_warning_days: 14,
    };

    /// What is wrong with these periods, if anything (checked when the service starts).
    pub fn problems(&self) -> Vec<String> {
        let mut problems = Vec::new();
        let mut months = |name: &str, value: u32, range: std::ops::RangeInclusive<u32>| {
            if !range.contains(&value) {
                problems.push(format!(
                    "{name} must be between {} and {} (is {value})",
                    range.start(),
                    range.end()
                ));
            }
        };
        months("notification_days", self.notification_days, 0..=14);
        months("objection_months", self.objection_months, 1..=12);
        months("benefit_period_months", self.benefit_period_months, 1..=24);
        months(
            "provisional_benefit_period_months",
            self.provisional_benefit_period_months,
            1..=24,
        );
        months(
            "continuation_prompt_months",
            self.continuation_prompt_months,
            0..=6,
        );
        months(
            "documents_reminder_days",
            self.documents_reminder_days,
            0..=30,
        );
        months(
            "decision_warning_months",
            self.decision_warning_months,
            1..=24,
        );
        months(
            "objection_decision_months",
            self.objection_decision_months,
            1..=24,
        );
        months(
            "objection_warning_days",
            self.objection_warning_days,
            0..=60,
        );
        problems
    }
}

impl Default for Periods {
    fn default() -> Self {
        Periods::LEGAL
    }
}

/// The periods of every jobcenter of the installation: one default, and jobcenters configured
/// apart (`[periods.tenants.<tenant id>]` in the configuration file; a tenant's entry replaces
/// the default as a whole, its missing fields taking the law's values).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct TenantPeriods {
    /// For every jobcenter not listed in `tenants`.
    pub default: Periods,
    /// Jobcenters configured apart, by tenant id.
    pub tenants: BTreeMap<String, Periods>,
}

impl TenantPeriods {
    /// The periods of `tenant`.
    pub fn of(&self, tenant: &str) -> &Periods {
        self.tenants.get(tenant).unwrap_or(&self.default)
    }

    /// What is wrong with any of them, each named by where it is configured.
    pub fn problems(&self) -> Vec<String> {
        let mut problems: Vec<String> = self
            .default
            .problems()
            .into_iter()
            .map(|p| format!("periods.default.{p}"))
            .collect();
        for (tenant, periods) in &self.tenants {
            problems.extend(
                periods
                    .problems()
                    .into_iter()
                    .map(|p| format!("periods.tenants.{tenant}.{p}")),
            );
        }
        problems
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_tenant_configured_apart_gets_its_own_and_the_rest_the_default() {
        let mut all = TenantPeriods::default();
        all.tenants.insert(
            "jc-alt".into(),
            Periods {
                notification_days: 3,
                ..Periods::LEGAL
            },
        );
        assert_eq!(all.of("jc-alt").notification_days, 3);
        assert_eq!(all.of("jc-other"), &Periods::LEGAL);
        assert!(all.problems().is_empty());
    }

    #[test]
    fn nonsense_is_named_where_it_is_configured() {
        let mut all = TenantPeriods::default();
        all.default.objection_months = 0;
        all.tenants.insert(
            "jc-alt".into(),
            Periods {
                benefit_period_months: 99,
                ..Periods::LEGAL
            },
        );
        assert_eq!(
            all.problems(),
            vec![
                "periods.default.objection_months must be between 1 and 12 (is 0)".to_owned(),
                "periods.tenants.jc-alt.benefit_period_months must be between 1 and 24 (is 99)"
                    .to_owned(),
            ]
        );
    }
}
