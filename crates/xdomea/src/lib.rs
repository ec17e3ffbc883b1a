//! A case file as one ZIP package, for another authority or an archive.
//!
//! When an applicant moves, the case file goes to the new jobcenter; at the end of retention,
//! what an archive wants goes there. German authorities exchange files in xdomea (the XÖV
//! standard); this crate writes a package structured after its message `Abgabe.Abgabe.0401`
//! (handing files to another authority): one XML message with the header (Kopf) and the case as
//! Akte → Vorgang → Dokument, each document with its primary file in the package, plus a
//! `manifest.json` with the same metadata and every file's SHA-256 and size. What of xdomea is
//! covered, and what not, is in `docs/efile/export.md`.
//!
//! Integrity is the point: [`PackageWriter::add_document`] refuses bytes whose hash or size
//! differ from the recorded ones (a corrupted blob is never exported), and [`read_package`]
//! checks every file against the manifest, for the receiving side, tests and auditors.
//!
//! ```text
//! <process id>_Abgabe.Abgabe.0401.xml   the xdomea message
//! manifest.json                         the same metadata as JSON, with hashes and sizes
//! <document id>_<version>.<ext>         each document's content (stored, not compressed)
//! ```

mod error;
mod manifest;
mod message;
mod model;
mod names;
mod reader;
mod writer;

pub use error::ExportError;
pub use manifest::{MANIFEST_FILE, Manifest, ManifestDocument};
pub use model::{CaseFileExport, ExportDocument};
pub use names::{content_file_name, message_file_name};
pub use reader::{PackagedDocument, ReadPackage, read_package};
pub use writer::PackageWriter;

/// The xdomea version the message is structured after.
pub const XDOMEA_VERSION: &str = "3.1.0";
/// The xdomea message type written: a transfer of files to another authority.
pub const MESSAGE_TYPE: &str = "Abgabe.Abgabe.0401";
/// The xdomea namespace of [`XDOMEA_VERSION`].
pub const XDOMEA_NAMESPACE: &str = "urn:xoev-de:xdomea:schema:3.1.0";
