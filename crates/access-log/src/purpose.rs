//! The purpose of a read, as a short code the caller gives (`x-jc-purpose`).
//!
//! Data protection asks not only who read a case but why. Callers name the purpose of a read
//! with a short code agreed per installation (e.g. `benefit_decision`, `appeal-review`); the log
//! stores the code as given. It is a code, never prose: 1 to 64 characters of `a-z`, `0-9`, `_`
//! and `-`, so it cannot carry a name or a case note.

use std::fmt;
use std::str::FromStr;

use crate::record::is_code;

/// The metadata key of the purpose.
pub const PURPOSE_HEADER: &str = "x-jc-purpose";
/// The longest purpose code.
pub const MAX_PURPOSE_LEN: usize = 64;

/// A purpose code is not 1 to 64 characters of `a-z`, `0-9`, `_` and `-`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("the purpose must be 1 to 64 characters of a-z, 0-9, '_' and '-'")]
pub struct InvalidPurpose;

/// A validated purpose code. It can only exist valid.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Purpose(String);

impl Purpose {
    /// Validates `value` as a purpose code.
    pub fn parse(value: &str) -> Result<Self, InvalidPurpose> {
        if is_code(value, MAX_PURPOSE_LEN) {
            Ok(Purpose(value.to_owned()))
        } else {
            Err(InvalidPurpose)
        }
    }

    /// The purpose of a call from its metadata: `Ok(None)` without `x-jc-purpose`, an error if
    /// the value is not a purpose code (or not ASCII).
    pub fn from_metadata(
        metadata: &tonic::metadata::MetadataMap,
    ) -> Result<Option<Self>, InvalidPurpose> {
        match metadata.get(PURPOSE_HEADER) {
            None => Ok(None),
            Some(value) => {
                let text = value.to_str().map_err(|_| InvalidPurpose)?;
                Self::parse(text).map(Some)
            }
        }
    }

    /// The code.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Purpose {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl FromStr for Purpose {
    type Err = InvalidPurpose;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn purposes_accept_only_short_codes() {
        for good in ["benefit_decision", "appeal-review", "a", &"x".repeat(64)] {
            assert_eq!(Purpose::parse(good).map(|p| p.0), Ok(good.to_owned()));
        }
        for bad in [
            "",
            "Benefit",
            "review of Erika",
            "a.b",
            "ü",
            &"x".repeat(65),
        ] {
            assert_eq!(Purpose::parse(bad), Err(InvalidPurpose), "{bad}");
        }
    }

    #[test]
    fn the_purpose_is_read_from_metadata() {
        let mut metadata = tonic::metadata::MetadataMap::new();
        assert_eq!(Purpose::from_metadata(&metadata), Ok(None));
        metadata.insert(PURPOSE_HEADER, "audit".parse().expect("ascii"));
        assert_eq!(
            Purpose::from_metadata(&metadata),
            Ok(Some(Purpose("audit".to_owned())))
        );
        metadata.insert(PURPOSE_HEADER, "Frau Muster".parse().expect("ascii"));
        assert_eq!(Purpose::from_metadata(&metadata), Err(InvalidPurpose));
    }
}
