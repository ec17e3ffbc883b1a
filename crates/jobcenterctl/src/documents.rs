//! `jobcenterctl documents` and `upload`: a case's E-Akte as a list, and filing a file into it.
//! The demo uses [`upload`] for its scanned sick note.

use std::path::Path;

use anyhow::Context;
use jobcenter_proto::efile::v1::efile_service_client::EfileServiceClient;
use jobcenter_proto::efile::v1::{
    Channel as ReceiptChannel, Document, DocumentType, UploadDocumentRequest, UploadHeader,
    upload_document_request::Part,
};
use tonic::transport::Channel;

use crate::identity::Identity;

/// Chunks of an upload (well below the services' message limit).
const CHUNK: usize = 256 * 1024;

/// A document type by its name on the command line (`sick-note`, `bank-statement`, ...).
pub fn document_type(name: &str) -> anyhow::Result<DocumentType> {
    let wanted = format!("DOCUMENT_TYPE_{}", name.replace('-', "_").to_uppercase());
    DocumentType::from_str_name(&wanted)
        .filter(|t| *t != DocumentType::Unspecified)
        .with_context(|| {
            format!(
                "unknown document type {name:?}: sick-note, decision-letter, bank-statement, \
                 rental-contract, payslip, identity-document, letter or other"
            )
        })
}

/// A channel of receipt by its name on the command line (`scanned-post`, `portal`, ...).
pub fn channel(name: &str) -> anyhow::Result<ReceiptChannel> {
    let wanted = format!("CHANNEL_{}", name.replace('-', "_").to_uppercase());
    ReceiptChannel::from_str_name(&wanted)
        .filter(|c| !matches!(c, ReceiptChannel::Unspecified | ReceiptChannel::Generated))
        .with_context(|| {
            format!("unknown channel {name:?}: portal, app, scanned-post or partner-system")
        })
}

/// What to file.
pub struct Upload<'a> {
    /// Client-chosen UUID (a retry with the same id files nothing twice).
    pub upload_id: String,
    pub case_id: &'a str,
    pub doc_type: DocumentType,
    pub channel: ReceiptChannel,
    pub file_name: &'a str,
    pub content: &'a [u8],
}

/// Files `upload` into the E-Akte as `identity`; returns the document and whether identical
/// content was already on the case.
pub async fn upload(
    efile: &mut EfileServiceClient<Channel>,
    identity: &Identity,
    upload: Upload<'_>,
) -> anyhow::Result<(Document, bool)> {
    let mut messages = vec![UploadDocumentRequest {
        part: Some(Part::Header(UploadHeader {
            upload_id: upload.upload_id,
            case_id: upload.case_id.to_owned(),
            r#type: upload.doc_type.into(),
            channel: upload.channel.into(),
            file_name: upload.file_name.to_owned(),
            ..Default::default()
        })),
    }];
    messages.extend(
        upload
            .content
            .chunks(CHUNK)
            .map(|chunk| UploadDocumentRequest {
                part: Some(Part::Chunk(chunk.to_vec())),
            }),
    );
    let reply = efile
        .upload_document(identity.request(tokio_stream::iter(messages))?)
        .await
        .context("uploading to the E-Akte")?
        .into_inner();
    let document = reply.document.context("answer without document")?;
    Ok((document, reply.already_filed))
}

/// The file name of `path` (what the E-Akte shows; never a path).
pub fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_else(|| "document".to_owned())
}
