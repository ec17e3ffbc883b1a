//! The audited reads of the read models: a caseworker's day, an applicant's upcoming
//! appointments, a caseworker's calendar feed. Each waits for the client's position token,
//! reads in a tenant transaction of the api role, and is recorded in the read-access log with
//! the cases of the appointments it disclosed; it answers only once that record is written.

use access_log::{ObjectRef, ReadContext};
use chrono::TimeDelta;
use jobcenter_proto::appointment::v1 as proto;
use platform::authz::Scope;
use tonic::{Request, Response, Status};

use super::AppointmentApi;
use super::convert::{self, Checks, checked};
use crate::consistency::Accepted;
use crate::domain::ical::{self, Entry};
use crate::domain::ids::CaseId;
use crate::error::AppointmentError;
use crate::projections::appointment_queries::{self, Listed, UpcomingOf};
use crate::projections::case_directory;

/// The media type of calendar files.
const CALENDAR_MEDIA_TYPE: &str = "text/calendar; charset=utf-8";
/// How far back and ahead a caseworker's feed reaches.
const FEED_DAYS_BACK: i64 = 14;
const FEED_DAYS_AHEAD: i64 = 90;

pub(super) async fn get_caseworker_day(
    api: &AppointmentApi,
    request: Request<proto::GetCaseworkerDayRequest>,
) -> Result<Response<proto::GetCaseworkerDayResponse>, Status> {
    let read = ReadContext::from_request(&request)?;
    let req = request.into_inner();
    let answer = async {
        let mut checks = Checks::default();
        let day = checks.keep(convert::day(req.day.as_ref(), "day"));
        let caseworker = checks.keep(staff_subject(&req.caseworker_subject, &read));
        checks.finish()?;
        api.wait(
            req.min_position.as_ref(),
            "min_position.token",
            Accepted::Either,
        )
        .await?;
        let tenant = &read.caller().tenant_id;
        let mut tx = platform::db::begin_for_tenant(&api.parts.pool, tenant).await?;
        let listed = appointment_queries::caseworker_day(
            &mut tx,
            tenant.as_str(),
            &checked(caseworker, "caseworker_subject")?,
            checked(day, "day")?,
        )
        .await?;
        Ok::<_, AppointmentError>((
            Response::new(proto::GetCaseworkerDayResponse {
                appointments: shown(&listed),
            }),
            cases_of(&listed),
        ))
    };
    audited(api, &read, answer).await
}

pub(super) async fn list_my_appointments(
    api: &AppointmentApi,
    request: Request<proto::ListMyAppointmentsRequest>,
) -> Result<Response<proto::ListMyAppointmentsResponse>, Status> {
    let read = ReadContext::from_request(&request)?;
    let req = request.into_inner();
    let answer = async {
        let mut checks = Checks::default();
        let case = checks.keep(convert::optional_uuid(&req.case_id, "case_id"));
        let applicant = match read.scope() {
            // An applicant lists their own, and nobody else's.
            Scope::Own => {
                let own = &read.caller().subject;
                if !req.applicant_subject.is_empty() && req.applicant_subject != *own {
                    checks.add("applicant_subject", "must be empty or your own account");
                }
                Some(own.clone())
            }
            Scope::Tenant => match req.applicant_subject.as_str() {
                "" => {
                    if req.case_id.is_empty() {
                        checks.add(
                            "applicant_subject",
                            "applicant_subject or case_id is required",
                        );
                    }
                    None
                }
                given => checks.keep(convert::subject(given, "applicant_subject")),
            },
        };
        checks.finish()?;
        let case = checked(case, "case_id")?.map(CaseId);
        api.wait(
            req.min_position.as_ref(),
            "min_position.token",
            Accepted::Either,
        )
        .await?;
        let tenant = &read.caller().tenant_id;
        let mut tx = platform::db::begin_for_tenant(&api.parts.pool, tenant).await?;
        if let (Some(case), Scope::Tenant) = (case, read.scope()) {
            // Staff name a case of their jobcenter; another's is as absent as none.
            case_directory::get(&mut tx, tenant.as_str(), case.0)
                .await?
                .ok_or(AppointmentError::NotFound)?;
        }
        let of = UpcomingOf {
            applicant: applicant.as_deref(),
            case,
        };
        let now = api.parts.clock.now();
        let listed = appointment_queries::upcoming(&mut tx, tenant.as_str(), &of, now).await?;
        Ok::<_, AppointmentError>((
            Response::new(proto::ListMyAppointmentsResponse {
                appointments: shown(&listed),
            }),
            cases_of(&listed),
        ))
    };
    audited(api, &read, answer).await
}

pub(super) async fn get_caseworker_calendar_feed(
    api: &AppointmentApi,
    request: Request<proto::GetCaseworkerCalendarFeedRequest>,
) -> Result<Response<proto::GetCaseworkerCalendarFeedResponse>, Status> {
    let read = ReadContext::from_request(&request)?;
    let req = request.into_inner();
    let answer = async {
        let mut checks = Checks::default();
        let caseworker = checks.keep(staff_subject(&req.caseworker_subject, &read));
        checks.finish()?;
        api.wait(
            req.min_position.as_ref(),
            "min_position.token",
            Accepted::Either,
        )
        .await?;
        let tenant = &read.caller().tenant_id;
        let calendar = api
            .parts
            .calendars
            .of(tenant.as_str())
            .ok_or(AppointmentError::NotFound)?;
        let now = api.parts.clock.now();
        let mut tx = platform::db::begin_for_tenant(&api.parts.pool, tenant).await?;
        let listed = appointment_queries::caseworker_between(
            &mut tx,
            tenant.as_str(),
            &checked(caseworker, "caseworker_subject")?,
            now - TimeDelta::days(FEED_DAYS_BACK),
            now + TimeDelta::days(FEED_DAYS_AHEAD),
        )
        .await?;
        // An appointment whose office or type left the calendar has nothing to show for its
        // place; the caseworker still finds it in their day.
        let entries: Vec<Entry<'_>> = listed
            .iter()
            .filter_map(|listed| {
                let place = &listed.appointment.place;
                Some(Entry {
                    appointment: &listed.appointment,
                    appointment_type: calendar.config.appointment_type(place.appointment_type)?,
                    office: calendar.config.office(place.office)?,
                })
            })
            .collect();
        let name = format!("Termine · {}", calendar.ical.organizer_name);
        let content = ical::caseworker_feed(&entries, &name, &calendar.ical);
        Ok::<_, AppointmentError>((
            Response::new(proto::GetCaseworkerCalendarFeedResponse {
                media_type: CALENDAR_MEDIA_TYPE.to_owned(),
                file_name: "termine.ics".to_owned(),
                content: content.into_bytes(),
            }),
            cases_of(&listed),
        ))
    };
    audited(api, &read, answer).await
}

/// Runs `answer` as the call `read`, recorded with the cases it disclosed.
async fn audited<T>(
    api: &AppointmentApi,
    read: &ReadContext,
    answer: impl Future<Output = Result<(Response<T>, Vec<ObjectRef>), AppointmentError>>,
) -> Result<Response<T>, Status> {
    let answer = async { answer.await.map_err(Status::from) };
    let (response, _) = api
        .parts
        .access
        .audited_with(read, None, answer, |(_, cases)| cases.clone())
        .await?;
    Ok(response)
}

/// The staff member a read is about: `given`, or the caller when empty.
fn staff_subject(given: &str, read: &ReadContext) -> Result<String, platform::FieldViolation> {
    match given {
        "" => Ok(read.caller().subject.clone()),
        given => convert::subject(given, "caseworker_subject"),
    }
}

/// The appointments as the API shows them.
fn shown(listed: &[Listed]) -> Vec<proto::Appointment> {
    listed
        .iter()
        .map(|listed| {
            convert::responsible_appointment(&listed.appointment, listed.responsible.clone())
        })
        .collect()
}

/// The cases `listed` discloses, once each, for the read-access log.
fn cases_of(listed: &[Listed]) -> Vec<ObjectRef> {
    let mut cases: Vec<ObjectRef> = listed
        .iter()
        .filter_map(|listed| listed.appointment.terms.case)
        .map(|case| ObjectRef::case(case.0))
        .collect();
    cases.sort();
    cases.dedup();
    cases
}
