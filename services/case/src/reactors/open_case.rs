//! Files what intake accepts onto cases: a main application opens a case (or joins the open
//! case of the same applicant account), continuation applications, notices and sick notes attach
//! to the existing case as matters (`domain::filing` decides which). A sick-note form is
//! recorded by the platform in the same append (`domain::sick_notes::decide_form`).
//!
//! Runs as a projection over the intake log (source `intake`): for each
//! `intake.ApplicationSubmitted` it appends to the case log with `EventLog::append_in` inside the
//! runner's batch transaction, so the append and the checkpoint commit together (exactly once).
//! The command id is derived from the intake event id, so even a replay without checkpoint
//! appends nothing twice. It also records the case-log position it appended at in
//! `cases.reactor_emitted`, so a query holding an intake token can wait for the case log in turn,
//! and the cases each applicant account opened in `cases.account_cases`. A submission naming no
//! case of the tenant lands in `cases.unfiled_submissions` instead of being dropped.

use std::sync::Arc;

use chrono::{DateTime, NaiveDate, Utc};

use eventlog::{
    AppendCommand, EventLog, EventMetadata, ExpectedVersion, LogPosition, RecordedEvent,
};
use futures::future::BoxFuture;
use jobcenter_proto::case::v1 as proto;
use jobcenter_proto::intake::v1 as intake;
use projection::{Projection, ProjectionError};
use prost::Message;
use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

use crate::commands::{self, CaseCommands, Issuer};
use crate::domain::case::Command;
use crate::domain::dates::Clock;
use crate::domain::filing::{self, CaseHint, Filing};
use crate::domain::lifecycle::Stage;
use crate::domain::sick_notes::FormSickNote;
use crate::domain::{OpenCase, decide_open, reaction_command_id, stream_id};
use crate::error::CaseError;

/// Name of the reactor (its checkpoint key and its row in `cases.reactor_emitted`).
pub const NAME: &str = "open_case";
/// The intake event it reacts to.
const APPLICATION_SUBMITTED: &str = "intake.ApplicationSubmitted";

/// The reactor; holds the case log it appends to.
#[derive(Debug, Clone)]
pub struct OpenCaseReactor {
    commands: CaseCommands,
    clock: Arc<dyn Clock>,
}

fn apply_error(error: impl std::error::Error + Send + Sync + 'static) -> ProjectionError {
    ProjectionError::Apply(Box::new(error))
}

impl OpenCaseReactor {
    /// A reactor appending through `commands`, dating its decisions by `clock`.
    pub fn new(commands: CaseCommands, clock: Arc<dyn Clock>) -> Self {
        Self { commands, clock }
    }

    fn log(&self) -> &EventLog {
        self.commands.log()
    }

    async fn react(
        &self,
        tx: &mut PgConnection,
        event: &RecordedEvent,
    ) -> Result<(), ProjectionError> {
        let submitted =
            intake::ApplicationSubmitted::decode(event.payload.as_slice()).map_err(apply_error)?;
        let filing = match filing::file(&submitted) {
            Ok(filing) => filing,
            Err(rejection) => {
                // Intake validated the submission; an incomplete event is a bug there. Keep it
                // for the team rather than stop every case from opening, and say so loudly.
                tracing::error!(event_id = %event.event_id, %rejection, "cannot file a submission");
                return unfiled(tx, event, &submitted, &rejection.to_string()).await;
            }
        };
        match filing {
            Filing::Open { open, join, matter } => {
                let joined = match join {
                    Some(account) => open_case_of_account(self, tx, &event.tenant_id, &account)
                        .await
                        .map_err(apply_error)?,
                    None => None,
                };
                match joined {
                    Some(case_id) => {
                        self.attach(tx, event, case_id, Command::AttachMatter(matter))
                            .await
                    }
                    None => self.open(tx, event, open).await,
                }
            }
            Filing::Attach {
                hint,
                matter,
                sick_note,
            } => {
                let case_id = match hint {
                    CaseHint::Case(case_id) => Some(case_id),
                    CaseHint::Account(account) => {
                        newest_case_of_account(tx, &event.tenant_id, &account).await?
                    }
                };
                let command = match sick_note {
                    Some(form) => Command::AttachSickNote { matter, form },
                    None => Command::AttachMatter(matter),
                };
                match case_id {
                    Some(case_id) => self.attach(tx, event, case_id, command).await,
                    None => {
                        unfiled(tx, event, &submitted, "no case found for the submission").await
                    }
                }
            }
        }
    }

    async fn open(
        &self,
        tx: &mut PgConnection,
        event: &RecordedEvent,
        cmd: OpenCase,
    ) -> Result<(), ProjectionError> {
        let case_id = cmd.case_id;
        let account = cmd.applicant_account.clone();
        let opened_at = event.recorded_at;
        let events = decide_open(None, cmd).map_err(apply_error)?;
        let command_id = reaction_command_id(event.event_id);
        let new_events = events
            .iter()
            .map(|opened| opened.to_new_event(metadata(event, command_id, case_id)))
            .collect();
        let append = AppendCommand {
            command_id,
            stream_id: stream_id(case_id),
            tenant_id: event.tenant_id.clone(),
            expected: ExpectedVersion::NoStream,
            events: new_events,
        };
        let mut outcomes = self.log().append_in(&mut *tx, vec![append]).await?;
        match outcomes.pop() {
            Some(Ok(outcome)) => {
                if !account.is_empty() {
                    sqlx::query(
                        "INSERT INTO cases.account_cases \
                         (tenant_id, applicant_account, case_id, opened_at) \
                         VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
                    )
                    .bind(&event.tenant_id)
                    .bind(&account)
                    .bind(case_id)
                    .bind(opened_at)
                    .execute(&mut *tx)
                    .await?;
                }
                record_emitted(tx, outcome.position).await
            }
            Some(Err(eventlog::AppendError::Conflict { .. })) => {
                // The case exists already (opened for this application by an earlier command).
                tracing::info!(%case_id, "case already open");
                Ok(())
            }
            Some(Err(eventlog::AppendError::Database(e))) => Err(e.into()),
            Some(Err(taken @ eventlog::AppendError::CommandIdTaken { .. })) => {
                Err(ProjectionError::Apply(Box::new(taken)))
            }
            None => Err(ProjectionError::Apply("the log returned no outcome".into())),
        }
    }

    async fn attach(
        &self,
        tx: &mut PgConnection,
        event: &RecordedEvent,
        case_id: Uuid,
        command: Command,
    ) -> Result<(), ProjectionError> {
        let command_id = reaction_command_id(event.event_id);
        let issuer = Issuer {
            tenant_id: event.tenant_id.clone(),
            actor: format!("reactor:{NAME}"),
            command_id,
            causation_id: Some(event.event_id),
            correlation_id: event.metadata.correlation_id,
            traceparent: event.metadata.traceparent.clone(),
        };
        let executed = self
            .commands
            .execute_in(&mut *tx, &issuer, case_id, command, self.clock.today())
            .await;
        match executed {
            Ok(done) => record_emitted(tx, done.position).await,
            Err(CaseError::NotFound) => {
                let submitted = intake::ApplicationSubmitted::decode(event.payload.as_slice())
                    .map_err(apply_error)?;
                unfiled(tx, event, &submitted, "the named case does not exist").await
            }
            Err(error) => Err(apply_error(error)),
        }
    }
}

fn metadata(event: &RecordedEvent, command_id: Uuid, case_id: Uuid) -> EventMetadata {
    EventMetadata {
        actor: Some(format!("reactor:{NAME}")),
        correlation_id: event.metadata.correlation_id,
        causation_id: Some(event.event_id),
        command_id: Some(command_id),
        traceparent: event.metadata.traceparent.clone(),
        case_id: Some(case_id.to_string()),
    }
}

/// The newest case the applicant account opened in the tenant, if any.
async fn newest_case_of_account(
    tx: &mut PgConnection,
    tenant: &str,
    account: &str,
) -> Result<Option<Uuid>, ProjectionError> {
    Ok(sqlx::query_scalar(
        "SELECT case_id FROM cases.account_cases WHERE tenant_id = $1 AND applicant_account = $2 \
         ORDER BY opened_at DESC, case_id LIMIT 1",
    )
    .bind(tenant)
    .bind(account)
    .fetch_optional(&mut *tx)
    .await?)
}

/// The newest case of the account that is not closed: a further main application of the same
/// household joins it instead of opening a second case.
async fn open_case_of_account(
    reactor: &OpenCaseReactor,
    tx: &mut PgConnection,
    tenant: &str,
    account: &str,
) -> Result<Option<Uuid>, CaseError> {
    let candidates: Vec<Uuid> = sqlx::query_scalar(
        "SELECT case_id FROM cases.account_cases WHERE tenant_id = $1 AND applicant_account = $2 \
         ORDER BY opened_at DESC, case_id",
    )
    .bind(tenant)
    .bind(account)
    .fetch_all(&mut *tx)
    .await?;
    for case_id in candidates {
        let recorded = reactor
            .log()
            .read_stream_in(&mut *tx, &stream_id(case_id), 0, i64::from(i32::MAX))
            .await?;
        let (case, _) = commands::load(&recorded, tenant)?;
        if !matches!(case.stage, Stage::Closed { .. }) {
            return Ok(Some(case_id));
        }
    }
    Ok(None)
}

/// Keeps a submission that could not be filed (idempotent by application id).
async fn unfiled(
    tx: &mut PgConnection,
    event: &RecordedEvent,
    submitted: &intake::ApplicationSubmitted,
    reason: &str,
) -> Result<(), ProjectionError> {
    let Ok(application_id) = Uuid::parse_str(&submitted.application_id) else {
        tracing::error!(event_id = %event.event_id, "submission without application id");
        return Ok(());
    };
    let kind = submitted
        .form
        .as_ref()
        .map(|form| filing::matter_kind(form) as i32)
        .unwrap_or_default();
    let received_at = submitted
        .received_at
        .as_ref()
        .and_then(crate::domain::to_utc);
    let warnings = filing::warning_lines(submitted);
    // A sick note keeps its form's period, so that filing it by hand records it as the reactor
    // would have (FileSubmission).
    let sick_note = match &submitted.form {
        Some(intake::application_submitted::Form::SickNote(note)) => {
            Some(filing::form_sick_note(note))
        }
        _ => None,
    };
    let sick_note = sick_note.as_ref();
    tracing::warn!(event_id = %event.event_id, reason, "submission not filed onto a case");
    sqlx::query(
        "INSERT INTO cases.unfiled_submissions \
         (tenant_id, application_id, kind, received_at, reason, warnings, incapacity_from, \
          incapacity_until, issued_on, certificate) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT DO NOTHING",
    )
    .bind(&event.tenant_id)
    .bind(application_id)
    .bind(kind)
    .bind(received_at)
    .bind(reason)
    .bind(warnings)
    .bind(sick_note.and_then(|n| n.incapacity_from))
    .bind(sick_note.and_then(|n| n.incapacity_until))
    .bind(sick_note.and_then(|n| n.issued_on))
    .bind(sick_note.map_or(0, |n| n.certificate as i32))
    .execute(&mut *tx)
    .await?;
    Ok(())
}

/// A submission kept unfiled.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct UnfiledRow {
    pub application_id: Uuid,
    pub kind: i32,
    pub received_at: Option<DateTime<Utc>>,
    pub reason: String,
    pub warnings: Vec<String>,
    pub recorded_at: DateTime<Utc>,
    /// A sick note's period and certificate as its form stated them (none for other kinds,
    /// and for sick notes kept before these were).
    pub incapacity_from: Option<NaiveDate>,
    pub incapacity_until: Option<NaiveDate>,
    pub issued_on: Option<NaiveDate>,
    /// `SickNoteCertificate` as number.
    pub certificate: i32,
}

impl UnfiledRow {
    /// The form of a sick note kept unfiled; `None` for other kinds.
    pub fn sick_note(&self) -> Option<FormSickNote> {
        (self.kind == proto::MatterKind::SickNote as i32).then(|| FormSickNote {
            incapacity_from: self.incapacity_from,
            incapacity_until: self.incapacity_until,
            issued_on: self.issued_on,
            certificate: proto::SickNoteCertificate::try_from(self.certificate).unwrap_or_default(),
        })
    }
}

/// The columns of [`UnfiledRow`].
const UNFILED_COLUMNS: &str = "u.application_id, u.kind, u.received_at, u.reason, u.warnings, \
     u.recorded_at, u.incapacity_from, u.incapacity_until, u.issued_on, u.certificate";

/// Where a page of [`list_unfiled`] starts: after this (recorded_at, application_id).
pub type UnfiledCursor = (DateTime<Utc>, Uuid);

/// Up to `limit` unfiled submissions of a tenant that no case holds (yet), oldest first, after
/// `after`. `conn` is a tenant-scoped transaction of the api role. A submission filed by hand
/// leaves the list because a case holds it, not by deleting its row: a replay of this reactor
/// writes the row again, and the list stays the same.
pub async fn list_unfiled(
    conn: &mut PgConnection,
    tenant: &str,
    after: Option<UnfiledCursor>,
    limit: i64,
) -> Result<Vec<UnfiledRow>, sqlx::Error> {
    sqlx::query_as(&format!(
        "SELECT {UNFILED_COLUMNS} \
         FROM cases.unfiled_submissions u \
         WHERE u.tenant_id = $1 \
           AND ($2::timestamptz IS NULL OR (u.recorded_at, u.application_id) > ($2, $3)) \
           AND NOT EXISTS (SELECT 1 FROM cases.case_view v \
                            WHERE v.tenant_id = u.tenant_id \
                              AND v.application_ids @> ARRAY[u.application_id]) \
         ORDER BY u.recorded_at, u.application_id LIMIT $4"
    ))
    .bind(tenant)
    .bind(after.map(|(at, _)| at))
    .bind(after.map(|(_, id)| id))
    .bind(limit)
    .fetch_all(conn)
    .await
}

/// The unfiled submission `application_id` of a tenant, if it is one (`conn` as for
/// [`list_unfiled`]).
pub async fn unfiled_submission(
    conn: &mut PgConnection,
    tenant: &str,
    application_id: Uuid,
) -> Result<Option<UnfiledRow>, sqlx::Error> {
    sqlx::query_as(&format!(
        "SELECT {UNFILED_COLUMNS} FROM cases.unfiled_submissions u \
         WHERE u.tenant_id = $1 AND u.application_id = $2"
    ))
    .bind(tenant)
    .bind(application_id)
    .fetch_optional(conn)
    .await
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
        self.log().notify_appended();
    }

    /// A reactor's effects are events, which are never deleted; only its bookkeeping goes
    /// (a replay appends nothing twice and writes the same rows again).
    fn reset<'a>(&'a self, tx: &'a mut PgConnection) -> BoxFuture<'a, Result<(), ProjectionError>> {
        Box::pin(async move {
            sqlx::query("DELETE FROM cases.reactor_emitted WHERE reactor = $1")
                .bind(NAME)
                .execute(&mut *tx)
                .await?;
            sqlx::query("DELETE FROM cases.account_cases")
                .execute(&mut *tx)
                .await?;
            sqlx::query("DELETE FROM cases.unfiled_submissions")
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
