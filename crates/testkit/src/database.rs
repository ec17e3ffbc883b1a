//! A fresh PostgreSQL database per test, owned by the platform's owner role, with a connection
//! for each of the platform's database roles.
//!
//! The platform's tables live behind row-level security (docs/security/row-level-security.md):
//! installs run as `jobcenter_owner`, requests read as `jobcenter_api`, log writers and
//! projections work as `jobcenter_worker`. A test that uses the service's real roles proves the
//! grants and policies suffice; one that inspects or tampers with the database uses the
//! administrator's connection ([`TestDatabase::pool`]), which row-level security does not stop.

use std::str::FromStr;
use std::sync::atomic::{AtomicBool, Ordering};

use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::{ConnectOptions, Connection, PgConnection, PgPool};

use crate::TestkitError;

/// Default server for tests: the local PostgreSQL with trust authentication.
const DEFAULT_ADMIN_URL: &str = "postgres://postgres@127.0.0.1:5432/postgres";

/// The statements that create the platform's roles (also run by `deploy/local/setup.sh`).
const ROLES_SQL: &str = include_str!("../sql/roles.sql");

/// Size of the owner's pool: installs need one or two connections.
const OWNER_POOL_SIZE: u32 = 4;

/// The platform's database roles (cluster-wide; fixed names, see `sql/roles.sql`).
pub mod roles {
    /// Owns every schema, table and function; runs installs and migrations.
    pub const OWNER: &str = "jobcenter_owner";
    /// The request path: reads one tenant's rows per transaction.
    pub const API: &str = "jobcenter_api";
    /// Log writers, relays, projections and reactors: every tenant.
    pub const WORKER: &str = "jobcenter_worker";
    /// Read-only, every tenant's events: integrity verification.
    pub const AUDITOR: &str = "jobcenter_auditor";
}

/// Whether this process has made sure the roles exist (they are cluster-wide: once is enough).
static ROLES_READY: AtomicBool = AtomicBool::new(false);

/// The maintenance database URL tests create their databases through: `JC_TEST_DATABASE_URL`, or
/// the local PostgreSQL. It must be a superuser's (it creates roles and databases owned by them).
pub fn admin_url() -> String {
    std::env::var("JC_TEST_DATABASE_URL").unwrap_or_else(|_| DEFAULT_ADMIN_URL.to_owned())
}

/// Creates the platform's roles if they are missing (idempotent, safe under concurrent tests).
pub async fn ensure_roles(admin: &mut PgConnection) -> Result<(), TestkitError> {
    if !ROLES_READY.load(Ordering::Acquire) {
        sqlx::raw_sql(ROLES_SQL).execute(&mut *admin).await?;
        ROLES_READY.store(true, Ordering::Release);
    }
    Ok(())
}

/// A role's URL and pool for one test database.
struct RoleConnection {
    url: String,
    pool: PgPool,
}

impl RoleConnection {
    /// A lazy pool: it opens connections only when the test uses it.
    fn new(admin: &PgConnectOptions, database: &str, role: &str, max_connections: u32) -> Self {
        // The roles log in without a password over trusted loopback (deploy/local/setup.sh); the
        // administrator's password, if any, is theirs alone.
        let mut options = PgConnectOptions::new_without_pgpass()
            .username(role)
            .database(database)
            .ssl_mode(admin.get_ssl_mode());
        options = match admin.get_socket() {
            Some(socket) => options.socket(socket),
            None => options.host(admin.get_host()).port(admin.get_port()),
        };
        let url = options.to_url_lossy().to_string();
        let pool = PgPoolOptions::new()
            .max_connections(max_connections)
            .connect_lazy_with(options);
        Self { url, pool }
    }
}

/// A database that exists for one test and is dropped (with its connections) when this is dropped.
pub struct TestDatabase {
    name: String,
    url: String,
    admin_url: String,
    pool: PgPool,
    owner: RoleConnection,
    api: RoleConnection,
    worker: RoleConnection,
    auditor: RoleConnection,
}

impl TestDatabase {
    /// Creates an empty database with a unique name, owned by `jobcenter_owner`, and pools of up
    /// to 20 connections each for the administrator, the api and the worker role.
    pub async fn create() -> Result<Self, TestkitError> {
        Self::create_with_pool_size(20).await
    }

    /// Like [`TestDatabase::create`] with a chosen pool size.
    pub async fn create_with_pool_size(max_connections: u32) -> Result<Self, TestkitError> {
        let admin_url = admin_url();
        let name = format!("jc_test_{}", uuid::Uuid::new_v4().simple());
        let mut admin = PgConnection::connect(&admin_url).await?;
        ensure_roles(&mut admin).await?;
        sqlx::query(&format!("CREATE DATABASE {name} OWNER {}", roles::OWNER))
            .execute(&mut admin)
            .await?;
        admin.close().await?;
        let options = PgConnectOptions::from_str(&admin_url)?.database(&name);
        let url = options.to_url_lossy().to_string();
        let role = |role, size| RoleConnection::new(&options, &name, role, size);
        let owner = role(roles::OWNER, OWNER_POOL_SIZE);
        let api = role(roles::API, max_connections);
        let worker = role(roles::WORKER, max_connections);
        let auditor = role(roles::AUDITOR, 2);
        let pool = PgPoolOptions::new()
            .max_connections(max_connections)
            .connect_with(options)
            .await?;
        Ok(Self {
            name,
            url,
            admin_url,
            pool,
            owner,
            api,
            worker,
            auditor,
        })
    }

    /// The administrator's pool (a superuser in the default set-up): sees and may change every
    /// row regardless of row-level security. For fixtures, inspection and tampering; what a
    /// service does goes through [`Self::owner_pool`], [`Self::api_pool`] or
    /// [`Self::worker_pool`].
    pub fn pool(&self) -> &PgPool {
        &self.pool
    }

    /// The administrator's connection URL of this database (see [`Self::pool`]).
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The owner role's URL: installs and migrations.
    pub fn owner_url(&self) -> &str {
        &self.owner.url
    }

    /// The owner role's pool: installs and migrations. Row-level security is forced on the
    /// owner too, and no policy names it: it sees no tenant rows.
    pub fn owner_pool(&self) -> &PgPool {
        &self.owner.pool
    }

    /// The api role's URL: the request path.
    pub fn api_url(&self) -> &str {
        &self.api.url
    }

    /// The api role's pool: SELECT only, one tenant per transaction (`jc.tenant`).
    pub fn api_pool(&self) -> &PgPool {
        &self.api.pool
    }

    /// The worker role's URL: log writers, relays, projections, reactors.
    pub fn worker_url(&self) -> &str {
        &self.worker.url
    }

    /// The worker role's pool.
    pub fn worker_pool(&self) -> &PgPool {
        &self.worker.pool
    }

    /// The auditor role's URL: read-only, every tenant's events (`jobcenterctl verify`).
    pub fn auditor_url(&self) -> &str {
        &self.auditor.url
    }

    /// The auditor role's pool.
    pub fn auditor_pool(&self) -> &PgPool {
        &self.auditor.pool
    }

    /// The database's name.
    pub fn name(&self) -> &str {
        &self.name
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        // Drop runs inside the test's runtime, which may be single-threaded: do the async clean-up
        // on a thread with its own runtime and wait for it, so databases do not pile up.
        let name = self.name.clone();
        let admin_url = self.admin_url.clone();
        let cleanup = std::thread::spawn(move || {
            let Ok(runtime) = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
            else {
                return;
            };
            runtime.block_on(async move {
                if let Ok(mut admin) = PgConnection::connect(&admin_url).await {
                    let drop = format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)");
                    if let Err(error) = sqlx::query(&drop).execute(&mut admin).await {
                        tracing::warn!(%error, database = %name, "test database not dropped");
                    }
                }
            });
        });
        let _ = cleanup.join();
    }
}
