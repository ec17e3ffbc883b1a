//! The filing rules of each jobcenter: the tag vocabulary documents may carry
//! (Verschlagwortung) and how long each type of document is kept.
//!
//! Like the case service's legal periods, every rule is a setting per jobcenter with a default
//! (`filing.default`, and jobcenters configured apart in `filing.tenants.<tenant id>`; a
//! tenant's entry replaces the default as a whole, what it leaves out takes the built-in
//! value). The service refuses to start with rules that make no sense ([`TenantFilingRules::problems`]).
//!
//! Default retention (`docs/efile/documents.md`): sick notes 5 years after receipt (they prove
//! when a duty to report was met, and are not needed once recovery and objection periods of
//! that time are long over); every other type 10 years after the case closed, the longest
//! period in which a decision can still be withdrawn and benefits recovered (§ 45 (3), § 50
//! (4) SGB X), so the proofs a decision rests on outlive it.

use std::collections::{BTreeMap, BTreeSet};

use serde::Deserialize;

use super::types::DocumentType;

/// From when a retention period counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RetentionStart {
    /// From the day the case closed (documents of open cases are kept).
    CaseClosed,
    /// From the (Berlin) day the document was received.
    Receipt,
}

impl RetentionStart {
    /// The stored name (`case_closed`, `receipt`), also the SQL's.
    pub fn as_str(self) -> &'static str {
        match self {
            RetentionStart::CaseClosed => "case_closed",
            RetentionStart::Receipt => "receipt",
        }
    }
}

/// How long documents of one type are kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RetentionRule {
    /// From when it counts.
    pub start: RetentionStart,
    /// Whole years; deletion is due on the first day after them.
    pub years: u32,
}

impl RetentionRule {
    /// Longest period accepted.
    pub const MAX_YEARS: u32 = 100;

    /// The built-in rule of `ty` (see the module comment).
    pub fn default_for(ty: DocumentType) -> Self {
        match ty {
            DocumentType::SickNote => RetentionRule {
                start: RetentionStart::Receipt,
                years: 5,
            },
            _ => RetentionRule {
                start: RetentionStart::CaseClosed,
                years: 10,
            },
        }
    }

    /// In words, e.g. "10 years after the case closed" (recorded in `DocumentDeleted.rule`).
    pub fn words(&self) -> String {
        let unit = if self.years == 1 { "year" } else { "years" };
        match self.start {
            RetentionStart::CaseClosed => format!("{} {unit} after the case closed", self.years),
            RetentionStart::Receipt => format!("{} {unit} after receipt", self.years),
        }
    }
}

/// The built-in tag vocabulary: lower-case ASCII slugs of what caseworkers file by.
pub const DEFAULT_TAGS: &[&str] = &[
    "arbeitsunfaehigkeit",
    "bescheid",
    "bildung-und-teilhabe",
    "einkommen",
    "erstbescheinigung",
    "folgebescheinigung",
    "heizkosten",
    "identitaet",
    "kdu",
    "kindergeld",
    "kontoauszug",
    "krankenversicherung",
    "miete",
    "mitwirkung",
    "nachweis",
    "nebenkosten",
    "postausgang",
    "posteingang",
    "rente",
    "umzug",
    "unterhalt",
    "vermoegen",
    "weiterbewilligung",
    "widerspruch",
];

/// Longest tag.
pub const MAX_TAG_LEN: usize = 40;

/// Whether `tag` is a lower-case ASCII slug (`a-z`, `0-9`, single `-` between parts).
pub fn is_slug(tag: &str) -> bool {
    !tag.is_empty()
        && tag.len() <= MAX_TAG_LEN
        && tag.split('-').all(|part| {
            !part.is_empty()
                && part
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        })
}

/// The filing rules of one jobcenter.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct FilingRules {
    /// The tags documents may carry. Default [`DEFAULT_TAGS`].
    pub tags: Vec<String>,
    /// Retention per type (by stored name, e.g. `sick_note`); a type left out keeps its
    /// built-in rule ([`RetentionRule::default_for`]).
    pub retention: BTreeMap<DocumentType, RetentionRule>,
}

impl Default for FilingRules {
    fn default() -> Self {
        Self {
            tags: DEFAULT_TAGS.iter().map(|t| (*t).to_owned()).collect(),
            retention: DocumentType::ALL
                .into_iter()
                .map(|ty| (ty, RetentionRule::default_for(ty)))
                .collect(),
        }
    }
}

impl FilingRules {
    /// The retention rule of `ty`.
    pub fn rule(&self, ty: DocumentType) -> RetentionRule {
        self.retention
            .get(&ty)
            .copied()
            .unwrap_or_else(|| RetentionRule::default_for(ty))
    }

    /// Every type's rule, in the types' order.
    pub fn rules(&self) -> Vec<(DocumentType, RetentionRule)> {
        DocumentType::ALL
            .into_iter()
            .map(|ty| (ty, self.rule(ty)))
            .collect()
    }

    /// The vocabulary, sorted and without duplicates.
    pub fn vocabulary(&self) -> Vec<String> {
        let set: BTreeSet<&String> = self.tags.iter().collect();
        set.into_iter().cloned().collect()
    }

    /// Whether `tag` is in the vocabulary.
    pub fn knows_tag(&self, tag: &str) -> bool {
        self.tags.iter().any(|t| t == tag)
    }

    /// What is wrong with these rules, if anything.
    pub fn problems(&self) -> Vec<String> {
        let mut problems = Vec::new();
        if self.tags.is_empty() {
            problems.push("tags must not be empty".to_owned());
        }
        for (index, tag) in self.tags.iter().enumerate() {
            if !is_slug(tag) {
                problems.push(format!(
                    "tags[{index}] must be a lower-case slug of a-z, 0-9 and '-' (at most {MAX_TAG_LEN} characters)"
                ));
            }
        }
        for (ty, rule) in &self.retention {
            if !(1..=RetentionRule::MAX_YEARS).contains(&rule.years) {
                problems.push(format!(
                    "retention.{}.years must be between 1 and {} (is {})",
                    ty.as_str(),
                    RetentionRule::MAX_YEARS,
                    rule.years
                ));
            }
        }
        problems
    }
}

/// The filing rules of every jobcenter of the installation.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct TenantFilingRules {
    /// For every jobcenter not listed in `tenants`.
    pub default: FilingRules,
    /// Jobcenters configured apart, by tenant id.
    pub tenants: BTreeMap<String, FilingRules>,
}

impl TenantFilingRules {
    /// The rules of `tenant`.
    pub fn of(&self, tenant: &str) -> &FilingRules {
        self.tenants.get(tenant).unwrap_or(&self.default)
    }

    /// What is wrong with any of them, each named where it is configured.
    pub fn problems(&self) -> Vec<String> {
        let mut problems: Vec<String> = self
            .default
            .problems()
            .into_iter()
            .map(|p| format!("filing.default.{p}"))
            .collect();
        for (tenant, rules) in &self.tenants {
            problems.extend(
                rules
                    .problems()
                    .into_iter()
                    .map(|p| format!("filing.tenants.{tenant}.{p}")),
            );
        }
        problems
    }
}

/// `wanted` tags that the tenant's vocabulary holds, sorted: a jobcenter without a sick-note
/// (or decision) tag files its generated documents untagged rather than not at all.
pub fn tags_in_vocabulary(wanted: &[&str], vocabulary: &[String]) -> Vec<String> {
    let mut tags: Vec<String> = wanted
        .iter()
        .filter(|tag| vocabulary.iter().any(|known| known == *tag))
        .map(|tag| (*tag).to_owned())
        .collect();
    tags.sort();
    tags.dedup();
    tags
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_defaults_keep_sick_notes_five_years_from_receipt_and_the_rest_ten_from_closing() {
        let rules = FilingRules::default();
        assert!(rules.problems().is_empty(), "{:?}", rules.problems());
        assert_eq!(
            rules.rule(DocumentType::SickNote),
            RetentionRule {
                start: RetentionStart::Receipt,
                years: 5
            }
        );
        for ty in DocumentType::ALL
            .into_iter()
            .filter(|t| *t != DocumentType::SickNote)
        {
            assert_eq!(rules.rule(ty).start, RetentionStart::CaseClosed, "{ty:?}");
            assert_eq!(rules.rule(ty).years, 10, "{ty:?}");
        }
        assert!(DEFAULT_TAGS.iter().all(|t| is_slug(t)));
        assert_eq!(rules.vocabulary().len(), DEFAULT_TAGS.len());
    }

    #[test]
    fn a_type_left_out_keeps_its_built_in_rule() {
        let rules = FilingRules {
            retention: BTreeMap::from([(
                DocumentType::Payslip,
                RetentionRule {
                    start: RetentionStart::Receipt,
                    years: 3,
                },
            )]),
            ..FilingRules::default()
        };
        assert_eq!(rules.rule(DocumentType::Payslip).years, 3);
        assert_eq!(
            rules.rule(DocumentType::SickNote),
            RetentionRule::default_for(DocumentType::SickNote)
        );
    }

    #[test]
    fn nonsense_is_named_where_it_is_configured() {
        let mut all = TenantFilingRules::default();
        all.tenants.insert(
            "jc-alt".into(),
            FilingRules {
                tags: vec![],
                retention: BTreeMap::from([(
                    DocumentType::Letter,
                    RetentionRule {
                        start: RetentionStart::CaseClosed,
                        years: 0,
                    },
                )]),
            },
        );
        all.default.tags.push("Miete".into());
        assert_eq!(
            all.problems(),
            vec![
                format!(
                    "filing.default.tags[{}] must be a lower-case slug of a-z, 0-9 and '-' (at most 40 characters)",
                    DEFAULT_TAGS.len()
                ),
                "filing.tenants.jc-alt.tags must not be empty".to_owned(),
                "filing.tenants.jc-alt.retention.letter.years must be between 1 and 100 (is 0)"
                    .to_owned(),
            ]
        );
    }

    #[test]
    fn tags_outside_the_vocabulary_are_left_out() {
        let vocabulary = vec!["arbeitsunfaehigkeit".to_owned(), "miete".to_owned()];
        assert_eq!(
            tags_in_vocabulary(&["erstbescheinigung", "arbeitsunfaehigkeit"], &vocabulary),
            vec!["arbeitsunfaehigkeit".to_owned()]
        );
        assert!(tags_in_vocabulary(&["bescheid"], &vocabulary).is_empty());
    }

    #[test]
    fn slugs_are_lower_case_ascii_with_single_dashes() {
        assert!(is_slug("bildung-und-teilhabe"));
        assert!(is_slug("kdu"));
        for bad in ["", "Miete", "miete ", "a--b", "-a", "a-", "ärger", "a_b"] {
            assert!(!is_slug(bad), "{bad}");
        }
    }

    #[test]
    fn rules_are_described_in_words() {
        assert_eq!(
            RetentionRule::default_for(DocumentType::Letter).words(),
            "10 years after the case closed"
        );
        assert_eq!(
            RetentionRule {
                start: RetentionStart::Receipt,
                years: 1
            }
            .words(),
            "1 year after receipt"
        );
    }
}
