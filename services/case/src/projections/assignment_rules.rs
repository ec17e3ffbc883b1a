//! `cases.assignment_rules`: each tenant's assignment rules as last recorded, one row per
//! tenant holding the encoded `AssignmentRulesSet` (the rules are read whole, never queried by
//! part). Fed from the case log's `assignment-rules-<tenant>` streams; a row only changes for a
//! newer stream version. Read by GetAssignmentRules (api role, tenant-scoped) and by the
//! `assign` reactor inside its transaction (worker role).

use eventlog::RecordedEvent;
use futures::future::BoxFuture;
use jobcenter_proto::case::v1 as proto;
use projection::{Projection, ProjectionError};
use prost::Message;
use sqlx::PgConnection;

use crate::domain::Event;
use crate::domain::assignment::{self, RULES_STREAM_PREFIX, Rule};

/// Name of the projection (its checkpoint key).
pub const NAME: &str = "assignment_rules";

/// The projection.
#[derive(Debug, Clone, Copy, Default)]
pub struct AssignmentRules;

impl Projection for AssignmentRules {
    fn name(&self) -> &'static str {
        NAME
    }

    fn apply<'a>(
        &'a self,
        tx: &'a mut PgConnection,
        event: &'a RecordedEvent,
    ) -> BoxFuture<'a, Result<(), ProjectionError>> {
        Box::pin(async move {
            if !event.stream_id.starts_with(RULES_STREAM_PREFIX) {
                return Ok(());
            }
            // Decoded to check it is what it says; stored as recorded.
            let Some(Event::AssignmentRulesSet(_)) =
                Event::decode(&event.event_type, &event.payload)
                    .map_err(|e| ProjectionError::Apply(Box::new(e)))?
            else {
                return Ok(());
            };
            sqlx::query(
                "INSERT INTO cases.assignment_rules (tenant_id, rules, version, set_at) \
                 VALUES ($1, $2, $3, $4) ON CONFLICT (tenant_id) DO UPDATE \
                 SET rules = excluded.rules, version = excluded.version, set_at = excluded.set_at \
                 WHERE cases.assignment_rules.version < excluded.version",
            )
            .bind(&event.tenant_id)
            .bind(&event.payload)
            .bind(event.version)
            .bind(event.recorded_at)
            .execute(&mut *tx)
            .await?;
            Ok(())
        })
    }

    fn reset<'a>(&'a self, tx: &'a mut PgConnection) -> BoxFuture<'a, Result<(), ProjectionError>> {
        Box::pin(projection::clear_tables(tx, &["cases.assignment_rules"]))
    }

    fn digest<'a>(
        &'a self,
        conn: &'a mut PgConnection,
    ) -> BoxFuture<'a, Result<Vec<u8>, ProjectionError>> {
        Box::pin(projection::digest_rows(
            conn,
            "SELECT tenant_id, rules, version, set_at FROM cases.assignment_rules \
             ORDER BY tenant_id",
        ))
    }
}

/// Why stored rules could not be read.
#[derive(Debug, thiserror::Error)]
pub enum RulesError {
    #[error("database request failed")]
    Database(#[from] sqlx::Error),
    #[error("stored assignment rules are unreadable")]
    Decode(#[from] prost::DecodeError),
}

/// The rules of `tenant` in order, empty if it never set any. `conn` is the api role's
/// tenant-scoped transaction or the worker's.
pub async fn rules(conn: &mut PgConnection, tenant: &str) -> Result<Vec<Rule>, RulesError> {
    let stored: Option<Vec<u8>> =
        sqlx::query_scalar("SELECT rules FROM cases.assignment_rules WHERE tenant_id = $1")
            .bind(tenant)
            .fetch_optional(&mut *conn)
            .await?;
    let Some(stored) = stored else {
        return Ok(Vec::new());
    };
    let set = proto::AssignmentRulesSet::decode(stored.as_slice())?;
    // Every recorded rule was validated before it was recorded; one that is not a rule (a bug)
    // is left out rather than stopping every assignment.
    Ok(set
        .rules
        .iter()
        .filter_map(assignment::from_record)
        .collect())
}
