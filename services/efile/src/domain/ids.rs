//! The ids of the E-Akte: document streams, documents derived from uploads, and command ids
//! scoped by tenant and stream.
//!
//! Event ids derive from command ids and are unique across the whole log, and the log answers
//! a known event id with the earlier result: a client-chosen id reused by another tenant, or on
//! another document, would otherwise get someone else's result. So every client-chosen id is
//! scoped by tenant and stream before it reaches the log ([`scoped_command_id`], the same idea
//! as the case service's), and a document's id is derived from its scoped upload id, so a retried
//! upload can never file two documents.

use uuid::Uuid;

/// Namespace of the scoped command ids.
const SCOPED_COMMANDS: Uuid = Uuid::from_u128(0x5d0e_7a43_91c2_4b8f_a6d1_2e9f_0c37_b815);
/// Namespace of document ids derived from uploads.
const DOCUMENTS: Uuid = Uuid::from_u128(0xe2f4_1b68_3c9a_4d07_8e52_f6a1_d09b_4c73);
/// The scope of upload ids before the document (and so its stream) is known.
const UPLOADS: &str = "uploads";
/// The client id of the deletion at the end of retention (one per document).
const RETENTION: Uuid = Uuid::from_u128(0x8a61_c3f0_5e27_4b9d_b1c4_7d20_e95f_3a16);

/// The command id the log records for a caller's `command_id` on `stream` of `tenant`.
pub fn scoped_command_id(tenant: &str, stream: &str, command_id: Uuid) -> Uuid {
    eventlog::scoped_command_id(&SCOPED_COMMANDS, tenant, stream, command_id)
}

/// The document an upload with `upload_id` of `tenant` files: a retry files the same one.
pub fn document_id_for_upload(tenant: &str, upload_id: Uuid) -> Uuid {
    let scoped = scoped_command_id(tenant, UPLOADS, upload_id);
    Uuid::new_v5(&DOCUMENTS, scoped.as_bytes())
}

/// The client id of a document's deletion at the end of retention: every run (periodic or
/// asked for, on any replica) uses the same one, so a document is deleted once.
pub fn retention_command_id() -> Uuid {
    RETENTION
}

/// The stream of a document: `document-<uuid>`.
pub fn stream_id(document_id: Uuid) -> String {
    format!("document-{document_id}")
}

/// The document whose stream is `stream_id`.
pub fn document_id_of_stream(stream_id: &str) -> Option<Uuid> {
    stream_id
        .strip_prefix("document-")
        .and_then(|id| Uuid::parse_str(id).ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_command_id_is_its_callers_own_per_tenant_and_stream() {
        let id = Uuid::new_v4();
        let scoped = scoped_command_id("jc-a", "document-1", id);
        assert_eq!(scoped, scoped_command_id("jc-a", "document-1", id));
        assert_ne!(scoped, scoped_command_id("jc-b", "document-1", id));
        assert_ne!(scoped, scoped_command_id("jc-a", "document-2", id));
        assert_ne!(
            scoped_command_id("jc-a", "bdocument", id),
            scoped_command_id("jc-ab", "document", id)
        );
    }

    #[test]
    fn an_upload_files_one_document_per_tenant() {
        let upload = Uuid::new_v4();
        let doc = document_id_for_upload("jc-a", upload);
        assert_eq!(doc, document_id_for_upload("jc-a", upload));
        assert_ne!(doc, document_id_for_upload("jc-b", upload));
        assert_ne!(doc, upload);
        assert_eq!(document_id_of_stream(&stream_id(doc)), Some(doc));
        assert_eq!(document_id_of_stream("case-1"), None);
    }
}
