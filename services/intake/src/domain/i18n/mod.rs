//! Texts for people, by message key, in every supported language.
//!
//! Definitions, rules and status texts name their texts by key; each language is one table
//! ([`de`], [`en`]). A test checks that every key used anywhere is in every table and that the
//! tables hold the same keys, so a missing translation fails the build's tests, not a portal.
//! Another language is one more table and one more [`Language`] variant.

mod de;
mod en;

use std::collections::HashMap;
use std::sync::LazyLock;

/// A supported language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Language {
    /// German, the default.
    #[default]
    German,
    /// English.
    English,
}

/// The language tags a request may name; unknown ones are refused with this list.
pub const SUPPORTED: &[&str] = &["de", "en"];

/// A language tag that is not supported.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unsupported language; supported: de, en")]
pub struct UnsupportedLanguage;

impl Language {
    /// Every language.
    pub const ALL: [Language; 2] = [Language::German, Language::English];

    /// Parses a BCP 47 tag by its primary subtag (`de`, `de-AT`, `EN-gb`); empty = German.
    pub fn parse(tag: &str) -> Result<Self, UnsupportedLanguage> {
        let primary = tag
            .split(['-', '_'])
            .next()
            .unwrap_or_default()
            .trim()
            .to_ascii_lowercase();
        match primary.as_str() {
            "" | "de" => Ok(Language::German),
            "en" => Ok(Language::English),
            _ => Err(UnsupportedLanguage),
        }
    }

    /// The tag, e.g. `de`.
    pub fn tag(self) -> &'static str {
        match self {
            Language::German => "de",
            Language::English => "en",
        }
    }

    /// The table of this language.
    pub fn entries(self) -> &'static [(&'static str, &'static str)] {
        match self {
            Language::German => de::ENTRIES,
            Language::English => en::ENTRIES,
        }
    }
}

static TABLES: LazyLock<[HashMap<&'static str, &'static str>; 2]> =
    LazyLock::new(|| Language::ALL.map(|language| language.entries().iter().copied().collect()));

fn table(language: Language) -> &'static HashMap<&'static str, &'static str> {
    match language {
        Language::German => &TABLES[0],
        Language::English => &TABLES[1],
    }
}

/// The text of `key`, if this language has it.
pub fn lookup(language: Language, key: &str) -> Option<&'static str> {
    table(language).get(key).copied()
}

/// The text of `key` with its `{placeholders}` filled in. A key missing in `language` falls
/// back to German, then to the key itself (tests make sure neither happens).
pub fn text(language: Language, key: &str, params: &[(&str, String)]) -> String {
    let template = lookup(language, key)
        .or_else(|| lookup(Language::German, key))
        .unwrap_or(key);
    params
        .iter()
        .fold(template.to_owned(), |out, (name, value)| {
            out.replace(&format!("{{{name}}}"), value)
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_are_read_by_their_primary_subtag() {
        assert_eq!(Language::parse(""), Ok(Language::German));
        assert_eq!(Language::parse("de-AT"), Ok(Language::German));
        assert_eq!(Language::parse("EN-gb"), Ok(Language::English));
        assert_eq!(Language::parse("fr"), Err(UnsupportedLanguage));
    }

    #[test]
    fn every_language_has_the_same_keys_once() {
        let keys = |l: Language| {
            let mut k: Vec<&str> = l.entries().iter().map(|(k, _)| *k).collect();
            k.sort_unstable();
            k
        };
        let german = keys(Language::German);
        let mut unique = german.clone();
        unique.dedup();
        assert_eq!(german, unique, "a key is listed twice in German");
        for language in Language::ALL {
            assert_eq!(keys(language), german, "{language:?} differs from German");
            for (key, value) in language.entries() {
                assert!(!value.trim().is_empty(), "{language:?} {key} is empty");
            }
        }
    }

    #[test]
    fn placeholders_are_filled_in() {
        let t = text(
            Language::English,
            "msg.max_length",
            &[("limit", "200".into())],
        );
        assert!(t.contains("200") && !t.contains('{'), "{t}");
    }
}
