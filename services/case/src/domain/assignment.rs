//! Assignment rules of a tenant: which caseworker and team a new case goes to, by the first
//! letter of the applicant's surname, by postal-code prefix, or as a fallback; the first rule
//! that matches wins. Pure: the API validates a rule set here ([`validate`]), the `assign`
//! reactor matches a case against the recorded rules here ([`first_match`]).

use std::collections::HashSet;

use jobcenter_proto::case::v1 as proto;

/// Most rules a tenant keeps (a jobcenter has a few dozen letter ranges at most).
pub const MAX_RULES: usize = 500;
/// Longest rule id, team name and caseworker subject.
const ID_MAX: usize = 64;
const TEAM_MAX: usize = 100;
const SUBJECT_MAX: usize = 128;

/// When a rule matches.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Match {
    /// The surname's first letter (as a base letter A–Z) lies in `from..=to`.
    Surname { from: char, to: char },
    /// The postal code starts with these digits.
    PostalCodePrefix(String),
    /// Always: a catch-all last rule.
    Fallback,
}

/// One valid rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rule {
    pub rule_id: String,
    pub matches: Match,
    /// The caseworker's subject; empty: the team's queue.
    pub caseworker: String,
    pub team: String,
}

/// One thing wrong with a rule set: the field's path (e.g. `rules[2].surname.from`) and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    pub field: String,
    pub description: String,
}

impl Violation {
    fn new(field: String, description: impl Into<String>) -> Self {
        Self {
            field,
            description: description.into(),
        }
    }
}

/// The rules of a request, or every violation found (all at once, so a form can mark them).
pub fn validate(rules: &[proto::AssignmentRule]) -> Result<Vec<Rule>, Vec<Violation>> {
    let mut violations = Vec::new();
    if rules.len() > MAX_RULES {
        violations.push(Violation::new(
            "rules".into(),
            format!("at most {MAX_RULES} rules"),
        ));
        return Err(violations);
    }
    let mut ids = HashSet::new();
    let mut valid = Vec::with_capacity(rules.len());
    let mut fallback_at = None;
    for (i, rule) in rules.iter().enumerate() {
        let at = |field: &str| format!("rules[{i}].{field}");
        let before = violations.len();
        let rule_id = rule.rule_id.trim();
        if rule_id.is_empty() {
            violations.push(Violation::new(at("rule_id"), "is required"));
        } else if rule_id.chars().count() > ID_MAX {
            violations.push(Violation::new(
                at("rule_id"),
                format!("must be at most {ID_MAX} characters"),
            ));
        } else if !ids.insert(rule_id) {
            violations.push(Violation::new(at("rule_id"), "is used by an earlier rule"));
        }
        let team = rule.team.trim();
        if team.is_empty() {
            violations.push(Violation::new(at("team"), "is required"));
        } else if team.chars().count() > TEAM_MAX {
            violations.push(Violation::new(
                at("team"),
                format!("must be at most {TEAM_MAX} characters"),
            ));
        }
        let caseworker = rule.caseworker.trim();
        if caseworker.chars().count() > SUBJECT_MAX {
            violations.push(Violation::new(
                at("caseworker"),
                format!("must be at most {SUBJECT_MAX} characters"),
            ));
        }
        if let Some(fallback) = fallback_at {
            violations.push(Violation::new(
                format!("rules[{i}]"),
                format!("comes after the fallback rules[{fallback}] and would never match"),
            ));
        }
        let matches = match &rule.r#match {
            None => {
                violations.push(Violation::new(
                    at("match"),
                    "choose one of surname, postal_code_prefix or fallback",
                ));
                None
            }
            Some(proto::assignment_rule::Match::Surname(range)) => {
                let from = letter(&range.from);
                let to = letter(&range.to);
                if from.is_none() {
                    violations.push(Violation::new(at("surname.from"), "must be one letter A–Z"));
                }
                if to.is_none() {
                    violations.push(Violation::new(at("surname.to"), "must be one letter A–Z"));
                }
                match (from, to) {
                    (Some(from), Some(to)) if from > to => {
                        violations.push(Violation::new(
                            at("surname.to"),
                            "must not come before the first letter",
                        ));
                        None
                    }
                    (Some(from), Some(to)) => Some(Match::Surname { from, to }),
                    _ => None,
                }
            }
            Some(proto::assignment_rule::Match::PostalCodePrefix(prefix)) => {
                let prefix = prefix.trim();
                if (1..=5).contains(&prefix.len()) && prefix.bytes().all(|b| b.is_ascii_digit()) {
                    Some(Match::PostalCodePrefix(prefix.to_owned()))
                } else {
                    violations.push(Violation::new(
                        at("postal_code_prefix"),
                        "must be 1 to 5 digits",
                    ));
                    None
                }
            }
            Some(proto::assignment_rule::Match::Fallback(true)) => {
                fallback_at = Some(i);
                Some(Match::Fallback)
            }
            Some(proto::assignment_rule::Match::Fallback(false)) => {
                violations.push(Violation::new(
                    at("fallback"),
                    "must be true for a fallback rule",
                ));
                None
            }
        };
        if let Some(matches) = matches
            && violations.len() == before
        {
            valid.push(Rule {
                rule_id: rule_id.to_owned(),
                matches,
                caseworker: caseworker.to_owned(),
                team: team.to_owned(),
            });
        }
    }
    if violations.is_empty() {
        Ok(valid)
    } else {
        Err(violations)
    }
}

/// One letter A–Z (either case) as its capital.
fn letter(value: &str) -> Option<char> {
    let mut chars = value.trim().chars();
    match (chars.next(), chars.next()) {
        (Some(c), None) if c.is_ascii_alphabetic() => Some(c.to_ascii_uppercase()),
        _ => None,
    }
}

/// The first letter of a surname as a base letter A–Z: case-insensitive, umlauts and the
/// accented letters common in names here as their base letter (Ä → A, Ö → O, Ü → U, Ç → C,
/// Ş → S, ...), leading non-letters (apostrophes, spaces) skipped. `None` for a surname that
/// starts with no Latin letter: only a postal-code or fallback rule can match it.
pub fn first_letter(surname: &str) -> Option<char> {
    let c = surname.chars().find(|c| c.is_alphabetic())?;
    let upper = c.to_uppercase().next()?;
    if upper.is_ascii_uppercase() {
        return Some(upper);
    }
    base_letter(upper)
}

/// The base letter of a capital Latin letter with a diacritic (the Latin-1 and Latin
/// Extended-A letters of names common in Germany).
fn base_letter(c: char) -> Option<char> {
    const TABLE: &[(&str, char)] = &[
        ("ÀÁÂÃÄÅĀĂĄ", 'A'),
        ("ÇĆĈĊČ", 'C'),
        ("ĎĐ", 'D'),
        ("ÈÉÊËĒĔĖĘĚ", 'E'),
        ("ĜĞĠĢ", 'G'),
        ("ĤĦ", 'H'),
        ("ÌÍÎÏĨĪĬĮİ", 'I'),
        ("Ĵ", 'J'),
        ("Ķ", 'K'),
        ("ĹĻĽĿŁ", 'L'),
        ("ÑŃŅŇ", 'N'),
        ("ÒÓÔÕÖØŌŎŐ", 'O'),
        ("ŔŖŘ", 'R'),
        ("ŚŜŞŠ", 'S'),
        ("ŢŤŦ", 'T'),
        ("ÙÚÛÜŨŪŬŮŰŲ", 'U'),
        ("Ŵ", 'W'),
        ("ÝŶŸ", 'Y'),
        ("ŹŻŽ", 'Z'),
    ];
    TABLE
        .iter()
        .find(|(letters, _)| letters.contains(c))
        .map(|(_, base)| *base)
}

/// Whether `rule` matches a case of an applicant with `surname` living at `postal_code`.
pub fn matches(rule: &Rule, surname: &str, postal_code: &str) -> bool {
    match &rule.matches {
        Match::Surname { from, to } => {
            first_letter(surname).is_some_and(|letter| (*from..=*to).contains(&letter))
        }
        Match::PostalCodePrefix(prefix) => postal_code.trim().starts_with(prefix.as_str()),
        Match::Fallback => true,
    }
}

/// The first rule that matches; `None` leaves the case unassigned.
pub fn first_match<'a>(rules: &'a [Rule], surname: &str, postal_code: &str) -> Option<&'a Rule> {
    rules
        .iter()
        .find(|rule| matches(rule, surname, postal_code))
}

/// A rule as recorded in `AssignmentRulesSet`.
pub fn to_record(rule: &Rule) -> proto::AssignmentRuleRecord {
    let mut record = proto::AssignmentRuleRecord {
        rule_id: rule.rule_id.clone(),
        caseworker: rule.caseworker.clone(),
        team: rule.team.clone(),
        ..Default::default()
    };
    match &rule.matches {
        Match::Surname { from, to } => {
            record.surname_from = from.to_string();
            record.surname_to = to.to_string();
        }
        Match::PostalCodePrefix(prefix) => record.postal_code_prefix = prefix.clone(),
        Match::Fallback => record.fallback = true,
    }
    record
}

/// A recorded rule; `None` for a record that is no rule (never written by [`to_record`]).
pub fn from_record(record: &proto::AssignmentRuleRecord) -> Option<Rule> {
    let matches = if record.fallback {
        Match::Fallback
    } else if !record.postal_code_prefix.is_empty() {
        Match::PostalCodePrefix(record.postal_code_prefix.clone())
    } else {
        Match::Surname {
            from: letter(&record.surname_from)?,
            to: letter(&record.surname_to)?,
        }
    };
    Some(Rule {
        rule_id: record.rule_id.clone(),
        matches,
        caseworker: record.caseworker.clone(),
        team: record.team.clone(),
    })
}

/// A rule as the API shows it.
pub fn to_proto(rule: &Rule) -> proto::AssignmentRule {
    use proto::assignment_rule::Match as M;
    proto::AssignmentRule {
        rule_id: rule.rule_id.clone(),
        r#match: Some(match &rule.matches {
            Match::Surname { from, to } => M::Surname(proto::SurnameRange {
                from: from.to_string(),
                to: to.to_string(),
            }),
            Match::PostalCodePrefix(prefix) => M::PostalCodePrefix(prefix.clone()),
            Match::Fallback => M::Fallback(true),
        }),
        caseworker: rule.caseworker.clone(),
        team: rule.team.clone(),
    }
}

/// The stream of a tenant's assignment rules.
pub fn rules_stream(tenant: &str) -> String {
    format!("{RULES_STREAM_PREFIX}{tenant}")
}

/// Prefix of the assignment-rules streams.
pub const RULES_STREAM_PREFIX: &str = "assignment-rules-";

/// The stream of a tenant's staff records (absences).
pub fn staff_stream(tenant: &str) -> String {
    format!("{STAFF_STREAM_PREFIX}{tenant}")
}

/// Prefix of the staff streams.
pub const STAFF_STREAM_PREFIX: &str = "staff-";

/// Longest absence one record covers; a longer one is a typo or belongs to staff management.
pub const ABSENCE_MAX_DAYS: i64 = 366;

/// A caseworker's absence and who stands in, valid: the days in order and someone else
/// standing in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Absence {
    pub caseworker: String,
    pub first_day: chrono::NaiveDate,
    pub last_day: chrono::NaiveDate,
    pub substitute: String,
}

impl Absence {
    /// Checks an absence's parts; each violation names its request field.
    pub fn new(
        caseworker: &str,
        first_day: Option<chrono::NaiveDate>,
        last_day: Option<chrono::NaiveDate>,
        substitute: &str,
    ) -> Result<Absence, Vec<Violation>> {
        let mut violations = Vec::new();
        let caseworker = caseworker.trim();
        let substitute = substitute.trim();
        for (field, value) in [("caseworker", caseworker), ("substitute", substitute)] {
            if value.is_empty() {
                violations.push(Violation::new(field.into(), "is required"));
            } else if value.chars().count() > SUBJECT_MAX {
                violations.push(Violation::new(
                    field.into(),
                    format!("must be at most {SUBJECT_MAX} characters"),
                ));
            }
        }
        if !caseworker.is_empty() && caseworker == substitute {
            violations.push(Violation::new(
                "substitute".into(),
                "must be someone other than the absent caseworker",
            ));
        }
        if first_day.is_none() {
            violations.push(Violation::new("first_day".into(), "must be a valid date"));
        }
        if last_day.is_none() {
            violations.push(Violation::new("last_day".into(), "must be a valid date"));
        }
        if let (Some(first), Some(last)) = (first_day, last_day) {
            if last < first {
                violations.push(Violation::new(
                    "last_day".into(),
                    "must not lie before the first day",
                ));
            } else if (last - first).num_days() >= ABSENCE_MAX_DAYS {
                violations.push(Violation::new(
                    "last_day".into(),
                    format!("an absence covers at most {ABSENCE_MAX_DAYS} days"),
                ));
            }
        }
        match (first_day, last_day) {
            (Some(first_day), Some(last_day)) if violations.is_empty() => Ok(Absence {
                caseworker: caseworker.to_owned(),
                first_day,
                last_day,
                substitute: substitute.to_owned(),
            }),
            _ => Err(violations),
        }
    }
}

#[cfg(test)]
mod tests;
