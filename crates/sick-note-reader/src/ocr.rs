//! Tesseract (and, for PDFs, poppler's `pdftoppm`) run as subprocesses.
//!
//! No C bindings: the tools are Debian's packages, started per scan with the bytes in a private
//! temporary directory, so a crash or a hang of the OCR can never take the service down. Every run
//! has a deadline; when it passes the process is killed (`kill_on_drop`: the waiting future is
//! dropped by the timeout, which drops the child). Tesseract is kept to one thread
//! (`OMP_THREAD_LIMIT=1`): measured here it is then faster per page than with its own thread
//! pool, and the reader's semaphore decides how many cores are used.

use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::Stdio;

use tokio::process::Command;
use tokio::time::Instant;

use crate::config::ReaderConfig;
use crate::dimensions;
use crate::error::ReadError;
use crate::page::OcrPage;
use crate::tsv;

/// At most this many pages of a PDF are read: a sick note is one page, maybe two; more pages are
/// not looked at, which also bounds the work a large PDF can cause.
pub const MAX_PDF_PAGES: u32 = 2;
/// Resolution PDF pages are rendered at: what Tesseract reads best and scan centres scan at.
const PDF_DPI: &str = "300";
/// The largest area of a PDF page rendered, in pixels at 300 dpi: A3 (297 x 420 mm). A PDF can
/// declare a page of 200 inches a side, which would need gigabytes as an image; larger pages are
/// cropped to their top left A3 instead, which a sick note fits many times over.
const PDF_MAX_PIXELS: (&str, &str) = ("3508", "4961");
/// pdftoppm writes `-gray` pages as PGM, which Tesseract reads as well as PNG. Measured here,
/// one A4 page at 300 dpi takes 0.3 s to render to PGM and 1.0 s to PNG (the PNG compression),
/// so PGM it is; the page files are temporary.
const PAGE_EXTENSION: &str = ".pgm";
/// Page segmentation mode 4: "a single column of text of variable sizes". It keeps a label and
/// its value on one line even when they stand far apart on a form, which the automatic mode (3)
/// may split into separate blocks; on our scans 3, 4 and 6 read the same.
const PAGE_SEGMENTATION: &str = "4";
/// How much of a tool's stderr goes into an error.
const MESSAGE_CHARS: usize = 300;

/// What kind of input the bytes are, from their media type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Input {
    /// A PDF, rendered to images first.
    Pdf,
    /// An image Tesseract reads itself; the file extension to give it.
    Image(&'static str),
}

impl Input {
    /// The input kind for a media type (parameters such as `; charset` are ignored).
    pub fn from_media_type(media_type: &str) -> Result<Self, ReadError> {
        let essence = media_type
            .split(';')
            .next()
            .unwrap_or_default()
            .trim()
            .to_ascii_lowercase();
        match essence.as_str() {
            "application/pdf" => Ok(Self::Pdf),
            "image/png" => Ok(Self::Image("png")),
            "image/jpeg" => Ok(Self::Image("jpg")),
            "image/tiff" => Ok(Self::Image("tif")),
            _ => Err(ReadError::UnsupportedMediaType(media_type.to_owned())),
        }
    }
}

/// Recognises the text of the bytes: the image itself, or the first pages of the PDF.
pub async fn recognise(
    config: &ReaderConfig,
    bytes: &[u8],
    input: Input,
    deadline: Instant,
) -> Result<OcrPage, ReadError> {
    let dir = tempfile::Builder::new().prefix("sick-note-").tempdir()?;
    let images = match input {
        Input::Image(extension) => {
            if let Some(size) =
                dimensions::declared(bytes).filter(|&size| dimensions::too_large(size))
            {
                return Err(ReadError::TooLarge {
                    width: size.0,
                    height: size.1,
                });
            }
            let path = dir.path().join(format!("scan.{extension}"));
            tokio::fs::write(&path, bytes).await?;
            vec![path]
        }
        Input::Pdf => {
            let path = dir.path().join("scan.pdf");
            tokio::fs::write(&path, bytes).await?;
            render_pdf(config, &path, dir.path(), deadline).await?
        }
    };
    let mut page = OcrPage::default();
    for image in &images {
        page.append(tesseract_tsv(config, image, deadline).await?);
    }
    Ok(page)
}

/// The languages Tesseract has data for (`tesseract --list-langs`).
pub async fn installed_languages(
    config: &ReaderConfig,
    deadline: Instant,
) -> Result<Vec<String>, ReadError> {
    let output = run(&config.tesseract, ["--list-langs"], config, deadline).await?;
    // The list goes to stdout in Tesseract 5 and to stderr in some 4.x builds; the first line
    // is the heading "List of available languages in ...".
    let text = if output.stdout.is_empty() {
        output.stderr
    } else {
        output.stdout
    };
    Ok(String::from_utf8_lossy(&text)
        .lines()
        .filter(|line| !line.starts_with("List of"))
        .map(str::trim)
        .filter(|line| !line.is_empty())
        .map(str::to_owned)
        .collect())
}

/// Checks that `pdftoppm` can be started (it prints its version).
pub async fn pdftoppm_runs(config: &ReaderConfig, deadline: Instant) -> Result<(), ReadError> {
    run(&config.pdftoppm, ["-v"], config, deadline)
        .await
        .map(drop)
}

/// Renders the first pages of the PDF to grayscale image files in `dir`, in page order.
async fn render_pdf(
    config: &ReaderConfig,
    pdf: &Path,
    dir: &Path,
    deadline: Instant,
) -> Result<Vec<PathBuf>, ReadError> {
    let prefix = dir.join("page");
    let last = MAX_PDF_PAGES.to_string();
    let args: [&OsStr; 13] = [
        "-r".as_ref(),
        PDF_DPI.as_ref(),
        "-W".as_ref(),
        PDF_MAX_PIXELS.0.as_ref(),
        "-H".as_ref(),
        PDF_MAX_PIXELS.1.as_ref(),
        "-gray".as_ref(),
        "-f".as_ref(),
        "1".as_ref(),
        "-l".as_ref(),
        last.as_ref(),
        pdf.as_os_str(),
        prefix.as_os_str(),
    ];
    run(&config.pdftoppm, args, config, deadline).await?;
    // pdftoppm names pages `page-1.pgm` (zero-padded to the width of the page count), so the
    // names sort in page order.
    let mut pages = Vec::new();
    let mut entries = tokio::fs::read_dir(dir).await?;
    while let Some(entry) = entries.next_entry().await? {
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if name.starts_with("page-") && name.ends_with(PAGE_EXTENSION) {
            pages.push(entry.path());
        }
    }
    pages.sort();
    if pages.is_empty() {
        return Err(ReadError::NoPages);
    }
    Ok(pages)
}

/// Runs Tesseract on one image and parses its TSV.
async fn tesseract_tsv(
    config: &ReaderConfig,
    image: &Path,
    deadline: Instant,
) -> Result<OcrPage, ReadError> {
    let args: [&OsStr; 7] = [
        image.as_os_str(),
        "stdout".as_ref(),
        "-l".as_ref(),
        config.language.as_ref(),
        "--psm".as_ref(),
        PAGE_SEGMENTATION.as_ref(),
        "tsv".as_ref(),
    ];
    let output = run(&config.tesseract, args, config, deadline).await?;
    Ok(tsv::parse(&String::from_utf8_lossy(&output.stdout))?)
}

/// What a finished process printed.
struct Output {
    stdout: Vec<u8>,
    stderr: Vec<u8>,
}

/// Runs a program to completion before the deadline; kills it when the deadline passes.
async fn run<I, S>(
    program: &Path,
    args: I,
    config: &ReaderConfig,
    deadline: Instant,
) -> Result<Output, ReadError>
where
    I: IntoIterator<Item = S>,
    S: AsRef<OsStr>,
{
    let name = program.display().to_string();
    let child = Command::new(program)
        .args(args)
        .env("OMP_THREAD_LIMIT", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .map_err(|source| ReadError::Spawn {
            program: name.clone(),
            source,
        })?;
    let output = match tokio::time::timeout_at(deadline, child.wait_with_output()).await {
        Ok(output) => output?,
        // The future owning the child is dropped here, and with it the child: killed.
        Err(_) => {
            return Err(ReadError::Timeout {
                after: config.timeout,
            });
        }
    };
    if !output.status.success() {
        let message: String = String::from_utf8_lossy(&output.stderr)
            .chars()
            .take(MESSAGE_CHARS)
            .collect();
        return Err(ReadError::Failed {
            program: name,
            status: output.status.to_string(),
            message: message.trim().to_owned(),
        });
    }
    Ok(Output {
        stdout: output.stdout,
        stderr: output.stderr,
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn media_types_map_to_inputs_and_others_are_refused() {
        assert_eq!(
            Input::from_media_type("application/pdf").unwrap(),
            Input::Pdf
        );
        assert_eq!(
            Input::from_media_type("IMAGE/PNG").unwrap(),
            Input::Image("png")
        );
        assert_eq!(
            Input::from_media_type("image/jpeg; q=1").unwrap(),
            Input::Image("jpg")
        );
        assert_eq!(
            Input::from_media_type("image/tiff").unwrap(),
            Input::Image("tif")
        );
        for other in ["image/gif", "text/plain", "", "application/pdfx"] {
            assert!(matches!(
                Input::from_media_type(other),
                Err(ReadError::UnsupportedMediaType(_))
            ));
        }
    }
}
