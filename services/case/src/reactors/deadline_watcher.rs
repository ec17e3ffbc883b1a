//! The deadline watcher: turns due deadlines into `DeadlineReached` events.
//!
//! Every `deadline_poll_ms` (and once at start) it selects the unfired rows of
//! `cases.deadlines` due on or before `Clock::today()` (all tenants, worker role, a bounded
//! batch) and executes `Command::ReachDeadline` on each case with `CaseCommands::execute`, as
//! the case's tenant and actor `reactor:deadline_watcher`.
//!
//! Restart safety rests on the command id, UUIDv5 of (case, kind, due day): a restarted
//! watcher, a second replica, or a row the projection has not yet marked fired all execute the
//! same command, which the log appends once (and `case::decide` records nothing for a deadline
//! already fired or no longer due). The watcher keeps no state of its own.

use std::sync::Arc;
use std::time::Duration;

use chrono::{Datelike, NaiveDate};
use sqlx::PgPool;
use tokio_util::sync::CancellationToken;
use uuid::Uuid;

use crate::commands::{CaseCommands, Issuer};
use crate::domain::case::Command;
use crate::domain::dates::Clock;
use crate::error::CaseError;
use crate::projections::deadlines::{self, DueDeadline};

/// The actor recorded on the events the watcher appends.
pub const ACTOR: &str = "reactor:deadline_watcher";

/// Fixed namespace of the watcher's command ids.
pub const DEADLINE_COMMAND_NAMESPACE: Uuid =
    Uuid::from_u128(0x7c3e_58a2_0f91_4b6d_8e24_d5b1_9a07_c362);

/// The command id of firing `kind` due on `due_on` in case `case_id`: the same for every
/// watcher run, so the deadline fires once.
pub fn command_id(case_id: Uuid, kind: i32, due_on: NaiveDate) -> Uuid {
    let mut name = Vec::with_capacity(16 + 4 + 4);
    name.extend_from_slice(case_id.as_bytes());
    name.extend_from_slice(&kind.to_be_bytes());
    name.extend_from_slice(&due_on.num_days_from_ce().to_be_bytes());
    Uuid::new_v5(&DEADLINE_COMMAND_NAMESPACE, &name)
}

/// What one pass did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Pass {
    /// Due rows looked at.
    pub due: usize,
    /// `DeadlineReached` events appended.
    pub fired: usize,
}

/// The watcher.
#[derive(Debug, Clone)]
pub struct DeadlineWatcher {
    pool: PgPool,
    commands: CaseCommands,
    clock: Arc<dyn Clock>,
    poll: Duration,
    batch: i64,
}

impl DeadlineWatcher {
    /// A watcher reading `cases.deadlines` through `pool` (the worker role's), executing
    /// through `commands`, on the days of `clock`, every `poll`, at most `batch` rows a pass.
    pub fn new(
        pool: PgPool,
        commands: CaseCommands,
        clock: Arc<dyn Clock>,
        poll: Duration,
        batch: u32,
    ) -> Self {
        Self {
            pool,
            commands,
            clock,
            poll,
            batch: i64::from(batch.max(1)),
        }
    }

    /// Runs passes until `cancel` fires. A failed pass is logged and retried at the next poll:
    /// nothing is lost, the rows stay due.
    pub async fn run(self, cancel: CancellationToken) {
        loop {
            // A full batch that fired something: more may be due, go on at once.
            let again = match self.pass().await {
                Ok(pass) => {
                    if pass.fired > 0 {
                        tracing::info!(due = pass.due, fired = pass.fired, "deadlines fired");
                    }
                    pass.fired > 0 && i64::try_from(pass.due).unwrap_or(i64::MAX) >= self.batch
                }
                Err(error) => {
                    tracing::warn!(%error, "deadline pass failed, retrying at the next poll");
                    false
                }
            };
            if again && !cancel.is_cancelled() {
                continue;
            }
            tokio::select! {
                _ = cancel.cancelled() => return,
                _ = tokio::time::sleep(self.poll) => {}
            }
        }
    }

    /// One pass over what is due today.
    pub async fn pass(&self) -> Result<Pass, CaseError> {
        let today = self.clock.today();
        let due = deadlines::due(&self.pool, today, self.batch).await?;
        let mut pass = Pass {
            due: due.len(),
            fired: 0,
        };
        for deadline in &due {
            match self.fire(deadline, today).await {
                Ok(fired) => pass.fired += usize::from(fired),
                // One case's failure (a conflict with a caseworker's command, say) must not
                // hold up the others; its row stays due for the next pass.
                Err(error) => tracing::warn!(
                    case_id = %deadline.case_id,
                    kind = deadline.kind,
                    %error,
                    "deadline not fired, retrying at the next poll"
                ),
            }
        }
        Ok(pass)
    }

    /// Fires one deadline; `true` if this call appended its event.
    async fn fire(&self, deadline: &DueDeadline, today: NaiveDate) -> Result<bool, CaseError> {
        let Some(kind) = deadline.kind() else {
            return Ok(false);
        };
        let command_id = command_id(deadline.case_id, deadline.kind, deadline.due_on);
        let issuer = Issuer {
            tenant_id: deadline.tenant_id.clone(),
            actor: ACTOR.to_owned(),
            command_id,
            causation_id: None,
            correlation_id: Some(command_id),
            traceparent: None,
        };
        let executed = self
            .commands
            .execute(
                &issuer,
                deadline.case_id,
                None,
                |_| true,
                Command::ReachDeadline {
                    kind,
                    due_on: deadline.due_on,
                },
                today,
            )
            .await?;
        Ok(!executed.events.is_empty())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn command_ids_are_deterministic_per_case_kind_and_day() {
        let case = Uuid::from_u128(7);
        let day = NaiveDate::from_ymd_opt(2027, 1, 9).expect("day");
        let next = NaiveDate::from_ymd_opt(2027, 1, 10).expect("day");
        assert_eq!(command_id(case, 1, day), command_id(case, 1, day));
        assert_ne!(command_id(case, 1, day), command_id(case, 2, day));
        assert_ne!(command_id(case, 1, day), command_id(case, 1, next));
        assert_ne!(
            command_id(case, 1, day),
            command_id(Uuid::from_u128(8), 1, day)
        );
    }
}
