//! A fresh PostgreSQL database per test.

use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::{ConnectOptions, Connection, PgConnection, PgPool};
use std::str::FromStr;

use crate::TestkitError;

/// Default server for tests: the local PostgreSQL with trust authentication.
const DEFAULT_ADMIN_URL: &str = "postgres://postgres@127.0.0.1:5432/postgres";

/// The maintenance database URL tests create their databases through: `JC_TEST_DATABASE_URL`, or
/// the local PostgreSQL.
pub fn admin_url() -> String {
    std::env::var("JC_TEST_DATABASE_URL").unwrap_or_else(|_| DEFAULT_ADMIN_URL.to_owned())
}

/// A database that exists for one test and is dropped (with its connections) when this is dropped.
pub struct TestDatabase {
    name: String,
    url: String,
    admin_url: String,
    pool: PgPool,
}

impl TestDatabase {
    /// Creates an empty database with a unique name and a pool of up to 20 connections to it.
    pub async fn create() -> Result<Self, TestkitError> {
        Self::create_with_pool_size(20).await
    }

    /// Like [`TestDatabase::create`] with a chosen pool size.
    pub async fn create_with_pool_size(max_connections: u32) -> Result<Self, TestkitError> {
        let admin_url = admin_url();
        let name = format!("jc_test_{}", uuid::Uuid::new_v4().simple());
        let mut admin = PgConnection::connect(&admin_url).await?;
        sqlx::query(&format!("CREATE DATABASE {name}"))
            .execute(&mut admin)
            .await?;
        admin.close().await?;
        let options = PgConnectOptions::from_str(&admin_url)?.database(&name);
        let url = options.to_url_lossy().to_string();
        let pool = PgPoolOptions::new()
            .max_connections(max_connections)
            .connect_with(options)
            .await?;
        Ok(Self {
            name,
            url,
            admin_url,
            pool,
        })
    }

    /// A pool of connections to this database.
    pub fn pool(&self) -> &PgPool {
        &self.pool
    }

    /// The connection URL of this database (for services started as processes).
    pub fn url(&self) -> &str {
        &self.url
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
