//! UploadDocument and UploadDocumentVersion: a header, then the content in chunks.
//!
//! The header is checked first (every mistake named at once) and the case or document found
//! before any byte is stored. The content's type is recognised from its first bytes before the
//! blob store sees any of them; then the bytes stream into the store (hashed on the way, within
//! the size limit), and only a complete blob is referenced by an event: blob first, event
//! second. A retry with the same upload id answers the first result; identical content already
//! on the case answers that document (`already_filed`) and records nothing.

use jobcenter_proto::efile::v1 as proto;
use platform::authz::Authorized;
use tonic::{Request, Response, Status, Streaming};
use uuid::Uuid;

use super::convert::{self, Checks, parse_uuid, size_in_words};
use super::{EfileApi, issuer};
use crate::blobs::{BlobError, BlobUpload};
use crate::domain::dates;
use crate::domain::document::{Command, Content, Document, Filing, Refusal};
use crate::domain::ids::{document_id_for_upload, scoped_command_id, stream_id};
use crate::domain::media::{self, SNIFF_BYTES};
use crate::domain::metadata::{self, Violation};
use crate::domain::types::Channel;
use crate::error::EfileError;
use crate::projections::{document_queries, documents};

/// What one message of an upload carries.
enum Part<H> {
    Header(H),
    Chunk(Vec<u8>),
}

/// The two upload requests, read alike.
trait UploadMessage: Send + 'static {
    type Header;
    fn into_part(self) -> Option<Part<Self::Header>>;
}

impl UploadMessage for proto::UploadDocumentRequest {
    type Header = proto::UploadHeader;
    fn into_part(self) -> Option<Part<Self::Header>> {
        use proto::upload_document_request::Part as P;
        self.part.map(|part| match part {
            P::Header(header) => Part::Header(header),
            P::Chunk(chunk) => Part::Chunk(chunk),
        })
    }
}

impl UploadMessage for proto::UploadDocumentVersionRequest {
    type Header = proto::VersionHeader;
    fn into_part(self) -> Option<Part<Self::Header>> {
        use proto::upload_document_version_request::Part as P;
        self.part.map(|part| match part {
            P::Header(header) => Part::Header(header),
            P::Chunk(chunk) => Part::Chunk(chunk),
        })
    }
}

/// The first message, which must be the header.
async fn header<M: UploadMessage>(stream: &mut Streaming<M>) -> Result<M::Header, Status> {
    match stream.message().await?.and_then(UploadMessage::into_part) {
        Some(Part::Header(header)) => Ok(header),
        _ => Err(EfileError::invalid("header", "the first message must carry the header").into()),
    }
}

/// What an upload stored.
struct Received {
    content: Content,
}

/// Reads the content of an upload into the blob store: the type recognised (and checked against
/// `declared`) from the first bytes before anything is stored; at most `max` bytes; not empty.
async fn receive<M: UploadMessage>(
    api: &EfileApi,
    stream: &mut Streaming<M>,
    tenant: &str,
    declared: &str,
    declared_field: &str,
    file_name: String,
) -> Result<Received, Status> {
    let max = api.parts.max_document_bytes;
    let too_large = || {
        EfileError::invalid(
            "chunk",
            format!(
                "the document is larger than the limit of {}",
                size_in_words(max)
            ),
        )
    };
    let mut prefix: Vec<u8> = Vec::new();
    let mut media_type = None;
    let mut upload: Option<BlobUpload> = None;
    let outcome: Result<(), Status> = async {
        while let Some(message) = stream.message().await? {
            let chunk = match message.into_part() {
                Some(Part::Chunk(chunk)) => chunk,
                Some(Part::Header(_)) => {
                    return Err(EfileError::invalid(
                        "header",
                        "only the first message carries the header",
                    )
                    .into());
                }
                None => continue,
            };
            match upload.as_mut() {
                Some(blob) => blob
                    .write(&chunk)
                    .await
                    .map_err(|e| blob_error(e, &too_large))?,
                None => {
                    prefix.extend_from_slice(&chunk);
                    if prefix.len() >= SNIFF_BYTES {
                        media_type = Some(recognise(&prefix, declared, declared_field)?);
                        upload = Some(begin(api, tenant, &prefix, &too_large).await?);
                    }
                }
            }
        }
        Ok(())
    }
    .await;
    if let Err(status) = outcome {
        if let Some(blob) = upload {
            blob.abort().await;
        }
        return Err(status);
    }
    let blob = match upload {
        Some(blob) => blob,
        None if prefix.is_empty() => {
            return Err(EfileError::invalid("chunk", "the upload has no content").into());
        }
        None => {
            media_type = Some(recognise(&prefix, declared, declared_field)?);
            begin(api, tenant, &prefix, &too_large).await?
        }
    };
    let stored = blob.finish().await.map_err(|e| blob_error(e, &too_large))?;
    Ok(Received {
        content: Content {
            sha256: stored.sha256,
            size: stored.size,
            media_type: media_type
                .map(|m| m.as_str().to_owned())
                .unwrap_or_default(),
            file_name,
        },
    })
}

fn recognise(prefix: &[u8], declared: &str, field: &str) -> Result<media::MediaType, Status> {
    media::recognise(prefix, declared).map_err(|refusal| {
        let field = match refusal {
            media::MediaRefusal::Unrecognised => "chunk",
            media::MediaRefusal::Mismatch { .. } => field,
        };
        EfileError::invalid(field, refusal.to_string()).into()
    })
}

async fn begin(
    api: &EfileApi,
    tenant: &str,
    prefix: &[u8],
    too_large: &impl Fn() -> EfileError,
) -> Result<BlobUpload, Status> {
    let mut blob = api
        .parts
        .blobs
        .begin_upload(tenant, api.parts.max_document_bytes)
        .await
        .map_err(|e| blob_error(e, too_large))?;
    if let Err(error) = blob.write(prefix).await {
        blob.abort().await;
        return Err(blob_error(error, too_large));
    }
    Ok(blob)
}

fn blob_error(error: BlobError, too_large: &impl Fn() -> EfileError) -> Status {
    match error {
        BlobError::TooLarge { .. } => too_large().into(),
        other => EfileError::Blob(other).into(),
    }
}

/// An upload header, checked.
struct Header {
    upload_id: Uuid,
    case_id: Uuid,
    filing: Filing,
    declared: String,
}

fn check_header(
    api: &EfileApi,
    authorized: &Authorized,
    header: proto::UploadHeader,
) -> Result<Header, EfileError> {
    let caller = &authorized.caller;
    let rules = api.rules(&caller.tenant_id);
    let mut checks = Checks::default();
    let upload_id = checks.keep(parse_uuid(&header.upload_id, "header.upload_id"));
    let case_id = checks.keep(parse_uuid(&header.case_id, "header.case_id"));
    let doc_type = checks.keep(convert::document_type(header.r#type, "header.type"));
    let channel = checks.keep_one(channel(authorized, header.channel));
    let tags = checks.keep_all(metadata::tags(&header.tags, rules, "header.tags"));
    let given = header.received_at.as_ref().map(|t| {
        dates::to_utc(t).ok_or_else(|| Violation::new("header.received_at", "is not a valid time"))
    });
    let received_at = checks.keep_one(given.transpose().and_then(|given| {
        metadata::received_at(given, api.parts.clock.now(), "header.received_at")
    }));
    let file_name = checks.keep_one(metadata::file_name(&header.file_name, "header.file_name"));
    let declared = checks.keep_one(convert::declared_media_type(
        &header.declared_media_type,
        "header.declared_media_type",
    ));
    checks.finish()?;
    let (
        Some(upload_id),
        Some(case_id),
        Some(doc_type),
        Some(channel),
        Some(tags),
        Some(received_at),
        Some(file_name),
        Some(declared),
    ) = (
        upload_id,
        case_id,
        doc_type,
        channel,
        tags,
        received_at,
        file_name,
        declared,
    )
    else {
        return Err(EfileError::invalid("header", "is invalid"));
    };
    Ok(Header {
        upload_id,
        case_id,
        filing: Filing {
            document_id: document_id_for_upload(caller.tenant_id.as_str(), upload_id),
            case_id,
            doc_type,
            tags,
            channel,
            received_at,
            content: Content {
                sha256: String::new(),
                size: 0,
                media_type: String::new(),
                file_name,
            },
            filed_by: caller.subject.clone(),
            source_id: String::new(),
        },
        declared,
    })
}

/// The channel of a header, if the caller may file through it.
fn channel(authorized: &Authorized, value: i32) -> Result<Channel, Violation> {
    let channel = Channel::from_proto(value)
        .ok_or_else(|| Violation::new("header.channel", "must be a channel"))?;
    if crate::authorization::may_file_through(&authorized.caller.roles, channel) {
        Ok(channel)
    } else {
        Err(Violation::new(
            "header.channel",
            "the caller may not file documents arriving through this channel",
        ))
    }
}

pub(super) async fn upload_document(
    api: &EfileApi,
    request: Request<Streaming<proto::UploadDocumentRequest>>,
) -> Result<Response<proto::UploadDocumentResponse>, Status> {
    let authorized = Authorized::from_request(&request)?;
    let mut stream = request.into_inner();
    let raw = header(&mut stream).await?;
    let min_case_position = raw.min_case_position.clone();
    let header = check_header(api, &authorized, raw)?;
    api.wait(min_case_position.as_ref(), "header.min_case_position.token")
        .await?;
    let tenant = authorized.caller.tenant_id.clone();
    let case = api.reachable_case(&authorized, header.case_id).await?;
    let document_id = header.filing.document_id;
    let command_id = scoped_command_id(tenant.as_str(), &stream_id(document_id), header.upload_id);
    // A retry of an upload that was filed answers the first result, without its bytes.
    let loaded = api
        .parts
        .commands
        .load(tenant.as_str(), document_id)
        .await?;
    if let (Some(document), Some(at)) = (loaded.document.as_ref(), loaded.position_of(command_id)) {
        return Ok(Response::new(proto::UploadDocumentResponse {
            document: Some(convert::from_state(
                document,
                api.rules(&tenant),
                case.closed_on,
            )),
            already_filed: false,
            position: Some(convert::position(&api.parts.log, at)),
        }));
    }
    let file_name = header.filing.content.file_name.clone();
    let received = receive(
        api,
        &mut stream,
        tenant.as_str(),
        &header.declared,
        "header.declared_media_type",
        file_name,
    )
    .await?;
    if let Some(existing) =
        already_filed(api, &authorized, header.case_id, &received.content.sha256).await?
    {
        return Ok(Response::new(existing));
    }
    let mut filing = header.filing;
    filing.content = received.content;
    let executed = api
        .parts
        .commands
        .execute(
            &issuer(&authorized, header.upload_id),
            document_id,
            None,
            Command::File(filing),
        )
        .await?;
    Ok(Response::new(proto::UploadDocumentResponse {
        document: Some(convert::from_state(
            &executed.document,
            api.rules(&tenant),
            case.closed_on,
        )),
        already_filed: false,
        position: Some(convert::position(&api.parts.log, executed.position)),
    }))
}

/// The document of the case that has this content already, as the answer to an upload that
/// records nothing (the read model answers: its checkpoint is the position to wait for).
async fn already_filed(
    api: &EfileApi,
    authorized: &Authorized,
    case_id: Uuid,
    sha256: &str,
) -> Result<Option<proto::UploadDocumentResponse>, EfileError> {
    let tenant = &authorized.caller.tenant_id;
    let mut tx = api.tenant_tx(tenant).await?;
    let Some(existing) =
        document_queries::live_document_with_content(&mut tx, tenant.as_str(), case_id, sha256)
            .await?
    else {
        return Ok(None);
    };
    let Some(row) = document_queries::get(&mut tx, tenant.as_str(), existing).await? else {
        return Ok(None);
    };
    let versions = document_queries::versions(&mut tx, tenant.as_str(), &[existing]).await?;
    drop(tx);
    let document = convert::from_rows(vec![row], versions, api.rules(tenant)).pop();
    let checkpoint =
        projection::checkpoint(&api.parts.pool, crate::SCHEMA, documents::NAME).await?;
    Ok(Some(proto::UploadDocumentResponse {
        document,
        already_filed: true,
        position: checkpoint.map(|at| convert::position(&api.parts.log, at)),
    }))
}

pub(super) async fn upload_document_version(
    api: &EfileApi,
    request: Request<Streaming<proto::UploadDocumentVersionRequest>>,
) -> Result<Response<proto::UploadDocumentVersionResponse>, Status> {
    let authorized = Authorized::from_request(&request)?;
    let mut stream = request.into_inner();
    let header = header(&mut stream).await?;
    let mut checks = Checks::default();
    let upload_id = checks.keep(parse_uuid(&header.upload_id, "header.upload_id"));
    let document_id = checks.keep(parse_uuid(&header.document_id, "header.document_id"));
    let reason = checks.keep_one(metadata::reason(&header.reason, "header.reason"));
    let file_name = checks.keep_one(metadata::file_name(&header.file_name, "header.file_name"));
    let declared = checks.keep_one(convert::declared_media_type(
        &header.declared_media_type,
        "header.declared_media_type",
    ));
    checks.finish()?;
    let (Some(upload_id), Some(document_id), Some(reason), Some(file_name), Some(declared)) =
        (upload_id, document_id, reason, file_name, declared)
    else {
        return Err(EfileError::invalid("header", "is invalid").into());
    };
    let tenant = authorized.caller.tenant_id.clone();
    let loaded = api
        .parts
        .commands
        .load(tenant.as_str(), document_id)
        .await?;
    let document: &Document = loaded.document.as_ref().ok_or(EfileError::NotFound)?;
    let case = api.reachable_case(&authorized, document.case_id).await?;
    let command_id = scoped_command_id(tenant.as_str(), &stream_id(document_id), upload_id);
    if let Some(at) = loaded.position_of(command_id) {
        return Ok(Response::new(proto::UploadDocumentVersionResponse {
            document: Some(convert::from_state(
                document,
                api.rules(&tenant),
                case.closed_on,
            )),
            position: Some(convert::position(&api.parts.log, at)),
        }));
    }
    if document.deleted {
        return Err(EfileError::Refused(Refusal::Deleted).into());
    }
    let received = receive(
        api,
        &mut stream,
        tenant.as_str(),
        &declared,
        "header.declared_media_type",
        file_name,
    )
    .await?;
    let executed = api
        .parts
        .commands
        .execute(
            &issuer(&authorized, upload_id),
            document_id,
            None,
            Command::AddVersion {
                content: received.content,
                reason,
                added_by: authorized.caller.subject.clone(),
            },
        )
        .await?;
    let closed_on = api.closed_on(&tenant, executed.document.case_id).await?;
    Ok(Response::new(proto::UploadDocumentVersionResponse {
        document: Some(convert::from_state(
            &executed.document,
            api.rules(&tenant),
            closed_on,
        )),
        position: Some(convert::position(&api.parts.log, executed.position)),
    }))
}
