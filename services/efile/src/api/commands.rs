//! The command RPCs besides uploads: change a document's metadata, place and lift a legal
//! hold, run the deletion run now. Each parses its request into a domain command (every
//! invalid field named), executes it on the document's stream, and answers the position to
//! wait for.

use jobcenter_proto::efile::v1 as proto;
use platform::authz::Authorized;
use tonic::{Request, Response, Status};
use uuid::Uuid;

use super::convert::{self, Checks, parse_uuid};
use super::{EfileApi, issuer};
use crate::commands::Executed;
use crate::domain::document::Command;
use crate::domain::metadata;
use crate::error::EfileError;

pub(super) async fn change_document_metadata(
    api: &EfileApi,
    request: Request<proto::ChangeDocumentMetadataRequest>,
) -> Result<Response<proto::ChangeDocumentMetadataResponse>, Status> {
    let authorized = Authorized::from_request(&request)?;
    let req = request.into_inner();
    let tenant = authorized.caller.tenant_id.clone();
    let mut checks = Checks::default();
    let document_id = checks.keep(parse_uuid(&req.document_id, "document_id"));
    let command_id = checks.keep(parse_uuid(&req.command_id, "command_id"));
    let expected = checks.keep(expected_version(req.expected_version));
    let case_id = checks.keep(parse_uuid(&req.case_id, "case_id"));
    let doc_type = checks.keep(convert::document_type(req.r#type, "type"));
    let tags = checks.keep_all(metadata::tags(&req.tags, api.rules(&tenant), "tags"));
    let reason = checks.keep_one(metadata::reason(&req.reason, "reason"));
    checks.finish()?;
    let (
        Some(document_id),
        Some(command_id),
        Some(expected),
        Some(case_id),
        Some(doc_type),
        Some(tags),
        Some(reason),
    ) = (
        document_id,
        command_id,
        expected,
        case_id,
        doc_type,
        tags,
        reason,
    )
    else {
        return Err(EfileError::invalid("request", "is invalid").into());
    };
    // The document may only move to a case of the tenant the E-Akte knows.
    let case = api.reachable_case(&authorized, case_id).await?;
    let command = Command::ChangeMetadata {
        case_id,
        doc_type,
        tags,
        reason,
        changed_by: authorized.caller.subject.clone(),
    };
    let executed = execute(api, &authorized, document_id, command_id, expected, command).await?;
    let closed_on = if executed.document.case_id == case.case_id {
        case.closed_on
    } else {
        api.closed_on(&tenant, executed.document.case_id).await?
    };
    Ok(Response::new(proto::ChangeDocumentMetadataResponse {
        document: Some(convert::from_state(
            &executed.document,
            api.rules(&tenant),
            closed_on,
        )),
        position: Some(convert::position(&api.parts.log, executed.position)),
    }))
}

pub(super) async fn place_legal_hold(
    api: &EfileApi,
    request: Request<proto::PlaceLegalHoldRequest>,
) -> Result<Response<proto::PlaceLegalHoldResponse>, Status> {
    let authorized = Authorized::from_request(&request)?;
    let req = request.into_inner();
    let (document_id, command_id, reason) =
        hold_request(&req.document_id, &req.command_id, &req.reason)?;
    let command = Command::PlaceLegalHold {
        reason,
        placed_by: authorized.caller.subject.clone(),
    };
    let executed = execute(api, &authorized, document_id, command_id, None, command).await?;
    Ok(Response::new(proto::PlaceLegalHoldResponse {
        position: Some(convert::position(&api.parts.log, executed.position)),
    }))
}

pub(super) async fn lift_legal_hold(
    api: &EfileApi,
    request: Request<proto::LiftLegalHoldRequest>,
) -> Result<Response<proto::LiftLegalHoldResponse>, Status> {
    let authorized = Authorized::from_request(&request)?;
    let req = request.into_inner();
    let (document_id, command_id, reason) =
        hold_request(&req.document_id, &req.command_id, &req.reason)?;
    let command = Command::LiftLegalHold {
        reason,
        lifted_by: authorized.caller.subject.clone(),
    };
    let executed = execute(api, &authorized, document_id, command_id, None, command).await?;
    Ok(Response::new(proto::LiftLegalHoldResponse {
        position: Some(convert::position(&api.parts.log, executed.position)),
    }))
}

pub(super) async fn run_retention(
    api: &EfileApi,
    request: Request<proto::RunRetentionRequest>,
) -> Result<Response<proto::RunRetentionResponse>, Status> {
    let authorized = Authorized::from_request(&request)?;
    let report = api
        .parts
        .retention
        .run_tenant(authorized.caller.tenant_id.as_str())
        .await?;
    Ok(Response::new(proto::RunRetentionResponse {
        deleted: report.deleted,
        held: report.held,
    }))
}

/// The fields of a hold request, checked.
fn hold_request(
    document_id: &str,
    command_id: &str,
    reason: &str,
) -> Result<(Uuid, Uuid, String), EfileError> {
    let mut checks = Checks::default();
    let document_id = checks.keep(parse_uuid(document_id, "document_id"));
    let command_id = checks.keep(parse_uuid(command_id, "command_id"));
    let reason = checks.keep_one(metadata::reason(reason, "reason"));
    checks.finish()?;
    match (document_id, command_id, reason) {
        (Some(d), Some(c), Some(r)) => Ok((d, c, r)),
        _ => Err(EfileError::invalid("request", "is invalid")),
    }
}

fn expected_version(given: Option<i32>) -> Result<Option<i32>, EfileError> {
    match given {
        Some(v) if v < 1 => Err(EfileError::invalid(
            "expected_version",
            "must be 1 or more (a document starts at version 1)",
        )),
        other => Ok(other),
    }
}

/// Executes `command` on a document the caller may reach (staff: any of the tenant).
async fn execute(
    api: &EfileApi,
    authorized: &Authorized,
    document_id: Uuid,
    command_id: Uuid,
    expected: Option<i32>,
    command: Command,
) -> Result<Executed, EfileError> {
    api.parts
        .commands
        .execute(
            &issuer(authorized, command_id),
            document_id,
            expected,
            command,
        )
        .await
}
