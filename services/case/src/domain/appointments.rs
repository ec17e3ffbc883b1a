//! Appointments on the case (docs/casework/appointments.md): what the case remembers of the
//! appointments the appointment service books for it, and the decisions on the three ways they
//! reach the case.
//!
//! - A change of an appointment (booked, invited, moved, cancelled, attended, missed) is noted
//!   on the case ([`decide_note`]). Only booking and invitation carry the appointment's terms;
//!   the later changes are completed with what the case already knows of the appointment, so
//!   the timeline names the reference and kind of every change.
//! - A no-show without a reason asks the caseworker to assess it
//!   ([`decide_assessment_request`]), once per appointment; that opens a task.
//! - The caseworker records the assessment ([`decide_assessment`]), which closes the task;
//!   only an assessment still pending can be recorded.
//!
//! Pure: the `appointments` reactor and the API convert their inputs into these types and
//! execute the events through `commands::CaseCommands`.

use std::collections::BTreeMap;

use jobcenter_proto::case::v1 as proto;
use prost_types::Timestamp;

use super::case::Case;
use super::events::Event;

/// Longest note of an assessment, in characters.
pub const NOTE_MAX: usize = 500;

/// Where the caseworker's assessment of a missed appointment stands.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum AssessmentState {
    /// Nobody asked for one (the appointment was not missed without a reason).
    #[default]
    NotRequested,
    /// Requested, and not yet recorded: the task is open.
    Pending,
    /// Recorded.
    Assessed,
}

/// What the case knows of one of its appointments.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Known {
    /// The booking reference; empty while unknown.
    pub reference: String,
    pub kind: proto::AppointmentKind,
    pub channel: proto::AppointmentChannel,
    /// The current start and end (after the last reschedule).
    pub start: Option<Timestamp>,
    pub end: Option<Timestamp>,
    /// Set by invitation with the notice of consequences (a Meldetermin).
    pub invitation: bool,
    pub assessment: AssessmentState,
}

/// The appointments of a case, by appointment id.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Appointments {
    pub known: BTreeMap<String, Known>,
}

impl Appointments {
    /// Folds one event of the case.
    pub fn evolve(&mut self, event: &Event) {
        match event {
            Event::AppointmentNoted(e) => {
                let known = self.known.entry(e.appointment_id.clone()).or_default();
                learn(known, &e.reference, e.kind, e.channel);
                if e.start.is_some() {
                    known.start = e.start;
                    known.end = e.end;
                }
                if e.change == proto::AppointmentChange::Invited as i32 {
                    known.invitation = true;
                }
            }
            Event::MissedAppointmentAssessmentRequested(e) => {
                let known = self.known.entry(e.appointment_id.clone()).or_default();
                learn(
                    known,
                    &e.reference,
                    e.kind,
                    proto::AppointmentChannel::Unspecified as i32,
                );
                known.invitation |= e.invitation;
                if known.start.is_none() {
                    known.start = e.missed_start;
                }
                if known.assessment == AssessmentState::NotRequested {
                    known.assessment = AssessmentState::Pending;
                }
            }
            Event::MissedAppointmentAssessed(e) => {
                self.known
                    .entry(e.appointment_id.clone())
                    .or_default()
                    .assessment = AssessmentState::Assessed;
            }
            _ => {}
        }
    }
}

/// Takes what an event says of the appointment's terms; what it leaves out stays as known.
fn learn(known: &mut Known, reference: &str, kind: i32, channel: i32) {
    if !reference.is_empty() {
        reference.clone_into(&mut known.reference);
    }
    if let Ok(kind) = proto::AppointmentKind::try_from(kind)
        && kind != proto::AppointmentKind::Unspecified
    {
        known.kind = kind;
    }
    if let Ok(channel) = proto::AppointmentChannel::try_from(channel)
        && channel != proto::AppointmentChannel::Unspecified
    {
        known.channel = channel;
    }
}

/// How a caseworker assessed a missed appointment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// The applicant had a good reason: no consequence.
    GoodReason,
    /// No good reason: for a Meldetermin, § 32 SGB II applies.
    NoGoodReason,
    /// A new appointment is needed before anything is decided.
    NewAppointmentNeeded,
}

impl Outcome {
    /// The outcome of a request; `None` for unspecified or unknown values.
    pub fn from_proto(value: i32) -> Option<Self> {
        match proto::MissedAppointmentOutcome::try_from(value).ok()? {
            proto::MissedAppointmentOutcome::GoodReason => Some(Outcome::GoodReason),
            proto::MissedAppointmentOutcome::NoGoodReason => Some(Outcome::NoGoodReason),
            proto::MissedAppointmentOutcome::NewAppointmentNeeded => {
                Some(Outcome::NewAppointmentNeeded)
            }
            proto::MissedAppointmentOutcome::Unspecified => None,
        }
    }

    /// The outcome as recorded.
    pub fn to_proto(self) -> proto::MissedAppointmentOutcome {
        match self {
            Outcome::GoodReason => proto::MissedAppointmentOutcome::GoodReason,
            Outcome::NoGoodReason => proto::MissedAppointmentOutcome::NoGoodReason,
            Outcome::NewAppointmentNeeded => proto::MissedAppointmentOutcome::NewAppointmentNeeded,
        }
    }
}

/// The caseworker's note on an assessment: at most [`NOTE_MAX`] characters, trimmed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AssessmentNote(String);

/// A note longer than [`NOTE_MAX`] characters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("must be at most {NOTE_MAX} characters")]
pub struct NoteTooLong;

impl AssessmentNote {
    /// The note `text`, trimmed, if it is short enough.
    pub fn new(text: &str) -> Result<Self, NoteTooLong> {
        let text = text.trim();
        if text.chars().count() > NOTE_MAX {
            return Err(NoteTooLong);
        }
        Ok(Self(text.to_owned()))
    }

    /// The note's text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A caseworker's assessment of a missed appointment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assessment {
    /// The appointment (a UUID, in one spelling).
    pub appointment_id: String,
    pub outcome: Outcome,
    pub note: AssessmentNote,
}

/// Why an assessment was refused; the message is for the caller.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AppointmentRefusal {
    /// The case never asked about that appointment.
    #[error("no assessment of that missed appointment is pending on the case")]
    NoAssessmentPending,
    /// Assessing twice.
    #[error("the missed appointment was assessed before")]
    AlreadyAssessed,
}

/// What noting a change of an appointment records: the change as the event carried it,
/// completed with what the case knows of the appointment (reference, kind, channel, times) where
/// the event is silent. An appointment the case never heard of is noted with what the event
/// carries. Nothing for a change of no known kind.
pub fn decide_note(case: &Case, noted: proto::AppointmentNoted) -> Vec<Event> {
    let change = proto::AppointmentChange::try_from(noted.change).unwrap_or_default();
    if change == proto::AppointmentChange::Unspecified || noted.appointment_id.is_empty() {
        return Vec::new();
    }
    let mut noted = noted;
    if let Some(known) = case.appointments.known.get(&noted.appointment_id) {
        if noted.reference.is_empty() {
            noted.reference.clone_from(&known.reference);
        }
        if noted.kind == proto::AppointmentKind::Unspecified as i32 {
            noted.kind = known.kind as i32;
        }
        if noted.channel == proto::AppointmentChannel::Unspecified as i32 {
            noted.channel = known.channel as i32;
        }
        if change == proto::AppointmentChange::Rescheduled && noted.previous_start.is_none() {
            noted.previous_start = known.start;
        }
        // Attendance and no-shows carry no time: they are about the time the case knows.
        if noted.start.is_none() {
            noted.start = known.start;
            noted.end = known.end;
        }
    }
    vec![Event::AppointmentNoted(noted)]
}

/// What a request to assess a missed appointment records: the request, completed with what the
/// case knows of the appointment; nothing when one was requested for it before (a re-sent
/// request opens no second task).
pub fn decide_assessment_request(
    case: &Case,
    request: proto::MissedAppointmentAssessmentRequested,
) -> Vec<Event> {
    if request.appointment_id.is_empty() {
        return Vec::new();
    }
    let mut request = request;
    if let Some(known) = case.appointments.known.get(&request.appointment_id) {
        if known.assessment != AssessmentState::NotRequested {
            return Vec::new();
        }
        if request.reference.is_empty() {
            request.reference.clone_from(&known.reference);
        }
        if request.kind == proto::AppointmentKind::Unspecified as i32 {
            request.kind = known.kind as i32;
        }
        request.invitation |= known.invitation;
        if request.missed_start.is_none() {
            request.missed_start = known.start;
        }
    }
    vec![Event::MissedAppointmentAssessmentRequested(request)]
}

/// What a caseworker's assessment records, for a missed appointment whose assessment is pending.
pub fn decide_assessment(
    case: &Case,
    assessment: Assessment,
) -> Result<Vec<Event>, AppointmentRefusal> {
    let known = case.appointments.known.get(&assessment.appointment_id);
    let state = known.map(|known| known.assessment).unwrap_or_default();
    match state {
        AssessmentState::NotRequested => Err(AppointmentRefusal::NoAssessmentPending),
        AssessmentState::Assessed => Err(AppointmentRefusal::AlreadyAssessed),
        AssessmentState::Pending => Ok(vec![Event::MissedAppointmentAssessed(
            proto::MissedAppointmentAssessed {
                appointment_id: assessment.appointment_id,
                outcome: assessment.outcome.to_proto() as i32,
                note: assessment.note.0,
                reference: known
                    .map(|known| known.reference.clone())
                    .unwrap_or_default(),
            },
        )]),
    }
}

#[cfg(test)]
mod tests;
