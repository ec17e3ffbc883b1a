//! Reading a package back and verifying it, as the receiving authority or an auditor would.
//!
//! Everything is checked against the manifest: each listed file is present with exactly its
//! size and SHA-256, the message's hash matches, the message names the same files, and nothing
//! unlisted rides along. Reads are bounded by the listed sizes, so a forged entry cannot make
//! the reader allocate more than the manifest admits.

use std::collections::BTreeSet;
use std::io::{Read, Seek};

use sha2::{Digest, Sha256};
use zip::ZipArchive;

use crate::manifest::{FORMAT, MANIFEST_FILE, Manifest};
use crate::message::primary_file_names;
use crate::names::{content_file_name, message_file_name};
use crate::{ExportDocument, ExportError};

/// The largest manifest accepted (a case file of thousands of documents stays far below).
const MAX_MANIFEST_BYTES: u64 = 64 * 1024 * 1024;
/// The largest message accepted.
const MAX_MESSAGE_BYTES: u64 = 64 * 1024 * 1024;

/// A verified package.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadPackage {
    /// The manifest.
    pub manifest: Manifest,
    /// The xdomea message (UTF-8 XML).
    pub message: String,
    /// Every document with its verified content, in the manifest's order.
    pub documents: Vec<PackagedDocument>,
}

/// One document read from a package.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PackagedDocument {
    /// Its file name in the package.
    pub path: String,
    /// Its metadata as the manifest lists it.
    pub document: ExportDocument,
    /// Its content, verified against the listed SHA-256 and size.
    pub bytes: Vec<u8>,
}

/// Reads and verifies a package (see the module documentation for what is checked).
pub fn read_package<R: Read + Seek>(reader: R) -> Result<ReadPackage, ExportError> {
    let mut archive = ZipArchive::new(reader)?;
    let manifest_bytes = read_entry(&mut archive, MANIFEST_FILE, MAX_MANIFEST_BYTES)?
        .ok_or_else(|| ExportError::InvalidManifest(format!("{MANIFEST_FILE} is missing")))?;
    let manifest: Manifest = serde_json::from_slice(&manifest_bytes)?;
    check_manifest(&manifest)?;

    let message =
        read_entry(&mut archive, &manifest.message_file, MAX_MESSAGE_BYTES)?.ok_or_else(|| {
            ExportError::MissingFile {
                path: manifest.message_file.clone(),
            }
        })?;
    if hex::encode(Sha256::digest(&message)) != manifest.message_sha256 {
        return Err(ExportError::Corrupted {
            path: manifest.message_file.clone(),
        });
    }
    let listed: Vec<&str> = manifest.documents.iter().map(|d| d.path.as_str()).collect();
    if primary_file_names(&message)? != listed {
        return Err(ExportError::InvalidManifest(
            "the message and the manifest list different files".into(),
        ));
    }
    let message = String::from_utf8(message)
        .map_err(|_| ExportError::InvalidManifest("the message is not UTF-8".into()))?;

    let mut documents = Vec::with_capacity(manifest.documents.len());
    for entry in &manifest.documents {
        let path = &entry.path;
        let bytes = read_entry(&mut archive, path, entry.document.size)?
            .ok_or_else(|| ExportError::MissingFile { path: path.clone() })?;
        let intact = bytes.len() as u64 == entry.document.size
            && hex::encode(Sha256::digest(&bytes)) == entry.document.sha256;
        if !intact {
            return Err(ExportError::Corrupted { path: path.clone() });
        }
        documents.push(PackagedDocument {
            path: path.clone(),
            document: entry.document.clone(),
            bytes,
        });
    }

    let mut expected: BTreeSet<&str> = listed.iter().copied().collect();
    expected.insert(MANIFEST_FILE);
    expected.insert(&manifest.message_file);
    let unlisted = archive
        .file_names_raw()
        .find(|name| !std::str::from_utf8(name).is_ok_and(|name| expected.contains(name)));
    if let Some(name) = unlisted {
        return Err(ExportError::UnlistedFile {
            path: String::from_utf8_lossy(name).into_owned(),
        });
    }
    Ok(ReadPackage {
        manifest,
        message,
        documents,
    })
}

/// The manifest's own consistency: our format, the message named after the process, every
/// document named as the writer names it (so no path can point outside the package), no
/// file twice.
fn check_manifest(manifest: &Manifest) -> Result<(), ExportError> {
    let invalid = |why: String| Err(ExportError::InvalidManifest(why));
    if manifest.format != FORMAT {
        return invalid(format!("unknown format {:?}", manifest.format));
    }
    if manifest.message_file != message_file_name(manifest.process_id) {
        return invalid("the message file is not named after the process".into());
    }
    let mut seen = BTreeSet::new();
    for entry in &manifest.documents {
        let d = &entry.document;
        let expected = content_file_name(&d.document_id, d.version, &d.media_type)?;
        if entry.path != expected {
            return invalid(format!("{} should be named {expected}", entry.path));
        }
        if !seen.insert(entry.path.as_str()) {
            return invalid(format!("{} is listed twice", entry.path));
        }
    }
    Ok(())
}

/// An entry's bytes, at most `limit` + 1 of them (one more than allowed shows a mismatch
/// without reading a forged entry to its end); `None` if the package has no such entry, and
/// [`ExportError::Corrupted`] if its CRC-32 fails.
fn read_entry<R: Read + Seek>(
    archive: &mut ZipArchive<R>,
    name: &str,
    limit: u64,
) -> Result<Option<Vec<u8>>, ExportError> {
    let file = match archive.by_name(name) {
        Ok(file) => file,
        Err(zip::result::ZipError::FileNotFound) => return Ok(None),
        Err(error) => return Err(error.into()),
    };
    let mut bytes = Vec::new();
    match file.take(limit.saturating_add(1)).read_to_end(&mut bytes) {
        Ok(_) => Ok(Some(bytes)),
        // The container's own checksum (CRC-32) failed: the bytes were altered.
        Err(error) if error.kind() == std::io::ErrorKind::InvalidData => {
            Err(ExportError::Corrupted {
                path: name.to_owned(),
            })
        }
        Err(error) => Err(error.into()),
    }
}
