//! gRPC handlers of `jobcenter.case.v1.CaseService`: authorise, wait for the read model,
//! query, convert.

use std::time::Duration;

use access_log::{AccessLog, ObjectKind, ObjectRef, ReadContext};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::DateTime;
use eventlog::EventLog;
use jobcenter_proto::case::v1 as proto;
use jobcenter_proto::case::v1::case_service_server::CaseService;
use jobcenter_proto::common::v1::Position;
use platform::CallerContext;
use sqlx::{PgPool, Postgres, Transaction};
use tonic::{Request, Response, Status};
use uuid::Uuid;

use platform::authz::Scope;

use crate::consistency::wait_for_token;
use crate::domain::{self, timeline};
use crate::error::CaseError;
use crate::projections::case_view::{self, CaseRow, ListCursor};

/// Default and largest page of ListCases.
const LIST_DEFAULT: i64 = 50;
const LIST_MAX: i64 = 500;
/// Default and largest page of GetCaseTimeline.
const TIMELINE_DEFAULT: i64 = 100;
const TIMELINE_MAX: i64 = 500;

/// The case gRPC service.
#[derive(Debug, Clone)]
pub struct CaseApi {
    pool: PgPool,
    log: EventLog,
    access: AccessLog,
    wait_timeout: Duration,
}

impl CaseApi {
    /// A service reading the read models and the case `log` through `pool`, the api role's
    /// pool, and recording every read in `access`; queries with a position token wait at most
    /// `wait_timeout`.
    pub fn new(pool: PgPool, log: EventLog, access: AccessLog, wait_timeout: Duration) -> Self {
        Self {
            pool,
            log,
            access,
            wait_timeout,
        }
    }

    async fn wait(
        &self,
        position: Option<&Position>,
        field: &'static str,
    ) -> Result<(), CaseError> {
        wait_for_token(
            &self.pool,
            position.map(|p| p.token.as_str()),
            field,
            self.wait_timeout,
        )
        .await
    }

    /// A read-only transaction in which row-level security shows only `caller`'s tenant.
    async fn tenant_tx(
        &self,
        caller: &CallerContext,
    ) -> Result<Transaction<'static, Postgres>, CaseError> {
        Ok(platform::db::begin_for_tenant(&self.pool, &caller.tenant_id).await?)
    }
}

/// The case `row`, if the caller may reach it: an applicant only the case of their own online
/// application; anything else is as absent as another tenant's case (no existence oracle).
fn reachable(read: &ReadContext, row: Option<CaseRow>) -> Result<CaseRow, CaseError> {
    row.filter(|row| read.may_reach(&row.applicant_account))
        .ok_or(CaseError::NotFound)
}

/// The case objects a response discloses, for the read-access log.
fn case_objects<'a>(cases: impl IntoIterator<Item = &'a proto::Case>) -> Vec<ObjectRef> {
    cases
        .into_iter()
        .filter_map(|case| ObjectRef::parse(ObjectKind::Case, &case.case_id))
        .collect()
}

fn parse_uuid(value: &str, field: &'static str) -> Result<Uuid, CaseError> {
    Uuid::parse_str(value).map_err(|_| CaseError::invalid(field, "must be a UUID"))
}

fn page_size(
    requested: i32,
    default: i64,
    max: i64,
    field: &'static str,
) -> Result<i64, CaseError> {
    match i64::from(requested) {
        0 => Ok(default),
        n if (1..=max).contains(&n) => Ok(n),
        _ => Err(CaseError::invalid(
            field,
            format!("must be between 1 and {max}"),
        )),
    }
}

fn to_proto(row: CaseRow) -> proto::Case {
    proto::Case {
        case_id: row.case_id.to_string(),
        status: match row.status.as_str() {
            "open" => proto::CaseStatus::Open as i32,
            _ => proto::CaseStatus::Unspecified as i32,
        },
        application_ids: row.application_ids.iter().map(Uuid::to_string).collect(),
        applicant_family_name: row.applicant_family_name,
        applicant_given_name: row.applicant_given_name,
        household_size: u32::try_from(row.household_size).unwrap_or_default(),
        postal_code: row.postal_code,
        opened_at: Some(domain::to_timestamp(row.opened_at)),
        version: row.version,
    }
}

/// `base64url(<opened_at µs>:<case_id>)`: opaque to clients.
fn encode_cursor(cursor: ListCursor) -> String {
    URL_SAFE_NO_PAD.encode(format!(
        "{}:{}",
        cursor.opened_at.timestamp_micros(),
        cursor.case_id
    ))
}

fn decode_cursor(token: &str) -> Result<ListCursor, CaseError> {
    let invalid = || CaseError::invalid("page_token", "not a token from a previous page");
    let bytes = URL_SAFE_NO_PAD.decode(token).map_err(|_| invalid())?;
    let text = String::from_utf8(bytes).map_err(|_| invalid())?;
    let (micros, case_id) = text.split_once(':').ok_or_else(invalid)?;
    let micros: i64 = micros.parse().map_err(|_| invalid())?;
    Ok(ListCursor {
        opened_at: DateTime::from_timestamp_micros(micros).ok_or_else(invalid)?,
        case_id: Uuid::parse_str(case_id).map_err(|_| invalid())?,
    })
}

fn status_filter(status: i32) -> Result<Option<&'static str>, CaseError> {
    match proto::CaseStatus::try_from(status) {
        Ok(proto::CaseStatus::Unspecified) => Ok(None),
        Ok(proto::CaseStatus::Open) => Ok(Some("open")),
        Err(_) => Err(CaseError::invalid("status", "unknown case status")),
    }
}

impl CaseApi {
    async fn read_case(
        &self,
        read: &ReadContext,
        req: proto::GetCaseRequest,
    ) -> Result<Response<proto::GetCaseResponse>, Status> {
        let caller = read.caller();
        let case_id = parse_uuid(&req.case_id, "case_id")?;
        self.wait(req.min_position.as_ref(), "min_position.token")
            .await?;
        let mut tx = self.tenant_tx(caller).await?;
        let row = case_view::get(&mut tx, caller.tenant_id.as_str(), case_id)
            .await
            .map_err(CaseError::from)?;
        let row = reachable(read, row)?;
        Ok(Response::new(proto::GetCaseResponse {
            case: Some(to_proto(row)),
        }))
    }

    async fn read_case_of_application(
        &self,
        read: &ReadContext,
        req: proto::FindCaseByApplicationRequest,
    ) -> Result<Response<proto::FindCaseByApplicationResponse>, Status> {
        let caller = read.caller();
        let application_id = parse_uuid(&req.application_id, "application_id")?;
        self.wait(req.min_position.as_ref(), "min_position.token")
            .await?;
        let mut tx = self.tenant_tx(caller).await?;
        let row =
            case_view::find_by_application(&mut tx, caller.tenant_id.as_str(), application_id)
                .await
                .map_err(CaseError::from)?;
        let row = reachable(read, row)?;
        Ok(Response::new(proto::FindCaseByApplicationResponse {
            case: Some(to_proto(row)),
        }))
    }

    async fn read_cases(
        &self,
        read: &ReadContext,
        req: proto::ListCasesRequest,
    ) -> Result<Response<proto::ListCasesResponse>, Status> {
        let caller = read.caller();
        let size = page_size(req.page_size, LIST_DEFAULT, LIST_MAX, "page_size")?;
        let status = status_filter(req.status)?;
        let after = match req.page_token.as_str() {
            "" => None,
            token => Some(decode_cursor(token)?),
        };
        // An applicant lists only the cases of their own account.
        let owner = match read.scope() {
            Scope::Own => Some(caller.subject.as_str()),
            Scope::Tenant => None,
        };
        self.wait(req.min_position.as_ref(), "min_position.token")
            .await?;
        let mut tx = self.tenant_tx(caller).await?;
        let mut rows = case_view::list(
            &mut tx,
            caller.tenant_id.as_str(),
            status,
            owner,
            after,
            size + 1,
        )
        .await
        .map_err(CaseError::from)?;
        let more = i64::try_from(rows.len()).unwrap_or(i64::MAX) > size;
        rows.truncate(usize::try_from(size).unwrap_or(usize::MAX));
        let next_page_token = match rows.last() {
            Some(last) if more => encode_cursor(ListCursor {
                opened_at: last.opened_at,
                case_id: last.case_id,
            }),
            _ => String::new(),
        };
        Ok(Response::new(proto::ListCasesResponse {
            cases: rows.into_iter().map(to_proto).collect(),
            next_page_token,
        }))
    }

    async fn read_timeline(
        &self,
        read: &ReadContext,
        req: proto::GetCaseTimelineRequest,
    ) -> Result<Response<proto::GetCaseTimelineResponse>, Status> {
        let caller = read.caller();
        let case_id = parse_uuid(&req.case_id, "case_id")?;
        let size = page_size(req.page_size, TIMELINE_DEFAULT, TIMELINE_MAX, "page_size")?;
        let after: i32 = match req.page_token.as_str() {
            "" => 0,
            token => URL_SAFE_NO_PAD
                .decode(token)
                .ok()
                .and_then(|b| String::from_utf8(b).ok())
                .and_then(|s| s.parse().ok())
                .filter(|v: &i32| *v > 0)
                .ok_or_else(|| {
                    CaseError::invalid("page_token", "not a token from a previous page")
                })?,
        };
        let mut tx = self.tenant_tx(caller).await?;
        if read.scope() == Scope::Own {
            let row = case_view::get(&mut tx, caller.tenant_id.as_str(), case_id)
                .await
                .map_err(CaseError::from)?;
            reachable(read, row)?;
        }
        let events = self
            .log
            .read_stream_in(&mut tx, &domain::stream_id(case_id), after, size + 1)
            .await
            .map_err(CaseError::from)?;
        // Row-level security shows only the caller's tenant's events: none means no such case
        // here (a token from a real page never leads to an empty one).
        if events.is_empty()
            || events
                .iter()
                .any(|e| e.tenant_id != caller.tenant_id.as_str())
        {
            return Err(CaseError::NotFound.into());
        }
        let more = i64::try_from(events.len()).unwrap_or(i64::MAX) > size;
        let mut entries = Vec::with_capacity(events.len());
        for event in events
            .iter()
            .take(usize::try_from(size).unwrap_or(usize::MAX))
        {
            let description =
                timeline::describe_recorded(&event.event_type, &event.payload)
                    .map_err(CaseError::from)?;
            entries.push(proto::TimelineEntry {
                version: event.version,
                event_type: event.event_type.clone(),
                recorded_at: Some(domain::to_timestamp(event.recorded_at)),
                description,
            });
        }
        let next_page_token = match entries.last() {
            Some(last) if more => URL_SAFE_NO_PAD.encode(last.version.to_string()),
            _ => String::new(),
        };
        Ok(Response::new(proto::GetCaseTimelineResponse {
            entries,
            next_page_token,
        }))
    }
}

/// Each handler records its read in the read-access log, exactly once, and answers only when
/// that record is written (`AccessLog::audited`).
#[tonic::async_trait]
impl CaseService for CaseApi {
    #[tracing::instrument(skip_all)]
    async fn get_case(
        &self,
        request: Request<proto::GetCaseRequest>,
    ) -> Result<Response<proto::GetCaseResponse>, Status> {
        let read = ReadContext::from_request(&request)?;
        let req = request.into_inner();
        let case = ObjectRef::parse(ObjectKind::Case, &req.case_id);
        Ok(self
            .access
            .audited(&read, case, self.read_case(&read, req))
            .await?)
    }

    #[tracing::instrument(skip_all)]
    async fn find_case_by_application(
        &self,
        request: Request<proto::FindCaseByApplicationRequest>,
    ) -> Result<Response<proto::FindCaseByApplicationResponse>, Status> {
        let read = ReadContext::from_request(&request)?;
        let req = request.into_inner();
        let application = ObjectRef::parse(ObjectKind::Application, &req.application_id);
        let found = |r: &Response<proto::FindCaseByApplicationResponse>| {
            case_objects(r.get_ref().case.as_ref())
        };
        let read_it = self.read_case_of_application(&read, req);
        Ok(self
            .access
            .audited_with(&read, application, read_it, found)
            .await?)
    }

    #[tracing::instrument(skip_all)]
    async fn list_cases(
        &self,
        request: Request<proto::ListCasesRequest>,
    ) -> Result<Response<proto::ListCasesResponse>, Status> {
        let read = ReadContext::from_request(&request)?;
        let req = request.into_inner();
        let listed = |r: &Response<proto::ListCasesResponse>| case_objects(&r.get_ref().cases);
        let read_it = self.read_cases(&read, req);
        Ok(self
            .access
            .audited_with(&read, None, read_it, listed)
            .await?)
    }

    #[tracing::instrument(skip_all)]
    async fn get_case_timeline(
        &self,
        request: Request<proto::GetCaseTimelineRequest>,
    ) -> Result<Response<proto::GetCaseTimelineResponse>, Status> {
        let read = ReadContext::from_request(&request)?;
        let req = request.into_inner();
        let case = ObjectRef::parse(ObjectKind::Case, &req.case_id);
        Ok(self
            .access
            .audited(&read, case, self.read_timeline(&read, req))
            .await?)
    }
}
