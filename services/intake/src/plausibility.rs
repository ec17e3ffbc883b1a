//! The per-jobcenter settings of the plausibility checks (`JC_INTAKE_PLAUSIBILITY__*`), see
//! docs/intake/forms.md.

use serde::Deserialize;

use crate::domain::TenantRules;

/// Settings of the plausibility checks.
///
/// ```toml
/// [plausibility]
/// absence_days_per_year = 21
///
/// [[plausibility.tenants]]
/// tenant = "jc-essen"
/// postal_code_prefixes = ["451", "452", "453"]
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PlausibilityConfig {
    /// Days of absence per calendar year approved without a special reason, for jobcenters
    /// without their own setting. Default 21 (three weeks, § 7b SGB II).
    pub absence_days_per_year: u32,
    /// Settings per jobcenter. Default none: every postal code is accepted everywhere.
    pub tenants: Vec<TenantPlausibility>,
}

impl Default for PlausibilityConfig {
    fn default() -> Self {
        Self {
            absence_days_per_year: TenantRules::default().absence_days_per_year,
            tenants: Vec::new(),
        }
    }
}

/// The settings of one jobcenter.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TenantPlausibility {
    /// The tenant id, e.g. `jc-essen`.
    pub tenant: String,
    /// Postal-code prefixes (one to five digits) of the jobcenter's area; a postal code of an
    /// address must start with one of them. Empty: every postal code.
    #[serde(default)]
    pub postal_code_prefixes: Vec<String>,
    /// Overrides `absence_days_per_year` for this jobcenter.
    #[serde(default)]
    pub absence_days_per_year: Option<u32>,
}

/// A setting that cannot be right.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PlausibilityConfigError {
    /// A prefix is not one to five digits.
    #[error("plausibility: a postal-code prefix of tenant {tenant} is not one to five digits")]
    Prefix {
        /// The tenant.
        tenant: String,
    },
    /// A tenant is listed twice.
    #[error("plausibility: tenant {tenant} is listed twice")]
    Duplicate {
        /// The tenant.
        tenant: String,
    },
}

impl PlausibilityConfig {
    /// Checks the settings (at start: a wrong prefix would refuse every application).
    pub fn check(&self) -> Result<(), PlausibilityConfigError> {
        for (i, t) in self.tenants.iter().enumerate() {
            if self.tenants[..i].iter().any(|o| o.tenant == t.tenant) {
                return Err(PlausibilityConfigError::Duplicate {
                    tenant: t.tenant.clone(),
                });
            }
            let bad =
                |p: &String| p.is_empty() || p.len() > 5 || !p.bytes().all(|b| b.is_ascii_digit());
            if t.postal_code_prefixes.iter().any(bad) {
                return Err(PlausibilityConfigError::Prefix {
                    tenant: t.tenant.clone(),
                });
            }
        }
        Ok(())
    }

    /// The rule parameters of `tenant`.
    pub fn rules_for(&self, tenant: &str) -> TenantRules {
        let own = self.tenants.iter().find(|t| t.tenant == tenant);
        TenantRules {
            postal_code_prefixes: own
                .map(|t| t.postal_code_prefixes.clone())
                .unwrap_or_default(),
            absence_days_per_year: own
                .and_then(|t| t.absence_days_per_year)
                .unwrap_or(self.absence_days_per_year),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn from_toml(text: &str) -> crate::Config {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("intake.toml");
        std::fs::write(&path, text).expect("written");
        // A prefix no environment variable has: only the file counts.
        platform::config::load("JC_INTAKE_TEST_NOTHING_", Some(&path)).expect("loads")
    }

    #[test]
    fn by_default_every_postal_code_and_21_days() {
        let rules = PlausibilityConfig::default().rules_for("jc-essen");
        assert!(rules.postal_code_prefixes.is_empty());
        assert_eq!(rules.absence_days_per_year, 21);
    }

    #[test]
    fn a_tenant_gets_its_own_area_and_limit_from_the_file() {
        let config = from_toml(
            "[plausibility]\nabsence_days_per_year = 20\n\n\
             [[plausibility.tenants]]\ntenant = \"jc-essen\"\n\
             postal_code_prefixes = [\"451\", \"452\"]\nabsence_days_per_year = 28\n",
        );
        let p = &config.plausibility;
        assert_eq!(p.check(), Ok(()));
        let essen = p.rules_for("jc-essen");
        assert_eq!(essen.postal_code_prefixes, vec!["451", "452"]);
        assert_eq!(essen.absence_days_per_year, 28);
        let bochum = p.rules_for("jc-bochum");
        assert!(bochum.postal_code_prefixes.is_empty());
        assert_eq!(bochum.absence_days_per_year, 20);
    }

    #[test]
    fn the_tenant_list_can_be_one_environment_value() {
        // The environment provider parses each value like this (figment's value syntax).
        let value: figment::value::Value =
            "[{tenant=\"jc-essen\", postal_code_prefixes=[\"451\",\"452\"]}]"
                .parse()
                .expect("parses");
        let tenants: Vec<TenantPlausibility> = value.deserialize().expect("tenants");
        assert_eq!(tenants.len(), 1);
        assert_eq!(tenants[0].tenant, "jc-essen");
        assert_eq!(tenants[0].postal_code_prefixes, vec!["451", "452"]);
    }

    #[test]
    fn wrong_prefixes_and_duplicates_are_refused() {
        let tenant = |prefix: &str| TenantPlausibility {
            tenant: "jc-essen".into(),
            postal_code_prefixes: vec![prefix.into()],
            absence_days_per_year: None,
        };
        for bad in ["", "4512a", "451270"] {
            let config = PlausibilityConfig {
                tenants: vec![tenant(bad)],
                ..Default::default()
            };
            assert!(config.check().is_err(), "{bad:?}");
        }
        let twice = PlausibilityConfig {
            tenants: vec![tenant("45"), tenant("46")],
            ..Default::default()
        };
        assert!(matches!(
            twice.check(),
            Err(PlausibilityConfigError::Duplicate { .. })
        ));
    }
}
