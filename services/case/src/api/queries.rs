//! The read RPCs: one case, the case of an application, the list of cases, the timeline.

use access_log::ReadContext;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jobcenter_proto::case::v1 as proto;
use tonic::{Response, Status};

use platform::authz::Scope;

use super::CaseApi;
use super::convert::{
    decode_cursor, encode_cursor, page_size, parse_uuid, reachable, split_page, status_filter,
    to_proto,
};
use crate::domain::{self, timeline};
use crate::error::CaseError;
use crate::projections::case_view::{self, ListCursor};

/// Default and largest page of ListCases.
const LIST_DEFAULT: i64 = 50;
const LIST_MAX: i64 = 500;
/// Default and largest page of GetCaseTimeline.
const TIMELINE_DEFAULT: i64 = 100;
const TIMELINE_MAX: i64 = 500;

impl CaseApi {
    pub(super) async fn read_case(
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

    pub(super) async fn read_case_of_application(
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

    pub(super) async fn read_cases(
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
        let rows = case_view::list(
            &mut tx,
            caller.tenant_id.as_str(),
            status,
            owner,
            after,
            size + 1,
        )
        .await
        .map_err(CaseError::from)?;
        let (rows, next_page_token) = split_page(rows, size, |last| {
            encode_cursor(ListCursor {
                opened_at: last.opened_at,
                case_id: last.case_id,
            })
        });
        Ok(Response::new(proto::ListCasesResponse {
            cases: rows.into_iter().map(to_proto).collect(),
            next_page_token,
        }))
    }

    pub(super) async fn read_timeline(
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
            let description = timeline::describe_recorded(&event.event_type, &event.payload)
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
