//! The languages messages are written in, and which way their script runs.
//!
//! A profile may name a language with a region ("de-DE", "ar-SY"); templates exist per primary
//! language only, so the region is dropped before a bundle is chosen.

use unic_langid::LanguageIdentifier;

/// The languages every template file exists in, German first (the official language, § 19 SGB X).
pub const LANGUAGES: [&str; 6] = ["de", "en", "uk", "ar", "tr", "ru"];

/// Languages written right to left. Only Arabic has templates today; the others are listed so
/// that a language added later gets the right direction without a code change.
const RIGHT_TO_LEFT: [&str; 8] = ["ar", "fa", "he", "ur", "ps", "yi", "dv", "ckb"];

/// Which way a rendered text runs; a mailbox client or PDF sets its base direction from it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Direction {
    /// Left to right (German, English, Ukrainian, Turkish, Russian, ...).
    Ltr,
    /// Right to left (Arabic).
    Rtl,
}

/// The direction of a language tag ("ar", "ar-EG", "de"); tags that do not parse are
/// left to right.
pub fn direction_of(language: &str) -> Direction {
    match primary_subtag(language) {
        Some(primary) if RIGHT_TO_LEFT.contains(&primary.as_str()) => Direction::Rtl,
        _ => Direction::Ltr,
    }
}

/// The template language for a tag: "de-DE" and "DE" are "de"; `None` when there are no
/// templates in that language.
pub(crate) fn canonical(language: &str) -> Option<&'static str> {
    let primary = primary_subtag(language)?;
    LANGUAGES.into_iter().find(|known| *known == primary)
}

/// The language identifier a bundle is made for (it picks the plural rules).
pub(crate) fn identifier(language: &'static str) -> LanguageIdentifier {
    // Every entry of LANGUAGES is a valid tag; "und" (undetermined) would only lose plural rules.
    language.parse().unwrap_or_default()
}

fn primary_subtag(language: &str) -> Option<String> {
    let id: LanguageIdentifier = language.trim().parse().ok()?;
    Some(id.language.as_str().to_ascii_lowercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arabic_runs_right_to_left_and_the_others_left_to_right() {
        assert_eq!(direction_of("ar"), Direction::Rtl);
        assert_eq!(direction_of("ar-EG"), Direction::Rtl);
        for language in ["de", "en", "uk", "tr", "ru", "de-DE", "not a tag"] {
            assert_eq!(direction_of(language), Direction::Ltr, "{language}");
        }
    }

    #[test]
    fn a_tag_with_a_region_or_other_case_finds_its_templates() {
        assert_eq!(canonical("de-DE"), Some("de"));
        assert_eq!(canonical("EN"), Some("en"));
        assert_eq!(canonical("uk-UA"), Some("uk"));
        assert_eq!(canonical("fr"), None);
        assert_eq!(canonical(""), None);
    }
}
