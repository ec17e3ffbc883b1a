//! The database connections of a service against a real PostgreSQL with the platform's roles:
//! tenant-scoped transactions see one tenant and forget it at their end, and a connection whose
//! role row-level security would not hold is refused at start.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use platform::TenantId;
use platform::config::DatabaseConfig;
use platform::db::{self, DbError};
use testkit::TestDatabase;

/// A table behind the platform's tenant policy, created by the owner, with rows of two tenants.
async fn setup() -> TestDatabase {
    let db = TestDatabase::create_with_pool_size(1)
        .await
        .expect("database");
    sqlx::raw_sql(
        "CREATE SCHEMA s;
         CREATE TABLE s.t (tenant_id text NOT NULL, n int NOT NULL);
         ALTER TABLE s.t ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
         CREATE POLICY api ON s.t TO jobcenter_api
             USING (tenant_id = NULLIF(current_setting('jc.tenant', true), ''))
             WITH CHECK (tenant_id = NULLIF(current_setting('jc.tenant', true), ''));
         CREATE POLICY worker ON s.t TO jobcenter_worker USING (true) WITH CHECK (true);
         GRANT USAGE ON SCHEMA s TO jobcenter_api, jobcenter_worker;
         GRANT SELECT ON s.t TO jobcenter_api;
         GRANT SELECT, INSERT ON s.t TO jobcenter_worker;",
    )
    .execute(db.owner_pool())
    .await
    .expect("table");
    sqlx::query("INSERT INTO s.t VALUES ('jc-a', 1), ('jc-a', 2), ('jc-b', 3)")
        .execute(db.worker_pool())
        .await
        .expect("rows");
    db
}

fn config(db: &TestDatabase) -> DatabaseConfig {
    DatabaseConfig {
        owner_url: Some(db.owner_url().to_owned()),
        api_url: db.api_url().to_owned(),
        worker_url: db.worker_url().to_owned(),
        max_connections: 1,
        ready_timeout_ms: 5_000,
        ..DatabaseConfig::default()
    }
}

async fn pid_of(conn: &mut sqlx::PgConnection) -> Result<i32, sqlx::Error> {
    sqlx::query_scalar("SELECT pg_backend_pid()")
        .fetch_one(conn)
        .await
}

fn tenant(id: &str) -> TenantId {
    TenantId::parse(id).expect("tenant id")
}

async fn sum(conn: &mut sqlx::PgConnection) -> Option<i64> {
    sqlx::query_scalar("SELECT sum(n) FROM s.t")
        .fetch_one(conn)
        .await
        .expect("sum")
}

#[tokio::test]
async fn a_tenant_transaction_sees_its_tenants_rows_and_no_others() {
    let db = setup().await;
    let pools = db::connect(&config(&db)).await.expect("connect");
    let mut tx = db::begin_for_tenant(&pools.api, &tenant("jc-a"))
        .await
        .expect("begin");
    assert_eq!(sum(&mut tx).await, Some(3));
    drop(tx);
    let mut tx = db::begin_for_tenant(&pools.api, &tenant("jc-c"))
        .await
        .expect("begin");
    assert_eq!(sum(&mut tx).await, None, "a tenant without rows sees none");
}

#[tokio::test]
async fn the_tenant_does_not_outlive_its_transaction_on_a_pooled_connection() {
    let db = setup().await;
    // One connection: the next use gets the same session back.
    let pools = db::connect(&config(&db)).await.expect("connect");
    let mut tx = db::begin_for_tenant(&pools.api, &tenant("jc-a"))
        .await
        .expect("begin");
    let pid = pid_of(&mut tx).await.expect("pid");
    assert_eq!(sum(&mut tx).await, Some(3));
    drop(tx); // rolled back when the pool takes the connection back
    let mut conn = pools.api.acquire().await.expect("connection");
    assert_eq!(
        pid_of(&mut conn).await.expect("pid"),
        pid,
        "the same session"
    );
    assert_eq!(sum(&mut conn).await, None, "no tenant, no rows");
}

#[tokio::test]
async fn a_tenant_transaction_is_read_only() {
    let db = setup().await;
    // Even with a (test-only) INSERT grant the request path's transaction writes nothing.
    sqlx::query("GRANT INSERT ON s.t TO jobcenter_api")
        .execute(db.pool())
        .await
        .expect("grant");
    let pools = db::connect(&config(&db)).await.expect("connect");
    let mut tx = db::begin_for_tenant(&pools.api, &tenant("jc-a"))
        .await
        .expect("begin");
    let error = sqlx::query("INSERT INTO s.t VALUES ('jc-a', 9)")
        .execute(&mut *tx)
        .await
        .expect_err("read-only");
    assert_eq!(
        error.as_database_error().and_then(|e| e.code()).as_deref(),
        Some("25006"),
        "{error}"
    );
}

#[tokio::test]
async fn a_superuser_connection_is_refused() {
    let db = setup().await;
    let cfg = DatabaseConfig {
        api_url: db.url().to_owned(),
        ..config(&db)
    };
    let error = db::connect(&cfg).await.expect_err("superuser");
    assert!(
        matches!(
            error,
            DbError::PrivilegedRole {
                connection: "api",
                reason: "is a superuser"
            }
        ),
        "{error}"
    );
}

#[tokio::test]
async fn the_owner_role_is_refused_as_worker() {
    let db = setup().await;
    let cfg = DatabaseConfig {
        worker_url: db.owner_url().to_owned(),
        ..config(&db)
    };
    let error = db::connect(&cfg).await.expect_err("owner");
    assert!(
        matches!(
            error,
            DbError::PrivilegedRole {
                connection: "worker",
                reason: "owns tables"
            }
        ),
        "{error}"
    );
}

#[tokio::test]
async fn the_owner_pool_is_opened_only_when_configured() {
    let db = setup().await;
    let owner = db::connect_owner(&config(&db))
        .await
        .expect("connect")
        .expect("configured");
    let user: String = sqlx::query_scalar("SELECT current_user::text")
        .fetch_one(&owner)
        .await
        .expect("user");
    assert_eq!(user, "jobcenter_owner");
    owner.close().await;
}

#[tokio::test]
async fn missing_relations_are_named() {
    let db = setup().await;
    let pools = db::connect(&config(&db)).await.expect("connect");
    db::require_relations(&pools.worker, &["s.t"])
        .await
        .expect("s.t is installed");
    let error = db::require_relations(&pools.worker, &["s.t", "s.missing", "nowhere.t"])
        .await
        .expect_err("missing");
    let DbError::NotInstalled { missing } = error else {
        panic!("{error}");
    };
    assert_eq!(missing, ["s.missing", "nowhere.t"]);
}
