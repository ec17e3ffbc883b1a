//! ExportCaseFile: a case's whole file as one package for another authority or an archive
//! (`crates/xdomea`: an xdomea-structured message and a JSON manifest with each document's
//! SHA-256, plus the documents; docs/efile/export.md).
//!
//! Every live document is exported in its current version; documents whose content was
//! deleted at the end of retention are left out (there is nothing left to hand over). Each
//! document's bytes are checked against its recorded hash as they go into the package: a
//! corrupted file fails the export with DATA_LOSS rather than being handed on. The package is
//! written to a temporary file (one document in memory at a time), then streamed in chunks. The
//! export is a read of the whole case file: recorded in the read-access log before a byte leaves.

use std::io::{Read, Seek, SeekFrom};

use access_log::ReadContext;
use chrono::Utc;
use jobcenter_proto::efile::v1 as proto;
use tokio::sync::mpsc;
use tokio_stream::wrappers::ReceiverStream;
use tonic::{Request, Response, Status};
use uuid::Uuid;
use xdomea::{CaseFileExport, ExportDocument, ExportError, PackageWriter};

use super::convert::{case_object, parse_uuid};
use super::download::CHUNK;
use super::{EfileApi, ResponseStream};
use crate::error::EfileError;
use crate::projections::{case_directory, document_queries};

/// Chunks buffered between the file and the client.
const BUFFER: usize = 4;

/// A written package, ready to stream.
struct Package {
    case_id: Uuid,
    file: std::fs::File,
}

pub(super) async fn export_case_file(
    api: &EfileApi,
    request: Request<proto::ExportCaseFileRequest>,
) -> Result<Response<ResponseStream<proto::ExportCaseFileResponse>>, Status> {
    let read = ReadContext::from_request(&request)?;
    let req = request.into_inner();
    let package = api
        .parts
        .access
        .audited_with(
            &read,
            None,
            write_package(api, &read, req),
            |p: &Package| [case_object(p.case_id)],
        )
        .await?;
    let (sender, receiver) = mpsc::channel(BUFFER);
    tokio::task::spawn_blocking(move || stream_file(package.file, &sender));
    Ok(Response::new(Box::pin(ReceiverStream::new(receiver))))
}

async fn write_package(
    api: &EfileApi,
    read: &ReadContext,
    req: proto::ExportCaseFileRequest,
) -> Result<Package, Status> {
    let caller = read.caller();
    let tenant = caller.tenant_id.as_str();
    let case_id = parse_uuid(&req.case_id, "case_id")?;
    api.wait(req.min_position.as_ref(), "min_position.token")
        .await?;
    let mut tx = api.tenant_tx(&caller.tenant_id).await?;
    case_directory::get(&mut tx, tenant, case_id)
        .await
        .map_err(EfileError::from)?
        .filter(|case| read.may_reach(&case.applicant_account))
        .ok_or(EfileError::NotFound)?;
    let rows: Vec<_> = document_queries::case_file(&mut tx, tenant, case_id)
        .await
        .map_err(EfileError::from)?
        .into_iter()
        .filter(|row| !row.deleted)
        .collect();
    let ids: Vec<Uuid> = rows.iter().map(|row| row.document_id).collect();
    let versions = document_queries::versions(&mut tx, tenant, &ids)
        .await
        .map_err(EfileError::from)?;
    drop(tx);

    let documents: Vec<ExportDocument> = rows
        .iter()
        .filter_map(|row| {
            // The current version: the highest number of the document's versions.
            let current = versions
                .iter()
                .filter(|v| v.document_id == row.document_id)
                .max_by_key(|v| v.number)?;
            Some(ExportDocument {
                document_id: row.document_id.to_string(),
                title: current.file_name.clone(),
                document_type: row.r#type.clone(),
                tags: row.tags.clone(),
                channel: row.channel.clone(),
                received_at: row.received_at,
                version: current.number,
                media_type: current.media_type.clone(),
                file_name: current.file_name.clone(),
                sha256: current.sha256.clone(),
                size: u64::try_from(current.size).unwrap_or_default(),
            })
        })
        .collect();
    let export = CaseFileExport {
        process_id: Uuid::new_v4(),
        case_id: case_id.to_string(),
        tenant: tenant.to_owned(),
        sender: format!("Jobcenter {tenant}"),
        created_at: Utc::now(),
        documents: documents.clone(),
    };
    let file = tempfile::tempfile().map_err(|e| EfileError::Export(ExportError::Io(e)))?;
    let mut writer = PackageWriter::new(file, &export).map_err(EfileError::Export)?;
    for document in &documents {
        let mut reader = api
            .parts
            .blobs
            .open(tenant, &document.sha256)
            .await
            .map_err(EfileError::from)?;
        let mut bytes = Vec::with_capacity(usize::try_from(reader.size()).unwrap_or(0));
        while let Some(chunk) = reader.next_chunk().await.map_err(EfileError::from)? {
            bytes.extend_from_slice(&chunk);
        }
        writer
            .add_document(document, &bytes)
            .map_err(|error| match error {
                ExportError::ContentMismatch { .. } => EfileError::DataLoss,
                other => EfileError::Export(other),
            })?;
    }
    let mut file = writer.finish().map_err(EfileError::Export)?;
    file.seek(SeekFrom::Start(0))
        .map_err(|e| EfileError::Export(ExportError::Io(e)))?;
    Ok(Package { case_id, file })
}

/// Sends the package's bytes in chunks (on a blocking thread: it reads a file).
fn stream_file(
    mut file: std::fs::File,
    sender: &mpsc::Sender<Result<proto::ExportCaseFileResponse, Status>>,
) {
    let mut buffer = vec![0u8; CHUNK];
    loop {
        match file.read(&mut buffer) {
            Ok(0) => return,
            Ok(n) => {
                let chunk = proto::ExportCaseFileResponse {
                    chunk: buffer[..n].to_vec(),
                };
                if sender.blocking_send(Ok(chunk)).is_err() {
                    return;
                }
            }
            Err(error) => {
                tracing::error!(%error, "reading the written export package failed");
                let _ = sender.blocking_send(Err(Status::internal("the export failed")));
                return;
            }
        }
    }
}
