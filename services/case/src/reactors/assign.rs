//! Assigns a new case by the tenant's assignment rules.
//!
//! Runs as a projection over the case log (source `case`): for each `CaseOpened` it reads the
//! tenant's rules from `cases.assignment_rules` inside the runner's batch transaction and, if
//! one matches the applicant's surname or postal code, executes `Assign { source: RULE }` on
//! the case with `CaseCommands::execute_in` in that same transaction, so the append commits
//! with the checkpoint. The command id is UUIDv5 of the `CaseOpened` event id: a replay appends
//! nothing twice.
//!
//! The rules table is itself a projection and may lag a `SetAssignmentRules` by a moment: a
//! case opened in that moment is assigned by the rules before. A case no rule matches stays
//! unassigned; tenants end their rules with a fallback rule (docs/casework/assignment-and-deadlines.md).
//! A case that was assigned by hand before this reactor reached it keeps that assignment.

use std::sync::Arc;

use eventlog::RecordedEvent;
use futures::future::BoxFuture;
use jobcenter_proto::case::v1 as proto;
use projection::{Projection, ProjectionError};
use sqlx::PgConnection;
use uuid::Uuid;

use crate::commands::{CaseCommands, Issuer};
use crate::domain::case::Command;
use crate::domain::dates::Clock;
use crate::domain::{Event, assignment, case_id_of_stream};
use crate::error::CaseError;
use crate::projections::assignment_rules;

/// Name of the reactor (its checkpoint key and actor `reactor:assign`).
pub const NAME: &str = "assign";

/// Fixed namespace of the reactor's command ids: UUIDv5(namespace, CaseOpened event id).
pub const ASSIGN_COMMAND_NAMESPACE: Uuid =
    Uuid::from_u128(0x1f6b_2d90_c4a7_4e35_9b08_7ad3_e2c5_6f41);

/// The reactor.
#[derive(Debug, Clone)]
pub struct AssignReactor {
    commands: CaseCommands,
    clock: Arc<dyn Clock>,
}

impl AssignReactor {
    /// A reactor executing through `commands`, on the days of `clock`.
    pub fn new(commands: CaseCommands, clock: Arc<dyn Clock>) -> Self {
        Self { commands, clock }
    }

    async fn react(
        &self,
        tx: &mut PgConnection,
        event: &RecordedEvent,
        case_id: Uuid,
        opened: &proto::CaseOpened,
    ) -> Result<(), ProjectionError> {
        let apply = |e: CaseError| ProjectionError::Apply(Box::new(e));
        let rules = assignment_rules::rules(&mut *tx, &event.tenant_id)
            .await
            .map_err(|e| ProjectionError::Apply(Box::new(e)))?;
        let Some(rule) =
            assignment::first_match(&rules, &opened.applicant_family_name, &opened.postal_code)
        else {
            tracing::info!(%case_id, "no assignment rule matches; the case stays unassigned");
            return Ok(());
        };
        // A case a team lead assigned first keeps that assignment: `case::decide` records
        // nothing for a rule assignment of an assigned case.
        let command_id = Uuid::new_v5(&ASSIGN_COMMAND_NAMESPACE, event.event_id.as_bytes());
        let issuer = Issuer {
            tenant_id: event.tenant_id.clone(),
            actor: format!("reactor:{NAME}"),
            command_id,
            causation_id: Some(event.event_id),
            correlation_id: event.metadata.correlation_id,
            traceparent: event.metadata.traceparent.clone(),
        };
        let command = Command::Assign {
            caseworker: rule.caseworker.clone(),
            team: rule.team.clone(),
            source: proto::AssignmentSource::Rule,
            rule_id: rule.rule_id.clone(),
        };
        match self
            .commands
            .execute_in(&mut *tx, &issuer, case_id, command, self.clock.today())
            .await
        {
            Ok(_) => Ok(()),
            // Closed before the reactor reached it: nothing to assign.
            Err(CaseError::Refused(refusal)) => {
                tracing::info!(%case_id, %refusal, "case not assigned");
                Ok(())
            }
            Err(error) => Err(apply(error)),
        }
    }
}

impl Projection for AssignReactor {
    fn name(&self) -> &'static str {
        NAME
    }

    fn apply<'a>(
        &'a self,
        tx: &'a mut PgConnection,
        event: &'a RecordedEvent,
    ) -> BoxFuture<'a, Result<(), ProjectionError>> {
        Box::pin(async move {
            let Some(case_id) = case_id_of_stream(&event.stream_id) else {
                return Ok(());
            };
            if event.event_type != crate::domain::CASE_OPENED {
                return Ok(());
            }
            let Some(Event::CaseOpened(opened)) = Event::decode(&event.event_type, &event.payload)
                .map_err(|e| ProjectionError::Apply(Box::new(e)))?
            else {
                return Ok(());
            };
            self.react(tx, event, case_id, &opened).await
        })
    }

    /// The assignments appended in the batch are committed now: wake the case log's relay.
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
