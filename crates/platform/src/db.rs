//! The PostgreSQL connections every service uses: one pool per database role, and the
//! tenant-scoped transaction of the request path.
//!
//! Row-level security is the database's own wall between tenants, behind the services' checks
//! (`docs/security/row-level-security.md`):
//! - the owner role installs and migrates ([`connect_owner`]); its pool is closed afterwards;
//! - the api role ([`Pools::api`]) reads, one tenant per transaction: [`begin_for_tenant`] sets
//!   `jc.tenant` for that transaction only, and without it the policies show no rows at all;
//! - the worker role ([`Pools::worker`]) writes the event log and runs relays, projections and
//!   reactors, which handle every tenant by explicit policy.
//!
//! [`connect`] refuses a role that row-level security would not hold (a superuser, one with
//! BYPASSRLS, the owner of a table or a member of the owner): a wrong URL fails the start
//! instead of silently opening the wall.
//!
//! Each connection gets a `statement_timeout` (a runaway query cannot hold a connection forever)
//! and an `idle_in_transaction_session_timeout` (an abandoned transaction cannot hold back the
//! event log's read horizon, ARCHITECTURE §3.3). They are set by one `SET` round trip when the
//! connection opens, which also works behind PgBouncer (startup parameters may not).

use std::str::FromStr;
use std::time::Duration;

use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::{Executor, PgPool, Postgres, Transaction};

use crate::backoff::retry;
use crate::caller::TenantId;
use crate::config::DatabaseConfig;

/// The setting that names the tenant of a request-path transaction; the api role's policies
/// compare every row's `tenant_id` with it.
pub const TENANT_SETTING: &str = "jc.tenant";

/// Sets [`TENANT_SETTING`] for the current transaction only (`is_local = true`): it ends with the
/// transaction, so a pooled connection never carries a tenant over to the next request.
const SET_TENANT: &str = "SELECT set_config('jc.tenant', $1, true)";

/// The owner's pool: installs run one after another.
const OWNER_POOL_SIZE: u32 = 2;

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
    /// A request-path or worker connection logs in as a role that row-level security would not
    /// hold; `connection` is `api` or `worker`, `reason` says why.
    #[error("the {connection} connection's role {reason}: row-level security would not hold it")]
    PrivilegedRole {
        connection: &'static str,
        reason: &'static str,
    },
    /// The service's tables are not installed (no owner URL was configured, and no migration
    /// job has run).
    #[error(
        "schema not installed, missing {missing:?}: run `<service> migrate` with the owner URL"
    )]
    NotInstalled { missing: Vec<String> },
    /// A query of these checks failed.
    #[error("database request failed")]
    Query(#[from] sqlx::Error),
}

/// The two pools of a running service.
#[derive(Debug, Clone)]
pub struct Pools {
    /// The api role: request-path reads, each in a [`begin_for_tenant`] transaction.
    pub api: PgPool,
    /// The worker role: event log writer, relay, projections, reactors.
    pub worker: PgPool,
}

/// Connects the api and worker pools, waits (up to `ready_timeout_ms`) until the database
/// answers, and refuses roles that row-level security would not hold.
pub async fn connect(cfg: &DatabaseConfig) -> Result<Pools, DbError> {
    let api = connect_lazy(cfg, &cfg.api_url, cfg.max_connections)?;
    let worker = connect_lazy(cfg, &cfg.worker_url, cfg.max_connections)?;
    let timeout = Duration::from_millis(cfg.ready_timeout_ms);
    wait_until_ready(&api, timeout).await?;
    wait_until_ready(&worker, timeout).await?;
    require_unprivileged(&api, "api").await?;
    require_unprivileged(&worker, "worker").await?;
    Ok(Pools { api, worker })
}

/// Connects the owner's pool if an owner URL is configured, and waits until it answers.
/// Close it when the installs are done.
pub async fn connect_owner(cfg: &DatabaseConfig) -> Result<Option<PgPool>, DbError> {
    let Some(url) = cfg.owner_url.as_deref() else {
        return Ok(None);
    };
    let owner = connect_lazy(cfg, url, OWNER_POOL_SIZE)?;
    wait_until_ready(&owner, Duration::from_millis(cfg.ready_timeout_ms)).await?;
    Ok(Some(owner))
}

/// Runs `install` through the owner's pool when an owner URL is configured, then closes that
/// pool: `Ok(Some(()))` when installed, `Ok(None)` without an owner URL (a migration job installs
/// instead). What a service's `migrate` and start-up share.
pub async fn install_as_owner<F, Fut, E>(cfg: &DatabaseConfig, install: F) -> Result<Option<()>, E>
where
    F: FnOnce(PgPool) -> Fut,
    Fut: std::future::Future<Output = Result<(), E>>,
    E: From<DbError>,
{
    let Some(owner) = connect_owner(cfg).await? else {
        return Ok(None);
    };
    let installed = install(owner.clone()).await;
    owner.close().await;
    installed.map(Some)
}

/// The api and worker pools of a service that installs its schema through `install` when an
/// owner URL is configured (local runs, tests) and otherwise checks that a migration job created
/// `relations`.
pub async fn install_and_connect<F, Fut, E>(
    cfg: &DatabaseConfig,
    install: F,
    relations: &[&str],
) -> Result<Pools, E>
where
    F: FnOnce(PgPool) -> Fut,
    Fut: std::future::Future<Output = Result<(), E>>,
    E: From<DbError>,
{
    let installed_here = install_as_owner(cfg, install).await?.is_some();
    let pools = connect(cfg).await?;
    if !installed_here {
        require_relations(&pools.worker, relations).await?;
    }
    Ok(pools)
}

/// Builds a pool for `url` without opening a connection yet (call it inside the tokio runtime).
pub fn connect_lazy(
    cfg: &DatabaseConfig,
    url: &str,
    max_connections: u32,
) -> Result<PgPool, DbError> {
    let options = PgConnectOptions::from_str(url).map_err(DbError::InvalidUrl)?;
    let session = format!(
        "SET statement_timeout = {}; SET idle_in_transaction_session_timeout = {};",
        cfg.statement_timeout_ms, cfg.idle_in_transaction_timeout_ms
    );
    Ok(PgPoolOptions::new()
        .max_connections(max_connections)
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

/// A read-only transaction on `pool` (the api pool) in which row-level security shows the rows
/// of `tenant` and no other: [`TENANT_SETTING`] is set with `set_config(.., true)`, local to the
/// transaction. Every request-path read goes through one.
///
/// The tenant travels as a bound parameter, never spliced into SQL (a [`TenantId`] could not
/// hold a quote, but the wall should not rest on that). That costs a second round trip after
/// `BEGIN`. Dropping the transaction rolls it back (there is nothing to keep); the pool flushes
/// the `ROLLBACK` before the connection is used again, so the tenant never carries over.
pub async fn begin_for_tenant(
    pool: &PgPool,
    tenant: &TenantId,
) -> Result<Transaction<'static, Postgres>, sqlx::Error> {
    let mut tx = pool.begin_with("BEGIN READ ONLY").await?;
    sqlx::query(SET_TENANT)
        .bind(tenant.as_str())
        .execute(&mut *tx)
        .await?;
    Ok(tx)
}

/// Fails unless every relation in `relations` (schema-qualified names) exists and is within the
/// reach of `pool`'s role: a service started without an owner URL checks that a migration job
/// installed what it needs.
pub async fn require_relations(pool: &PgPool, relations: &[&str]) -> Result<(), DbError> {
    let mut missing = Vec::new();
    for relation in relations {
        // to_regclass is NULL for a missing relation, an error for a schema the role may not use.
        let found: Result<Option<String>, sqlx::Error> =
            sqlx::query_scalar("SELECT to_regclass($1)::text")
                .bind(relation)
                .fetch_one(pool)
                .await;
        match found {
            Ok(Some(_)) => {}
            Ok(None) => missing.push((*relation).to_owned()),
            Err(sqlx::Error::Database(error)) if error.code().as_deref() == Some("42501") => {
                missing.push((*relation).to_owned());
            }
            Err(error) => return Err(error.into()),
        }
    }
    if missing.is_empty() {
        Ok(())
    } else {
        Err(DbError::NotInstalled { missing })
    }
}

/// Refuses a role that row-level security would not hold: a superuser, a role with BYPASSRLS,
/// or one that owns (or may act as the owner of) a table of this database, since an owner may
/// switch the policies off.
pub async fn require_unprivileged(pool: &PgPool, connection: &'static str) -> Result<(), DbError> {
    let (superuser, bypass_rls, owns_tables): (bool, bool, bool) = sqlx::query_as(
        "SELECT r.rolsuper, r.rolbypassrls, EXISTS ( \
             SELECT 1 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace \
              WHERE c.relkind IN ('r', 'p', 'v', 'm') \
                AND n.nspname NOT IN ('pg_catalog', 'information_schema') \
                AND n.nspname NOT LIKE 'pg\\_temp\\_%' AND n.nspname NOT LIKE 'pg\\_toast%' \
                AND pg_has_role(r.oid, c.relowner, 'MEMBER')) \
           FROM pg_roles r WHERE r.rolname = current_user",
    )
    .fetch_one(pool)
    .await?;
    let reason = if superuser {
        Some("is a superuser")
    } else if bypass_rls {
        Some("has BYPASSRLS")
    } else if owns_tables {
        Some("owns tables")
    } else {
        None
    };
    match reason {
        Some(reason) => Err(DbError::PrivilegedRole { connection, reason }),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_malformed_url_is_refused_without_echoing_it() {
        let cfg = DatabaseConfig::default();
        let error = connect_lazy(&cfg, "postgres://user:secret@host:port/db", 2)
            .expect_err("not a postgres url");
        assert!(!error.to_string().contains("secret"));
    }

    #[tokio::test]
    async fn an_unreachable_database_is_reported_after_the_timeout() {
        let cfg = DatabaseConfig {
            // Port 1 on localhost: connection refused at once.
            api_url: "postgres://jc@127.0.0.1:1/jc".to_owned(),
            worker_url: "postgres://jc@127.0.0.1:1/jc".to_owned(),
            acquire_timeout_ms: 200,
            ready_timeout_ms: 300,
            ..DatabaseConfig::default()
        };
        let result = connect(&cfg).await;
        assert!(matches!(result, Err(DbError::NotReady { .. })));
    }

    #[tokio::test]
    async fn without_an_owner_url_there_is_no_owner_pool() {
        let owner = connect_owner(&DatabaseConfig::default())
            .await
            .expect("no connection attempted");
        assert!(owner.is_none());
    }
}
