//! `cases.deadlines`: what is due in each case, for the deadline watcher. After each event that
//! can change it, the case's rows are set to exactly `lifecycle::deadlines` of the case's stage
//! as of that event, each marked `fired` once its `DeadlineReached` is in the stream. The stage
//! comes from folding the case's stream up to the event's version (`EventLog::read_stream_in`
//! in the projection's transaction, `commands::load`): one fold, the aggregate's own, so the
//! watcher sees what `case::decide` will decide on, and a rebuild gives the same rows.
//!
//! `cases.deadline_cases` holds the version applied per case: an event not newer changes nothing.

use std::sync::Arc;

use chrono::NaiveDate;
use eventlog::{EventLog, RecordedEvent};
use futures::future::BoxFuture;
use jobcenter_proto::case::v1 as proto;
use projection::{Projection, ProjectionError};
use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

use crate::commands;
use crate::domain::periods::TenantPeriods;
use crate::domain::{Event, case_id_of_stream, codec, lifecycle};

/// Name of the projection (its checkpoint key).
pub const NAME: &str = "deadlines";

/// The projection; reads case streams from `log`.
#[derive(Debug, Clone)]
pub struct Deadlines {
    log: EventLog,
    periods: Arc<TenantPeriods>,
}

impl Deadlines {
    /// A projection folding case streams of `log`, counting with each jobcenter's `periods`.
    pub fn new(log: EventLog, periods: Arc<TenantPeriods>) -> Self {
        Self { log, periods }
    }

    async fn refresh(
        &self,
        tx: &mut PgConnection,
        event: &RecordedEvent,
        case_id: Uuid,
    ) -> Result<(), ProjectionError> {
        let recorded = self
            .log
            .read_stream_in(&mut *tx, &event.stream_id, 0, i64::from(event.version))
            .await?;
        let (case, _) = commands::load(&recorded, &event.tenant_id)
            .map_err(|e| ProjectionError::Apply(Box::new(e)))?;
        sqlx::query("DELETE FROM cases.deadlines WHERE tenant_id = $1 AND case_id = $2")
            .bind(&event.tenant_id)
            .bind(case_id)
            .execute(&mut *tx)
            .await?;
        for deadline in lifecycle::deadlines(&case.stage, self.periods.of(&event.tenant_id)) {
            let (kind, due_on) = codec::deadline_to_proto(deadline);
            let fired = case.fired.contains(&(kind as i32, due_on));
            sqlx::query(
                "INSERT INTO cases.deadlines (tenant_id, case_id, kind, due_on, fired) \
                 VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING",
            )
            .bind(&event.tenant_id)
            .bind(case_id)
            .bind(kind as i32)
            .bind(due_on)
            .bind(fired)
            .execute(&mut *tx)
            .await?;
        }
        Ok(())
    }
}

impl Projection for Deadlines {
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
            if !advance(tx, event, case_id).await? {
                return Ok(());
            }
            let decoded = Event::decode(&event.event_type, &event.payload)
                .map_err(|e| ProjectionError::Apply(Box::new(e)))?;
            // Only the stage and the fired deadlines decide what is due; assignments and
            // matters leave the rows as they are (and cost no read of the stream).
            let changes_deadlines = decoded.as_ref().is_some_and(|event| {
                matches!(event, Event::CaseOpened(_) | Event::DeadlineReached(_))
                    || codec::lifecycle_from_proto(event).is_some()
            });
            if changes_deadlines {
                self.refresh(tx, event, case_id).await?;
            }
            Ok(())
        })
    }

    fn reset<'a>(&'a self, tx: &'a mut PgConnection) -> BoxFuture<'a, Result<(), ProjectionError>> {
        Box::pin(projection::clear_tables(
            tx,
            &["cases.deadlines", "cases.deadline_cases"],
        ))
    }

    fn digest<'a>(
        &'a self,
        conn: &'a mut PgConnection,
    ) -> BoxFuture<'a, Result<Vec<u8>, ProjectionError>> {
        Box::pin(async move {
            let mut digest = projection::digest_rows(
                &mut *conn,
                "SELECT tenant_id, case_id, kind, due_on, fired FROM cases.deadlines \
                 ORDER BY tenant_id, case_id, kind, due_on",
            )
            .await?;
            digest.extend(
                projection::digest_rows(
                    &mut *conn,
                    "SELECT tenant_id, case_id, version FROM cases.deadline_cases \
                     ORDER BY tenant_id, case_id",
                )
                .await?,
            );
            Ok(digest)
        })
    }
}

/// Records the event's version for its case; `false` if it is not newer than the last applied.
async fn advance(
    tx: &mut PgConnection,
    event: &RecordedEvent,
    case_id: Uuid,
) -> Result<bool, ProjectionError> {
    let moved = sqlx::query(
        "INSERT INTO cases.deadline_cases (tenant_id, case_id, version) VALUES ($1, $2, $3) \
         ON CONFLICT (tenant_id, case_id) DO UPDATE SET version = excluded.version \
         WHERE cases.deadline_cases.version < excluded.version",
    )
    .bind(&event.tenant_id)
    .bind(case_id)
    .bind(event.version)
    .execute(&mut *tx)
    .await?;
    Ok(moved.rows_affected() == 1)
}

/// A deadline that has come due and not fired yet.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct DueDeadline {
    pub tenant_id: String,
    pub case_id: Uuid,
    /// `DeadlineKind` as number.
    pub kind: i32,
    pub due_on: NaiveDate,
}

impl DueDeadline {
    /// The recorded kind; `None` for a number this version does not know.
    pub fn kind(&self) -> Option<proto::DeadlineKind> {
        proto::DeadlineKind::try_from(self.kind)
            .ok()
            .filter(|kind| *kind != proto::DeadlineKind::Unspecified)
    }
}

/// Up to `limit` unfired deadlines of every tenant due on or before `today`, oldest first.
/// `pool` is the worker role's (all tenants).
pub async fn due(
    pool: &PgPool,
    today: NaiveDate,
    limit: i64,
) -> Result<Vec<DueDeadline>, sqlx::Error> {
    sqlx::query_as(
        "SELECT tenant_id, case_id, kind, due_on FROM cases.deadlines \
         WHERE NOT fired AND due_on <= $1 \
         ORDER BY due_on, tenant_id, case_id, kind LIMIT $2",
    )
    .bind(today)
    .bind(limit)
    .fetch_all(pool)
    .await
}
