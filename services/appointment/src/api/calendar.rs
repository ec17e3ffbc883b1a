//! The calendar and its free slots: no social data, but an applicant sees only what they may
//! book themselves (the types open to self-service, the slots in their booking window).

use jobcenter_proto::appointment::v1 as proto;
use platform::authz::Authorized;
use tonic::{Request, Response, Status};

use super::convert::{self, Checks, checked};
use super::{AppointmentApi, acts_as_applicant};
use crate::domain::availability::{self, Audience, BookingWindow};
use crate::domain::calendar::BookingRules;
use crate::domain::ids::{AppointmentTypeId, OfficeId};
use crate::domain::slots;
use crate::error::AppointmentError;
use crate::slot_places;

pub(super) fn get_calendar(
    api: &AppointmentApi,
    request: Request<proto::GetCalendarRequest>,
) -> Result<Response<proto::GetCalendarResponse>, Status> {
    let authorized = Authorized::from_request(&request)?;
    let Ok(calendar) = api.calendar(&authorized) else {
        // A jobcenter without a calendar offers nothing (yet).
        return Ok(Response::new(rules_only(&BookingRules::default())));
    };
    let applicant = acts_as_applicant(&authorized);
    let config = &calendar.config;
    Ok(Response::new(proto::GetCalendarResponse {
        offices: config.offices.iter().map(convert::office).collect(),
        appointment_types: config
            .appointment_types
            .iter()
            .filter(|kind| !applicant || kind.may_self_book())
            .map(|kind| convert::appointment_type(kind, &calendar.offices_offering(kind.id)))
            .collect(),
        ..rules_only(&config.rules)
    }))
}

/// A calendar response with `rules` and nothing offered.
fn rules_only(rules: &BookingRules) -> proto::GetCalendarResponse {
    let int = |value: u32| i32::try_from(value).unwrap_or(i32::MAX);
    proto::GetCalendarResponse {
        offices: Vec::new(),
        appointment_types: Vec::new(),
        self_service_lead_hours: int(rules.self_service_lead_hours),
        self_service_horizon_days: int(rules.self_service_horizon_days),
        applicant_notice_hours: int(rules.applicant_notice_hours),
    }
}

pub(super) async fn search_availability(
    api: &AppointmentApi,
    request: Request<proto::SearchAvailabilityRequest>,
) -> Result<Response<proto::SearchAvailabilityResponse>, Status> {
    let authorized = Authorized::from_request(&request)?;
    let req = request.into_inner();
    let mut checks = Checks::default();
    let office = checks.keep(convert::uuid(&req.office_id, "office_id"));
    let kind = checks.keep(convert::uuid(
        &req.appointment_type_id,
        "appointment_type_id",
    ));
    let first = checks.keep(convert::day(req.first_day.as_ref(), "first_day"));
    let last = checks.keep(convert::day(req.last_day.as_ref(), "last_day"));
    convert::day_range(&mut checks, first, last);
    checks.finish()?;
    let (office, kind) = (
        checked(office, "office_id")?,
        checked(kind, "appointment_type_id")?,
    );
    let (first, last) = (checked(first, "first_day")?, checked(last, "last_day")?);
    let calendar = api.calendar(&authorized)?;
    let applicant = acts_as_applicant(&authorized);
    let (office, kind) = calendar
        .offered(OfficeId(office), AppointmentTypeId(kind))
        // Applicants do not see the types they cannot book (GetCalendar leaves them out).
        .filter(|(_, kind)| !applicant || kind.may_self_book())
        .ok_or(AppointmentError::NotFound)?;
    let slots = slots::generate(office, kind, &calendar.config.closures, first, last)
        .map_err(|range| AppointmentError::invalid("last_day", range.to_string()))?;
    let mut tx = api.tenant_tx(&authorized).await?;
    let occupancy = slot_places::occupancy(&mut tx, authorized.caller.tenant_id.as_str(), &slots)
        .await
        .map_err(AppointmentError::from)?;
    let audience = if applicant {
        Audience::SelfService
    } else {
        Audience::Staff
    };
    let window = BookingWindow::at(api.parts.clock.now(), audience, &calendar.config.rules);
    let free = availability::free_slots(&slots, &occupancy, &window);
    Ok(Response::new(proto::SearchAvailabilityResponse {
        slots: free.iter().map(convert::free_slot).collect(),
    }))
}
