//! The log's tables and functions in a schema of its own, and the statements that use them.

use sqlx::{Executor, PgPool};

use crate::error::EventLogError;

const INSTALL_SQL: &str = include_str!("../sql/install.sql");
const APPEND_FUNCTION_SQL: &str = include_str!("../sql/append.sql");
const SECURITY_SQL: &str = include_str!("../sql/security.sql");

/// The database roles the log's policies and grants name (cluster-wide, fixed names; see
/// `docs/security/row-level-security.md`). They must exist before [`install`] runs.
pub mod roles {
    /// Runs installs and owns the log's schema, table and functions (no policy: sees no rows).
    pub const OWNER: &str = "jobcenter_owner";
    /// The request path: reads the events of the tenant in `jc.tenant`, nothing else.
    pub const API: &str = "jobcenter_api";
    /// Appends (group commit) and relays: every tenant.
    pub const WORKER: &str = "jobcenter_worker";
    /// Reads every tenant's events, to verify the hash chains.
    pub const AUDITOR: &str = "jobcenter_auditor";
    /// The roles the log's policies and grants name.
    pub const GRANTEES: [&str; 3] = [API, WORKER, AUDITOR];
}

/// Serialises every install into one schema, whichever code runs it (this log, the read models'
/// migrations, the projection checkpoints), for the rest of the transaction. Two transactions
/// granting on the same schema at once fail with "tuple concurrently updated"; installs into
/// the same schema must therefore wait for each other, not only installs of the same kind.
/// Bind the schema name as `$1`.
pub const INSTALL_LOCK: &str =
    "SELECT pg_advisory_xact_lock(hashtextextended('jobcenter.install:' || $1, 0))";

/// The setting that holds the tenant of a request-path transaction
/// (`set_config('jc.tenant', $1, true)`); the api role's policies compare `tenant_id` with it.
pub const TENANT_SETTING: &str = "jc.tenant";

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

/// Creates (or updates) the schema, the `events` table, its index, the append-only trigger, the
/// `append` function, and their row-level security and grants for the [`roles`]. Run it as the
/// owner role. Idempotent; concurrent installs of one schema wait for each other.
pub async fn install(pool: &PgPool, schema: &str) -> Result<(), EventLogError> {
    validate_schema(schema)?;
    let mut tx = pool.begin().await?;
    sqlx::query(INSTALL_LOCK)
        .bind(schema)
        .execute(&mut *tx)
        .await?;
    let missing: Vec<String> = sqlx::query_scalar(
        "SELECT r FROM unnest($1::text[]) AS r \
         WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = r) ORDER BY r",
    )
    .bind(&roles::GRANTEES[..])
    .fetch_all(&mut *tx)
    .await?;
    if !missing.is_empty() {
        return Err(EventLogError::MissingRoles { roles: missing });
    }
    // `tx.execute(raw_sql)`, not `raw_sql.execute(&mut *tx)`: that one makes the future
    // non-`Send` (a lifetime the compiler cannot generalise), and installs run in spawned tasks.
    tx.execute(sqlx::raw_sql(&render(INSTALL_SQL, schema)))
        .await?;
    tx.execute(sqlx::raw_sql(&render(APPEND_FUNCTION_SQL, schema)))
        .await?;
    tx.execute(sqlx::raw_sql(&render(SECURITY_SQL, schema)))
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
    pub read_tenant: String,
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
            read_tenant: format!(
                // The horizon comes from the same statement (the same snapshot) as the events:
                // a horizon taken by a later statement could pass events this one did not see.
                // One row even when no event is below it (the LEFT JOIN), so the caller always
                // learns the horizon; event columns are then NULL.
                "SELECT t.*, h.horizon::text::int8 \
                 FROM (SELECT pg_snapshot_xmin(pg_current_snapshot()) AS horizon) h \
                 LEFT JOIN LATERAL ( \
                     SELECT {EVENT_COLUMNS} FROM {schema}.events e \
                     WHERE e.tenant_id = $1 \
                       AND (e.tx_id, e.global_position) > ($2::int8::text::xid8, $3) \
                       AND e.tx_id < h.horizon \
                     ORDER BY e.tx_id, e.global_position LIMIT $4) t ON true \
                 ORDER BY t.tx_id, t.global_position"
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

    /// A tenant's read walks the tenant index, also as the api role under row-level security
    /// (a qualifier the planner deemed leaky could not become an index condition there).
    #[tokio::test]
    async fn read_tenant_walks_the_tenant_index_under_row_level_security() {
        let db = testkit::TestDatabase::create_with_pool_size(2)
            .await
            .expect("database");
        install(db.owner_pool(), "plan").await.expect("install");
        let sql = Statements::new("plan").read_tenant;
        let mut tx = db.api_pool().begin().await.expect("begin");
        sqlx::query("SELECT set_config('jc.tenant', 'tenant-a', true)")
            .execute(&mut *tx)
            .await
            .expect("tenant");
        // The planner would rather scan a tiny table than use any index.
        sqlx::query("SET LOCAL enable_seqscan = off")
            .execute(&mut *tx)
            .await
            .expect("set");
        let plan: Vec<String> = sqlx::query_scalar(&format!("EXPLAIN {sql}"))
            .bind("tenant-a")
            .bind(0_i64)
            .bind(0_i64)
            .bind(100_i64)
            .fetch_all(&mut *tx)
            .await
            .expect("explain");
        let plan = plan.join("\n");
        assert!(
            plan.contains("Index Scan using events_tenant_tx_position")
                && plan.contains("Index Cond: ((tenant_id = ")
                && plan.contains("AND (ROW(tx_id, global_position) > ROW("),
            "read_tenant must walk the tenant index:\n{plan}"
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
        assert!(!render(SECURITY_SQL, "intake").contains("{schema}"));
    }

    #[test]
    fn the_policies_name_the_roles_and_the_tenant_setting_of_this_crate() {
        for role in roles::GRANTEES {
            assert!(SECURITY_SQL.contains(&format!("TO {role}")), "{role}");
        }
        assert!(SECURITY_SQL.contains(&format!("current_setting('{TENANT_SETTING}', true)")));
    }
}
