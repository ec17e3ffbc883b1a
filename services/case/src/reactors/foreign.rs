//! What the reactors over another service's log share (the appointment service's,
//! [`super::appointments`]; the notification service's, [`super::messages`]): each turns an
//! event into at most one case command ([`ForeignEvents::reaction`], pure apart from decoding)
//! and [`ForeignReactor`] executes it with `CaseCommands::execute_in` inside the projection
//! runner's batch transaction, so the append commits with the checkpoint. The command id is
//! derived from the foreign event's id: a redelivery appends nothing twice. An event naming no
//! case of its tenant, or a malformed one, is logged (ids only) and passed by: one bad event
//! must not stop every event behind it.

use std::marker::PhantomData;
use std::sync::Arc;

use eventlog::RecordedEvent;
use futures::future::BoxFuture;
use projection::{Projection, ProjectionError};
use sqlx::PgConnection;
use uuid::Uuid;

use crate::commands::{CaseCommands, Issuer};
use crate::domain::case::Command;
use crate::domain::dates::Clock;
use crate::error::CaseError;

/// What a foreign event asks of a case.
#[derive(Debug, Clone, PartialEq)]
pub struct Reaction {
    /// The case it belongs to.
    pub case_id: Uuid,
    /// The command to execute on it.
    pub command: Command,
}

/// Why a foreign event brings no command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Passed {
    /// A type the case does not react to.
    NotOfInterest,
    /// The event concerns no case.
    NoCase,
    /// Malformed: an unreadable payload, an id that is no UUID.
    Malformed(&'static str),
}

/// One foreign log's reactions.
pub trait ForeignEvents: Send + Sync + 'static {
    /// The reactor's name (its checkpoint key and actor `reactor:<name>`).
    const NAME: &'static str;
    /// What a taken event is, for the log line ("appointment event", "notification event").
    const WHAT: &'static str;
    /// The case command for `event`, or why there is none.
    fn reaction(event: &RecordedEvent) -> Result<Reaction, Passed>;
    /// The command id of the reaction to the event `event_id`.
    fn command_id(event_id: Uuid) -> Uuid;
}

/// The reactor over one foreign log.
pub struct ForeignReactor<F: ForeignEvents> {
    commands: CaseCommands,
    clock: Arc<dyn Clock>,
    events: PhantomData<fn() -> F>,
}

impl<F: ForeignEvents> Clone for ForeignReactor<F> {
    fn clone(&self) -> Self {
        Self {
            commands: self.commands.clone(),
            clock: self.clock.clone(),
            events: PhantomData,
        }
    }
}

impl<F: ForeignEvents> std::fmt::Debug for ForeignReactor<F> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ForeignReactor")
            .field("name", &F::NAME)
            .finish()
    }
}

impl<F: ForeignEvents> ForeignReactor<F> {
    /// A reactor executing through `commands` on the days of `clock`.
    pub fn new(commands: CaseCommands, clock: Arc<dyn Clock>) -> Self {
        Self {
            commands,
            clock,
            events: PhantomData,
        }
    }

    async fn react(
        &self,
        tx: &mut PgConnection,
        event: &RecordedEvent,
    ) -> Result<(), ProjectionError> {
        let Reaction { case_id, command } = match F::reaction(event) {
            Ok(reaction) => reaction,
            Err(Passed::NotOfInterest | Passed::NoCase) => return Ok(()),
            Err(Passed::Malformed(why)) => {
                tracing::error!(event_id = %event.event_id, why, what = F::WHAT, "event passed by");
                return Ok(());
            }
        };
        let issuer = Issuer {
            tenant_id: event.tenant_id.clone(),
            actor: format!("reactor:{}", F::NAME),
            command_id: F::command_id(event.event_id),
            causation_id: Some(event.event_id),
            correlation_id: event.metadata.correlation_id,
            traceparent: event.metadata.traceparent.clone(),
        };
        match self
            .commands
            .execute_in(&mut *tx, &issuer, case_id, command, self.clock.today())
            .await
        {
            Ok(done) => {
                tracing::info!(
                    event_id = %event.event_id, %case_id, stream_id = %event.stream_id,
                    recorded = done.events.len(), what = F::WHAT, "taken onto the case"
                );
                Ok(())
            }
            Err(CaseError::NotFound) => {
                tracing::warn!(
                    event_id = %event.event_id, %case_id, stream_id = %event.stream_id,
                    what = F::WHAT, "event for no case of its tenant; nothing recorded"
                );
                Ok(())
            }
            Err(error) => Err(ProjectionError::Apply(Box::new(error))),
        }
    }
}

impl<F: ForeignEvents> Projection for ForeignReactor<F> {
    fn name(&self) -> &'static str {
        F::NAME
    }

    fn apply<'a>(
        &'a self,
        tx: &'a mut PgConnection,
        event: &'a RecordedEvent,
    ) -> BoxFuture<'a, Result<(), ProjectionError>> {
        Box::pin(self.react(tx, event))
    }

    /// The case events appended in the batch are committed now: wake the case log's relay.
    fn after_commit(&self) {
        self.commands.log().notify_appended();
    }

    /// A reactor's effects are events, which are never deleted; it keeps no rows.
    fn reset<'a>(
        &'a self,
        _tx: &'a mut PgConnection,
    ) -> BoxFuture<'a, Result<(), ProjectionError>> {
        Box::pin(async { Ok(()) })
    }

    fn digest<'a>(
        &'a self,
        _conn: &'a mut PgConnection,
    ) -> BoxFuture<'a, Result<Vec<u8>, ProjectionError>> {
        Box::pin(async { Ok(Vec::new()) })
    }
}
