//! Reads scanned sick notes (Arbeitsunfähigkeitsbescheinigungen).
//!
//! A scan (PNG, JPEG, TIFF, or a PDF whose first pages are rendered first) is read by Tesseract
//! with German language data, run as a subprocess with a timeout and a bound on concurrent runs;
//! what it saw ([`OcrPage`]) goes to a pure extraction ([`extract()`]) that finds the
//! certificate's fields by their printed labels and says how sure it is ([`Reading`]).
//!
//! What the reader never does: keep or return a diagnosis (ICD codes, the "Diagnose" field), or
//! log the scan's text. Both are health and personal data the jobcenter must not hold.

pub mod config;
pub mod dimensions;
pub mod error;
pub mod extract;
mod ocr;
pub mod page;
mod tsv;

use std::sync::Arc;

use tokio::sync::Semaphore;
use tokio::time::Instant;

pub use config::ReaderConfig;
pub use error::ReadError;
pub use extract::{Certificate, Doubt, Field, LOW_CONFIDENCE, Reading, extract};
pub use ocr::MAX_PDF_PAGES;
pub use page::{OcrLine, OcrPage, OcrWord};
pub use tsv::TsvError;

/// Reads scans with the configured tools. Cheap to clone: clones share the bound on concurrent
/// runs.
#[derive(Debug, Clone)]
pub struct Reader {
    config: Arc<ReaderConfig>,
    permits: Arc<Semaphore>,
}

impl Reader {
    /// A reader with these settings. Nothing is started or checked yet: call [`Reader::check`]
    /// when the service starts.
    pub fn new(config: ReaderConfig) -> Self {
        let permits = Arc::new(Semaphore::new(config.max_concurrent.max(1)));
        Self {
            config: Arc::new(config),
            permits,
        }
    }

    /// The settings.
    pub fn config(&self) -> &ReaderConfig {
        &self.config
    }

    /// Checks that Tesseract runs and has the configured language data, and that `pdftoppm`
    /// runs. The service calls it at start, so a missing package fails there, clearly.
    pub async fn check(&self) -> Result<(), ReadError> {
        let deadline = Instant::now() + self.config.timeout;
        let installed = ocr::installed_languages(&self.config, deadline).await?;
        // "deu+eng" needs both.
        let missing = self
            .config
            .language
            .split('+')
            .any(|language| !installed.iter().any(|have| have == language));
        if missing || self.config.language.is_empty() {
            return Err(ReadError::LanguageMissing {
                language: self.config.language.clone(),
                installed: installed.join(", "),
            });
        }
        ocr::pdftoppm_runs(&self.config, deadline).await
    }

    /// What OCR sees in the scan, without extracting fields. `media_type` is one of
    /// `application/pdf`, `image/png`, `image/jpeg`, `image/tiff`.
    pub async fn recognise(&self, bytes: &[u8], media_type: &str) -> Result<OcrPage, ReadError> {
        let input = ocr::Input::from_media_type(media_type)?;
        let _permit = self
            .permits
            .acquire()
            .await
            .map_err(|_| ReadError::Closed)?;
        // The timeout starts once a slot is free: it bounds the work, not the queue.
        let started = Instant::now();
        let page = ocr::recognise(&self.config, bytes, input, started + self.config.timeout).await;
        // Counts and timings only: the text is personal data and never logged.
        match &page {
            Ok(page) => tracing::debug!(
                media_type,
                bytes = bytes.len(),
                lines = page.lines.len(),
                words = page.word_count(),
                elapsed_ms = started.elapsed().as_millis() as u64,
                "scan recognised"
            ),
            Err(error) => tracing::debug!(
                media_type,
                bytes = bytes.len(),
                elapsed_ms = started.elapsed().as_millis() as u64,
                %error,
                "scan not recognised"
            ),
        }
        page
    }

    /// Reads a sick note: OCR, then [`extract()`]. A scan with little readable text is not an
    /// error but a [`Reading`] with low confidence and doubts.
    pub async fn read(&self, bytes: &[u8], media_type: &str) -> Result<Reading, ReadError> {
        let page = self.recognise(bytes, media_type).await?;
        Ok(extract(&page))
    }

    /// Stops the reader: reads that have not started yet, and all later ones, fail with
    /// [`ReadError::Closed`]; running ones finish. For an orderly shutdown.
    pub fn close(&self) {
        self.permits.close();
    }
}
