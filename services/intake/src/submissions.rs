//! Accepting and reading submissions against the event log: the I/O around the pure decider.
//!
//! Acceptance appends with `ExpectedVersion::NoStream` and the application id as command id, so
//! the event id is deterministic. A retry (same submission id) either comes back from the log as
//! a duplicate or as a conflict on the existing stream; in both cases the recorded event is read
//! and the decider says whether it is the same application (answer as before) or not (refused).
//!
//! Appends go through the log's writer (the worker role); reads go through the api role's pool,
//! in a transaction scoped to the caller's tenant, where row-level security shows no other
//! tenant's events.
//!
//! Listing reads the log's own table (every stream here is one write-once submission), newest
//! first by log position, keyed by the position for the next page. With many submissions per
//! tenant a read model would serve this better; the log is the only table intake has so far.

use chrono::{DateTime, Utc};
use eventlog::{
    AppendCommand, EventLog, EventMetadata, ExpectedVersion, LogPosition, NewEvent, RecordedEvent,
};
use jobcenter_proto::intake::v1 as proto;
use platform::TenantId;
use prost::Message;
use sqlx::PgPool;
use uuid::Uuid;

use crate::domain::submission::{APPLICATION_SUBMITTED, APPLICATION_SUBMITTED_VERSION};
use crate::domain::{
    Event, SubmissionId, SubmissionState, SubmitApplication, application_id, decide_submit, evolve,
    stream_id,
};
use crate::error::IntakeError;

/// A recorded acceptance and where it was committed.
#[derive(Debug, Clone, PartialEq)]
pub struct Accepted {
    /// The recorded event's payload.
    pub event: proto::ApplicationSubmitted,
    /// Where it was committed.
    pub position: LogPosition,
}

/// Who asked, for the event's metadata.
#[derive(Debug, Clone, Default)]
pub struct Provenance {
    /// The caller's pseudonymous subject.
    pub actor: Option<String>,
    /// W3C traceparent of the current span.
    pub traceparent: Option<String>,
}

/// Accepts `cmd` idempotently; see the module comment. `api` is the api role's pool, which
/// reads back an earlier acceptance.
pub async fn accept(
    log: &EventLog,
    api: &PgPool,
    cmd: SubmitApplication,
    provenance: Provenance,
) -> Result<Accepted, IntakeError> {
    let app_id = application_id(&cmd.tenant_id, cmd.submission_id);
    let tenant_id = cmd.tenant_id.clone();
    let events = decide_submit(&SubmissionState::NotSubmitted, cmd.clone())
        .map_err(|_| IntakeError::SubmissionIdReused)?;
    let new_events = events
        .iter()
        .map(|event| encode(event, app_id, &provenance))
        .collect();
    let append = AppendCommand {
        command_id: app_id,
        stream_id: stream_id(app_id),
        tenant_id: tenant_id.clone(),
        expected: ExpectedVersion::NoStream,
        events: new_events,
    };
    match log.append(append).await {
        Ok(outcome) if !outcome.duplicate => {
            let Some(Event::ApplicationSubmitted(event)) = events.into_iter().next() else {
                return Err(IntakeError::Conflict);
            };
            Ok(Accepted {
                event,
                position: outcome.position,
            })
        }
        Ok(_) | Err(eventlog::AppendError::Conflict { .. }) => {
            already_recorded(log, api, &tenant_id, app_id, cmd).await
        }
        Err(e) => Err(e.into()),
    }
}

/// The stream exists already: answer as the first time, or refuse different content.
async fn already_recorded(
    log: &EventLog,
    api: &PgPool,
    tenant_id: &str,
    app_id: Uuid,
    cmd: SubmitApplication,
) -> Result<Accepted, IntakeError> {
    let Some((state, position)) = load(log, api, tenant_id, app_id).await? else {
        return Err(IntakeError::Conflict);
    };
    decide_submit(&state, cmd).map_err(|_| IntakeError::SubmissionIdReused)?;
    match state {
        SubmissionState::Submitted(event) => Ok(Accepted {
            event: *event,
            position,
        }),
        SubmissionState::NotSubmitted => Err(IntakeError::Conflict),
    }
}

/// The recorded submission of `tenant`, or `NotFound`, read through `api` (the api role's pool).
pub async fn get(
    log: &EventLog,
    api: &PgPool,
    tenant: &TenantId,
    submission_id: SubmissionId,
) -> Result<Accepted, IntakeError> {
    get_application(
        log,
        api,
        tenant,
        application_id(tenant.as_str(), submission_id),
    )
    .await
}

/// The recorded application `app_id` of `tenant`, or `NotFound`.
pub async fn get_application(
    log: &EventLog,
    api: &PgPool,
    tenant: &TenantId,
    app_id: Uuid,
) -> Result<Accepted, IntakeError> {
    match load(log, api, tenant.as_str(), app_id).await? {
        Some((SubmissionState::Submitted(event), position)) => Ok(Accepted {
            event: *event,
            position,
        }),
        _ => Err(IntakeError::NotFound),
    }
}

/// Folds the application's stream; `None` if it holds nothing of this tenant.
/// The position is that of the first (accepting) event.
///
/// Read in a transaction of the api role scoped to the tenant: row-level security shows no
/// other tenant's events (the filter below says the same in Rust). A tenant id that is not
/// valid has no submissions.
async fn load(
    log: &EventLog,
    api: &PgPool,
    tenant_id: &str,
    app_id: Uuid,
) -> Result<Option<(SubmissionState, LogPosition)>, IntakeError> {
    let Ok(tenant) = TenantId::parse(tenant_id) else {
        return Ok(None);
    };
    let mut tx = platform::db::begin_for_tenant(api, &tenant)
        .await
        .map_err(eventlog::EventLogError::from)?;
    let recorded = log
        .read_stream_in(&mut tx, &stream_id(app_id), 0, 100)
        .await?;
    drop(tx);
    let mine: Vec<&RecordedEvent> = recorded
        .iter()
        .filter(|e| e.tenant_id == tenant_id)
        .collect();
    let Some(first) = mine.first() else {
        return Ok(None);
    };
    let position = first.position;
    let mut state = SubmissionState::NotSubmitted;
    for event in mine {
        if let Some(decoded) = decode(event)? {
            state = evolve(state, &decoded);
        }
    }
    Ok(Some((state, position)))
}

/// One page of a listing.
#[derive(Debug, Clone, PartialEq)]
pub struct Page {
    /// The submissions, newest first.
    pub items: Vec<Accepted>,
    /// Where the next page starts (exclusive), if there may be one.
    pub next_before: Option<i64>,
}

/// Submissions of `tenant`, newest first, before log position `before` (all when `None`), at
/// most `limit`; only those submitted by `owner` when given. Read through `api` (the api role's
/// pool) in a transaction scoped to the tenant.
pub async fn list(
    log: &EventLog,
    api: &PgPool,
    tenant: &TenantId,
    owner: Option<&str>,
    before: Option<i64>,
    limit: u32,
) -> Result<Page, IntakeError> {
    // The schema name was validated when the log was built; it cannot carry SQL.
    let sql = format!(
        "SELECT (tx_id::text)::bigint AS tx, global_position, payload FROM {schema}.events \
         WHERE tenant_id = $1 AND event_type = $2 AND version = 1 \
           AND ($3::bigint IS NULL OR global_position < $3) \
           AND ($4::text IS NULL OR convert_from(metadata, 'UTF8')::jsonb ->> 'actor' = $4) \
         ORDER BY global_position DESC LIMIT $5",
        schema = log.schema()
    );
    let mut tx = platform::db::begin_for_tenant(api, tenant)
        .await
        .map_err(eventlog::EventLogError::from)?;
    let rows: Vec<(i64, i64, Vec<u8>)> = sqlx::query_as(&sql)
        .bind(tenant.as_str())
        .bind(APPLICATION_SUBMITTED)
        .bind(before)
        .bind(owner)
        .bind(i64::from(limit))
        .fetch_all(&mut *tx)
        .await
        .map_err(eventlog::EventLogError::from)?;
    drop(tx);
    let full = rows.len() == limit as usize;
    let next_before = rows
        .last()
        .filter(|_| full)
        .map(|(_, position, _)| *position);
    let items = rows
        .into_iter()
        .map(|(tx_id, position, payload)| {
            Ok(Accepted {
                event: proto::ApplicationSubmitted::decode(payload.as_slice())?,
                position: LogPosition::new(u64::try_from(tx_id).unwrap_or(0), position),
            })
        })
        .collect::<Result<Vec<_>, IntakeError>>()?;
    Ok(Page { items, next_before })
}

fn encode(event: &Event, app_id: Uuid, provenance: &Provenance) -> NewEvent {
    let Event::ApplicationSubmitted(payload) = event;
    NewEvent {
        event_type: APPLICATION_SUBMITTED.to_owned(),
        schema_version: APPLICATION_SUBMITTED_VERSION,
        payload: payload.encode_to_vec(),
        metadata: EventMetadata {
            actor: provenance.actor.clone(),
            correlation_id: Some(app_id),
            causation_id: None,
            command_id: Some(app_id),
            traceparent: provenance.traceparent.clone(),
            // The case a matter belongs to, as the submitter named it (none for a main
            // application: the case service derives its case from the application id).
            case_id: (!payload.case_id.is_empty()).then(|| payload.case_id.clone()),
        },
    }
}

/// Decodes a recorded event of this service; unknown types are skipped.
pub fn decode(event: &RecordedEvent) -> Result<Option<Event>, IntakeError> {
    match event.event_type.as_str() {
        APPLICATION_SUBMITTED => Ok(Some(Event::ApplicationSubmitted(
            proto::ApplicationSubmitted::decode(event.payload.as_slice())?,
        ))),
        _ => Ok(None),
    }
}

/// The receipt time of a recorded acceptance.
pub fn received_at(event: &proto::ApplicationSubmitted) -> Option<DateTime<Utc>> {
    event
        .received_at
        .as_ref()
        .and_then(|t| DateTime::from_timestamp(t.seconds, u32::try_from(t.nanos).unwrap_or(0)))
}
