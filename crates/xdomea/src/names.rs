//! Names inside the package and the xdomea identifiers of its objects.
//!
//! File names are built only from ids we control (`<document id>_<version>.<ext>`, the
//! "UUID_name.format" pattern xdomea suggests for primary documents): an uploader's file name
//! could hold `../` or a drive letter, so it is carried as metadata, never used as a path.
//! xdomea identifies every object by a UUID; the case and its one Vorgang get name-based UUIDs
//! (v5), so exporting the same case again names them the same.

use uuid::Uuid;

use crate::{ExportError, MESSAGE_TYPE};

/// The namespace of the name-based UUIDs of exported objects (fixed: changing it renames
/// every exported case).
const OBJECT_NAMESPACE: Uuid = Uuid::from_u128(0x6a0e_7c3d_52b1_4f0e_9d67_1b2c_8e4f_a915);

/// The file name of the xdomea message of a transfer: `<process id>_Abgabe.Abgabe.0401.xml`.
pub fn message_file_name(process_id: Uuid) -> String {
    format!("{process_id}_{MESSAGE_TYPE}.xml")
}

/// The file name of a document's content in the package: `<document id>_<version>.<ext>`,
/// with the extension from the media type (`pdf`, `png`, `jpg`, `tif`, else `bin`).
pub fn content_file_name(
    document_id: &str,
    version: i32,
    media_type: &str,
) -> Result<String, ExportError> {
    let safe_id = !document_id.is_empty()
        && document_id.len() <= 64
        && document_id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-');
    if !safe_id || version < 1 {
        return Err(ExportError::InvalidDocument {
            document_id: document_id.to_owned(),
            version,
        });
    }
    Ok(format!("{document_id}_{version}.{}", extension(media_type)))
}

/// The file extension (and xdomea format code) of a media type.
pub(crate) fn extension(media_type: &str) -> &'static str {
    let essence = media_type
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    match essence.as_str() {
        "application/pdf" => "pdf",
        "image/png" => "png",
        "image/jpeg" => "jpg",
        "image/tiff" => "tif",
        _ => "bin",
    }
}

/// The xdomea id of the case file (Akte).
pub(crate) fn file_uuid(tenant: &str, case_id: &str) -> Uuid {
    Uuid::new_v5(
        &OBJECT_NAMESPACE,
        format!("akte/{tenant}/{case_id}").as_bytes(),
    )
}

/// The xdomea id of the case's one Vorgang.
pub(crate) fn matter_uuid(tenant: &str, case_id: &str) -> Uuid {
    Uuid::new_v5(
        &OBJECT_NAMESPACE,
        format!("vorgang/{tenant}/{case_id}").as_bytes(),
    )
}

/// The xdomea id of a document: its own id when that is a UUID (as in the E-Akte), else a
/// name-based one.
pub(crate) fn document_uuid(tenant: &str, document_id: &str) -> Uuid {
    Uuid::parse_str(document_id).unwrap_or_else(|_| {
        Uuid::new_v5(
            &OBJECT_NAMESPACE,
            format!("dokument/{tenant}/{document_id}").as_bytes(),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_names_come_from_id_version_and_media_type() {
        let id = "0b6c2a52-4f43-4d0e-9a53-6f0f1d2f7a10";
        assert_eq!(
            content_file_name(id, 2, "application/pdf").expect("name"),
            format!("{id}_2.pdf")
        );
        assert_eq!(
            content_file_name("d1", 1, "image/JPEG; q=1").expect("name"),
            "d1_1.jpg"
        );
        assert_eq!(
            content_file_name("d1", 1, "image/tiff").expect("name"),
            "d1_1.tif"
        );
        assert_eq!(
            content_file_name("d1", 1, "text/html").expect("name"),
            "d1_1.bin"
        );
    }

    #[test]
    fn ids_that_could_escape_the_package_are_refused() {
        for id in ["", "../etc", "a/b", "a\\b", "C:x", "a.b", &"a".repeat(65)] {
            assert!(
                content_file_name(id, 1, "application/pdf").is_err(),
                "{id:?}"
            );
        }
        assert!(content_file_name("d1", 0, "application/pdf").is_err());
    }

    #[test]
    fn object_ids_are_stable_and_distinct() {
        assert_eq!(file_uuid("jc-a", "c1"), file_uuid("jc-a", "c1"));
        assert_ne!(file_uuid("jc-a", "c1"), file_uuid("jc-b", "c1"));
        assert_ne!(file_uuid("jc-a", "c1"), matter_uuid("jc-a", "c1"));
        let id = Uuid::new_v4();
        assert_eq!(document_uuid("jc-a", &id.to_string()), id);
        assert_eq!(document_uuid("jc-a", "d1"), document_uuid("jc-a", "d1"));
    }

    #[test]
    fn the_message_is_named_after_the_process() {
        let process = Uuid::nil();
        assert_eq!(
            message_file_name(process),
            "00000000-0000-0000-0000-000000000000_Abgabe.Abgabe.0401.xml"
        );
    }
}
