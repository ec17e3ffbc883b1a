//! The log's tables and functions in a schema of its own, and the statements that use them.

use sqlx::PgPool;

use crate::error::EventLogError;

const INSTALL_SQL: &str = include_str!("../sql/install.sql");
const APPEND_FUNCTION_SQL: &str = include_str!("../sql/append.sql");

/// The longest schema name accepted: the notification channel `<schema>_events` must fit
/// PostgreSQL's 63-byte identifiers.
pub const MAX_SCHEMA_LEN: usize = 63 - "_events".len();

/// Checks that `schema` is `[a-z_][a-z0-9_]*` and short enough, so it can be written into SQL
/// unquoted. (A reserved word such as `case` passes and is refused by PostgreSQL at install.)
pub fn validate_schema(schema: &str) -> Result<(), EventLogError> {
    let mut chars = schema.chars();
    let valid_start = chars
        .next()
        .is_some_and(|c| c.is_ascii_lowercase() || c == '_');
    let valid_rest = chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
    if valid_start && valid_rest && schema.len() <= MAX_SCHEMA_LEN {
        Ok(())
    } else {
        Err(EventLogError::InvalidSchema {
            schema: schema.to_owned(),
        })
    }
}

/// Replaces the `{schema}` placeholder of a statement template.
pub(crate) fn render(template: &str, schema: &str) -> String {
    template.replace("{schema}", schema)
}

/// Creates (or updates) the schema, the `events` table, its index, the append-only trigger and
/// the `append` function. Idempotent; concurrent installs of one schema wait for each other.
pub async fn install(pool: &PgPool, schema: &str) -> Result<(), EventLogError> {
    validate_schema(schema)?;
    let mut tx = pool.begin().await?;
    sqlx::query("SELECT pg_advisory_xact_lock(hashtextextended('eventlog.install:' || $1, 0))")
        .bind(schema)
        .execute(&mut *tx)
        .await?;
    sqlx::raw_sql(&render(INSTALL_SQL, schema))
        .execute(&mut *tx)
        .await?;
    sqlx::raw_sql(&render(APPEND_FUNCTION_SQL, schema))
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(())
}

/// The statements of one log, rendered once for its schema.
#[derive(Debug)]
pub(crate) struct Statements {
    pub append: String,
    pub read_stream: String,
    pub read_all: String,
    pub verify: String,
}

/// The columns of a [`crate::RecordedEvent`], in the order `read::decode_event` takes them.
const EVENT_COLUMNS: &str = "global_position, tx_id::text::int8 AS tx_id, event_id, stream_id, version, \
     tenant_id, event_type, schema_version, payload, metadata, recorded_at, prev_hash, hash";

impl Statements {
    pub(crate) fn new(schema: &str) -> Self {
        Statements {
            append: format!(
                "SELECT o_cmd, o_outcome, o_first_version, o_last_version, o_position, o_tx, o_actual \
                 FROM {schema}.append($1, $2, $3, $4, $5, $6, $7, $8, $9)"
            ),
            read_stream: format!(
                "SELECT {EVENT_COLUMNS} FROM {schema}.events \
                 WHERE stream_id = $1 AND version > $2 ORDER BY version LIMIT $3"
            ),
            read_all: format!(
                // Qualified: a bare `tx_id` in ORDER BY would name the output column (the
                // int8 cast), and PostgreSQL would sort the whole table instead of walking the
                // (tx_id, global_position) index.
                "SELECT {EVENT_COLUMNS} FROM {schema}.events e \
                 WHERE (e.tx_id, e.global_position) > ($1::int8::text::xid8, $2) \
                   AND e.tx_id < pg_snapshot_xmin(pg_current_snapshot()) \
                 ORDER BY e.tx_id, e.global_position LIMIT $3"
            ),
            verify: format!(
                "SELECT event_id, stream_id, version, tenant_id, event_type, schema_version, \
                        recorded_at, metadata, payload, prev_hash, hash \
                 FROM {schema}.events ORDER BY stream_id, version"
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The commit-order read walks the `(tx_id, global_position)` index: even with sorting made
    /// prohibitively expensive, the plan needs no Sort node. (Ordering by the output alias of the
    /// int8 cast once made every batch sort the whole table.)
    #[tokio::test]
    async fn read_all_walks_the_index_without_sorting() {
        let db = testkit::TestDatabase::create_with_pool_size(2)
            .await
            .expect("database");
        install(db.pool(), "plan").await.expect("install");
        let sql = Statements::new("plan").read_all;
        let mut conn = db.pool().acquire().await.expect("connection");
        sqlx::query("SET enable_sort = off")
            .execute(&mut *conn)
            .await
            .expect("set");
        let plan: Vec<String> = sqlx::query_scalar(&format!("EXPLAIN {sql}"))
            .bind(0_i64)
            .bind(0_i64)
            .bind(100_i64)
            .fetch_all(&mut *conn)
            .await
            .expect("explain");
        let plan = plan.join("\n");
        assert!(!plan.contains("Sort"), "read_all must not sort:\n{plan}");
        assert!(
            plan.contains("Index Scan"),
            "read_all must use the index:\n{plan}"
        );
    }

    #[test]
    fn schema_names() {
        for good in ["intake", "cases", "_x", "a1_b2", "x"] {
            assert!(validate_schema(good).is_ok(), "{good}");
        }
        let too_long = "a".repeat(MAX_SCHEMA_LEN + 1);
        for bad in [
            "",
            "1a",
            "Intake",
            "in-take",
            "a b",
            "a;drop",
            "é",
            too_long.as_str(),
        ] {
            assert!(validate_schema(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn templates_have_no_placeholder_left() {
        assert!(!render(INSTALL_SQL, "intake").contains("{schema}"));
        assert!(!render(APPEND_FUNCTION_SQL, "intake").contains("{schema}"));
    }
}
