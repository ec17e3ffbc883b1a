//! Queries of the documents read model for the request path, and the questions the deletion
//! run and the sweep ask of it.
//!
//! Request-path queries run in a tenant-scoped transaction of the api role
//! (`platform::db::begin_for_tenant`): row-level security hides every other tenant's rows, and
//! the `tenant_id` condition keeps each query on its index. Each document comes with its case's
//! closing day and applicant account from the case directory (what retention and ownership
//! need).

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::PgConnection;
use uuid::Uuid;

/// A document row with what the case directory knows of its case.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct DocumentRow {
    pub document_id: Uuid,
    pub case_id: Uuid,
    /// Stored type name (`sick_note`, ...).
    pub r#type: String,
    pub tags: Vec<String>,
    /// Stored channel name.
    pub channel: String,
    pub received_at: DateTime<Utc>,
    pub received_on: NaiveDate,
    pub filed_at: DateTime<Utc>,
    pub legal_hold: bool,
    pub deleted: bool,
    pub version: i32,
    /// The case's closing day, if closed.
    pub closed_on: Option<NaiveDate>,
    /// The case's applicant account, or empty.
    pub applicant_account: String,
}

/// One version row.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct VersionRow {
    pub document_id: Uuid,
    pub number: i32,
    pub sha256: String,
    pub size: i64,
    pub media_type: String,
    pub file_name: String,
    pub added_at: DateTime<Utc>,
    pub reason: String,
}

const SELECT: &str = "SELECT d.document_id, d.case_id, d.type, d.tags, d.channel, \
     d.received_at, d.received_on, d.filed_at, d.legal_hold, d.deleted, d.version, \
     c.closed_on, COALESCE(c.applicant_account, '') AS applicant_account \
     FROM efile.documents d LEFT JOIN efile.case_directory c \
       ON c.tenant_id = d.tenant_id AND c.case_id = d.case_id";

/// One document of `tenant`.
pub async fn get(
    conn: &mut PgConnection,
    tenant: &str,
    document_id: Uuid,
) -> Result<Option<DocumentRow>, sqlx::Error> {
    sqlx::query_as(&format!(
        "{SELECT} WHERE d.tenant_id = $1 AND d.document_id = $2"
    ))
    .bind(tenant)
    .bind(document_id)
    .fetch_optional(conn)
    .await
}

/// What ListDocuments filters by; every filter set must match.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ListFilter {
    pub case_id: Option<Uuid>,
    /// Stored type name.
    pub r#type: Option<&'static str>,
    pub tag: Option<String>,
    pub received_from: Option<NaiveDate>,
    pub received_until: Option<NaiveDate>,
    /// Only documents of cases of this applicant account.
    pub owner: Option<String>,
}

/// Where a page of [`list`] starts: after this (received_at, document_id), newest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ListCursor {
    pub received_at: DateTime<Utc>,
    pub document_id: Uuid,
}

/// Up to `limit` documents of `tenant` matching `filter`, newest receipt first, after `after`.
pub async fn list(
    conn: &mut PgConnection,
    tenant: &str,
    filter: &ListFilter,
    after: Option<ListCursor>,
    limit: i64,
) -> Result<Vec<DocumentRow>, sqlx::Error> {
    sqlx::query_as(&format!(
        "{SELECT} WHERE d.tenant_id = $1 \
           AND ($2::uuid IS NULL OR d.case_id = $2) \
           AND ($3::text IS NULL OR d.type = $3) \
           AND ($4::text IS NULL OR d.tags @> ARRAY[$4]::text[]) \
           AND ($5::date IS NULL OR d.received_on >= $5) \
           AND ($6::date IS NULL OR d.received_on <= $6) \
           AND ($7::text IS NULL OR c.applicant_account = $7) \
           AND ($8::timestamptz IS NULL OR (d.received_at, d.document_id) < ($8, $9)) \
         ORDER BY d.received_at DESC, d.document_id DESC LIMIT $10"
    ))
    .bind(tenant)
    .bind(filter.case_id)
    .bind(filter.r#type)
    .bind(filter.tag.as_deref())
    .bind(filter.received_from)
    .bind(filter.received_until)
    .bind(filter.owner.as_deref())
    .bind(after.map(|c| c.received_at))
    .bind(after.map(|c| c.document_id))
    .bind(limit)
    .fetch_all(conn)
    .await
}

/// Every document of a case, oldest receipt first.
pub async fn case_file(
    conn: &mut PgConnection,
    tenant: &str,
    case_id: Uuid,
) -> Result<Vec<DocumentRow>, sqlx::Error> {
    sqlx::query_as(&format!(
        "{SELECT} WHERE d.tenant_id = $1 AND d.case_id = $2 \
         ORDER BY d.received_at, d.document_id"
    ))
    .bind(tenant)
    .bind(case_id)
    .fetch_all(conn)
    .await
}

/// The versions of `documents`, by document, oldest first.
pub async fn versions(
    conn: &mut PgConnection,
    tenant: &str,
    documents: &[Uuid],
) -> Result<Vec<VersionRow>, sqlx::Error> {
    if documents.is_empty() {
        return Ok(Vec::new());
    }
    sqlx::query_as(
        "SELECT document_id, number, sha256, size, media_type, file_name, added_at, reason \
         FROM efile.document_versions WHERE tenant_id = $1 AND document_id = ANY($2) \
         ORDER BY document_id, number",
    )
    .bind(tenant)
    .bind(documents)
    .fetch_all(conn)
    .await
}

/// A document of the case, not deleted, one of whose versions has this content.
pub async fn live_document_with_content(
    conn: &mut PgConnection,
    tenant: &str,
    case_id: Uuid,
    sha256: &str,
) -> Result<Option<Uuid>, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT d.document_id FROM efile.document_versions v \
           JOIN efile.documents d ON d.tenant_id = v.tenant_id AND d.document_id = v.document_id \
          WHERE v.tenant_id = $1 AND v.sha256 = $2 AND d.case_id = $3 AND NOT d.deleted \
          ORDER BY d.received_at, d.document_id LIMIT 1",
    )
    .bind(tenant)
    .bind(sha256)
    .bind(case_id)
    .fetch_optional(conn)
    .await
}

/// Whether a document of `tenant` that is not deleted (other than `except`) has a version with
/// this content: then its blob must stay.
pub async fn content_is_referenced(
    conn: &mut PgConnection,
    tenant: &str,
    sha256: &str,
    except: Option<Uuid>,
) -> Result<bool, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM efile.document_versions v \
           JOIN efile.documents d ON d.tenant_id = v.tenant_id AND d.document_id = v.document_id \
          WHERE v.tenant_id = $1 AND v.sha256 = $2 AND NOT d.deleted \
            AND ($3::uuid IS NULL OR d.document_id <> $3))",
    )
    .bind(tenant)
    .bind(sha256)
    .bind(except)
    .fetch_one(conn)
    .await
}

/// A document the deletion run looks at.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct DueCandidate {
    pub document_id: Uuid,
    /// Stored type name.
    pub r#type: String,
    pub received_on: NaiveDate,
    pub closed_on: Option<NaiveDate>,
}

/// Up to `limit` documents of `tenant` (after `after`, by id) that are not deleted and whose
/// deletion day under `rules` (stored type name, start name, years) is on or before `today`,
/// held ones included. The SQL narrows; the domain (`domain::retention`) decides again.
pub async fn due_candidates(
    conn: &mut PgConnection,
    tenant: &str,
    rules: &[(&'static str, &'static str, i32)],
    today: NaiveDate,
    after: Option<Uuid>,
    limit: i64,
) -> Result<Vec<DueCandidate>, sqlx::Error> {
    let types: Vec<&str> = rules.iter().map(|r| r.0).collect();
    let starts: Vec<&str> = rules.iter().map(|r| r.1).collect();
    let years: Vec<i32> = rules.iter().map(|r| r.2).collect();
    sqlx::query_as(
        "WITH rules (type, start, years) AS ( \
             SELECT * FROM unnest($2::text[], $3::text[], $4::int[])) \
         SELECT d.document_id, d.type, d.received_on, c.closed_on \
           FROM efile.documents d \
           JOIN rules r ON r.type = d.type \
           LEFT JOIN efile.case_directory c \
             ON c.tenant_id = d.tenant_id AND c.case_id = d.case_id \
          WHERE d.tenant_id = $1 AND NOT d.deleted \
            AND ($6::uuid IS NULL OR d.document_id > $6) \
            AND (CASE r.start WHEN 'receipt' THEN d.received_on ELSE c.closed_on END \
                 + make_interval(years => r.years))::date + 1 <= $5 \
          ORDER BY d.document_id LIMIT $7",
    )
    .bind(tenant)
    .bind(types)
    .bind(starts)
    .bind(years)
    .bind(today)
    .bind(after)
    .bind(limit)
    .fetch_all(conn)
    .await
}

/// The tenants with documents that are not deleted (the periodic deletion run's round).
pub async fn tenants_with_documents(conn: &mut PgConnection) -> Result<Vec<String>, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT DISTINCT tenant_id FROM efile.documents WHERE NOT deleted ORDER BY tenant_id",
    )
    .fetch_all(conn)
    .await
}
