//! `cases.case_view`: one row per case, for GetCase, FindCaseByApplication and ListCases.
//!
//! Fed from the case log (source `case`) by a `ProjectionRunner` and rebuilt from the PostgreSQL
//! log by `projection::rebuild`, both as the worker role; queried in tenant-scoped transactions
//! of the api role, behind row-level security (`migrations/0002_row_level_security.sql`). A row is only changed by an event of a newer stream version, so
//! applying an event twice has no second effect.

use chrono::{DateTime, NaiveDate, Utc};
use eventlog::RecordedEvent;
use futures::future::BoxFuture;
use jobcenter_proto::case::v1 as proto;
use projection::{Projection, ProjectionError};
use sqlx::PgConnection;
use uuid::Uuid;

use crate::domain::{Event, codec, dates};

/// Name of the projection (its checkpoint key).
pub const NAME: &str = "case_view";

/// The projection.
#[derive(Debug, Clone, Copy, Default)]
pub struct CaseView;

impl Projection for CaseView {
    fn name(&self) -> &'static str {
        NAME
    }

    fn apply<'a>(
        &'a self,
        tx: &'a mut PgConnection,
        event: &'a RecordedEvent,
    ) -> BoxFuture<'a, Result<(), ProjectionError>> {
        Box::pin(async move {
            // The log also holds the tenants' assignment rules and staff streams.
            let Some(case_id) = crate::domain::case_id_of_stream(&event.stream_id) else {
                return Ok(());
            };
            let decoded = Event::decode(&event.event_type, &event.payload)
                .map_err(|e| ProjectionError::Apply(Box::new(e)))?;
            match decoded {
                Some(Event::CaseOpened(opened)) => insert_opened(tx, event, &opened).await,
                // Events that change nothing shown still move the row's version, so that
                // `version` is the stream's.
                Some(known) => {
                    let change = change_of(&known).unwrap_or(Change::Version);
                    apply_change(tx, event, case_id, change).await
                }
                None => apply_change(tx, event, case_id, Change::Version).await,
            }
        })
    }

    fn reset<'a>(&'a self, tx: &'a mut PgConnection) -> BoxFuture<'a, Result<(), ProjectionError>> {
        Box::pin(projection::clear_tables(tx, &["cases.case_view"]))
    }

    fn digest<'a>(
        &'a self,
        conn: &'a mut PgConnection,
    ) -> BoxFuture<'a, Result<Vec<u8>, ProjectionError>> {
        Box::pin(projection::digest_rows(
            conn,
            "SELECT tenant_id, case_id, status, applicant_family_name, applicant_given_name, \
             household_size, postal_code, opened_at, application_ids, version, \
             applicant_account, documents_due, decision_outcome, period_first_day, \
             period_last_day, assigned_caseworker, team \
             FROM cases.case_view ORDER BY tenant_id, case_id",
        ))
    }
}

async fn insert_opened(
    tx: &mut PgConnection,
    event: &RecordedEvent,
    opened: &proto::CaseOpened,
) -> Result<(), ProjectionError> {
    let invalid = |what: &'static str| ProjectionError::Apply(what.into());
    let case_id = Uuid::parse_str(&opened.case_id).map_err(|_| invalid("case id"))?;
    let application_id =
        Uuid::parse_str(&opened.application_id).map_err(|_| invalid("application id"))?;
    sqlx::query(
        "INSERT INTO cases.case_view (tenant_id, case_id, status, applicant_family_name, \
         applicant_given_name, household_size, postal_code, opened_at, application_ids, version, \
         applicant_account) \
         VALUES ($1, $2, 'open', $3, $4, $5, $6, $7, ARRAY[$8]::uuid[], $9, $10) \
         ON CONFLICT (tenant_id, case_id) DO NOTHING",
    )
    .bind(&event.tenant_id)
    .bind(case_id)
    .bind(&opened.applicant_family_name)
    .bind(&opened.applicant_given_name)
    .bind(i32::try_from(opened.household_size).unwrap_or(i32::MAX))
    .bind(&opened.postal_code)
    .bind(event.recorded_at)
    .bind(application_id)
    .bind(event.version)
    .bind(&opened.applicant_account)
    .execute(&mut *tx)
    .await?;
    Ok(())
}

/// What an event changes in a case's row (besides its version).
#[derive(Debug, Clone, PartialEq)]
enum Change {
    Version,
    Status(&'static str),
    DocumentsDue(&'static str, Option<NaiveDate>),
    Decided {
        outcome: i32,
        first: Option<NaiveDate>,
        last: Option<NaiveDate>,
    },
    Assigned {
        caseworker: String,
        team: String,
    },
    Application(Uuid),
}

/// The status names stored in `case_view.status`, one per `CaseStatus`.
pub mod status {
    pub const OPEN: &str = "open";
    pub const IN_REVIEW: &str = "in_review";
    pub const DOCUMENTS_REQUESTED: &str = "documents_requested";
    pub const DECIDED: &str = "decided";
    pub const OBJECTION: &str = "objection";
    pub const OBJECTION_DECIDED: &str = "objection_decided";
    pub const CLOSED: &str = "closed";
}

fn change_of(event: &Event) -> Option<Change> {
    let day =
        |d: &Option<jobcenter_proto::common::v1::Date>| d.as_ref().and_then(dates::from_proto);
    Some(match event {
        Event::ReviewStarted(_) | Event::DocumentsReceived(_) => {
            Change::DocumentsDue(status::IN_REVIEW, None)
        }
        Event::DocumentsRequested(e) => {
            Change::DocumentsDue(status::DOCUMENTS_REQUESTED, day(&e.due))
        }
        Event::RefusalWarned(e) => Change::DocumentsDue(status::DOCUMENTS_REQUESTED, day(&e.due)),
        Event::DecisionIssued(e) => Change::Decided {
            outcome: codec::outcome_from_proto(e.outcome)
                .map(|o| codec::outcome_to_proto(o) as i32)
                .unwrap_or_default(),
            first: e.period.as_ref().and_then(|p| day(&p.first_day)),
            last: e.period.as_ref().and_then(|p| day(&p.last_day)),
        },
        Event::ObjectionFiled(_) => Change::Status(status::OBJECTION),
        Event::ObjectionDecided(_) => Change::Status(status::OBJECTION_DECIDED),
        Event::CaseClosed(_) => Change::DocumentsDue(status::CLOSED, None),
        Event::CaseAssigned(e) => Change::Assigned {
            caseworker: e.caseworker.clone(),
            team: e.team.clone(),
        },
        Event::MatterAttached(e) => Change::Application(Uuid::parse_str(&e.application_id).ok()?),
        _ => return None,
    })
}

/// Applies `change` to the event's case, only if the row is older than the event (a
/// redelivered event changes nothing).
async fn apply_change(
    tx: &mut PgConnection,
    event: &RecordedEvent,
    case_id: Uuid,
    change: Change,
) -> Result<(), ProjectionError> {
    // Only a row older than the event changes: a redelivered event has no second effect.
    macro_rules! guarded {
        ($set:literal) => {
            concat!(
                "UPDATE cases.case_view SET version = $3",
                $set,
                " WHERE tenant_id = $1 AND case_id = $2 AND version < $3"
            )
        };
    }
    let query = |sql: &'static str| {
        sqlx::query(sql)
            .bind(&event.tenant_id)
            .bind(case_id)
            .bind(event.version)
    };
    let statement = match change {
        Change::Version => query(guarded!("")),
        Change::Status(status) => query(guarded!(", status = $4")).bind(status),
        Change::DocumentsDue(status, due) => query(guarded!(", status = $4, documents_due = $5"))
            .bind(status)
            .bind(due),
        Change::Decided {
            outcome,
            first,
            last,
        } => query(guarded!(
            ", status = $4, documents_due = NULL, \
             decision_outcome = $5, period_first_day = $6, period_last_day = $7"
        ))
        .bind(status::DECIDED)
        .bind(outcome)
        .bind(first)
        .bind(last),
        Change::Assigned { caseworker, team } => {
            query(guarded!(", assigned_caseworker = $4, team = $5"))
                .bind(caseworker)
                .bind(team)
        }
        Change::Application(application_id) => query(guarded!(
            ", \
             application_ids = array_append(application_ids, $4)"
        ))
        .bind(application_id),
    };
    statement.execute(&mut *tx).await?;
    Ok(())
}

/// A row of the view.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct CaseRow {
    pub case_id: Uuid,
    pub status: String,
    pub applicant_family_name: String,
    pub applicant_given_name: String,
    pub household_size: i32,
    pub postal_code: String,
    pub opened_at: DateTime<Utc>,
    pub application_ids: Vec<Uuid>,
    pub version: i32,
    /// The applicant's account subject, or empty (see migration 0003).
    pub applicant_account: String,
    pub documents_due: Option<NaiveDate>,
    /// `DecisionOutcome` as number; 0 before a decision.
    pub decision_outcome: i32,
    pub period_first_day: Option<NaiveDate>,
    pub period_last_day: Option<NaiveDate>,
    pub assigned_caseworker: String,
    pub team: String,
}

const COLUMNS: &str = "case_id, status, applicant_family_name, applicant_given_name, \
                       household_size, postal_code, opened_at, application_ids, version, \
                       applicant_account, documents_due, decision_outcome, period_first_day, \
                       period_last_day, assigned_caseworker, team";

/// One case of a tenant. `conn` is a tenant-scoped transaction of the api role
/// (`platform::db::begin_for_tenant`): row-level security hides every other tenant's rows, and
/// the `tenant_id` condition keeps the query on the primary key.
pub async fn get(
    conn: &mut PgConnection,
    tenant_id: &str,
    case_id: Uuid,
) -> Result<Option<CaseRow>, sqlx::Error> {
    sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM cases.case_view WHERE tenant_id = $1 AND case_id = $2"
    ))
    .bind(tenant_id)
    .bind(case_id)
    .fetch_optional(conn)
    .await
}

/// The case of a tenant that holds `application_id` (`conn` as for [`get`]).
pub async fn find_by_application(
    conn: &mut PgConnection,
    tenant_id: &str,
    application_id: Uuid,
) -> Result<Option<CaseRow>, sqlx::Error> {
    sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM cases.case_view \
         WHERE tenant_id = $1 AND application_ids @> ARRAY[$2]::uuid[] \
         ORDER BY opened_at LIMIT 1"
    ))
    .bind(tenant_id)
    .bind(application_id)
    .fetch_optional(conn)
    .await
}

/// Where a page of [`list`] starts: after this (opened_at, case_id), newest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ListCursor {
    pub opened_at: DateTime<Utc>,
    pub case_id: Uuid,
}

/// Up to `limit` cases of a tenant, newest first, optionally of one status and only of one
/// applicant account (`owner`), after `after` (`conn` as for [`get`]).
pub async fn list(
    conn: &mut PgConnection,
    tenant_id: &str,
    status: Option<&str>,
    owner: Option<&str>,
    after: Option<ListCursor>,
    limit: i64,
) -> Result<Vec<CaseRow>, sqlx::Error> {
    sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM cases.case_view \
         WHERE tenant_id = $1 AND ($2::text IS NULL OR status = $2) \
           AND ($6::text IS NULL OR applicant_account = $6) \
           AND ($3::timestamptz IS NULL OR (opened_at, case_id) < ($3, $4)) \
         ORDER BY opened_at DESC, case_id DESC LIMIT $5"
    ))
    .bind(tenant_id)
    .bind(status)
    .bind(after.map(|c| c.opened_at))
    .bind(after.map(|c| c.case_id))
    .bind(limit)
    .bind(owner)
    .fetch_all(conn)
    .await
}
