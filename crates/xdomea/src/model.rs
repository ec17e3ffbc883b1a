//! What is exported: the case file and each document's metadata, as the E-Akte records them.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// One case file to export: who sends it, when, and which documents it holds (in order).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseFileExport {
    /// The xdomea process id of this transfer (answers of the receiver refer to it).
    pub process_id: Uuid,
    /// The case the file belongs to (the file's Kennzeichen).
    pub case_id: String,
    /// The sending jobcenter's tenant id (the sending system's instance).
    pub tenant: String,
    /// The sending authority's name.
    pub sender: String,
    /// When the package is created.
    pub created_at: DateTime<Utc>,
    /// The documents, each with its content's hash; every one must be added to the package.
    pub documents: Vec<ExportDocument>,
}

/// One document in its exported version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExportDocument {
    /// The document's id (a UUID in the E-Akte); 1 to 64 of `[A-Za-z0-9-]`.
    pub document_id: String,
    /// Its title (the Betreff).
    pub title: String,
    /// Its type, e.g. `sick_note`.
    pub document_type: String,
    /// Its tags.
    pub tags: Vec<String>,
    /// How it arrived, e.g. `portal`.
    pub channel: String,
    /// The legal moment of receipt.
    pub received_at: DateTime<Utc>,
    /// The version exported (1, 2, ...).
    pub version: i32,
    /// The content's media type, e.g. `application/pdf`.
    pub media_type: String,
    /// The uploader's file name: display only, never a path in the package.
    pub file_name: String,
    /// The content's SHA-256, lowercase hex.
    pub sha256: String,
    /// The content's size in bytes.
    pub size: u64,
}
