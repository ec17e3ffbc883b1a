//! Shared helpers of the integration tests: a fresh database with an installed read-access log.
#![allow(dead_code)]

use access_log::AccessLog;
use chrono::{DateTime, TimeDelta, Utc};
use platform::{Authentication, CallerContext, Role, TenantId};
use sqlx::postgres::PgPoolOptions;
use sqlx::{Executor, PgPool};
use testkit::TestDatabase;

/// The schema the tests install the log in.
pub const SCHEMA: &str = "cases_access";
/// The service named in the records.
pub const SERVICE: &str = "case";
/// An RPC path.
pub const GET_CASE: &str = "/jobcenter.case.v1.CaseService/GetCase";

/// A fresh database with the log installed, written through the superuser pool.
pub async fn setup() -> (TestDatabase, AccessLog) {
    let db = TestDatabase::create().await.expect("test database");
    AccessLog::install(db.pool(), SCHEMA)
        .await
        .expect("install");
    let log = AccessLog::new(db.pool().clone(), SCHEMA, SERVICE).expect("access log");
    (db, log)
}

/// A tenant id.
pub fn tenant(id: &str) -> TenantId {
    TenantId::parse(id).expect("tenant id")
}

/// A caseworker of `tenant_id` with a pseudonymous subject.
pub fn caseworker(tenant_id: &str, subject: &str) -> CallerContext {
    CallerContext {
        tenant_id: tenant(tenant_id),
        subject: subject.to_owned(),
        roles: vec![Role::Caseworker],
        client: "jobcenter-web".to_owned(),
        authentication: Authentication::Token,
    }
}

/// A whole period around now, wide enough for every record a test writes.
pub fn around_now() -> (DateTime<Utc>, DateTime<Utc>) {
    let now = Utc::now();
    (now - TimeDelta::days(1), now + TimeDelta::days(1))
}

/// A pool on the test database whose connections act as `role` (`SET ROLE`) with a statement
/// timeout of `statement_timeout_ms` (0: none).
pub async fn pool_as(db: &TestDatabase, role: Option<&str>, statement_timeout_ms: u64) -> PgPool {
    let mut session = format!("SET statement_timeout = {statement_timeout_ms};");
    if let Some(role) = role {
        session.push_str(&format!(" SET ROLE {role};"));
    }
    PgPoolOptions::new()
        .max_connections(4)
        .after_connect(move |conn, _meta| {
            let session = session.clone();
            Box::pin(async move {
                conn.execute(sqlx::raw_sql(&session)).await?;
                Ok(())
            })
        })
        .connect(db.url())
        .await
        .expect("pool")
}

/// The stored bytes of every record (payload and metadata), as text.
pub async fn stored_bytes(db: &TestDatabase) -> String {
    let rows: Vec<(Vec<u8>, Vec<u8>, String, String)> = sqlx::query_as(&format!(
        "SELECT payload, metadata, stream_id, tenant_id FROM {SCHEMA}.events ORDER BY global_position"
    ))
    .fetch_all(db.pool())
    .await
    .expect("stored records");
    rows.into_iter()
        .map(|(payload, metadata, stream, tenant)| {
            format!(
                "{}|{}|{stream}|{tenant}\n",
                String::from_utf8_lossy(&payload),
                String::from_utf8_lossy(&metadata)
            )
        })
        .collect()
}

/// How many records the table holds.
pub async fn count(db: &TestDatabase) -> i64 {
    sqlx::query_scalar(&format!("SELECT count(*) FROM {SCHEMA}.events"))
        .fetch_one(db.pool())
        .await
        .expect("count")
}
