//! Submissions no case holds: listed for the team, and filed onto a case by hand.

use access_log::{ObjectKind, ObjectRef, ReadContext};
use jobcenter_proto::case::v1 as proto;
use platform::authz::Authorized;
use tonic::{Request, Response, Status};

use super::CaseApi;
use super::commands::target;
use super::convert::{decode_cursor, encode_cursor, page_size, parse_uuid, split_page};
use crate::domain::case::Command;
use crate::error::CaseError;
use crate::projections::case_view::{self, ListCursor};
use crate::reactors::open_case::{self, UnfiledRow};

/// Default and largest page of ListUnfiledSubmissions.
const DEFAULT: i64 = 50;
const MAX: i64 = 500;

fn to_proto(row: &UnfiledRow) -> proto::UnfiledSubmission {
    proto::UnfiledSubmission {
        application_id: row.application_id.to_string(),
        kind: row.kind,
        received_at: row.received_at.map(crate::domain::to_timestamp),
        reason: row.reason.clone(),
    }
}

async fn list(
    api: &CaseApi,
    read: &ReadContext,
    req: proto::ListUnfiledSubmissionsRequest,
) -> Result<Response<proto::ListUnfiledSubmissionsResponse>, Status> {
    let caller = read.caller();
    let size = page_size(req.page_size, DEFAULT, MAX, "page_size")?;
    // The page token is a (time, id) cursor like ListCases'.
    let after = match req.page_token.as_str() {
        "" => None,
        token => {
            let cursor = decode_cursor(token)?;
            Some((cursor.opened_at, cursor.case_id))
        }
    };
    api.wait(req.min_position.as_ref(), "min_position.token")
        .await?;
    let mut tx = api.tenant_tx(caller).await?;
    let rows = open_case::list_unfiled(&mut tx, caller.tenant_id.as_str(), after, size + 1)
        .await
        .map_err(CaseError::from)?;
    let (rows, next_page_token) = split_page(rows, size, |last| {
        encode_cursor(ListCursor {
            opened_at: last.recorded_at,
            case_id: last.application_id,
        })
    });
    Ok(Response::new(proto::ListUnfiledSubmissionsResponse {
        submissions: rows.iter().map(to_proto).collect(),
        next_page_token,
    }))
}

pub(super) async fn list_unfiled_submissions(
    api: &CaseApi,
    request: Request<proto::ListUnfiledSubmissionsRequest>,
) -> Result<Response<proto::ListUnfiledSubmissionsResponse>, Status> {
    let read = ReadContext::from_request(&request)?;
    let req = request.into_inner();
    let listed = |r: &Response<proto::ListUnfiledSubmissionsResponse>| {
        r.get_ref()
            .submissions
            .iter()
            .filter_map(|s| ObjectRef::parse(ObjectKind::Application, &s.application_id))
            .collect::<Vec<_>>()
    };
    Ok(api
        .access
        .audited_with(&read, None, list(api, &read, req), listed)
        .await?)
}

pub(super) async fn file_submission(
    api: &CaseApi,
    request: Request<proto::FileSubmissionRequest>,
) -> Result<Response<proto::FileSubmissionResponse>, Status> {
    let authorized = Authorized::from_request(&request)?;
    let req = request.into_inner();
    let target = target(req.command.as_ref())?;
    let application_id = parse_uuid(&req.application_id, "application_id")?;
    let caller = &authorized.caller;
    let mut tx = api.tenant_tx(caller).await?;
    let row = open_case::unfiled_submission(&mut tx, caller.tenant_id.as_str(), application_id)
        .await
        .map_err(CaseError::from)?
        .ok_or_else(|| {
            CaseError::invalid(
                "application_id",
                "is no unfiled submission of this jobcenter",
            )
        })?;
    // Filed already onto another case: not again (a retry onto the same case is answered by
    // the command path with its first result).
    let holder = case_view::find_by_application(&mut tx, caller.tenant_id.as_str(), application_id)
        .await
        .map_err(CaseError::from)?;
    drop(tx);
    if let Some(holder) = holder
        && holder.case_id != target.case_id
    {
        return Err(CaseError::AlreadyFiled.into());
    }
    let sick_note = row.sick_note();
    let matter = proto::MatterAttached {
        application_id: row.application_id.to_string(),
        kind: row.kind,
        received_at: row.received_at.map(crate::domain::to_timestamp),
        warnings: row.warnings,
    };
    // A sick note is recorded as the filing reactor would have recorded it.
    let command = match sick_note {
        Some(form) => Command::AttachSickNote { matter, form },
        None => Command::AttachMatter(matter),
    };
    let done = api.execute(&authorized, target, command).await?;
    Ok(Response::new(proto::FileSubmissionResponse {
        result: Some(api.result(&done)),
    }))
}
