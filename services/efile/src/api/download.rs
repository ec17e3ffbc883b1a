//! DownloadDocument: a version's bytes in chunks of 64 KiB, the hash checked on the way out.
//!
//! The document is read from its stream (not the read model, so a document just uploaded can
//! be downloaded at once) in a tenant-scoped transaction of the api role. The read is recorded
//! in the read-access log before the first byte leaves. While streaming, the SHA-256 and size
//! are computed and the last chunk is held back until both match the record: stored bytes that
//! were changed or cut end the stream with DATA_LOSS before the client has the whole content.

use access_log::ReadContext;
use bytes::{Bytes, BytesMut};
use jobcenter_proto::efile::v1 as proto;
use sha2::{Digest, Sha256};
use tokio::sync::mpsc;
use tokio_stream::wrappers::ReceiverStream;
use tonic::{Request, Response, Status};
use uuid::Uuid;

use super::convert::{case_object, parse_uuid};
use super::{EfileApi, ResponseStream};
use crate::blobs::BlobReader;
use crate::commands;
use crate::domain::document::Refusal;
use crate::domain::ids::stream_id;
use crate::error::EfileError;
use crate::projections::case_directory;

/// Size of the chunks sent.
pub const CHUNK: usize = 64 * 1024;
/// Chunks buffered between the reading task and the client.
const BUFFER: usize = 4;

/// What a download sends, found and opened.
struct Prepared {
    case_id: Uuid,
    content: proto::Content,
    reader: BlobReader,
}

pub(super) async fn download_document(
    api: &EfileApi,
    request: Request<proto::DownloadDocumentRequest>,
) -> Result<Response<ResponseStream<proto::DownloadDocumentResponse>>, Status> {
    let read = ReadContext::from_request(&request)?;
    let req = request.into_inner();
    let prepared = api
        .parts
        .access
        .audited_with(&read, None, prepare(api, &read, req), |p: &Prepared| {
            [case_object(p.case_id)]
        })
        .await?;
    let (sender, receiver) = mpsc::channel(BUFFER);
    tokio::spawn(stream_content(prepared, sender));
    Ok(Response::new(Box::pin(ReceiverStream::new(receiver))))
}

async fn prepare(
    api: &EfileApi,
    read: &ReadContext,
    req: proto::DownloadDocumentRequest,
) -> Result<Prepared, Status> {
    let caller = read.caller();
    let tenant = caller.tenant_id.as_str();
    let document_id = parse_uuid(&req.document_id, "document_id")?;
    if req.version < 0 {
        return Err(
            EfileError::invalid("version", "must be 0 (current) or a version number").into(),
        );
    }
    let mut tx = api.tenant_tx(&caller.tenant_id).await?;
    let recorded = api
        .parts
        .log
        .read_stream_in(&mut tx, &stream_id(document_id), 0, 10_000)
        .await
        .map_err(EfileError::from)?;
    let document = commands::fold(recorded, tenant)?
        .document
        .ok_or(EfileError::NotFound)?;
    let case = case_directory::get(&mut tx, tenant, document.case_id)
        .await
        .map_err(EfileError::from)?;
    drop(tx);
    let owner = case.map(|c| c.applicant_account).unwrap_or_default();
    if !read.may_reach(&owner) {
        return Err(EfileError::NotFound.into());
    }
    if document.deleted {
        return Err(EfileError::Refused(Refusal::Deleted).into());
    }
    let version = match req.version {
        0 => document.current(),
        number => document
            .versions
            .iter()
            .find(|v| v.number == number)
            .ok_or_else(|| EfileError::invalid("version", "the document has no such version"))?,
    };
    let reader = api
        .parts
        .blobs
        .open(tenant, &version.content.sha256)
        .await
        .map_err(EfileError::from)?;
    Ok(Prepared {
        case_id: document.case_id,
        content: version.content.to_proto(),
        reader,
    })
}

/// Sends the content message, then the bytes in chunks, holding back the last until the hash
/// and size match the record.
async fn stream_content(
    prepared: Prepared,
    sender: mpsc::Sender<Result<proto::DownloadDocumentResponse, Status>>,
) {
    use proto::download_document_response::Part;
    let Prepared {
        content,
        mut reader,
        ..
    } = prepared;
    let expected_sha256 = content.sha256.clone();
    let expected_size = u64::try_from(content.size).unwrap_or(u64::MAX);
    let message = |part| Ok(proto::DownloadDocumentResponse { part: Some(part) });
    if sender.send(message(Part::Content(content))).await.is_err() {
        return;
    }
    let mut hasher = Sha256::new();
    let mut size: u64 = 0;
    let mut buffer = BytesMut::new();
    // The last full chunk, not yet sent: it leaves only once the next one exists or the whole
    // content is verified.
    let mut held: Option<Bytes> = None;
    loop {
        match reader.next_chunk().await {
            Ok(Some(bytes)) => {
                hasher.update(&bytes);
                size = size.saturating_add(u64::try_from(bytes.len()).unwrap_or(u64::MAX));
                buffer.extend_from_slice(&bytes);
                while buffer.len() >= CHUNK {
                    let chunk = buffer.split_to(CHUNK).freeze();
                    if let Some(previous) = held.replace(chunk)
                        && sender
                            .send(message(Part::Chunk(previous.to_vec())))
                            .await
                            .is_err()
                    {
                        return;
                    }
                }
            }
            Ok(None) => break,
            Err(error) => {
                let _ = sender.send(Err(EfileError::from(error).into())).await;
                return;
            }
        }
    }
    let actual = hex::encode(hasher.finalize());
    if actual != expected_sha256 || size != expected_size {
        let _ = sender.send(Err(EfileError::DataLoss.into())).await;
        return;
    }
    for chunk in [
        held.map(|b| b.to_vec()),
        Some(buffer.to_vec()).filter(|b| !b.is_empty()),
    ]
    .into_iter()
    .flatten()
    {
        if sender.send(message(Part::Chunk(chunk))).await.is_err() {
            return;
        }
    }
}
