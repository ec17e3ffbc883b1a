//! The work queue (ListTasks), the tenant's assignment rules (SetAssignmentRules,
//! GetAssignmentRules) and caseworkers' absences (RecordCaseworkerAbsence).
//!
//! Whose queue a caller may read: their own (with what they stand in for), any team's (team
//! membership is not in the identity tokens yet, and staff may work any case of their
//! jobcenter anyway), and another caseworker's only as team lead or auditor; a caseworker
//! asking for a colleague's queue is refused `PERMISSION_DENIED`. Rules and absences are
//! recorded in the case log (streams `assignment-rules-<tenant>` and `staff-<tenant>`), read
//! back from their projections.

use access_log::{ObjectKind, ObjectRef, ReadContext};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, NaiveDate};
use eventlog::{AppendCommand, EventMetadata, ExpectedVersion};
use jobcenter_proto::case::v1 as proto;
use jobcenter_proto::common::v1::Position;
use platform::Role;
use platform::authz::Authorized;
use platform::status::{FieldViolation, invalid_argument};
use tonic::{Request, Response, Status};
use uuid::Uuid;

use super::CaseApi;
use super::convert::{page_size, split_page};
use crate::consistency::wait_for_projection;
use crate::domain::assignment::{self, Absence, Violation};
use crate::domain::{self, Event, dates};
use crate::error::CaseError;
use crate::projections::absences;
use crate::projections::assignment_rules::{self, RulesError};
use crate::projections::tasks::{self, Queue, TaskCursor, TaskRow};

/// Default and largest page of ListTasks.
const TASKS_DEFAULT: i64 = 100;
const TASKS_MAX: i64 = 500;

pub(super) async fn list_tasks(
    api: &CaseApi,
    request: Request<proto::ListTasksRequest>,
) -> Result<Response<proto::ListTasksResponse>, Status> {
    let read = ReadContext::from_request(&request)?;
    let req = request.into_inner();
    // The tasks name cases: each case listed is on record.
    let listed = |r: &Response<proto::ListTasksResponse>| {
        r.get_ref()
            .tasks
            .iter()
            .filter_map(|task| ObjectRef::parse(ObjectKind::Case, &task.case_id))
            .collect::<Vec<_>>()
    };
    let read_it = read_tasks(api, &read, req);
    Ok(api
        .access
        .audited_with(&read, None, read_it, listed)
        .await?)
}

async fn read_tasks(
    api: &CaseApi,
    read: &ReadContext,
    req: proto::ListTasksRequest,
) -> Result<Response<proto::ListTasksResponse>, Status> {
    let caller = read.caller();
    let size = page_size(req.page_size, TASKS_DEFAULT, TASKS_MAX, "page_size")?;
    let after = match req.page_token.as_str() {
        "" => None,
        token => Some(decode_cursor(token)?),
    };
    let team = req.team.trim();
    let caseworker = match req.caseworker.trim() {
        "" => caller.subject.as_str(),
        named => named,
    };
    let queue = if !team.is_empty() {
        Queue::Team(team)
    } else {
        let sees_all = caller.has_role(Role::TeamLead) || caller.has_role(Role::Auditor);
        if caseworker != caller.subject && !sees_all {
            return Err(Status::permission_denied(
                "a caseworker reads their own queue and their team's; a colleague's only a \
                 team lead",
            ));
        }
        Queue::Caseworker(caseworker)
    };
    // The queue reads two read models: the tasks and the absences (for stand-ins).
    for read_model in [tasks::NAME, absences::NAME] {
        wait_for_projection(
            &api.pool,
            req.min_position.as_ref().map(|p| p.token.as_str()),
            "min_position.token",
            api.wait_timeout,
            read_model,
        )
        .await?;
    }
    let today = api.clock.today();
    let mut tx = api.tenant_tx(caller).await?;
    let rows = tasks::list(
        &mut tx,
        caller.tenant_id.as_str(),
        queue,
        today,
        after,
        size + 1,
    )
    .await
    .map_err(CaseError::from)?;
    let (rows, next_page_token) = split_page(rows, size, |last| {
        encode_cursor(TaskCursor {
            due_on: last.due_on,
            priority: last.priority,
            opened_at: last.opened_at,
            task_id: last.task_id,
        })
    });
    Ok(Response::new(proto::ListTasksResponse {
        tasks: rows
            .into_iter()
            .map(|row| task_to_proto(row, today))
            .collect(),
        next_page_token,
    }))
}

fn task_to_proto(row: TaskRow, today: NaiveDate) -> proto::Task {
    proto::Task {
        task_id: row.task_id.to_string(),
        case_id: row.case_id.to_string(),
        kind: row.kind,
        title: row.title,
        checklist: row.checklist,
        due_on: Some(dates::to_proto(row.due_on)),
        priority: row.priority,
        overdue: row.due_on < today,
        assignee: row.assignee,
        team: row.team,
        opened_at: Some(domain::to_timestamp(row.opened_at)),
        application_id: row.application_id,
        substitution: row.substitution,
    }
}

/// `base64url(<due day>:<priority>:<opened_at µs>:<task_id>)`: opaque to clients.
fn encode_cursor(cursor: TaskCursor) -> String {
    URL_SAFE_NO_PAD.encode(format!(
        "{}:{}:{}:{}",
        cursor.due_on.format("%Y-%m-%d"),
        cursor.priority,
        cursor.opened_at.timestamp_micros(),
        cursor.task_id
    ))
}

fn decode_cursor(token: &str) -> Result<TaskCursor, CaseError> {
    let invalid = || CaseError::invalid("page_token", "not a token from a previous page");
    let bytes = URL_SAFE_NO_PAD.decode(token).map_err(|_| invalid())?;
    let text = String::from_utf8(bytes).map_err(|_| invalid())?;
    let mut parts = text.splitn(4, ':');
    let mut next = || parts.next().ok_or_else(invalid);
    let due_on = NaiveDate::parse_from_str(next()?, "%Y-%m-%d").map_err(|_| invalid())?;
    let priority = next()?.parse().map_err(|_| invalid())?;
    let micros: i64 = next()?.parse().map_err(|_| invalid())?;
    let task_id = Uuid::parse_str(next()?).map_err(|_| invalid())?;
    Ok(TaskCursor {
        due_on,
        priority,
        opened_at: DateTime::from_timestamp_micros(micros).ok_or_else(invalid)?,
        task_id,
    })
}

pub(super) async fn set_assignment_rules(
    api: &CaseApi,
    request: Request<proto::SetAssignmentRulesRequest>,
) -> Result<Response<proto::SetAssignmentRulesResponse>, Status> {
    let authorized = Authorized::from_request(&request)?;
    let req = request.into_inner();
    let command_id = parse_command_id(&req.command_id);
    let rules = assignment::validate(&req.rules);
    let (command_id, rules) = match (command_id, rules) {
        (Ok(command_id), Ok(rules)) => (command_id, rules),
        (command_id, rules) => {
            let mut violations = command_id.err().unwrap_or_default();
            violations.extend(rules.err().unwrap_or_default());
            return Err(refuse(violations));
        }
    };
    let event = Event::AssignmentRulesSet(proto::AssignmentRulesSet {
        rules: rules.iter().map(assignment::to_record).collect(),
    });
    let tenant = authorized.caller.tenant_id.as_str();
    let position = record(
        api,
        &authorized,
        command_id,
        assignment::rules_stream(tenant),
        event,
    )
    .await?;
    Ok(Response::new(proto::SetAssignmentRulesResponse {
        position: Some(position),
    }))
}

pub(super) async fn get_assignment_rules(
    api: &CaseApi,
    request: Request<proto::GetAssignmentRulesRequest>,
) -> Result<Response<proto::GetAssignmentRulesResponse>, Status> {
    let read = ReadContext::from_request(&request)?;
    let req = request.into_inner();
    Ok(api
        .access
        .audited(&read, None, read_rules(api, &read, req))
        .await?)
}

async fn read_rules(
    api: &CaseApi,
    read: &ReadContext,
    req: proto::GetAssignmentRulesRequest,
) -> Result<Response<proto::GetAssignmentRulesResponse>, Status> {
    let caller = read.caller();
    wait_for_projection(
        &api.pool,
        req.min_position.as_ref().map(|p| p.token.as_str()),
        "min_position.token",
        api.wait_timeout,
        assignment_rules::NAME,
    )
    .await?;
    let mut tx = api.tenant_tx(caller).await?;
    let rules = assignment_rules::rules(&mut tx, caller.tenant_id.as_str())
        .await
        .map_err(|e| match e {
            RulesError::Database(e) => CaseError::Database(e),
            RulesError::Decode(e) => CaseError::Decode(e),
        })?;
    Ok(Response::new(proto::GetAssignmentRulesResponse {
        rules: rules.iter().map(assignment::to_proto).collect(),
    }))
}

pub(super) async fn record_caseworker_absence(
    api: &CaseApi,
    request: Request<proto::RecordCaseworkerAbsenceRequest>,
) -> Result<Response<proto::RecordCaseworkerAbsenceResponse>, Status> {
    let authorized = Authorized::from_request(&request)?;
    let req = request.into_inner();
    let command_id = parse_command_id(&req.command_id);
    let day =
        |d: &Option<jobcenter_proto::common::v1::Date>| d.as_ref().and_then(dates::from_proto);
    let absence = Absence::new(
        &req.caseworker,
        day(&req.first_day),
        day(&req.last_day),
        &req.substitute,
    );
    let (command_id, absence) = match (command_id, absence) {
        (Ok(command_id), Ok(absence)) => (command_id, absence),
        (command_id, absence) => {
            let mut violations = command_id.err().unwrap_or_default();
            violations.extend(absence.err().unwrap_or_default());
            return Err(refuse(violations));
        }
    };
    let caller = &authorized.caller;
    if absence.caseworker != caller.subject && !caller.has_role(Role::TeamLead) {
        return Err(Status::permission_denied(
            "a caseworker records only their own absence; a colleague's a team lead",
        ));
    }
    let event = Event::CaseworkerAbsenceRecorded(proto::CaseworkerAbsenceRecorded {
        caseworker: absence.caseworker,
        first_day: Some(dates::to_proto(absence.first_day)),
        last_day: Some(dates::to_proto(absence.last_day)),
        substitute: absence.substitute,
    });
    let stream = assignment::staff_stream(caller.tenant_id.as_str());
    let position = record(api, &authorized, command_id, stream, event).await?;
    Ok(Response::new(proto::RecordCaseworkerAbsenceResponse {
        position: Some(position),
    }))
}

fn parse_command_id(value: &str) -> Result<Uuid, Vec<Violation>> {
    Uuid::parse_str(value).map_err(|_| {
        vec![Violation {
            field: "command_id".into(),
            description: "must be a UUID".into(),
        }]
    })
}

/// `INVALID_ARGUMENT` naming every violation; nothing was recorded.
fn refuse(violations: Vec<Violation>) -> Status {
    invalid_argument(
        "the request is invalid",
        violations
            .into_iter()
            .map(|v| FieldViolation::new(v.field, v.description))
            .collect(),
    )
}

/// Appends `event` to the tenant's `stream` (whatever its version: the newest record counts),
/// once per command id; the position to wait for.
async fn record(
    api: &CaseApi,
    authorized: &Authorized,
    command_id: Uuid,
    stream: String,
    event: Event,
) -> Result<Position, CaseError> {
    let caller = &authorized.caller;
    // The caller's id, scoped to its tenant and the stream (see `scoped_command_id`).
    let command_id =
        crate::commands::scoped_command_id(caller.tenant_id.as_str(), &stream, command_id);
    let metadata = EventMetadata {
        actor: Some(caller.subject.clone()),
        correlation_id: Some(command_id),
        causation_id: None,
        command_id: Some(command_id),
        traceparent: platform::telemetry::propagation::current_traceparent(),
        case_id: None,
    };
    let outcome = api
        .commands
        .log()
        .append(AppendCommand {
            command_id,
            stream_id: stream,
            tenant_id: caller.tenant_id.as_str().to_owned(),
            expected: ExpectedVersion::Any,
            events: vec![event.to_new_event(metadata)],
        })
        .await
        .map_err(CaseError::from)?;
    Ok(Position {
        token: api.commands.log().token(outcome.position).to_string(),
    })
}
