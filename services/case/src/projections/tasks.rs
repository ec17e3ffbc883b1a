//! `cases.tasks`: the work queue (Arbeitsvorrat), one row per task, opened and closed by case
//! events as `domain::tasks` says; and `cases.task_cases`, the stream version applied per case
//! and the case's current assignment, which every task of the case carries.
//!
//! Fed from the case log like `case_view` (worker role; rebuilt by `projection::rebuild`);
//! read by ListTasks in tenant-scoped transactions of the api role. An event changes something
//! only if its stream version is newer than the case's row: applying it twice has no second
//! effect. Task ids derive from the opening event's id, so a task is opened once.

use chrono::{DateTime, NaiveDate, Utc};
use eventlog::RecordedEvent;
use futures::future::BoxFuture;
use jobcenter_proto::case::v1 as proto;
use projection::{Projection, ProjectionError};
use sqlx::PgConnection;
use uuid::Uuid;

use crate::domain::tasks::{self, Closing, Opening};
use crate::domain::{Event, case_id_of_stream, dates};

/// Name of the projection (its checkpoint key).
pub const NAME: &str = "tasks";

/// The projection.
#[derive(Debug, Clone, Copy, Default)]
pub struct Tasks;

impl Projection for Tasks {
    fn name(&self) -> &'static str {
        NAME
    }

    fn apply<'a>(
        &'a self,
        tx: &'a mut PgConnection,
        event: &'a RecordedEvent,
    ) -> BoxFuture<'a, Result<(), ProjectionError>> {
        Box::pin(async move {
            // Assignment rules and staff streams bring no tasks.
            let Some(case_id) = case_id_of_stream(&event.stream_id) else {
                return Ok(());
            };
            let decoded = Event::decode(&event.event_type, &event.payload)
                .map_err(|e| ProjectionError::Apply(Box::new(e)))?;
            let assigned = match &decoded {
                Some(Event::CaseAssigned(e)) => Some((e.caseworker.clone(), e.team.clone())),
                _ => None,
            };
            let current = match &decoded {
                Some(Event::CaseOpened(_)) => open_case(tx, event, case_id).await?,
                _ => advance_case(tx, event, case_id, assigned.as_ref()).await?,
            };
            // Applied before (or an event of a case this projection never saw open).
            let Some((caseworker, team)) = current else {
                return Ok(());
            };
            let Some(decoded) = decoded else {
                return Ok(());
            };
            if assigned.is_some() {
                move_open_tasks(tx, event, case_id, &caseworker, &team).await?;
            }
            let effects = tasks::effects(&decoded, dates::legal_day(event.recorded_at));
            close(tx, event, case_id, &effects.closes).await?;
            if let Some(opening) = effects.opens {
                open(tx, event, case_id, opening, &caseworker, &team).await?;
            }
            Ok(())
        })
    }

    fn reset<'a>(&'a self, tx: &'a mut PgConnection) -> BoxFuture<'a, Result<(), ProjectionError>> {
        Box::pin(projection::clear_tables(
            tx,
            &["cases.tasks", "cases.task_cases"],
        ))
    }

    fn digest<'a>(
        &'a self,
        conn: &'a mut PgConnection,
    ) -> BoxFuture<'a, Result<Vec<u8>, ProjectionError>> {
        Box::pin(async move {
            let mut digest = projection::digest_rows(
                &mut *conn,
                "SELECT tenant_id, task_id, case_id, kind, title, checklist, due_on, priority, \
                 application_id, assignee, team, opened_at, opened_version, closed_at, \
                 closed_by_event FROM cases.tasks ORDER BY tenant_id, task_id",
            )
            .await?;
            digest.extend(
                projection::digest_rows(
                    &mut *conn,
                    "SELECT tenant_id, case_id, version, caseworker, team FROM cases.task_cases \
                     ORDER BY tenant_id, case_id",
                )
                .await?,
            );
            Ok(digest)
        })
    }
}

/// Starts the case's row; `None` if it exists (the opening event was applied before).
async fn open_case(
    tx: &mut PgConnection,
    event: &RecordedEvent,
    case_id: Uuid,
) -> Result<Option<(String, String)>, ProjectionError> {
    Ok(sqlx::query_as(
        "INSERT INTO cases.task_cases (tenant_id, case_id, version) VALUES ($1, $2, $3) \
         ON CONFLICT (tenant_id, case_id) DO NOTHING RETURNING caseworker, team",
    )
    .bind(&event.tenant_id)
    .bind(case_id)
    .bind(event.version)
    .fetch_optional(&mut *tx)
    .await?)
}

/// Moves the case's row to the event's version (and its assignment, if the event assigns);
/// the case's assignment after the event, or `None` if the event is not newer.
async fn advance_case(
    tx: &mut PgConnection,
    event: &RecordedEvent,
    case_id: Uuid,
    assigned: Option<&(String, String)>,
) -> Result<Option<(String, String)>, ProjectionError> {
    Ok(sqlx::query_as(
        "UPDATE cases.task_cases SET version = $3, caseworker = COALESCE($4, caseworker), \
         team = COALESCE($5, team) \
         WHERE tenant_id = $1 AND case_id = $2 AND version < $3 RETURNING caseworker, team",
    )
    .bind(&event.tenant_id)
    .bind(case_id)
    .bind(event.version)
    .bind(assigned.map(|(caseworker, _)| caseworker))
    .bind(assigned.map(|(_, team)| team))
    .fetch_optional(&mut *tx)
    .await?)
}

/// A (re)assignment moves the case's open tasks; closed ones keep who did them.
async fn move_open_tasks(
    tx: &mut PgConnection,
    event: &RecordedEvent,
    case_id: Uuid,
    caseworker: &str,
    team: &str,
) -> Result<(), ProjectionError> {
    sqlx::query(
        "UPDATE cases.tasks SET assignee = $3, team = $4 \
         WHERE tenant_id = $1 AND case_id = $2 AND closed_at IS NULL",
    )
    .bind(&event.tenant_id)
    .bind(case_id)
    .bind(caseworker)
    .bind(team)
    .execute(&mut *tx)
    .await?;
    Ok(())
}

async fn close(
    tx: &mut PgConnection,
    event: &RecordedEvent,
    case_id: Uuid,
    closing: &Closing,
) -> Result<(), ProjectionError> {
    macro_rules! close {
        ($condition:literal) => {
            concat!(
                "UPDATE cases.tasks SET closed_at = $3, closed_by_event = $4 \
                 WHERE tenant_id = $1 AND case_id = $2 AND closed_at IS NULL",
                $condition
            )
        };
    }
    let sql = match closing {
        Closing::Nothing => return Ok(()),
        Closing::Kinds(_) => close!(" AND kind = ANY($5)"),
        Closing::Matter { .. } => close!(" AND kind = $5 AND application_id = $6"),
        Closing::EverythingBut(_) => close!(" AND kind <> ALL($5)"),
    };
    let query = sqlx::query(sql)
        .bind(&event.tenant_id)
        .bind(case_id)
        .bind(event.recorded_at)
        .bind(event.event_id);
    let query = match closing {
        Closing::Kinds(kinds) | Closing::EverythingBut(kinds) => {
            query.bind(kinds.iter().map(|kind| *kind as i32).collect::<Vec<i32>>())
        }
        Closing::Matter {
            kind,
            application_id,
        } => query.bind(*kind as i32).bind(application_id),
        Closing::Nothing => query,
    };
    query.execute(&mut *tx).await?;
    Ok(())
}

async fn open(
    tx: &mut PgConnection,
    event: &RecordedEvent,
    case_id: Uuid,
    opening: Opening,
    caseworker: &str,
    team: &str,
) -> Result<(), ProjectionError> {
    let mut opening = opening;
    if opening.kind == proto::TaskKind::SickNoteRecorded {
        let warnings =
            matter_warnings(tx, event, case_id, opening.application_id.as_deref()).await?;
        opening.checklist.extend(warnings);
    }
    sqlx::query(
        "INSERT INTO cases.tasks (tenant_id, task_id, case_id, kind, title, checklist, due_on, \
         priority, application_id, assignee, team, opened_at, opened_version) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) \
         ON CONFLICT (tenant_id, task_id) DO NOTHING",
    )
    .bind(&event.tenant_id)
    .bind(tasks::task_id(event.event_id))
    .bind(case_id)
    .bind(opening.kind as i32)
    .bind(opening.title)
    .bind(opening.checklist)
    .bind(opening.due_on)
    .bind(opening.priority as i32)
    .bind(opening.application_id.unwrap_or_default())
    .bind(caseworker)
    .bind(team)
    .bind(event.recorded_at)
    .bind(event.version)
    .execute(&mut *tx)
    .await?;
    Ok(())
}

/// The plausibility warnings intake flagged on the matter `application_id`, as its matter task
/// lists them. A sick-note form the platform records opens and closes its matter task in the
/// same append; the caseworker reads the warnings on the task that tells them instead (the
/// matter task was applied just before, in the same batch or an earlier one).
async fn matter_warnings(
    tx: &mut PgConnection,
    event: &RecordedEvent,
    case_id: Uuid,
    application_id: Option<&str>,
) -> Result<Vec<String>, ProjectionError> {
    let Some(application_id) = application_id else {
        return Ok(Vec::new());
    };
    let checklist: Option<Vec<String>> = sqlx::query_scalar(
        "SELECT checklist FROM cases.tasks \
         WHERE tenant_id = $1 AND case_id = $2 AND kind = $3 AND application_id = $4 \
         ORDER BY opened_version LIMIT 1",
    )
    .bind(&event.tenant_id)
    .bind(case_id)
    .bind(proto::TaskKind::ProcessMatter as i32)
    .bind(application_id)
    .fetch_optional(&mut *tx)
    .await?;
    Ok(checklist
        .unwrap_or_default()
        .into_iter()
        .filter(|item| item.starts_with(tasks::WARNING_ITEM))
        .collect())
}

/// A task as the queue shows it.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct TaskRow {
    pub task_id: Uuid,
    pub case_id: Uuid,
    /// `TaskKind` as number.
    pub kind: i32,
    pub title: String,
    pub checklist: Vec<String>,
    pub due_on: NaiveDate,
    /// `TaskPriority` as number.
    pub priority: i32,
    /// The matter's application id, or empty.
    pub application_id: String,
    pub assignee: String,
    pub team: String,
    pub opened_at: DateTime<Utc>,
    /// Shown because the assignee is absent and the caller stands in.
    pub substitution: bool,
}

/// Whose queue.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Queue<'a> {
    /// A caseworker's own tasks and those of the caseworkers absent on the day who named them
    /// as substitute.
    Caseworker(&'a str),
    /// Every open task of a team.
    Team(&'a str),
}

/// Where a page of [`list`] starts: after this task in queue order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TaskCursor {
    pub due_on: NaiveDate,
    pub priority: i32,
    pub opened_at: DateTime<Utc>,
    pub task_id: Uuid,
}

const COLUMNS: &str = "task_id, case_id, kind, title, checklist, due_on, priority, \
                       application_id, assignee, team, opened_at";

/// Up to `limit` open tasks of `queue` on `today`, in queue order (due day, which puts the
/// overdue first; then priority, high first; then age), after `after`. `conn` is a
/// tenant-scoped transaction of the api role; the `tenant_id` condition keeps the query on the
/// indexes.
pub async fn list(
    conn: &mut PgConnection,
    tenant_id: &str,
    queue: Queue<'_>,
    today: NaiveDate,
    after: Option<TaskCursor>,
    limit: i64,
) -> Result<Vec<TaskRow>, sqlx::Error> {
    const PAGE: &str = "AND ($4::date IS NULL OR (due_on, -priority, opened_at, task_id) > \
                        ($4, -$5::integer, $6, $7)) \
                        ORDER BY due_on, -priority, opened_at, task_id LIMIT $8";
    let sql = match queue {
        // The latest record covering today says who stands in for an absent caseworker.
        Queue::Caseworker(_) => format!(
            "WITH standing_in AS ( \
                 SELECT DISTINCT ON (caseworker) caseworker, substitute FROM cases.absences \
                 WHERE tenant_id = $1 AND first_day <= $3 AND last_day >= $3 \
                 ORDER BY caseworker, version DESC) \
             SELECT {COLUMNS}, assignee <> $2 AS substitution FROM cases.tasks \
             WHERE tenant_id = $1 AND closed_at IS NULL \
               AND (assignee = $2 OR assignee IN (SELECT caseworker FROM standing_in \
                    WHERE substitute = $2 AND caseworker <> $2 AND caseworker <> '')) \
             {PAGE}"
        ),
        Queue::Team(_) => format!(
            "SELECT {COLUMNS}, false AS substitution FROM cases.tasks \
             WHERE tenant_id = $1 AND closed_at IS NULL AND team = $2 \
               AND $3::date IS NOT NULL {PAGE}"
        ),
    };
    let whose = match queue {
        Queue::Caseworker(subject) => subject,
        Queue::Team(team) => team,
    };
    sqlx::query_as(&sql)
        .bind(tenant_id)
        .bind(whose)
        .bind(today)
        .bind(after.map(|c| c.due_on))
        .bind(after.map(|c| c.priority))
        .bind(after.map(|c| c.opened_at))
        .bind(after.map(|c| c.task_id))
        .bind(limit)
        .fetch_all(conn)
        .await
}
