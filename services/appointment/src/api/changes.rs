//! Changes to an appointment that exists: cancel, move, record attendance. Each parses its
//! request (every invalid field named), runs the command on the appointment the caller may
//! reach (an applicant only their own), and answers the appointment and the position.

use jobcenter_proto::appointment::v1 as proto;
use platform::authz::Authorized;
use tonic::{Request, Response, Status};

use super::convert::{self, Checks, checked};
use super::{AppointmentApi, issuer, may_reach, party, staff};
use crate::commands::Executed;
use crate::domain::appointment::{Appointment, Event};
use crate::domain::booking::{Attendance, BookingError, Command};
use crate::domain::ids::AppointmentId;
use crate::domain::slots::SlotKey;
use crate::error::AppointmentError;

pub(super) async fn cancel_appointment(
    api: &AppointmentApi,
    request: Request<proto::CancelAppointmentRequest>,
) -> Result<Response<proto::CancelAppointmentResponse>, Status> {
    let authorized = Authorized::from_request(&request)?;
    let req = request.into_inner();
    let mut checks = Checks::default();
    let command_id = checks.keep(convert::uuid(&req.command_id, "command_id"));
    let appointment = checks.keep(convert::uuid(&req.appointment_id, "appointment_id"));
    let reason = checks.keep(convert::reason(&req.reason, "reason"));
    checks.finish()?;
    let (by, reason) = (party(&authorized), checked(reason, "reason")?);
    let executed = change(
        api,
        &authorized,
        checked(command_id, "command_id")?,
        AppointmentId(checked(appointment, "appointment_id")?),
        |_| Command::Cancel { by, reason },
    )
    .await?;
    Ok(Response::new(proto::CancelAppointmentResponse {
        appointment: Some(
            api.shown(&authorized.caller.tenant_id, &executed.appointment)
                .await?,
        ),
        position: Some(convert::position(&api.parts.log, executed.position)),
    }))
}

pub(super) async fn reschedule_appointment(
    api: &AppointmentApi,
    request: Request<proto::RescheduleAppointmentRequest>,
) -> Result<Response<proto::RescheduleAppointmentResponse>, Status> {
    let authorized = Authorized::from_request(&request)?;
    let req = request.into_inner();
    let mut checks = Checks::default();
    let command_id = checks.keep(convert::uuid(&req.command_id, "command_id"));
    let appointment = checks.keep(convert::uuid(&req.appointment_id, "appointment_id"));
    let start = checks.keep(convert::instant(req.start.as_ref(), "start"));
    checks.finish()?;
    let (by, start) = (party(&authorized), checked(start, "start")?);
    let executed = change(
        api,
        &authorized,
        checked(command_id, "command_id")?,
        AppointmentId(checked(appointment, "appointment_id")?),
        // The same office and type, at the new start.
        |existing| Command::Reschedule {
            to: SlotKey {
                start,
                ..existing.place.key()
            },
            by,
        },
    )
    .await
    .map_err(|error| match error {
        // The request names no type: that the type is not for online changes is the
        // appointment's state, not a field of the request.
        AppointmentError::Refused(refusal @ BookingError::NotSelfBookable) => {
            Status::failed_precondition(refusal.to_string())
        }
        other => other.into(),
    })?;
    Ok(Response::new(proto::RescheduleAppointmentResponse {
        appointment: Some(
            api.shown(&authorized.caller.tenant_id, &executed.appointment)
                .await?,
        ),
        position: Some(convert::position(&api.parts.log, executed.position)),
    }))
}

pub(super) async fn record_attendance(
    api: &AppointmentApi,
    request: Request<proto::RecordAttendanceRequest>,
) -> Result<Response<proto::RecordAttendanceResponse>, Status> {
    let authorized = Authorized::from_request(&request)?;
    let req = request.into_inner();
    let mut checks = Checks::default();
    let command_id = checks.keep(convert::uuid(&req.command_id, "command_id"));
    let appointment = checks.keep(convert::uuid(&req.appointment_id, "appointment_id"));
    let reason = checks.keep(convert::reason(&req.reason, "reason"));
    if req.attended && !req.reason.trim().is_empty() {
        checks.add("reason", "is only given for a no-show");
    }
    checks.finish()?;
    let attendance = if req.attended {
        Attendance::Attended
    } else {
        Attendance::NoShow {
            reason: checked(reason, "reason")?,
        }
    };
    let by = staff(&authorized);
    let executed = change(
        api,
        &authorized,
        checked(command_id, "command_id")?,
        AppointmentId(checked(appointment, "appointment_id")?),
        |_| Command::RecordAttendance { attendance, by },
    )
    .await?;
    let assessment_requested = executed
        .history
        .iter()
        .any(|event| matches!(event, Event::AssessmentRequested { .. }));
    Ok(Response::new(proto::RecordAttendanceResponse {
        appointment: Some(
            api.shown(&authorized.caller.tenant_id, &executed.appointment)
                .await?,
        ),
        assessment_requested,
        position: Some(convert::position(&api.parts.log, executed.position)),
    }))
}

/// Runs `command` on `appointment` as the caller (an applicant only on their own).
pub(super) async fn change(
    api: &AppointmentApi,
    authorized: &Authorized,
    command_id: uuid::Uuid,
    appointment: AppointmentId,
    command: impl FnOnce(&Appointment) -> Command,
) -> Result<Executed, AppointmentError> {
    api.parts
        .commands
        .change(
            &issuer(authorized, command_id),
            appointment,
            may_reach(authorized),
            command,
        )
        .await
}
