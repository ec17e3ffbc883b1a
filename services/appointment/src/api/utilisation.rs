//! GetOfficeUtilisation: per day and appointment type, the places an office offers (the
//! capacity of the calendar's slots) against the places taken (from the appointment read
//! model). Counts, no social data: not in the read-access log.

use jobcenter_proto::appointment::v1 as proto;
use platform::authz::Authorized;
use tonic::{Request, Response, Status};

use super::AppointmentApi;
use super::convert::{self, Checks, checked};
use crate::consistency::Accepted;
use crate::domain::calendar::AppointmentType;
use crate::domain::ids::OfficeId;
use crate::domain::utilisation::{self, DailyUtilisation};
use crate::error::AppointmentError;
use crate::events::kind_to_proto;
use crate::projections::appointment_queries;

pub(super) async fn get_office_utilisation(
    api: &AppointmentApi,
    request: Request<proto::GetOfficeUtilisationRequest>,
) -> Result<Response<proto::GetOfficeUtilisationResponse>, Status> {
    let authorized = Authorized::from_request(&request)?;
    let req = request.into_inner();
    let mut checks = Checks::default();
    let office = checks.keep(convert::uuid(&req.office_id, "office_id"));
    let first = checks.keep(convert::day(req.first_day.as_ref(), "first_day"));
    let last = checks.keep(convert::day(req.last_day.as_ref(), "last_day"));
    convert::day_range(&mut checks, first, last);
    checks.finish()?;
    let office = OfficeId(checked(office, "office_id")?);
    let (first, last) = (checked(first, "first_day")?, checked(last, "last_day")?);
    let calendar = api.calendar(&authorized)?;
    let office = calendar
        .config
        .office(office)
        .ok_or(AppointmentError::NotFound)?;
    let types: Vec<&AppointmentType> = calendar
        .config
        .appointment_types
        .iter()
        .filter(|kind| calendar.offices_offering(kind.id).contains(&office.id))
        .collect();
    api.wait(
        req.min_position.as_ref(),
        "min_position.token",
        Accepted::Either,
    )
    .await?;
    let mut tx = api.tenant_tx(&authorized).await?;
    let taken = appointment_queries::places_taken(
        &mut tx,
        authorized.caller.tenant_id.as_str(),
        office.id,
        first,
        last,
    )
    .await
    .map_err(AppointmentError::from)?;
    let days = utilisation::utilisation(
        office,
        &types,
        &calendar.config.closures,
        first,
        last,
        &taken,
    )
    .map_err(|range| AppointmentError::invalid("last_day", range.to_string()))?;
    Ok(Response::new(proto::GetOfficeUtilisationResponse {
        days: days.iter().map(daily).collect(),
    }))
}

fn daily(row: &DailyUtilisation) -> proto::DailyUtilisation {
    let int = |value: u32| i32::try_from(value).unwrap_or(i32::MAX);
    proto::DailyUtilisation {
        day: Some(convert::date(row.day)),
        appointment_type_id: row.appointment_type.to_string(),
        kind: kind_to_proto(row.kind) as i32,
        places_offered: int(row.offered),
        places_taken: int(row.taken),
        share: row.share(),
    }
}
