//! Executes commands on a case: load its stream, fold it, decide, append with the version it
//! was decided on. The one write path for caseworkers' RPCs, the reactors and the deadline
//! watcher.
//!
//! Idempotent by command id: a command whose events are already in the stream answers with
//! the earlier result without deciding again (a retry after a lost answer must not be refused
//! because the case moved on). Without an expected version from the caller, a concurrent write
//! makes it decide again on the newer state (a few times); with one, the caller gets ABORTED.

use std::sync::Arc;

use chrono::NaiveDate;
use eventlog::{
    AppendCommand, AppendError, EventLog, EventMetadata, ExpectedVersion, LogPosition,
    RecordedEvent,
};
use sqlx::PgConnection;
use uuid::Uuid;

use crate::domain::case::{self, Case, Command};
use crate::domain::periods::TenantPeriods;
use crate::domain::{Event, stream_id};
use crate::error::CaseError;

/// Namespace of the command ids the log sees (see [`scoped_command_id`]).
const SCOPED_COMMANDS: Uuid = Uuid::from_u128(0x0b7f_3d52_e1a4_4c69_9f28_5a6d_c3e1_7b40);

/// The command id the log records for a caller's `command_id` on `stream` of `tenant`
/// ([`eventlog::scoped_command_id`] in the case service's namespace).
pub fn scoped_command_id(tenant: &str, stream: &str, command_id: Uuid) -> Uuid {
    eventlog::scoped_command_id(&SCOPED_COMMANDS, tenant, stream, command_id)
}

/// How often a command without expected version is decided again after a concurrent write.
const ATTEMPTS: usize = 3;
/// More events than any case stream holds in practice; a longer stream is refused loudly rather
/// than decided on a truncated history.
const MAX_STREAM: i64 = 100_000;

/// Who sends a command and under which identifiers (recorded in the events' metadata).
#[derive(Debug, Clone)]
pub struct Issuer {
    /// The caller's tenant: the case must be one of its own.
    pub tenant_id: String,
    /// The acting subject, e.g. a caseworker's `sub` or `reactor:<name>`.
    pub actor: String,
    /// The command's idempotency key as the caller chose it (scoped by tenant and stream before
    /// it reaches the log: [`scoped_command_id`]).
    pub command_id: Uuid,
    /// The event or request that caused the command.
    pub causation_id: Option<Uuid>,
    /// The correlation id of everything one request caused.
    pub correlation_id: Option<Uuid>,
    /// W3C trace context.
    pub traceparent: Option<String>,
}

/// What a command recorded (or had recorded before).
#[derive(Debug, Clone, PartialEq)]
pub struct Executed {
    /// The case version after the command.
    pub version: i32,
    /// The log position of the command's last event, or of the case's last event when the
    /// command had nothing to record.
    pub position: LogPosition,
    /// The events the command recorded (empty for a repeat or a no-op).
    pub events: Vec<Event>,
}

/// The command path of the case service.
#[derive(Debug, Clone)]
pub struct CaseCommands {
    log: EventLog,
    periods: Arc<TenantPeriods>,
}

impl CaseCommands {
    /// Commands appending to `log` (the worker role's log writer), deciding with each
    /// jobcenter's legal `periods`.
    pub fn new(log: EventLog, periods: Arc<TenantPeriods>) -> Self {
        Self { log, periods }
    }

    /// The case log.
    pub fn log(&self) -> &EventLog {
        &self.log
    }

    /// Executes `command` on case `case_id` as `issuer` on `today`. `may` decides whether the
    /// issuer may act on the folded case (an applicant only on their own); a case it may not
    /// reach is NOT_FOUND, like another tenant's.
    pub async fn execute(
        &self,
        issuer: &Issuer,
        case_id: Uuid,
        expected: Option<i32>,
        may: impl Fn(&Case) -> bool,
        command: Command,
        today: NaiveDate,
    ) -> Result<Executed, CaseError> {
        let stream = stream_id(case_id);
        let command_id = scoped_command_id(&issuer.tenant_id, &stream, issuer.command_id);
        for _ in 0..ATTEMPTS {
            let recorded = self
                .log
                .read_stream(&stream, 0, MAX_STREAM)
                .await
                .map_err(CaseError::from)?;
            let (case, last) = load(&recorded, &issuer.tenant_id)?;
            if !may(&case) {
                return Err(CaseError::NotFound);
            }
            if let Some(earlier) = earlier_result(&recorded, command_id) {
                return Ok(earlier);
            }
            if let Some(expected) = expected
                && expected != case.version
            {
                return Err(CaseError::Conflict);
            }
            let periods = self.periods.of(&issuer.tenant_id);
            let events = case::decide(&case, command.clone(), today, periods)?;
            if events.is_empty() {
                return Ok(Executed {
                    version: case.version,
                    position: last,
                    events,
                });
            }
            let append = AppendCommand {
                command_id,
                stream_id: stream.clone(),
                tenant_id: issuer.tenant_id.clone(),
                expected: ExpectedVersion::Exact(case.version),
                events: events
                    .iter()
                    .map(|event| event.to_new_event(metadata(issuer, command_id, case_id)))
                    .collect(),
            };
            match self.log.append(append).await {
                Ok(outcome) => {
                    return Ok(Executed {
                        version: outcome.last_version,
                        position: outcome.position,
                        events: if outcome.duplicate {
                            Vec::new()
                        } else {
                            events
                        },
                    });
                }
                Err(AppendError::Conflict { .. }) if expected.is_none() => continue,
                Err(refused) => return Err(refused.into()),
            }
        }
        Err(CaseError::Conflict)
    }

    /// Same as [`CaseCommands::execute`] for a reactor or the watcher, inside their
    /// transaction (the worker role's connection), so that the append commits with their
    /// checkpoint. No retry: the stream is locked by the append until that transaction ends,
    /// and a conflict means another writer won; the caller's batch is retried as a whole.
    pub async fn execute_in(
        &self,
        conn: &mut PgConnection,
        issuer: &Issuer,
        case_id: Uuid,
        command: Command,
        today: NaiveDate,
    ) -> Result<Executed, CaseError> {
        let stream = stream_id(case_id);
        let command_id = scoped_command_id(&issuer.tenant_id, &stream, issuer.command_id);
        let recorded = self
            .log
            .read_stream_in(&mut *conn, &stream, 0, MAX_STREAM)
            .await
            .map_err(CaseError::from)?;
        let (case, last) = load(&recorded, &issuer.tenant_id)?;
        if let Some(earlier) = earlier_result(&recorded, command_id) {
            return Ok(earlier);
        }
        let periods = self.periods.of(&issuer.tenant_id);
        let events = case::decide(&case, command, today, periods)?;
        if events.is_empty() {
            return Ok(Executed {
                version: case.version,
                position: last,
                events,
            });
        }
        let append = AppendCommand {
            command_id,
            stream_id: stream,
            tenant_id: issuer.tenant_id.clone(),
            expected: ExpectedVersion::Exact(case.version),
            events: events
                .iter()
                .map(|event| event.to_new_event(metadata(issuer, command_id, case_id)))
                .collect(),
        };
        let mut outcomes = self.log.append_in(&mut *conn, vec![append]).await?;
        match outcomes.pop() {
            Some(Ok(outcome)) => Ok(Executed {
                version: outcome.last_version,
                position: outcome.position,
                events: if outcome.duplicate {
                    Vec::new()
                } else {
                    events
                },
            }),
            Some(Err(refused)) => Err(refused.into()),
            None => Err(CaseError::Conflict),
        }
    }
}

/// Folds the recorded stream of a case of `tenant`; another tenant's case, or none, is
/// NOT_FOUND. Returns the case and the position of its last event.
pub fn load(recorded: &[RecordedEvent], tenant: &str) -> Result<(Case, LogPosition), CaseError> {
    let last = recorded.last().ok_or(CaseError::NotFound)?;
    if recorded.iter().any(|e| e.tenant_id != tenant) {
        return Err(CaseError::NotFound);
    }
    let mut decoded = Vec::with_capacity(recorded.len());
    for event in recorded {
        if let Some(known) = Event::decode(&event.event_type, &event.payload)? {
            decoded.push((event.version, known));
        }
    }
    let case = Case::fold(decoded.iter().map(|(v, e)| (*v, e))).ok_or(CaseError::NotFound)?;
    Ok((case, last.position))
}

/// The result of `command_id` if its events are in the stream already.
fn earlier_result(recorded: &[RecordedEvent], command_id: Uuid) -> Option<Executed> {
    let last = recorded
        .iter()
        .rev()
        .find(|e| e.metadata.command_id == Some(command_id))?;
    Some(Executed {
        version: last.version,
        position: last.position,
        events: Vec::new(),
    })
}

fn metadata(issuer: &Issuer, command_id: Uuid, case_id: Uuid) -> EventMetadata {
    EventMetadata {
        actor: Some(issuer.actor.clone()),
        correlation_id: issuer.correlation_id,
        causation_id: issuer.causation_id,
        command_id: Some(command_id),
        traceparent: issuer.traceparent.clone(),
        case_id: Some(case_id.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_command_id_is_its_callers_own_per_tenant_and_case() {
        let id = Uuid::new_v4();
        let scoped = scoped_command_id("jc-a", "case-1", id);
        assert_eq!(scoped, scoped_command_id("jc-a", "case-1", id));
        assert_ne!(scoped, scoped_command_id("jc-b", "case-1", id));
        assert_ne!(scoped, scoped_command_id("jc-a", "case-2", id));
        // No ambiguity where tenant and stream meet.
        assert_ne!(
            scoped_command_id("jc-a", "bcase", id),
            scoped_command_id("jc-ab", "case", id)
        );
    }
}
