//! AssignAppointment: a caseworker takes an open appointment, or a team lead gives it to a
//! caseworker. Until then an appointment belongs to its case's responsible caseworker, resolved
//! when read (docs/appointment/service.md, "Whose appointment it is").

use jobcenter_proto::appointment::v1 as proto;
use platform::Role;
use platform::authz::Authorized;
use tonic::{Request, Response, Status};

use super::changes::change;
use super::convert::{self, Checks, checked};
use super::{AppointmentApi, staff};
use crate::domain::booking::Command;
use crate::domain::ids::{AppointmentId, StaffId};
use crate::error::AppointmentError;

pub(super) async fn assign_appointment(
    api: &AppointmentApi,
    request: Request<proto::AssignAppointmentRequest>,
) -> Result<Response<proto::AssignAppointmentResponse>, Status> {
    let authorized = Authorized::from_request(&request)?;
    let req = request.into_inner();
    let mut checks = Checks::default();
    let command_id = checks.keep(convert::uuid(&req.command_id, "command_id"));
    let appointment = checks.keep(convert::uuid(&req.appointment_id, "appointment_id"));
    let caseworker = match req.caseworker_subject.as_str() {
        "" => Some(staff(&authorized)),
        given => checks
            .keep(convert::subject(given, "caseworker_subject"))
            .map(StaffId),
    };
    checks.finish()?;
    let (by, caseworker) = (
        staff(&authorized),
        checked(caseworker, "caseworker_subject")?,
    );
    // Giving work to someone else is a team lead's decision, as reassigning a case is.
    if caseworker != by && !authorized.caller.has_role(Role::TeamLead) {
        return Err(AppointmentError::AssignsOnlyThemselves.into());
    }
    let executed = change(
        api,
        &authorized,
        checked(command_id, "command_id")?,
        AppointmentId(checked(appointment, "appointment_id")?),
        |_| Command::Assign { caseworker, by },
    )
    .await?;
    Ok(Response::new(proto::AssignAppointmentResponse {
        appointment: Some(
            api.shown(&authorized.caller.tenant_id, &executed.appointment)
                .await?,
        ),
        position: Some(convert::position(&api.parts.log, executed.position)),
    }))
}
