//! The checks on what a client says about a document: tags from the vocabulary, a display file
//! name, a moment of receipt not in the future, a reason in words. Each failure names the field
//! it is about ([`Violation`]), so a client learns every mistake of a request at once.

use chrono::{DateTime, Utc};

use super::rules::FilingRules;

/// One invalid field of a request, with its path (e.g. `header.tags[2]`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    /// The field's path in the request.
    pub field: String,
    /// What is wrong, without echoing the value (it may be personal data).
    pub description: String,
}

impl Violation {
    /// A violation of `field`.
    pub fn new(field: impl Into<String>, description: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            description: description.into(),
        }
    }
}

/// Longest display file name, in characters.
pub const MAX_FILE_NAME: usize = 255;
/// Longest reason, in characters.
pub const MAX_REASON: usize = 2_000;

/// The tags `given` as recorded: each from the tenant's vocabulary, sorted, duplicates dropped.
/// `field` is the repeated field's path (`header.tags`, `tags`); violations name the index.
pub fn tags(
    given: &[String],
    rules: &FilingRules,
    field: &str,
) -> Result<Vec<String>, Vec<Violation>> {
    let violations: Vec<Violation> = given
        .iter()
        .enumerate()
        .filter(|(_, tag)| !rules.knows_tag(tag))
        .map(|(index, _)| {
            Violation::new(
                format!("{field}[{index}]"),
                "is not in the jobcenter's tag vocabulary (GetFilingRules)",
            )
        })
        .collect();
    if !violations.is_empty() {
        return Err(violations);
    }
    let mut tags = given.to_vec();
    tags.sort();
    tags.dedup();
    Ok(tags)
}

/// A display file name: at most [`MAX_FILE_NAME`] characters, no path separators, no control
/// characters. Empty is allowed (the document then has no name).
pub fn file_name(given: &str, field: &str) -> Result<String, Violation> {
    if given.chars().count() > MAX_FILE_NAME {
        return Err(Violation::new(
            field,
            format!("must be at most {MAX_FILE_NAME} characters"),
        ));
    }
    if given.contains(['/', '\\']) || given.chars().any(char::is_control) {
        return Err(Violation::new(
            field,
            "must be a bare file name without '/', '\\' or control characters",
        ));
    }
    Ok(given.to_owned())
}

/// The moment of receipt: `given`, or `now` when none was given; never after `now`.
pub fn received_at(
    given: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
    field: &str,
) -> Result<DateTime<Utc>, Violation> {
    match given {
        None => Ok(now),
        Some(at) if at > now => Err(Violation::new(field, "must not be in the future")),
        Some(at) => Ok(at),
    }
}

/// A required reason in words, trimmed, at most [`MAX_REASON`] characters.
pub fn reason(given: &str, field: &str) -> Result<String, Violation> {
    let trimmed = given.trim();
    if trimmed.is_empty() {
        return Err(Violation::new(field, "is required"));
    }
    if trimmed.chars().count() > MAX_REASON {
        return Err(Violation::new(
            field,
            format!("must be at most {MAX_REASON} characters"),
        ));
    }
    Ok(trimmed.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_are_sorted_and_deduplicated_and_unknown_ones_named_by_index() {
        let rules = FilingRules::default();
        let given = vec!["miete".to_owned(), "kdu".to_owned(), "miete".to_owned()];
        assert_eq!(
            tags(&given, &rules, "header.tags"),
            Ok(vec!["kdu".to_owned(), "miete".to_owned()])
        );
        let given = vec![
            "miete".to_owned(),
            "Miete".to_owned(),
            "diagnose".to_owned(),
        ];
        let refused = tags(&given, &rules, "tags").expect_err("unknown tags");
        let fields: Vec<_> = refused.iter().map(|v| v.field.as_str()).collect();
        assert_eq!(fields, ["tags[1]", "tags[2]"]);
    }

    #[test]
    fn a_file_name_is_bare_and_bounded() {
        assert_eq!(file_name("AU März.pdf", "f"), Ok("AU März.pdf".to_owned()));
        assert_eq!(file_name("", "f"), Ok(String::new()));
        assert!(file_name("../etc/passwd", "f").is_err());
        assert!(file_name("C:\\scan.pdf", "f").is_err());
        assert!(file_name("a\nb", "f").is_err());
        assert!(file_name(&"ä".repeat(255), "f").is_ok());
        assert!(file_name(&"ä".repeat(256), "f").is_err());
    }

    #[test]
    fn receipt_is_never_in_the_future_and_defaults_to_now() {
        let now = DateTime::from_timestamp(1_800_000_000, 0).expect("time");
        assert_eq!(received_at(None, now, "r"), Ok(now));
        let earlier = DateTime::from_timestamp(1_700_000_000, 0).expect("time");
        assert_eq!(received_at(Some(earlier), now, "r"), Ok(earlier));
        let later = DateTime::from_timestamp(1_800_000_001, 0).expect("time");
        assert_eq!(
            received_at(Some(later), now, "header.received_at"),
            Err(Violation::new(
                "header.received_at",
                "must not be in the future"
            ))
        );
    }

    #[test]
    fn a_reason_is_required_and_trimmed() {
        assert_eq!(
            reason("  better scan ", "reason"),
            Ok("better scan".to_owned())
        );
        assert!(reason("   ", "reason").is_err());
        assert!(reason(&"x".repeat(2_001), "reason").is_err());
    }
}
