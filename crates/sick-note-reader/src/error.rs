//! What can go wrong while reading a scan. A reading that found little is not an error: it is a
//! [`crate::Reading`] with low confidence and doubts. Errors are for scans that could not be read
//! at all. Messages never carry text from the scan.

use std::time::Duration;

/// Why a scan could not be read.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    /// The media type is not one the reader reads.
    #[error(
        "media type {0:?} is not read (application/pdf, image/png, image/jpeg, image/tiff are)"
    )]
    UnsupportedMediaType(String),
    /// A program could not be started (not installed, not executable).
    #[error("{program} could not be started")]
    Spawn {
        /// The program.
        program: String,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
    /// A program ended with an error (e.g. the bytes are not a valid image or PDF).
    #[error("{program} failed ({status}): {message}")]
    Failed {
        /// The program.
        program: String,
        /// Its exit status, in words.
        status: String,
        /// The start of what it printed to stderr (tool messages, not the scan's text).
        message: String,
    },
    /// Reading took longer than the configured timeout; the process was killed.
    #[error("reading the scan took longer than {after:?}")]
    Timeout {
        /// The timeout that ran out.
        after: Duration,
    },
    /// Tesseract's language data for the configured language is not installed.
    #[error("Tesseract has no language data for {language:?} (installed: {installed})")]
    LanguageMissing {
        /// The configured language.
        language: String,
        /// The installed languages, comma-separated.
        installed: String,
    },
    /// The image declares more pixels than are ever decoded ([`crate::dimensions::MAX_IMAGE_PIXELS`]):
    /// refused before decoding, so a small file cannot make the reader allocate gigabytes.
    #[error("the image declares {width} x {height} pixels, more than is read")]
    TooLarge {
        /// Declared width.
        width: u32,
        /// Declared height.
        height: u32,
    },
    /// The PDF rendered to no page image.
    #[error("the PDF has no page")]
    NoPages,
    /// Tesseract printed something that is not its TSV.
    #[error("unexpected output from tesseract")]
    Output(#[from] crate::tsv::TsvError),
    /// The reader was closed (the service is shutting down).
    #[error("the reader is closed")]
    Closed,
    /// Writing or reading the temporary files failed.
    #[error("temporary file")]
    Io(#[from] std::io::Error),
}
