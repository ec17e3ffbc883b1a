//! How the reader runs the OCR tools: which programs, which language, how long, how many at once.

use std::path::PathBuf;
use std::time::Duration;

use serde::{Deserialize, Deserializer};

/// Settings of the [`crate::Reader`]. Every field has a default; unknown keys are refused, so a
/// misspelt setting fails at start instead of being ignored.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ReaderConfig {
    /// The Tesseract program (default `tesseract`, found on `PATH`).
    pub tesseract: PathBuf,
    /// Poppler's `pdftoppm`, which renders PDF pages to images (default `pdftoppm`).
    pub pdftoppm: PathBuf,
    /// Tesseract's language data to read with (default `deu`; `deu+eng` for several).
    pub language: String,
    /// How long one read may take, PDF rendering and OCR together (default 30 s). The processes
    /// are killed when it runs out. Waiting for a free slot (see `max_concurrent`) does not
    /// count. Configured in milliseconds as `timeout_ms`, like the platform's other durations.
    #[serde(rename = "timeout_ms", deserialize_with = "millis")]
    pub timeout: Duration,
    /// How many reads run at once (default 2); further reads wait. Each Tesseract run is kept to
    /// one thread, so this is about the number of cores the reader may use. 0 counts as 1.
    pub max_concurrent: usize,
}

impl Default for ReaderConfig {
    fn default() -> Self {
        Self {
            tesseract: PathBuf::from("tesseract"),
            pdftoppm: PathBuf::from("pdftoppm"),
            language: "deu".to_owned(),
            timeout: Duration::from_secs(30),
            max_concurrent: 2,
        }
    }
}

fn millis<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Duration, D::Error> {
    u64::deserialize(deserializer).map(Duration::from_millis)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn missing_settings_take_their_defaults() {
        let config: ReaderConfig = serde_json::from_str(r#"{"timeout_ms": 1500}"#).unwrap();
        assert_eq!(config.timeout, Duration::from_millis(1500));
        assert_eq!(
            config,
            ReaderConfig {
                timeout: Duration::from_millis(1500),
                ..ReaderConfig::default()
            }
        );
        assert_eq!(config.language, "deu");
        assert_eq!(config.tesseract, PathBuf::from("tesseract"));
    }

    #[test]
    fn unknown_settings_are_refused() {
        let error = serde_json::from_str::<ReaderConfig>(r#"{"timeout": 1500}"#).unwrap_err();
        assert!(error.to_string().contains("unknown field"), "{error}");
    }
}
