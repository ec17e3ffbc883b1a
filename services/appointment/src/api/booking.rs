//! Booking (the applicant for themselves, staff on an applicant's behalf) and invitation (a
//! Meldetermin set by staff, its letter rendered from the jobcenter's templates and recorded
//! as sent). A case named is checked against the case directory first ([`check_case`]).

use jobcenter_proto::appointment::v1 as proto;
use platform::authz::Authorized;
use tonic::{Request, Response, Status};

use super::case_links::check_case;
use super::convert::{self, Checks, checked};
use super::{AppointmentApi, acts_as_applicant, issuer, may_reach, party, staff};
use crate::commands::{Executed, appointment_for_command};
use crate::domain::appointment::Event;
use crate::domain::booking::{Booking, Command};
use crate::domain::calendar::AppointmentKind;
use crate::domain::ids::{ApplicantId, AppointmentTypeId, CaseId, OfficeId};
use crate::domain::invitation::{self, InvitationDetails};
use crate::domain::reference::BookingReference;
use crate::domain::slots::SlotKey;
use crate::error::AppointmentError;
use crate::events::letter_to_proto;

pub(super) async fn book_appointment(
    api: &AppointmentApi,
    request: Request<proto::BookAppointmentRequest>,
) -> Result<Response<proto::BookAppointmentResponse>, Status> {
    let authorized = Authorized::from_request(&request)?;
    let req = request.into_inner();
    let applicant_books = acts_as_applicant(&authorized);
    let mut checks = Checks::default();
    let command_id = checks.keep(convert::uuid(&req.command_id, "command_id"));
    let office = checks.keep(convert::uuid(&req.office_id, "office_id"));
    let kind = checks.keep(convert::uuid(
        &req.appointment_type_id,
        "appointment_type_id",
    ));
    let start = checks.keep(convert::instant(req.start.as_ref(), "start"));
    let channel = checks.keep(convert::channel(req.channel, "channel"));
    let case = checks.keep(convert::optional_uuid(&req.case_id, "case_id"));
    let video_link = checks.keep(convert::video_link(&req.video_link, "video_link"));
    let applicant = if applicant_books {
        // The applicant books for themselves: their own account, nothing else; a case only
        // if it is theirs (checked below). The video room is the jobcenter's to set.
        let own = &authorized.caller.subject;
        if !req.applicant_subject.is_empty() && req.applicant_subject != *own {
            checks.add("applicant_subject", "must be empty or your own account");
        }
        if !req.video_link.is_empty() {
            checks.add("video_link", "is set by the jobcenter");
        }
        Some(own.clone())
    } else {
        checks.keep(convert::subject(
            &req.applicant_subject,
            "applicant_subject",
        ))
    };
    checks.finish()?;
    let command_id = checked(command_id, "command_id")?;
    let slot = SlotKey {
        office: OfficeId(checked(office, "office_id")?),
        appointment_type: AppointmentTypeId(checked(kind, "appointment_type_id")?),
        start: checked(start, "start")?,
    };
    let calendar = api.calendar(&authorized)?;
    calendar
        .offered(slot.office, slot.appointment_type)
        .ok_or(AppointmentError::NotFound)?;
    let appointment = appointment_for_command(authorized.caller.tenant_id.as_str(), command_id);
    let booking = Booking {
        appointment,
        applicant: ApplicantId(checked(applicant, "applicant_subject")?),
        case: checked(case, "case_id")?.map(CaseId),
        slot,
        channel: checked(channel, "channel")?,
        video_link: checked(video_link, "video_link")?,
    };
    if let Some(case) = booking.case {
        check_case(
            api,
            &authorized,
            case,
            &booking.applicant.0,
            req.min_case_position.as_ref(),
        )
        .await?;
    }
    let command = Command::Book {
        booking,
        by: party(&authorized),
    };
    let executed = api
        .parts
        .commands
        .create(
            &issuer(&authorized, command_id),
            appointment,
            may_reach(&authorized),
            command,
        )
        .await?;
    Ok(Response::new(proto::BookAppointmentResponse {
        appointment: Some(
            api.shown(&authorized.caller.tenant_id, &executed.appointment)
                .await?,
        ),
        position: Some(convert::position(&api.parts.log, executed.position)),
    }))
}

pub(super) async fn invite_to_appointment(
    api: &AppointmentApi,
    request: Request<proto::InviteToAppointmentRequest>,
) -> Result<Response<proto::InviteToAppointmentResponse>, Status> {
    let authorized = Authorized::from_request(&request)?;
    let req = request.into_inner();
    let mut checks = Checks::default();
    let command_id = checks.keep(convert::uuid(&req.command_id, "command_id"));
    let case = checks.keep(convert::uuid(&req.case_id, "case_id"));
    let applicant = checks.keep(convert::subject(
        &req.applicant_subject,
        "applicant_subject",
    ));
    let office = checks.keep(convert::uuid(&req.office_id, "office_id"));
    let kind = checks.keep(convert::uuid(
        &req.appointment_type_id,
        "appointment_type_id",
    ));
    let start = checks.keep(convert::instant(req.start.as_ref(), "start"));
    let channel = checks.keep(convert::channel(req.channel, "channel"));
    let video_link = checks.keep(convert::video_link(&req.video_link, "video_link"));
    checks.finish()?;
    let command_id = checked(command_id, "command_id")?;
    let slot = SlotKey {
        office: OfficeId(checked(office, "office_id")?),
        appointment_type: AppointmentTypeId(checked(kind, "appointment_type_id")?),
        start: checked(start, "start")?,
    };
    let calendar = api.calendar(&authorized)?;
    let (office, kind) = calendar
        .offered(slot.office, slot.appointment_type)
        .ok_or(AppointmentError::NotFound)?;
    if kind.kind != AppointmentKind::Meldetermin {
        // An invitation carries the notice of consequences of § 32 SGB II, which only a
        // Meldetermin has; other types are booked.
        return Err(AppointmentError::invalid(
            "appointment_type_id",
            "must be a Meldetermin type; other appointments are booked",
        )
        .into());
    }
    let appointment = appointment_for_command(authorized.caller.tenant_id.as_str(), command_id);
    let case = CaseId(checked(case, "case_id")?);
    let applicant = ApplicantId(checked(applicant, "applicant_subject")?);
    check_case(
        api,
        &authorized,
        case,
        &applicant.0,
        req.min_case_position.as_ref(),
    )
    .await?;
    let booking = Booking {
        appointment,
        applicant,
        case: Some(case),
        slot,
        channel: checked(channel, "channel")?,
        video_link: checked(video_link, "video_link")?,
    };
    let letter = invitation::render(
        &calendar.invitation,
        &InvitationDetails {
            appointment_type: kind,
            office,
            channel: booking.channel,
            video_link: booking.video_link.as_ref(),
            start: slot.start,
            reference: BookingReference::of(appointment),
        },
    )
    .map_err(AppointmentError::from)?;
    let command = Command::Invite {
        booking,
        by: staff(&authorized),
        invitation: Box::new(letter),
    };
    let executed = api
        .parts
        .commands
        .create(
            &issuer(&authorized, command_id),
            appointment,
            may_reach(&authorized),
            command,
        )
        .await?;
    let (german, english) = recorded_letters(&executed);
    Ok(Response::new(proto::InviteToAppointmentResponse {
        appointment: Some(
            api.shown(&authorized.caller.tenant_id, &executed.appointment)
                .await?,
        ),
        german,
        english,
        position: Some(convert::position(&api.parts.log, executed.position)),
    }))
}

/// The invitation as recorded (for a retry, the one sent the first time).
fn recorded_letters(
    executed: &Executed,
) -> (
    Option<proto::InvitationLetter>,
    Option<proto::InvitationLetter>,
) {
    executed
        .history
        .iter()
        .find_map(|event| match event {
            Event::Invited { invitation, .. } => Some((
                Some(letter_to_proto(&invitation.german)),
                Some(letter_to_proto(&invitation.english)),
            )),
            _ => None,
        })
        .unwrap_or((None, None))
}
