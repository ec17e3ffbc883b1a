//! The decisions on an appointment that exists: cancel, reschedule, assign, record attendance.

use crate::domain::appointment::{Appointment, Event, Party, Status};
use crate::domain::availability::Audience;
use crate::domain::ids::StaffId;
use crate::domain::slots::SlotKey;

use super::{Attendance, BookingError, Context, free_place};

/// Refuses what an ended or begun appointment, or an applicant past the notice period or
/// facing an invitation, cannot change.
fn changeable(
    appointment: &Appointment,
    by: &Party,
    context: &Context<'_>,
) -> Result<(), BookingError> {
    if !appointment.status.is_open() {
        return Err(BookingError::NotOpen(appointment.status.describe()));
    }
    if context.now >= appointment.place.start {
        return Err(BookingError::AlreadyStarted);
    }
    if *by == Party::Applicant {
        if appointment.is_invitation() {
            return Err(BookingError::InvitationIsBinding);
        }
        let deadline = appointment.place.start - context.rules.applicant_notice();
        if context.now > deadline {
            return Err(BookingError::NoticePassed { deadline });
        }
    }
    Ok(())
}

/// Cancels: the applicant until the notice period, the jobcenter with a reason any time before
/// the start.
pub(super) fn cancel(
    appointment: &Appointment,
    by: Party,
    reason: Option<String>,
    context: &Context<'_>,
) -> Result<Vec<Event>, BookingError> {
    changeable(appointment, &by, context)?;
    let reason = given(reason);
    if matches!(by, Party::Jobcenter(_)) && reason.is_none() {
        return Err(BookingError::ReasonRequired);
    }
    Ok(vec![Event::Cancelled {
        released: appointment.place,
        by,
        reason,
        at: context.now,
    }])
}

/// Moves to `to`: one event releasing the old place and taking the new, or nothing at all.
pub(super) fn reschedule(
    appointment: &Appointment,
    to: SlotKey,
    by: Party,
    context: &Context<'_>,
) -> Result<Vec<Event>, BookingError> {
    changeable(appointment, &by, context)?;
    if to == appointment.place.key() {
        return Err(BookingError::SameSlot);
    }
    let audience = match by {
        Party::Applicant if !context.appointment_type.may_self_book() => {
            return Err(BookingError::NotSelfBookable);
        }
        Party::Applicant => Audience::SelfService,
        Party::Jobcenter(_) => Audience::Staff,
    };
    let taken = free_place(&to, audience, context)?;
    Ok(vec![Event::Rescheduled {
        released: appointment.place,
        taken,
        by,
        at: context.now,
    }])
}

/// Gives an open appointment to `caseworker`; nothing new if they hold it already.
pub(super) fn assign(
    appointment: &Appointment,
    caseworker: StaffId,
    by: StaffId,
    context: &Context<'_>,
) -> Result<Vec<Event>, BookingError> {
    if !appointment.status.is_open() {
        return Err(BookingError::NotOpen(appointment.status.describe()));
    }
    if appointment.caseworker.as_ref() == Some(&caseworker) {
        return Ok(Vec::new());
    }
    Ok(vec![Event::Assigned {
        caseworker,
        by,
        at: context.now,
    }])
}

/// Records attendance once, after the start; a no-show without a reason of an appointment of a
/// case also asks the caseworker to assess it.
pub(super) fn record_attendance(
    appointment: &Appointment,
    attendance: Attendance,
    by: StaffId,
    context: &Context<'_>,
) -> Result<Vec<Event>, BookingError> {
    match appointment.status {
        Status::Attended | Status::NoShow { .. } => {
            return Err(BookingError::AttendanceAlreadyRecorded);
        }
        Status::Cancelled { .. } => {
            return Err(BookingError::NotOpen(appointment.status.describe()));
        }
        Status::Booked | Status::Invited | Status::Rescheduled => {}
    }
    if context.now < appointment.place.start {
        return Err(BookingError::NotStartedYet);
    }
    let reason = match attendance {
        Attendance::Attended => {
            return Ok(vec![Event::Attended {
                recorded_by: by,
                at: context.now,
            }]);
        }
        Attendance::NoShow { reason } => given(reason),
    };
    let assess = reason.is_none();
    let mut events = vec![Event::NoShow {
        reason,
        recorded_by: by,
        at: context.now,
    }];
    if let (true, Some(case)) = (assess, appointment.terms.case) {
        events.push(Event::AssessmentRequested {
            case,
            appointment: appointment.terms.id,
            kind: appointment.terms.kind,
            invitation: appointment.is_invitation(),
            missed_start: appointment.place.start,
        });
    }
    Ok(events)
}

/// A reason as given: blank is none.
fn given(reason: Option<String>) -> Option<String> {
    reason
        .map(|reason| reason.trim().to_owned())
        .filter(|reason| !reason.is_empty())
}
