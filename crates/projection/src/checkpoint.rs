//! The checkpoint table `<schema>.projection_checkpoints`: installing it (with its grants) and
//! reading it.

use std::time::Duration;

use eventlog::{LogPosition, roles};
use futures::TryStreamExt;
use sha2::{Digest, Sha256};
use sqlx::{Executor, PgConnection, PgPool};
use tokio::time::{Instant, sleep};

use crate::ProjectionError;

/// How often [`wait_for`] looks again; short, since callers wait for read-your-writes.
const WAIT_POLL: Duration = Duration::from_millis(10);

/// A checkpoint row as stored: position and the stream sequence of the last message seen
/// (`None` after a rebuild, which does not know JetStream sequences).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Stored {
    pub at: LogPosition,
    pub sequence: Option<u64>,
}

/// Create `<schema>` and `<schema>.projection_checkpoints` if they are missing, and grant the
/// platform's roles what they need of the table (idempotent). Run it as the owner role (it
/// creates a schema); the runners, as the worker role, only check it is there.
///
/// The checkpoints are positions, no tenant's data: the table has no `tenant_id` and no
/// row-level security. `jobcenter_worker` reads and writes it (runners, rebuilds),
/// `jobcenter_api` reads it (queries waiting for read-your-writes).
pub async fn install(pool: &PgPool, schema: &str) -> Result<(), ProjectionError> {
    let schema = ident(schema)?;
    let script = format!(
        "CREATE SCHEMA IF NOT EXISTS {schema};
         CREATE TABLE IF NOT EXISTS {schema}.projection_checkpoints (
             name text PRIMARY KEY,
             tx_id bigint NOT NULL,
             position bigint NOT NULL,
             stream_sequence bigint,
             updated_at timestamptz NOT NULL DEFAULT now());
         GRANT USAGE ON SCHEMA {schema} TO {api}, {worker};
         GRANT SELECT ON {schema}.projection_checkpoints TO {api};
         GRANT SELECT, INSERT, UPDATE ON {schema}.projection_checkpoints TO {worker};",
        api = roles::API,
        worker = roles::WORKER,
    );
    let mut tx = pool.begin().await?;
    // Concurrent installs (several services starting at once) race on CREATE ... IF NOT EXISTS
    // and on granting on the schema; the platform's install lock of the schema serialises them
    // with every other install into it.
    sqlx::query(eventlog::INSTALL_LOCK)
        .bind(schema)
        .execute(&mut *tx)
        .await?;
    // `tx.execute(raw_sql)`, not `raw_sql.execute(&mut *tx)`: that one makes the future
    // non-`Send` (a lifetime the compiler cannot generalise), and installs run in spawned tasks.
    tx.execute(sqlx::raw_sql(&script)).await?;
    tx.commit().await?;
    Ok(())
}

/// Fails with [`ProjectionError::NotInstalled`] unless `<schema>.projection_checkpoints`
/// exists: runners and rebuilds run as a role that may not create it.
pub(crate) async fn require_installed(pool: &PgPool, schema: &str) -> Result<(), ProjectionError> {
    let schema = ident(schema)?;
    let table = format!("{schema}.projection_checkpoints");
    // to_regclass is NULL for a missing table, and an error for a schema the role may not use.
    let found: Option<String> = match sqlx::query_scalar("SELECT to_regclass($1)::text")
        .bind(&table)
        .fetch_one(pool)
        .await
    {
        Ok(found) => found,
        Err(sqlx::Error::Database(error)) if error.code().as_deref() == Some("42501") => None,
        Err(error) => return Err(error.into()),
    };
    match found {
        Some(_) => Ok(()),
        None => Err(ProjectionError::NotInstalled { table }),
    }
}

/// The position projection `name` has applied up to, `None` if it never stored one.
pub async fn checkpoint(
    pool: &PgPool,
    checkpoint_schema: &str,
    name: &str,
) -> Result<Option<LogPosition>, ProjectionError> {
    let mut conn = pool.acquire().await?;
    Ok(read(&mut conn, checkpoint_schema, name)
        .await?
        .map(|stored| stored.at))
}

/// Wait until projection `name` has applied `at` (checkpoint ≥ `at`); `false` on timeout.
pub async fn wait_for(
    pool: &PgPool,
    checkpoint_schema: &str,
    name: &str,
    at: LogPosition,
    timeout: Duration,
) -> Result<bool, ProjectionError> {
    let deadline = Instant::now() + timeout;
    loop {
        if checkpoint(pool, checkpoint_schema, name)
            .await?
            .is_some_and(|done| done >= at)
        {
            return Ok(true);
        }
        if Instant::now() >= deadline {
            return Ok(false);
        }
        sleep(WAIT_POLL.min(deadline - Instant::now())).await;
    }
}

/// SHA-256 over the text form of each row of `query`, in the query's order. A helper for
/// [`crate::Projection::digest`]: the query must `ORDER BY` a unique key.
pub async fn digest_rows(conn: &mut PgConnection, query: &str) -> Result<Vec<u8>, ProjectionError> {
    let sql = format!("SELECT q::text FROM ({query}) AS q");
    let mut rows = sqlx::query_scalar::<_, String>(&sql).fetch(&mut *conn);
    let mut hasher = Sha256::new();
    while let Some(row) = rows.try_next().await? {
        hasher.update((row.len() as u64).to_be_bytes());
        hasher.update(row.as_bytes());
    }
    Ok(hasher.finalize().to_vec())
}

/// Deletes every row of each of `tables` (schema-qualified names fixed in code). A helper for
/// [`crate::Projection::reset`] of read models that own whole tables.
pub async fn clear_tables(
    conn: &mut PgConnection,
    tables: &[&'static str],
) -> Result<(), ProjectionError> {
    for table in tables {
        sqlx::query(&format!("DELETE FROM {table}"))
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

pub(crate) async fn read(
    conn: &mut PgConnection,
    schema: &str,
    name: &str,
) -> Result<Option<Stored>, ProjectionError> {
    let schema = ident(schema)?;
    let row: Option<(i64, i64, Option<i64>)> = sqlx::query_as(&format!(
        "SELECT tx_id, position, stream_sequence FROM {schema}.projection_checkpoints WHERE name = $1"
    ))
    .bind(name)
    .fetch_optional(&mut *conn)
    .await?;
    row.map(from_row).transpose()
}

/// Lock the checkpoint row for this transaction (creating it at the start if missing) and
/// return it. The lock serialises runners and rebuilds of the same projection.
pub(crate) async fn lock(
    tx: &mut PgConnection,
    schema: &str,
    name: &str,
) -> Result<Stored, ProjectionError> {
    let schema = ident(schema)?;
    // DO UPDATE (not DO NOTHING) so that RETURNING yields the existing row, locked.
    let row: (i64, i64, Option<i64>) = sqlx::query_as(&format!(
        "INSERT INTO {schema}.projection_checkpoints AS c (name, tx_id, position)
         VALUES ($1, 0, 0)
         ON CONFLICT (name) DO UPDATE SET name = c.name
         RETURNING c.tx_id, c.position, c.stream_sequence"
    ))
    .bind(name)
    .fetch_one(&mut *tx)
    .await?;
    from_row(row)
}

/// Store the checkpoint inside the caller's transaction (row locked by [`lock`]).
pub(crate) async fn store(
    tx: &mut PgConnection,
    schema: &str,
    name: &str,
    stored: Stored,
) -> Result<(), ProjectionError> {
    let schema = ident(schema)?;
    let tx_id = i64::try_from(stored.at.tx_id).map_err(|_| ProjectionError::PositionOutOfRange)?;
    let sequence = stored
        .sequence
        .map(i64::try_from)
        .transpose()
        .map_err(|_| ProjectionError::PositionOutOfRange)?;
    sqlx::query(&format!(
        "UPDATE {schema}.projection_checkpoints
         SET tx_id = $2, position = $3, stream_sequence = $4, updated_at = now()
         WHERE name = $1"
    ))
    .bind(name)
    .bind(tx_id)
    .bind(stored.at.position)
    .bind(sequence)
    .execute(&mut *tx)
    .await?;
    Ok(())
}

fn from_row(
    (tx_id, position, sequence): (i64, i64, Option<i64>),
) -> Result<Stored, ProjectionError> {
    let tx_id = u64::try_from(tx_id).map_err(|_| ProjectionError::PositionOutOfRange)?;
    let sequence = sequence
        .map(u64::try_from)
        .transpose()
        .map_err(|_| ProjectionError::PositionOutOfRange)?;
    Ok(Stored {
        at: LogPosition { tx_id, position },
        sequence,
    })
}

/// Schema names are spliced into SQL, so only plain lower-case identifiers are accepted.
pub(crate) fn ident(schema: &str) -> Result<&str, ProjectionError> {
    let mut chars = schema.chars();
    let valid = schema.len() <= 63
        && chars
            .next()
            .is_some_and(|c| c.is_ascii_lowercase() || c == '_')
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
    if valid {
        Ok(schema)
    } else {
        Err(ProjectionError::InvalidSchema(schema.to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::ident;

    #[test]
    fn schema_names_are_checked() {
        assert!(ident("intake").is_ok());
        assert!(ident("cases_2").is_ok());
        assert!(ident("").is_err());
        assert!(ident("Cases").is_err());
        assert!(ident("x; DROP TABLE y").is_err());
        assert!(ident("1abc").is_err());
    }
}
