//! The sick-note RPCs (docs/casework/sick-notes.md): a caseworker confirms or corrects a scanned
//! sick note under review (ConfirmSickNote), takes note of one the platform recorded
//! (AcknowledgeSickNote), and reads the incapacity periods of a case (ListIncapacities, in the
//! read-access log like every read of social data).

use access_log::{ObjectKind, ObjectRef, ReadContext};
use jobcenter_proto::case::v1 as proto;
use jobcenter_proto::common::v1::Date;
use tonic::{Request, Response, Status};

use super::CaseApi;
use super::commands::{run, target};
use super::convert::{parse_uuid, reachable};
use crate::consistency::wait_for_projection;
use crate::domain::case::Command;
use crate::domain::dates;
use crate::domain::sick_notes::{Confirmation, IncapacityPeriod};
use crate::error::CaseError;
use crate::projections::{case_view, incapacities};

/// A required day; a missing or impossible one adds a violation of `field`.
fn required_day(
    value: Option<&Date>,
    field: &'static str,
    violations: &mut Vec<(&'static str, String)>,
) -> Option<chrono::NaiveDate> {
    let Some(value) = value else {
        violations.push((field, "is required".to_owned()));
        return None;
    };
    let day = dates::from_proto(value);
    if day.is_none() {
        violations.push((field, "is not a valid date".to_owned()));
    }
    day
}

/// The caseworker's confirmation in a ConfirmSickNote request, or every field violation in it.
fn confirmation(request: &proto::ConfirmSickNoteRequest) -> Result<Confirmation, CaseError> {
    let document_id = parse_uuid(&request.document_id, "document_id")?.to_string();
    let mut violations = Vec::new();
    let from = required_day(
        request.incapacity_from.as_ref(),
        "incapacity_from",
        &mut violations,
    );
    let until = required_day(
        request.incapacity_until.as_ref(),
        "incapacity_until",
        &mut violations,
    );
    let issued_on = match request.issued_on.as_ref() {
        None => None,
        Some(day) => {
            let parsed = dates::from_proto(day);
            if parsed.is_none() {
                violations.push(("issued_on", "is not a valid date".to_owned()));
            }
            parsed
        }
    };
    let certificate = proto::SickNoteCertificate::try_from(request.certificate).ok();
    if certificate.is_none() {
        violations.push(("certificate", "unknown certificate kind".to_owned()));
    }
    let period = match (from, until) {
        (Some(from), Some(until)) => match IncapacityPeriod::new(from, until) {
            Ok(period) => Some(period),
            Err(_) => {
                violations.push((
                    "incapacity_until",
                    "must not be before incapacity_from".to_owned(),
                ));
                None
            }
        },
        _ => None,
    };
    match (period, certificate) {
        (Some(period), Some(certificate)) if violations.is_empty() => Ok(Confirmation {
            document_id,
            period,
            issued_on,
            certificate,
        }),
        _ => Err(CaseError::InvalidFields(violations)),
    }
}

pub(super) async fn confirm_sick_note(
    api: &CaseApi,
    request: Request<proto::ConfirmSickNoteRequest>,
) -> Result<Response<proto::ConfirmSickNoteResponse>, Status> {
    let done = run(api, request, |r| {
        let target = target(r.command.as_ref())?;
        Ok((target, Command::ConfirmSickNote(confirmation(&r)?)))
    })
    .await?;
    Ok(Response::new(proto::ConfirmSickNoteResponse {
        result: Some(api.result(&done)),
    }))
}

pub(super) async fn acknowledge_sick_note(
    api: &CaseApi,
    request: Request<proto::AcknowledgeSickNoteRequest>,
) -> Result<Response<proto::AcknowledgeSickNoteResponse>, Status> {
    let done = run(api, request, |r| {
        let target = target(r.command.as_ref())?;
        // Record ids are UUIDs (an application's or a document's), in one spelling.
        let record_id = parse_uuid(&r.record_id, "record_id")?.to_string();
        Ok((target, Command::AcknowledgeSickNote { record_id }))
    })
    .await?;
    Ok(Response::new(proto::AcknowledgeSickNoteResponse {
        result: Some(api.result(&done)),
    }))
}

pub(super) async fn list_incapacities(
    api: &CaseApi,
    request: Request<proto::ListIncapacitiesRequest>,
) -> Result<Response<proto::ListIncapacitiesResponse>, Status> {
    let read = ReadContext::from_request(&request)?;
    let req = request.into_inner();
    let case = ObjectRef::parse(ObjectKind::Case, &req.case_id);
    Ok(api
        .access
        .audited(&read, case, read_incapacities(api, &read, req))
        .await?)
}

async fn read_incapacities(
    api: &CaseApi,
    read: &ReadContext,
    req: proto::ListIncapacitiesRequest,
) -> Result<Response<proto::ListIncapacitiesResponse>, Status> {
    let caller = read.caller();
    let case_id = parse_uuid(&req.case_id, "case_id")?;
    // The case's existence (and the applicant's own reach) comes from case_view, the periods
    // from incapacities: both must have applied the position.
    for read_model in [case_view::NAME, incapacities::NAME] {
        wait_for_projection(
            &api.pool,
            req.min_position.as_ref().map(|p| p.token.as_str()),
            "min_position.token",
            api.wait_timeout,
            read_model,
        )
        .await?;
    }
    let mut tx = api.tenant_tx(caller).await?;
    let row = case_view::get(&mut tx, caller.tenant_id.as_str(), case_id)
        .await
        .map_err(CaseError::from)?;
    reachable(read, row)?;
    let rows = incapacities::list(&mut tx, caller.tenant_id.as_str(), case_id)
        .await
        .map_err(CaseError::from)?;
    Ok(Response::new(proto::ListIncapacitiesResponse {
        incapacities: rows
            .iter()
            .map(incapacities::IncapacityRow::to_proto)
            .collect(),
    }))
}
