//! The audited reads of one appointment: as it stands, and as an iCalendar file. Each call is
//! recorded in the read-access log (with the appointment's case, if it has one) and answers
//! only once that record is written. The appointment is the fold of its stream, read in a
//! tenant transaction of the api role (another tenant's stream reads as empty).

use access_log::{ObjectRef, ReadContext};
use jobcenter_proto::appointment::v1 as proto;
use tonic::{Request, Response, Status};
use uuid::Uuid;

use super::AppointmentApi;
use super::convert::{self, Checks, checked};
use crate::commands::{self, Loaded};
use crate::domain::ical::{self, Entry};
use crate::domain::ids::AppointmentId;
use crate::error::AppointmentError;

/// The media type of calendar files.
const CALENDAR_MEDIA_TYPE: &str = "text/calendar; charset=utf-8";

pub(super) async fn get_appointment(
    api: &AppointmentApi,
    request: Request<proto::GetAppointmentRequest>,
) -> Result<Response<proto::GetAppointmentResponse>, Status> {
    let read = ReadContext::from_request(&request)?;
    let req = request.into_inner();
    let (api_ref, read_ref) = (api, &read);
    let answer = async move {
        let loaded = reachable(api_ref, read_ref, &req.appointment_id).await?;
        let shown = api_ref
            .shown(&read_ref.caller().tenant_id, &loaded.appointment)
            .await?;
        Ok::<_, Status>((
            Response::new(proto::GetAppointmentResponse {
                appointment: Some(shown),
            }),
            case_of(&loaded),
        ))
    };
    let (response, _) = api
        .parts
        .access
        .audited_with(&read, None, answer, |(_, case)| *case)
        .await?;
    Ok(response)
}

pub(super) async fn get_appointment_calendar_file(
    api: &AppointmentApi,
    request: Request<proto::GetAppointmentCalendarFileRequest>,
) -> Result<Response<proto::GetAppointmentCalendarFileResponse>, Status> {
    let read = ReadContext::from_request(&request)?;
    let req = request.into_inner();
    let (api_ref, read_ref) = (api, &read);
    let answer = async move {
        let language = convert::language(&req.language, "language")
            .map_err(|violation| AppointmentError::Invalid(vec![violation]))?;
        let loaded = reachable(api_ref, read_ref, &req.appointment_id).await?;
        let calendar = api_ref
            .parts
            .calendars
            .of(read_ref.caller().tenant_id.as_str())
            .ok_or(AppointmentError::CalendarChanged)?;
        let place = &loaded.appointment.place;
        let (Some(office), Some(appointment_type)) = (
            calendar.config.office(place.office),
            calendar.config.appointment_type(place.appointment_type),
        ) else {
            return Err(AppointmentError::CalendarChanged.into());
        };
        let entry = Entry {
            appointment: &loaded.appointment,
            appointment_type,
            office,
        };
        let content = ical::booking_file(&entry, language, &calendar.ical);
        Ok::<_, Status>((
            Response::new(proto::GetAppointmentCalendarFileResponse {
                media_type: CALENDAR_MEDIA_TYPE.to_owned(),
                file_name: format!("termin-{}.ics", loaded.appointment.terms.reference),
                content: content.into_bytes(),
            }),
            case_of(&loaded),
        ))
    };
    let (response, _) = api
        .parts
        .access
        .audited_with(&read, None, answer, |(_, case)| *case)
        .await?;
    Ok(response)
}

/// The appointment `appointment_id` if the caller may reach it: of its tenant, and an
/// applicant's own. Anything else is as absent as another tenant's (NOT_FOUND).
async fn reachable(
    api: &AppointmentApi,
    read: &ReadContext,
    appointment_id: &str,
) -> Result<Loaded, Status> {
    let mut checks = Checks::default();
    let id = checks.keep(convert::uuid(appointment_id, "appointment_id"));
    checks.finish()?;
    let id = AppointmentId(checked::<Uuid>(id, "appointment_id")?);
    let tenant = &read.caller().tenant_id;
    let mut tx = platform::db::begin_for_tenant(&api.parts.pool, tenant)
        .await
        .map_err(AppointmentError::from)?;
    let loaded = commands::load_in(&api.parts.log, &mut tx, id, tenant.as_str()).await?;
    Ok(loaded
        .filter(|loaded| read.may_reach(&loaded.appointment.terms.applicant.0))
        .ok_or(AppointmentError::NotFound)?)
}

/// The case an appointment discloses, for the read-access log.
fn case_of(loaded: &Loaded) -> Option<ObjectRef> {
    loaded
        .appointment
        .terms
        .case
        .map(|case| ObjectRef::case(case.0))
}
