//! `manifest.json`: the package's table of contents for machines.
//!
//! It carries what the xdomea message does and what xdomea has no place for (tags, channel,
//! exact receipt time), and the SHA-256 and size of every file, the message included, so the
//! receiver can verify the package without understanding xdomea.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::ExportDocument;

/// The manifest's file name in the package.
pub const MANIFEST_FILE: &str = "manifest.json";
/// What `format` says: this layout, version 1.
pub(crate) const FORMAT: &str = "jobcenter-efile-export/1";

/// The manifest of a package.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    /// `jobcenter-efile-export/1`.
    pub format: String,
    /// The standard the message follows, `xdomea`.
    pub standard: String,
    /// Its version, e.g. `3.1.0`.
    pub standard_version: String,
    /// The message type, `Abgabe.Abgabe.0401`.
    pub message_type: String,
    /// The message's file name in the package.
    pub message_file: String,
    /// The message's SHA-256, lowercase hex.
    pub message_sha256: String,
    /// The transfer's process id.
    pub process_id: Uuid,
    /// The case.
    pub case_id: String,
    /// The sending tenant.
    pub tenant: String,
    /// The sending authority.
    pub sender: String,
    /// The receiving authority, when known.
    pub receiver: Option<String>,
    /// When the package was created.
    pub created_at: DateTime<Utc>,
    /// Every document, in the order of the case file.
    pub documents: Vec<ManifestDocument>,
}

/// One document of the manifest: its metadata and where its content is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ManifestDocument {
    /// The content's file name in the package.
    pub path: String,
    /// The metadata, with the content's SHA-256 and size.
    #[serde(flatten)]
    pub document: ExportDocument,
}
