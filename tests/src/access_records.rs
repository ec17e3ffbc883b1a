//! The read-access log as an auditor reads it: the JSON document of every record a service
//! wrote (`docs/security/read-access-log.md`), read as the database administrator so that
//! row-level security hides nothing from the test.

use serde::Deserialize;
use sqlx::PgPool;

use crate::HarnessError;
use crate::service::Service;

/// One recorded call (the fields a test checks; the rest is ignored).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct LoggedCall {
    /// The writing service (`intake`, `case`).
    pub service: String,
    /// The caller's tenant; absent when authentication failed.
    #[serde(default)]
    pub tenant: Option<String>,
    /// The caller's pseudonymous id.
    #[serde(default)]
    pub subject: Option<String>,
    /// The caller's roles.
    #[serde(default)]
    pub roles: Vec<String>,
    /// The client: a token's `azp`, a certificate's principal, or `development`.
    #[serde(default)]
    pub client: Option<String>,
    /// `token`, `certificate` or `development`.
    #[serde(default)]
    pub authentication: Option<String>,
    /// The full method path.
    pub rpc: String,
    /// The objects asked for or returned.
    #[serde(default)]
    pub objects: Vec<LoggedObject>,
    /// `granted`, `not_found`, `permission_denied`, `unauthenticated`, …
    pub outcome: String,
    /// With `unauthenticated`: the fixed reason code.
    #[serde(default)]
    pub reason: Option<String>,
}

/// An object named in a record.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct LoggedObject {
    /// `case`, `submission` or `application`.
    pub kind: String,
    /// Its UUID.
    pub id: String,
}

impl LoggedCall {
    /// The method name of [`Self::rpc`] (`GetCase` of `/jobcenter.case.v1.CaseService/GetCase`).
    pub fn method(&self) -> &str {
        self.rpc.rsplit('/').next().unwrap_or_default()
    }
}

/// Every record `service` wrote, in the order recorded.
pub async fn records(admin: &PgPool, service: Service) -> Result<Vec<LoggedCall>, HarnessError> {
    // The schema name is one of the services' constants, never input.
    let sql = format!(
        "SELECT convert_from(payload, 'UTF8') FROM {}.events ORDER BY global_position",
        service.access_schema()
    );
    let documents: Vec<String> = sqlx::query_scalar(&sql).fetch_all(admin).await?;
    documents
        .iter()
        .map(|document| {
            serde_json::from_str(document).map_err(|_| HarnessError::Record(document.clone()))
        })
        .collect()
}

/// How many records `service` wrote so far.
pub async fn count(admin: &PgPool, service: Service) -> Result<usize, HarnessError> {
    let sql = format!("SELECT count(*) FROM {}.events", service.access_schema());
    let count: i64 = sqlx::query_scalar(&sql).fetch_one(admin).await?;
    Ok(usize::try_from(count).unwrap_or(0))
}
