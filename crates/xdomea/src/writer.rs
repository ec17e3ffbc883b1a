//! Writing a package: each document's content as it comes, then the message and the manifest.
//!
//! Entries are stored, not compressed: scans (PDF, JPEG, TIFF) are compressed already, and the
//! ZIP crate then needs no codec. Every entry carries the export's creation time, so the same
//! export gives the same bytes.

use std::io::{Seek, Write};

use chrono::{Datelike, Timelike};
use sha2::{Digest, Sha256};
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipWriter};

use crate::manifest::{FORMAT, MANIFEST_FILE, Manifest, ManifestDocument};
use crate::message::write_message;
use crate::names::{content_file_name, message_file_name};
use crate::{CaseFileExport, ExportDocument, ExportError, MESSAGE_TYPE, XDOMEA_VERSION};

/// Writes one case file's package. Add every listed document with
/// [`add_document`](Self::add_document), then [`finish`](Self::finish).
pub struct PackageWriter<W: Write + Seek> {
    zip: ZipWriter<W>,
    export: CaseFileExport,
    /// Each listed document's file name, in the export's order.
    paths: Vec<String>,
    /// Which listed documents were added.
    added: Vec<bool>,
    receiver: Option<String>,
    options: SimpleFileOptions,
}

impl<W: Write + Seek> PackageWriter<W> {
    /// Starts a package for `export` into `out`. Fails if a document cannot be named in the
    /// package or is listed twice.
    pub fn new(out: W, export: &CaseFileExport) -> Result<Self, ExportError> {
        let mut paths: Vec<String> = Vec::with_capacity(export.documents.len());
        for document in &export.documents {
            let path = content_file_name(
                &document.document_id,
                document.version,
                &document.media_type,
            )?;
            let duplicate = export
                .documents
                .iter()
                .filter(|d| d.document_id == document.document_id && d.version == document.version);
            if duplicate.count() > 1 || paths.contains(&path) {
                return Err(ExportError::DuplicateDocument {
                    document_id: document.document_id.clone(),
                    version: document.version,
                });
            }
            paths.push(path);
        }
        let options = SimpleFileOptions::default()
            .compression_method(CompressionMethod::Stored)
            .last_modified_time(zip_time(export))
            .unix_permissions(0o644);
        Ok(Self {
            zip: ZipWriter::new(out),
            added: vec![false; export.documents.len()],
            export: export.clone(),
            paths,
            receiver: None,
            options,
        })
    }

    /// Names the receiving authority in the message (default: "nicht angegeben").
    pub fn with_receiver(mut self, receiver: impl Into<String>) -> Self {
        self.receiver = Some(receiver.into());
        self
    }

    /// Adds a listed document's content. The bytes must have exactly the recorded SHA-256 and
    /// size, else nothing is written and [`ExportError::ContentMismatch`] is returned.
    pub fn add_document(
        &mut self,
        document: &ExportDocument,
        bytes: &[u8],
    ) -> Result<(), ExportError> {
        let unexpected = || ExportError::UnexpectedDocument {
            document_id: document.document_id.clone(),
            version: document.version,
        };
        let index = self
            .export
            .documents
            .iter()
            .position(|listed| listed == document)
            .ok_or_else(unexpected)?;
        if self.added[index] {
            return Err(ExportError::DuplicateDocument {
                document_id: document.document_id.clone(),
                version: document.version,
            });
        }
        let matches = bytes.len() as u64 == document.size
            && hex::encode(Sha256::digest(bytes)) == document.sha256;
        if !matches {
            return Err(ExportError::ContentMismatch {
                document_id: document.document_id.clone(),
                version: document.version,
            });
        }
        let options = self
            .options
            .large_file(document.size >= u64::from(u32::MAX));
        self.zip.start_file(self.paths[index].as_str(), options)?;
        self.zip.write_all(bytes)?;
        self.added[index] = true;
        Ok(())
    }

    /// Writes the xdomea message and the manifest and closes the package. Fails if a listed
    /// document was not added.
    pub fn finish(mut self) -> Result<W, ExportError> {
        let missing: Vec<String> = self
            .export
            .documents
            .iter()
            .zip(&self.added)
            .filter(|(_, added)| !**added)
            .map(|(document, _)| document.document_id.clone())
            .collect();
        if !missing.is_empty() {
            return Err(ExportError::MissingDocuments(missing));
        }
        let message = write_message(&self.export, self.receiver.as_deref(), &self.paths)?;
        let message_file = message_file_name(self.export.process_id);
        let manifest = Manifest {
            format: FORMAT.to_owned(),
            standard: "xdomea".to_owned(),
            standard_version: XDOMEA_VERSION.to_owned(),
            message_type: MESSAGE_TYPE.to_owned(),
            message_file: message_file.clone(),
            message_sha256: hex::encode(Sha256::digest(&message)),
            process_id: self.export.process_id,
            case_id: self.export.case_id.clone(),
            tenant: self.export.tenant.clone(),
            sender: self.export.sender.clone(),
            receiver: self.receiver.clone(),
            created_at: self.export.created_at,
            documents: self
                .export
                .documents
                .iter()
                .zip(&self.paths)
                .map(|(document, path)| ManifestDocument {
                    path: path.clone(),
                    document: document.clone(),
                })
                .collect(),
        };
        self.zip.start_file(message_file.as_str(), self.options)?;
        self.zip.write_all(&message)?;
        self.zip.start_file(MANIFEST_FILE, self.options)?;
        serde_json::to_writer_pretty(&mut self.zip, &manifest)?;
        Ok(self.zip.finish()?)
    }
}

/// The entries' time: the export's creation time (ZIP has no time zone; UTC, as in the
/// manifest), clamped to what ZIP can hold (1980–2107).
fn zip_time(export: &CaseFileExport) -> zip::DateTime {
    let t = export.created_at;
    let year = u16::try_from(t.year()).unwrap_or(1980);
    zip::DateTime::from_date_and_time(
        year,
        t.month() as u8,
        t.day() as u8,
        t.hour() as u8,
        t.minute() as u8,
        t.second() as u8,
    )
    .unwrap_or_default()
}
