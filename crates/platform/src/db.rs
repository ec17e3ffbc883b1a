//! The PostgreSQL pool every service uses.
//!
//! Each connection gets a `statement_timeout` (a runaway query cannot hold a connection forever)
//! and an `idle_in_transaction_session_timeout` (an abandoned transaction cannot hold back the
//! event log's read horizon, ARCHITECTURE §3.3). They are set by one `SET` round trip when the
//! connection opens, which also works behind PgBouncer (startup parameters may not).

use std::str::FromStr;
use std::time::Duration;

use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::{Executor, PgPool};

use crate::backoff::retry;
use crate::config::DatabaseConfig;

/// Why the database could not be used.
#[derive(Debug, thiserror::Error)]
pub enum DbError {
    /// The URL is malformed (the URL itself is not shown: it may hold a password).
    #[error("invalid database URL")]
    InvalidUrl(#[source] sqlx::Error),
    #[error("database not ready after {waited:?}")]
    NotReady {
        waited: Duration,
        #[source]
        source: sqlx::Error,
    },
}

/// Connects the pool and waits (up to `ready_timeout_ms`) until the database answers.
pub async fn connect(cfg: &DatabaseConfig) -> Result<PgPool, DbError> {
    let pool = connect_lazy(cfg)?;
    wait_until_ready(&pool, Duration::from_millis(cfg.ready_timeout_ms)).await?;
    Ok(pool)
}

/// Builds the pool without opening a connection yet (call it inside the tokio runtime).
pub fn connect_lazy(cfg: &DatabaseConfig) -> Result<PgPool, DbError> {
    let options = PgConnectOptions::from_str(&cfg.url).map_err(DbError::InvalidUrl)?;
    let session = format!(
        "SET statement_timeout = {}; SET idle_in_transaction_session_timeout = {};",
        cfg.statement_timeout_ms, cfg.idle_in_transaction_timeout_ms
    );
    Ok(PgPoolOptions::new()
        .max_connections(cfg.max_connections)
        .acquire_timeout(Duration::from_millis(cfg.acquire_timeout_ms))
        .after_connect(move |conn, _meta| {
            let session = session.clone();
            Box::pin(async move {
                conn.execute(sqlx::raw_sql(&session)).await?;
                Ok(())
            })
        })
        .connect_lazy_with(options))
}

/// Retries `SELECT 1` with capped exponential backoff until it succeeds or `timeout` passed.
pub async fn wait_until_ready(pool: &PgPool, timeout: Duration) -> Result<(), DbError> {
    retry("postgresql", timeout, || async {
        pool.execute("SELECT 1").await.map(|_| ())
    })
    .await
    .map_err(|source| DbError::NotReady {
        waited: timeout,
        source,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_malformed_url_is_refused_without_echoing_it() {
        let cfg = DatabaseConfig {
            url: "postgres://user:secret@host:port/db".to_owned(),
            ..DatabaseConfig::default()
        };
        let error = connect_lazy(&cfg).expect_err("not a postgres url");
        assert!(!error.to_string().contains("secret"));
    }

    #[tokio::test]
    async fn an_unreachable_database_is_reported_after_the_timeout() {
        let cfg = DatabaseConfig {
            // Port 1 on localhost: connection refused at once.
            url: "postgres://jc@127.0.0.1:1/jc".to_owned(),
            acquire_timeout_ms: 200,
            ready_timeout_ms: 300,
            ..DatabaseConfig::default()
        };
        let result = connect(&cfg).await;
        assert!(matches!(result, Err(DbError::NotReady { .. })));
    }
}
