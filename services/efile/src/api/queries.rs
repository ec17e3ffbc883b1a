//! The read RPCs: one document, the search, the case file, a document's history, the filing
//! rules. Every read of documents is recorded in the read-access log (with the cases it
//! disclosed) and answers only once that record is written.

use access_log::ReadContext;
use jobcenter_proto::efile::v1 as proto;
use platform::authz::Scope;
use tonic::{Request, Response, Status};
use uuid::Uuid;

use super::EfileApi;
use super::convert::{
    self, case_object, case_objects, decode_cursor, encode_cursor, page_size, parse_uuid,
    split_page,
};
use crate::domain::ids::stream_id;
use crate::domain::{dates, history};
use crate::error::EfileError;
use crate::projections::case_directory;
use crate::projections::document_queries::{self, ListCursor, ListFilter};

/// Default and largest page of ListDocuments.
const LIST_DEFAULT: i64 = 100;
const LIST_MAX: i64 = 500;
/// More events than a document's history holds in practice.
const HISTORY_MAX: i64 = 10_000;

pub(super) async fn get_document(
    api: &EfileApi,
    request: Request<proto::GetDocumentRequest>,
) -> Result<Response<proto::GetDocumentResponse>, Status> {
    let read = ReadContext::from_request(&request)?;
    let req = request.into_inner();
    let found =
        |r: &Response<proto::GetDocumentResponse>| case_objects(r.get_ref().document.as_ref());
    Ok(api
        .parts
        .access
        .audited_with(&read, None, read_document(api, &read, req), found)
        .await?)
}

async fn read_document(
    api: &EfileApi,
    read: &ReadContext,
    req: proto::GetDocumentRequest,
) -> Result<Response<proto::GetDocumentResponse>, Status> {
    let caller = read.caller();
    let document_id = parse_uuid(&req.document_id, "document_id")?;
    api.wait(req.min_position.as_ref(), "min_position.token")
        .await?;
    let mut tx = api.tenant_tx(&caller.tenant_id).await?;
    let row = document_queries::get(&mut tx, caller.tenant_id.as_str(), document_id)
        .await
        .map_err(EfileError::from)?
        .filter(|row| read.may_reach(&row.applicant_account))
        .ok_or(EfileError::NotFound)?;
    let versions = document_queries::versions(&mut tx, caller.tenant_id.as_str(), &[document_id])
        .await
        .map_err(EfileError::from)?;
    let document = convert::from_rows(vec![row], versions, api.rules(&caller.tenant_id)).pop();
    Ok(Response::new(proto::GetDocumentResponse { document }))
}

pub(super) async fn list_documents(
    api: &EfileApi,
    request: Request<proto::ListDocumentsRequest>,
) -> Result<Response<proto::ListDocumentsResponse>, Status> {
    let read = ReadContext::from_request(&request)?;
    let req = request.into_inner();
    let case = Uuid::parse_str(&req.case_id).ok().map(case_object);
    let found = |r: &Response<proto::ListDocumentsResponse>| case_objects(&r.get_ref().documents);
    Ok(api
        .parts
        .access
        .audited_with(&read, case, read_list(api, &read, req), found)
        .await?)
}

async fn read_list(
    api: &EfileApi,
    read: &ReadContext,
    req: proto::ListDocumentsRequest,
) -> Result<Response<proto::ListDocumentsResponse>, Status> {
    let caller = read.caller();
    let mut checks = convert::Checks::default();
    let size = checks.keep(page_size(
        req.page_size,
        LIST_DEFAULT,
        LIST_MAX,
        "page_size",
    ));
    let case_id = match req.case_id.as_str() {
        "" => Some(None),
        id => checks.keep(parse_uuid(id, "case_id")).map(Some),
    };
    let doc_type = match req.r#type {
        0 => Some(None),
        value => checks
            .keep(convert::document_type(value, "type"))
            .map(|t| Some(t.as_str())),
    };
    let from = checks.keep(convert::optional_day(
        req.received_from.as_ref(),
        "received_from",
    ));
    let until = checks.keep(convert::optional_day(
        req.received_until.as_ref(),
        "received_until",
    ));
    let after = match req.page_token.as_str() {
        "" => Some(None),
        token => checks.keep(decode_cursor(token)).map(Some),
    };
    checks.finish()?;
    let (Some(size), Some(case_id), Some(doc_type), Some(from), Some(until), Some(after)) =
        (size, case_id, doc_type, from, until, after)
    else {
        return Err(EfileError::invalid("request", "is invalid").into());
    };
    // An applicant lists only the documents of their own cases.
    let owner = match read.scope() {
        Scope::Own => Some(caller.subject.clone()),
        Scope::Tenant => None,
    };
    let filter = ListFilter {
        case_id,
        r#type: doc_type,
        tag: Some(req.tag).filter(|t| !t.is_empty()),
        received_from: from,
        received_until: until,
        owner,
    };
    api.wait(req.min_position.as_ref(), "min_position.token")
        .await?;
    let tenant = caller.tenant_id.as_str();
    let mut tx = api.tenant_tx(&caller.tenant_id).await?;
    // A case named in the filter must be one the caller may reach: another tenant's case (or
    // another applicant's) is NOT_FOUND, as everywhere, not an empty list.
    if let Some(case_id) = filter.case_id {
        case_directory::get(&mut tx, tenant, case_id)
            .await
            .map_err(EfileError::from)?
            .filter(|case| read.may_reach(&case.applicant_account))
            .ok_or(EfileError::NotFound)?;
    }
    let rows = document_queries::list(&mut tx, tenant, &filter, after, size + 1)
        .await
        .map_err(EfileError::from)?;
    let (rows, next_page_token) = split_page(rows, size, |last| {
        encode_cursor(ListCursor {
            received_at: last.received_at,
            document_id: last.document_id,
        })
    });
    let ids: Vec<Uuid> = rows.iter().map(|r| r.document_id).collect();
    let versions = document_queries::versions(&mut tx, tenant, &ids)
        .await
        .map_err(EfileError::from)?;
    Ok(Response::new(proto::ListDocumentsResponse {
        documents: convert::from_rows(rows, versions, api.rules(&caller.tenant_id)),
        next_page_token,
    }))
}

pub(super) async fn get_case_file(
    api: &EfileApi,
    request: Request<proto::GetCaseFileRequest>,
) -> Result<Response<proto::GetCaseFileResponse>, Status> {
    let read = ReadContext::from_request(&request)?;
    let req = request.into_inner();
    let case = Uuid::parse_str(&req.case_id).ok().map(case_object);
    Ok(api
        .parts
        .access
        .audited(&read, case, read_case_file(api, &read, req))
        .await?)
}

async fn read_case_file(
    api: &EfileApi,
    read: &ReadContext,
    req: proto::GetCaseFileRequest,
) -> Result<Response<proto::GetCaseFileResponse>, Status> {
    let caller = read.caller();
    let tenant = caller.tenant_id.as_str();
    let case_id = parse_uuid(&req.case_id, "case_id")?;
    api.wait(req.min_position.as_ref(), "min_position.token")
        .await?;
    let mut tx = api.tenant_tx(&caller.tenant_id).await?;
    // The case must be the caller's to reach: of its tenant, and an applicant's own.
    crate::projections::case_directory::get(&mut tx, tenant, case_id)
        .await
        .map_err(EfileError::from)?
        .filter(|case| read.may_reach(&case.applicant_account))
        .ok_or(EfileError::NotFound)?;
    let rows = document_queries::case_file(&mut tx, tenant, case_id)
        .await
        .map_err(EfileError::from)?;
    let ids: Vec<Uuid> = rows.iter().map(|r| r.document_id).collect();
    let versions = document_queries::versions(&mut tx, tenant, &ids)
        .await
        .map_err(EfileError::from)?;
    Ok(Response::new(proto::GetCaseFileResponse {
        documents: convert::from_rows(rows, versions, api.rules(&caller.tenant_id)),
    }))
}

pub(super) async fn get_document_history(
    api: &EfileApi,
    request: Request<proto::GetDocumentHistoryRequest>,
) -> Result<Response<proto::GetDocumentHistoryResponse>, Status> {
    let read = ReadContext::from_request(&request)?;
    let req = request.into_inner();
    let (response, _) = api
        .parts
        .access
        .audited_with(
            &read,
            None,
            read_history(api, &read, req),
            |(_, case_id): &(Response<proto::GetDocumentHistoryResponse>, Uuid)| {
                [case_object(*case_id)]
            },
        )
        .await?;
    Ok(response)
}

async fn read_history(
    api: &EfileApi,
    read: &ReadContext,
    req: proto::GetDocumentHistoryRequest,
) -> Result<(Response<proto::GetDocumentHistoryResponse>, Uuid), Status> {
    let caller = read.caller();
    let document_id = parse_uuid(&req.document_id, "document_id")?;
    let mut tx = api.tenant_tx(&caller.tenant_id).await?;
    let recorded = api
        .parts
        .log
        .read_stream_in(&mut tx, &stream_id(document_id), 0, HISTORY_MAX)
        .await
        .map_err(EfileError::from)?;
    drop(tx);
    let document = crate::commands::fold(recorded.clone(), caller.tenant_id.as_str())?
        .document
        .ok_or(EfileError::NotFound)?;
    let mut entries = Vec::with_capacity(recorded.len());
    for event in &recorded {
        let description = history::describe_recorded(&event.event_type, &event.payload)
            .map_err(EfileError::from)?;
        entries.push(proto::DocumentHistoryEntry {
            version: event.version,
            event_type: event.event_type.clone(),
            recorded_at: Some(dates::to_timestamp(event.recorded_at)),
            actor: event.metadata.actor.clone().unwrap_or_default(),
            description,
        });
    }
    Ok((
        Response::new(proto::GetDocumentHistoryResponse { entries }),
        document.case_id,
    ))
}

pub(super) fn get_filing_rules(
    api: &EfileApi,
    request: Request<proto::GetFilingRulesRequest>,
) -> Result<Response<proto::GetFilingRulesResponse>, Status> {
    let authorized = platform::authz::Authorized::from_request(&request)?;
    let rules = api.rules(&authorized.caller.tenant_id);
    Ok(Response::new(proto::GetFilingRulesResponse {
        tags: rules.vocabulary(),
        retention: rules
            .rules()
            .into_iter()
            .map(|(ty, rule)| proto::RetentionRule {
                r#type: ty.to_proto() as i32,
                start: match rule.start {
                    crate::domain::rules::RetentionStart::CaseClosed => {
                        proto::RetentionStart::CaseClosed as i32
                    }
                    crate::domain::rules::RetentionStart::Receipt => {
                        proto::RetentionStart::Receipt as i32
                    }
                },
                years: rule.years,
            })
            .collect(),
        max_document_bytes: i64::try_from(api.parts.max_document_bytes).unwrap_or(i64::MAX),
    }))
}
