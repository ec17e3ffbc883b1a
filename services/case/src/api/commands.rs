//! The command RPCs: parse the request into a domain command, execute it on the case, answer
//! with the case's version and the position to wait for.

use jobcenter_proto::case::v1 as proto;
use jobcenter_proto::common::v1::{Date, Position};
use platform::authz::Authorized;
use tonic::{Request, Response, Status};
use uuid::Uuid;

use super::CaseApi;
use super::convert::parse_uuid;
use crate::commands::{Executed, Issuer};
use crate::domain::case::Command;
use crate::domain::{codec, dates};
use crate::error::CaseError;

/// What every command request carries, parsed.
pub(super) struct Target {
    pub(super) case_id: Uuid,
    command_id: Uuid,
    expected: Option<i32>,
}

pub(super) fn target(command: Option<&proto::CaseCommand>) -> Result<Target, CaseError> {
    let command = command.ok_or_else(|| CaseError::invalid("command", "is required"))?;
    Ok(Target {
        case_id: parse_uuid(&command.case_id, "command.case_id")?,
        command_id: parse_uuid(&command.command_id, "command.command_id")?,
        expected: match command.expected_version {
            Some(v) if v < 1 => {
                return Err(CaseError::invalid(
                    "command.expected_version",
                    "must be 1 or more (a case starts at version 1)",
                ));
            }
            other => other,
        },
    })
}

fn date(value: Option<&Date>, field: &'static str) -> Result<chrono::NaiveDate, CaseError> {
    let value = value.ok_or_else(|| CaseError::invalid(field, "is required"))?;
    dates::from_proto(value).ok_or_else(|| CaseError::invalid(field, "is not a valid date"))
}

/// A bounded free text (notes, document descriptions).
fn text(value: String, field: &'static str, max: usize) -> Result<String, CaseError> {
    if value.chars().count() > max {
        return Err(CaseError::invalid(
            field,
            format!("must be at most {max} characters"),
        ));
    }
    Ok(value.trim().to_owned())
}

/// Largest note and document description.
const NOTE_MAX: usize = 2_000;
const DOCUMENT_MAX: usize = 200;
const DOCUMENTS_MAX: usize = 30;

impl CaseApi {
    /// Executes `command` for the authorized caller; an applicant (own scope) reaches only the
    /// case of their own account.
    pub(super) async fn execute(
        &self,
        authorized: &Authorized,
        target: Target,
        command: Command,
    ) -> Result<Executed, CaseError> {
        let caller = &authorized.caller;
        let issuer = Issuer {
            tenant_id: caller.tenant_id.as_str().to_owned(),
            actor: caller.subject.clone(),
            command_id: target.command_id,
            causation_id: None,
            correlation_id: Some(target.command_id),
            traceparent: platform::telemetry::propagation::current_traceparent(),
        };
        self.commands
            .execute(
                &issuer,
                target.case_id,
                target.expected,
                |case| authorized.may_reach(&case.applicant_account),
                command,
                self.clock.today(),
            )
            .await
    }

    pub(super) fn result(&self, executed: &Executed) -> proto::CommandResult {
        proto::CommandResult {
            version: executed.version,
            position: Some(Position {
                token: self.commands.log().token(executed.position).to_string(),
            }),
        }
    }
}

/// Parses, authorizes and executes one command RPC; `parse` turns the request into the target
/// and the domain command.
pub(super) async fn run<Req>(
    api: &CaseApi,
    request: Request<Req>,
    parse: impl FnOnce(Req) -> Result<(Target, Command), CaseError>,
) -> Result<Executed, Status> {
    let authorized = Authorized::from_request(&request)?;
    let (target, command) = parse(request.into_inner())?;
    Ok(api.execute(&authorized, target, command).await?)
}

pub(super) async fn start_review(
    api: &CaseApi,
    request: Request<proto::StartReviewRequest>,
) -> Result<Response<proto::StartReviewResponse>, Status> {
    let done = run(api, request, |r| {
        Ok((target(r.command.as_ref())?, Command::StartReview))
    })
    .await?;
    Ok(Response::new(proto::StartReviewResponse {
        result: Some(api.result(&done)),
    }))
}

pub(super) async fn request_documents(
    api: &CaseApi,
    request: Request<proto::RequestDocumentsRequest>,
) -> Result<Response<proto::RequestDocumentsResponse>, Status> {
    let done = run(api, request, |r| {
        let target = target(r.command.as_ref())?;
        let due = date(r.due.as_ref(), "due")?;
        if r.documents.is_empty() || r.documents.len() > DOCUMENTS_MAX {
            return Err(CaseError::invalid(
                "documents",
                format!("name between 1 and {DOCUMENTS_MAX} documents"),
            ));
        }
        let mut documents = Vec::with_capacity(r.documents.len());
        for document in r.documents {
            let document = text(document, "documents", DOCUMENT_MAX)?;
            if document.is_empty() {
                return Err(CaseError::invalid("documents", "must not be empty"));
            }
            documents.push(document);
        }
        Ok((target, Command::RequestDocuments { due, documents }))
    })
    .await?;
    Ok(Response::new(proto::RequestDocumentsResponse {
        result: Some(api.result(&done)),
    }))
}

pub(super) async fn record_documents_received(
    api: &CaseApi,
    request: Request<proto::RecordDocumentsReceivedRequest>,
) -> Result<Response<proto::RecordDocumentsReceivedResponse>, Status> {
    let done = run(api, request, |r| {
        let target = target(r.command.as_ref())?;
        let note = text(r.note, "note", NOTE_MAX)?;
        Ok((target, Command::ReceiveDocuments { note }))
    })
    .await?;
    Ok(Response::new(proto::RecordDocumentsReceivedResponse {
        result: Some(api.result(&done)),
    }))
}

pub(super) async fn warn_of_refusal(
    api: &CaseApi,
    request: Request<proto::WarnOfRefusalRequest>,
) -> Result<Response<proto::WarnOfRefusalResponse>, Status> {
    let done = run(api, request, |r| {
        let target = target(r.command.as_ref())?;
        let due = date(r.due.as_ref(), "due")?;
        Ok((target, Command::WarnOfRefusal { due }))
    })
    .await?;
    Ok(Response::new(proto::WarnOfRefusalResponse {
        result: Some(api.result(&done)),
    }))
}

pub(super) async fn issue_decision(
    api: &CaseApi,
    request: Request<proto::IssueDecisionRequest>,
) -> Result<Response<proto::IssueDecisionResponse>, Status> {
    let done = run(api, request, |r| {
        let target = target(r.command.as_ref())?;
        let outcome = codec::outcome_from_proto(r.outcome).ok_or_else(|| {
            CaseError::invalid("outcome", "choose how the application is decided")
        })?;
        Ok((
            target,
            Command::IssueDecision {
                outcome,
                provisional: r.provisional,
            },
        ))
    })
    .await?;
    Ok(Response::new(proto::IssueDecisionResponse {
        result: Some(api.result(&done)),
    }))
}

pub(super) async fn file_objection(
    api: &CaseApi,
    request: Request<proto::FileObjectionRequest>,
) -> Result<Response<proto::FileObjectionResponse>, Status> {
    let done = run(api, request, |r| {
        Ok((target(r.command.as_ref())?, Command::FileObjection))
    })
    .await?;
    let late = done
        .events
        .iter()
        .any(|event| matches!(event, crate::domain::Event::ObjectionFiled(filed) if filed.late));
    Ok(Response::new(proto::FileObjectionResponse {
        result: Some(api.result(&done)),
        late,
    }))
}

pub(super) async fn decide_objection(
    api: &CaseApi,
    request: Request<proto::DecideObjectionRequest>,
) -> Result<Response<proto::DecideObjectionResponse>, Status> {
    let done = run(api, request, |r| {
        let target = target(r.command.as_ref())?;
        let result = codec::objection_result_from_proto(r.result)
            .ok_or_else(|| CaseError::invalid("result", "choose remedy or rejection"))?;
        Ok((target, Command::DecideObjection { result }))
    })
    .await?;
    Ok(Response::new(proto::DecideObjectionResponse {
        result: Some(api.result(&done)),
    }))
}

pub(super) async fn close_case(
    api: &CaseApi,
    request: Request<proto::CloseCaseRequest>,
) -> Result<Response<proto::CloseCaseResponse>, Status> {
    let done = run(api, request, |r| {
        let target = target(r.command.as_ref())?;
        let reason = match proto::CloseReason::try_from(r.reason) {
            Ok(proto::CloseReason::Unspecified) | Err(_) => {
                return Err(CaseError::invalid("reason", "say why the case closes"));
            }
            Ok(reason) => reason,
        };
        Ok((target, Command::Close { reason }))
    })
    .await?;
    Ok(Response::new(proto::CloseCaseResponse {
        result: Some(api.result(&done)),
    }))
}

pub(super) async fn decide_matter(
    api: &CaseApi,
    request: Request<proto::DecideMatterRequest>,
) -> Result<Response<proto::DecideMatterResponse>, Status> {
    let done = run(api, request, |r| {
        let target = target(r.command.as_ref())?;
        let application_id = parse_uuid(&r.application_id, "application_id")?.to_string();
        let outcome = match proto::MatterOutcome::try_from(r.outcome) {
            Ok(proto::MatterOutcome::Unspecified) | Err(_) => {
                return Err(CaseError::invalid(
                    "outcome",
                    "choose how the matter is decided",
                ));
            }
            Ok(outcome) => outcome,
        };
        let note = text(r.note, "note", NOTE_MAX)?;
        Ok((
            target,
            Command::DecideMatter {
                application_id,
                outcome,
                note,
            },
        ))
    })
    .await?;
    Ok(Response::new(proto::DecideMatterResponse {
        result: Some(api.result(&done)),
    }))
}

pub(super) async fn assign_case(
    api: &CaseApi,
    request: Request<proto::AssignCaseRequest>,
) -> Result<Response<proto::AssignCaseResponse>, Status> {
    let done = run(api, request, |r| {
        let target = target(r.command.as_ref())?;
        let team = text(r.team, "team", 100)?;
        if team.is_empty() {
            return Err(CaseError::invalid("team", "is required"));
        }
        let caseworker = text(r.caseworker, "caseworker", 200)?;
        Ok((
            target,
            Command::Assign {
                caseworker,
                team,
                source: proto::AssignmentSource::Manual,
                rule_id: String::new(),
            },
        ))
    })
    .await?;
    Ok(Response::new(proto::AssignCaseResponse {
        result: Some(api.result(&done)),
    }))
}
