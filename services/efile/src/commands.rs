//! Executes commands on a document: load its stream, fold it, decide, append with the version
//! it was decided on. The one write path for the RPCs and the deletion run.
//!
//! Idempotent by command id: a command whose events are already in the stream answers with the
//! document as it stands and the position of that command's events, without deciding again (a
//! retry after a lost answer must not be refused because the document moved on). Without an
//! expected version from the caller, a concurrent write makes it decide again on the newer
//! state (a few times); with one, the caller gets ABORTED.

use eventlog::{
    AppendCommand, AppendError, EventLog, EventMetadata, ExpectedVersion, LogPosition,
    RecordedEvent,
};
use uuid::Uuid;

use crate::domain::Event;
use crate::domain::document::{self, Command, Document};
use crate::domain::ids::{scoped_command_id, stream_id};
use crate::error::EfileError;

/// How often a command without expected version is decided again after a concurrent write.
const ATTEMPTS: usize = 3;
/// More events than any document stream holds in practice; a longer stream is refused loudly
/// rather than decided on a truncated history.
const MAX_STREAM: i64 = 10_000;

/// Who sends a command and under which identifiers (recorded in the events' metadata).
#[derive(Debug, Clone)]
pub struct Issuer {
    /// The caller's tenant: the document must be one of its own.
    pub tenant_id: String,
    /// The acting subject (pseudonymous), or `efile` for the service itself.
    pub actor: String,
    /// The command's idempotency key as the caller chose it (scoped before it reaches the log).
    pub command_id: Uuid,
    /// The correlation id of everything one request caused.
    pub correlation_id: Option<Uuid>,
    /// The event that caused the command, when a reactor sends it.
    pub causation_id: Option<Uuid>,
    /// W3C trace context.
    pub traceparent: Option<String>,
}

/// What a command recorded (or had recorded before).
#[derive(Debug, Clone, PartialEq)]
pub struct Executed {
    /// The document after the command.
    pub document: Document,
    /// The log position of the command's last event, or of the document's last event when
    /// the command had nothing to record.
    pub position: LogPosition,
    /// The events the command recorded now (empty for a repeat or a no-op).
    pub events: Vec<Event>,
}

/// A document's stream as recorded, folded.
#[derive(Debug, Clone)]
pub struct Loaded {
    /// The document, if the stream holds one of the tenant.
    pub document: Option<Document>,
    /// The recorded events (of whichever tenant: a non-empty stream without a document is
    /// another tenant's and must be neither shown nor written).
    pub recorded: Vec<RecordedEvent>,
}

impl Loaded {
    /// The position of the document's last event.
    pub fn last_position(&self) -> Option<LogPosition> {
        self.recorded.last().map(|e| e.position)
    }

    /// The position of the last event `command_id` recorded, if it recorded any.
    pub fn position_of(&self, command_id: Uuid) -> Option<LogPosition> {
        self.recorded
            .iter()
            .rev()
            .find(|e| e.metadata.command_id == Some(command_id))
            .map(|e| e.position)
    }
}

/// Folds the recorded stream of a document of `tenant`: another tenant's stream is as absent
/// as none (no existence oracle); a stream of the tenant that does not fold is an error.
pub fn fold(recorded: Vec<RecordedEvent>, tenant: &str) -> Result<Loaded, EfileError> {
    if recorded.is_empty() || recorded.iter().any(|e| e.tenant_id != tenant) {
        return Ok(Loaded {
            document: None,
            recorded,
        });
    }
    let mut decoded = Vec::with_capacity(recorded.len());
    for event in &recorded {
        if let Some(known) = Event::decode(&event.event_type, &event.payload)? {
            decoded.push((event.version, event.recorded_at, known));
        }
    }
    let document = Document::fold(decoded.iter().map(|(v, at, e)| (*v, *at, e)))
        .ok_or(EfileError::Unreadable)?;
    Ok(Loaded {
        document: Some(document),
        recorded,
    })
}

/// The command path of the E-Akte.
#[derive(Debug, Clone)]
pub struct DocumentCommands {
    log: EventLog,
}

impl DocumentCommands {
    /// Commands appending to `log` (the worker role's log writer).
    pub fn new(log: EventLog) -> Self {
        Self { log }
    }

    /// The E-Akte's log.
    pub fn log(&self) -> &EventLog {
        &self.log
    }

    /// The document `document_id` of `tenant` as recorded (read as the worker role).
    pub async fn load(&self, tenant: &str, document_id: Uuid) -> Result<Loaded, EfileError> {
        let recorded = self
            .log
            .read_stream(&stream_id(document_id), 0, MAX_STREAM)
            .await?;
        fold(recorded, tenant)
    }

    /// Executes `command` on document `document_id` as `issuer`. A filing expects no stream;
    /// any other command a document of the issuer's tenant (else NOT_FOUND). `expected` is the
    /// caller's expected stream version, if it gave one.
    pub async fn execute(
        &self,
        issuer: &Issuer,
        document_id: Uuid,
        expected: Option<i32>,
        command: Command,
    ) -> Result<Executed, EfileError> {
        let stream = stream_id(document_id);
        let command_id = scoped_command_id(&issuer.tenant_id, &stream, issuer.command_id);
        let filing = matches!(command, Command::File(_));
        for _ in 0..ATTEMPTS {
            let loaded = self.load(&issuer.tenant_id, document_id).await?;
            if let (Some(document), Some(position)) =
                (loaded.document.as_ref(), loaded.position_of(command_id))
            {
                return Ok(Executed {
                    document: document.clone(),
                    position,
                    events: Vec::new(),
                });
            }
            let state = loaded.document.as_ref();
            if state.is_none() && !filing {
                return Err(EfileError::NotFound);
            }
            if !loaded.recorded.is_empty() && state.is_none() {
                // Another tenant's stream under this id: as absent for this caller, and never
                // written to.
                return Err(EfileError::NotFound);
            }
            let version = state.map_or(0, |d| d.version);
            if let Some(expected) = expected
                && expected != version
            {
                return Err(EfileError::Conflict);
            }
            let events = document::decide(state, command.clone())?;
            if events.is_empty() {
                let (Some(document), Some(position)) = (state, loaded.last_position()) else {
                    return Err(EfileError::NotFound);
                };
                return Ok(Executed {
                    document: document.clone(),
                    position,
                    events,
                });
            }
            let metadata = metadata(issuer, command_id, state, &events);
            let append = AppendCommand {
                command_id,
                stream_id: stream.clone(),
                tenant_id: issuer.tenant_id.clone(),
                expected: match state {
                    None => ExpectedVersion::NoStream,
                    Some(doc) => ExpectedVersion::Exact(doc.version),
                },
                events: events
                    .iter()
                    .map(|event| event.to_new_event(metadata.clone()))
                    .collect(),
            };
            match self.log.append(append).await {
                Ok(outcome) => {
                    // Reloaded so that the answer shows the moments the log recorded.
                    let loaded = self.load(&issuer.tenant_id, document_id).await?;
                    let document = loaded.document.ok_or(EfileError::Unreadable)?;
                    return Ok(Executed {
                        document,
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
        Err(EfileError::Conflict)
    }
}

/// The events' context; the case is the one the document belongs to after the command.
fn metadata(
    issuer: &Issuer,
    command_id: Uuid,
    state: Option<&Document>,
    events: &[Event],
) -> EventMetadata {
    let case_id = events
        .iter()
        .find_map(|event| match event {
            Event::DocumentFiled(e) => Some(e.case_id.clone()),
            Event::DocumentMetadataChanged(e) => Some(e.case_id.clone()),
            _ => None,
        })
        .or_else(|| state.map(|d| d.case_id.to_string()));
    EventMetadata {
        actor: Some(issuer.actor.clone()),
        correlation_id: issuer.correlation_id,
        causation_id: issuer.causation_id,
        command_id: Some(command_id),
        traceparent: issuer.traceparent.clone(),
        case_id,
    }
}
