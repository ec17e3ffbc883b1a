//! Opens a case when intake accepts an application.
//!
//! Runs as a projection over the intake log (source `intake`): for each
//! `intake.ApplicationSubmitted` it appends `case.CaseOpened` to the case log with
//! `EventLog::append_in` inside the runner's batch transaction, so the append and the
//! checkpoint commit together (exactly once). The command id is derived from the intake event id,
//! so even a replay without checkpoint appends nothing twice. It also records the case-log
//! position it appended at in `cases.reactor_emitted`, so a query holding an intake token can
//! wait for the case log in turn.

use eventlog::{
    AppendCommand, EventLog, EventMetadata, ExpectedVersion, LogPosition, NewEvent, RecordedEvent,
};
use futures::future::BoxFuture;
use jobcenter_proto::intake::v1 as intake;
use projection::{Projection, ProjectionError};
use prost::Message;
use sqlx::{PgConnection, PgPool};

use crate::domain::{
    CASE_OPENED, CASE_OPENED_VERSION, CaseState, Event, OpenCase, decide_open, reaction_command_id,
    stream_id,
};

/// Name of the reactor (its checkpoint key and its row in `cases.reactor_emitted`).
pub const NAME: &str = "open_case";
/// The intake event it reacts to.
const APPLICATION_SUBMITTED: &str = "intake.ApplicationSubmitted";

/// The reactor; holds the case log it appends to.
#[derive(Debug, Clone)]
pub struct OpenCaseReactor {
    log: EventLog,
}

impl OpenCaseReactor {
    /// A reactor appending to `log`.
    pub fn new(log: EventLog) -> Self {
        Self { log }
    }

    async fn react(
        &self,
        tx: &mut PgConnection,
        event: &RecordedEvent,
    ) -> Result<(), ProjectionError> {
        let submitted = intake::ApplicationSubmitted::decode(event.payload.as_slice())
            .map_err(|e| ProjectionError::Apply(Box::new(e)))?;
        let cmd = match OpenCase::from_submitted(&submitted) {
            Ok(cmd) => cmd,
            Err(rejection) => {
                // Intake validated the application; an incomplete event is a bug there. Skip it
                // rather than stop every case from opening, and say so loudly.
                tracing::error!(event_id = %event.event_id, %rejection, "cannot open a case");
                return Ok(());
            }
        };
        let case_id = cmd.case_id;
        let events =
            decide_open(&CaseState::None, cmd).map_err(|e| ProjectionError::Apply(Box::new(e)))?;
        let command_id = reaction_command_id(event.event_id);
        let new_events = events
            .iter()
            .map(|Event::CaseOpened(opened)| NewEvent {
                event_type: CASE_OPENED.to_owned(),
                schema_version: CASE_OPENED_VERSION,
                payload: opened.encode_to_vec(),
                metadata: EventMetadata {
                    actor: Some(format!("reactor:{NAME}")),
                    correlation_id: event.metadata.correlation_id,
                    causation_id: Some(event.event_id),
                    command_id: Some(command_id),
                    traceparent: event.metadata.traceparent.clone(),
                    case_id: Some(case_id.to_string()),
                },
            })
            .collect();
        let append = AppendCommand {
            command_id,
            stream_id: stream_id(case_id),
            tenant_id: event.tenant_id.clone(),
            expected: ExpectedVersion::NoStream,
            events: new_events,
        };
        let mut outcomes = self.log.append_in(&mut *tx, vec![append]).await?;
        match outcomes.pop() {
            Some(Ok(outcome)) => record_emitted(tx, outcome.position).await,
            Some(Err(eventlog::AppendError::Conflict { .. })) => {
                // The case exists already (opened for this application by an earlier command).
                tracing::info!(%case_id, "case already open");
                Ok(())
            }
            Some(Err(eventlog::AppendError::Database(e))) => Err(e.into()),
            None => Err(ProjectionError::Apply("the log returned no outcome".into())),
        }
    }
}

impl Projection for OpenCaseReactor {
    fn name(&self) -> &'static str {
        NAME
    }

    fn apply<'a>(
        &'a self,
        tx: &'a mut PgConnection,
        event: &'a RecordedEvent,
    ) -> BoxFuture<'a, Result<(), ProjectionError>> {
        Box::pin(async move {
            if event.event_type == APPLICATION_SUBMITTED {
                self.react(tx, event).await?;
            }
            Ok(())
        })
    }

    /// The case events appended in the batch are committed now: wake the case log's relay.
    fn after_commit(&self) {
        self.log.notify_appended();
    }

    /// A reactor's effects are events, which are never deleted; only its bookkeeping goes.
    fn reset<'a>(&'a self, tx: &'a mut PgConnection) -> BoxFuture<'a, Result<(), ProjectionError>> {
        Box::pin(async move {
            sqlx::query("DELETE FROM cases.reactor_emitted WHERE reactor = $1")
                .bind(NAME)
                .execute(&mut *tx)
                .await?;
            Ok(())
        })
    }

    fn digest<'a>(
        &'a self,
        conn: &'a mut PgConnection,
    ) -> BoxFuture<'a, Result<Vec<u8>, ProjectionError>> {
        Box::pin(projection::digest_rows(
            conn,
            "SELECT reactor, tx_id, position FROM cases.reactor_emitted ORDER BY reactor",
        ))
    }
}

/// Remembers the newest case-log position this reactor appended at (in its transaction).
async fn record_emitted(tx: &mut PgConnection, at: LogPosition) -> Result<(), ProjectionError> {
    let tx_id = i64::try_from(at.tx_id).map_err(|_| ProjectionError::PositionOutOfRange)?;
    sqlx::query(
        "INSERT INTO cases.reactor_emitted (reactor, tx_id, position) VALUES ($1, $2, $3) \
         ON CONFLICT (reactor) DO UPDATE SET tx_id = excluded.tx_id, position = excluded.position \
         WHERE (cases.reactor_emitted.tx_id, cases.reactor_emitted.position) \
             < (excluded.tx_id, excluded.position)",
    )
    .bind(NAME)
    .bind(tx_id)
    .bind(at.position)
    .execute(&mut *tx)
    .await?;
    Ok(())
}

/// The newest case-log position the reactor appended at, if any. Queries read it through the
/// api role's pool without a tenant: it holds a position, no tenant's data.
pub async fn last_emitted(pool: &PgPool) -> Result<Option<LogPosition>, sqlx::Error> {
    let row: Option<(i64, i64)> =
        sqlx::query_as("SELECT tx_id, position FROM cases.reactor_emitted WHERE reactor = $1")
            .bind(NAME)
            .fetch_optional(pool)
            .await?;
    Ok(row.map(|(tx_id, position)| LogPosition::new(u64::try_from(tx_id).unwrap_or(0), position)))
}
