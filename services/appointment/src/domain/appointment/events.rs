//! The events recorded for an appointment, and the values they carry.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::domain::calendar::{AppointmentKind, Channel};
use crate::domain::ids::{
    ApplicantId, AppointmentId, AppointmentTypeId, CaseId, OfficeId, StaffId,
};
use crate::domain::invitation::Invitation;
use crate::domain::reference::BookingReference;
use crate::domain::slots::{Slot, SlotKey};
use crate::domain::video_link::VideoLink;

/// The place an appointment holds: one of the capacity of a slot.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Place {
    /// The office.
    pub office: OfficeId,
    /// The appointment type.
    pub appointment_type: AppointmentTypeId,
    /// When it starts.
    pub start: DateTime<Utc>,
    /// When it ends.
    pub end: DateTime<Utc>,
}

impl Place {
    /// The key of the slot whose place this is.
    pub fn key(&self) -> SlotKey {
        SlotKey {
            office: self.office,
            appointment_type: self.appointment_type,
            start: self.start,
        }
    }
}

impl From<&Slot> for Place {
    fn from(slot: &Slot) -> Self {
        Self {
            office: slot.office,
            appointment_type: slot.appointment_type,
            start: slot.start,
            end: slot.end,
        }
    }
}

/// Who acted: the applicant (or their representative, through their account) or the jobcenter.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Party {
    /// The applicant.
    Applicant,
    /// A member of the jobcenter's staff.
    Jobcenter(StaffId),
}

/// How the appointment came about.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Origin {
    /// Booked by the applicant online.
    SelfService,
    /// Booked by a caseworker on the applicant's behalf.
    BookedByStaff(StaffId),
    /// Set by a caseworker's invitation (Meldetermin), with the notice of consequences.
    Invitation(StaffId),
}

/// What an appointment is about, fixed when it is booked or set.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Terms {
    /// The appointment's id.
    pub id: AppointmentId,
    /// The reference the applicant quotes, as derived when it was booked.
    pub reference: BookingReference,
    /// Whom it is with.
    pub applicant: ApplicantId,
    /// The case it belongs to, if there is one yet (a first meeting may come before the case).
    pub case: Option<CaseId>,
    /// What it is for.
    pub kind: AppointmentKind,
    /// How it takes place.
    pub channel: Channel,
    /// The joining link, for a video appointment.
    pub video_link: Option<VideoLink>,
}

/// What happened to an appointment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Event {
    /// A place was booked: taken in `place`.
    Booked {
        /// What was booked.
        terms: Terms,
        /// The place taken.
        place: Place,
        /// How (self-service or by a caseworker).
        origin: Origin,
        /// When.
        at: DateTime<Utc>,
    },
    /// A caseworker set a Meldetermin: a place taken, the invitation (with its notice of
    /// consequences) recorded as it was sent, because the legal effect rests on its words.
    Invited {
        /// What the appointment is.
        terms: Terms,
        /// The place taken.
        place: Place,
        /// The caseworker.
        by: StaffId,
        /// The letter as sent.
        invitation: Box<Invitation>,
        /// When.
        at: DateTime<Utc>,
    },
    /// The appointment was cancelled and its place released.
    Cancelled {
        /// The place released.
        released: Place,
        /// Who cancelled.
        by: Party,
        /// Why (required from the jobcenter).
        reason: Option<String>,
        /// When.
        at: DateTime<Utc>,
    },
    /// The appointment moved: one place released and another taken, in one event so that
    /// one transaction records both or neither.
    Rescheduled {
        /// The place released.
        released: Place,
        /// The place taken.
        taken: Place,
        /// Who moved it.
        by: Party,
        /// When.
        at: DateTime<Utc>,
    },
    /// The applicant came.
    Attended {
        /// Who recorded it.
        recorded_by: StaffId,
        /// When it was recorded.
        at: DateTime<Utc>,
    },
    /// The applicant did not come.
    NoShow {
        /// The reason the applicant gave, if any yet.
        reason: Option<String>,
        /// Who recorded it.
        recorded_by: StaffId,
        /// When it was recorded.
        at: DateTime<Utc>,
    },
    /// A caseworker now holds the appointment: it appears on their day and in their feed.
    Assigned {
        /// The caseworker who holds it.
        caseworker: StaffId,
        /// Who assigned it (a team lead, or the caseworker taking it).
        by: StaffId,
        /// When.
        at: DateTime<Utc>,
    },
    /// A missed appointment of a case without a reason: the case service opens a task for the
    /// caseworker to assess it (for a Meldetermin: whether § 32 SGB II applies, after hearing
    /// the applicant).
    AssessmentRequested {
        /// The case.
        case: CaseId,
        /// The appointment missed.
        appointment: AppointmentId,
        /// What it was for.
        kind: AppointmentKind,
        /// Whether it was a Meldetermin with a notice of consequences.
        invitation: bool,
        /// When it was to start.
        missed_start: DateTime<Utc>,
    },
}
