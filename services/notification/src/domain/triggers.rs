//! The trigger table of docs/notification/service.md as code: which events of other services'
//! logs tell someone something ([`decode`]), and who is told what ([`notices`]).
//!
//! Two pure steps, so the caller can look its directories up in between:
//! 1. [`decode`] turns an event of the case, intake, E-Akte or appointment log into a
//!    [`Trigger`] (or `None`: the event tells no one anything). A trigger names the case or
//!    appointment it concerns ([`Trigger::case_id`], [`Trigger::appointment_id`]).
//! 2. The caller looks up what only its read models know (the case's applicant account,
//!    main application and caseworker; an appointment's applicant and reference) into a
//!    [`Context`], and [`notices`] returns exactly the table's messages: recipient, topic,
//!    template arguments, deadline and attachments.

mod decode;
mod notices;

pub use decode::{
    APPOINTMENT_LOG, CASE_LOG, DecodeError, EFILE_LOG, INTAKE_LOG, appointment_of_stream,
    case_of_stream, decode, event_types,
};
pub use notices::{Context, DEFAULT_DOCUMENTS_REMINDER_DAYS, Notice, Recipient, notices};

use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;

/// An event that tells someone something: one row of the trigger table, with the facts its
/// messages need.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Trigger {
    /// `intake.ApplicationSubmitted`: an application or notice was received.
    SubmissionReceived {
        /// The application (its stream `application-<id>`; the letter address for main
        /// applications is kept under this id).
        application_id: Uuid,
        /// What was submitted.
        kind: SubmissionKind,
        /// The legal moment of receipt.
        received_at: DateTime<Utc>,
        /// The applicant's own account, when they submitted it themselves.
        applicant_account: Option<String>,
        /// The case the submitter named (never for a main application: its case opens later).
        case_id: Option<Uuid>,
    },
    /// `case.DocumentsRequested`: proofs are requested by a day.
    DocumentsRequested {
        /// The case.
        case_id: Uuid,
        /// What is requested, in the caseworker's words.
        documents: Vec<String>,
        /// The day by which they must arrive.
        due: NaiveDate,
    },
    /// `case.DeadlineReached` of kind `DOCUMENTS_REMINDER`: requested documents are due soon.
    DocumentsDueSoon {
        /// The case.
        case_id: Uuid,
        /// The day of the reminder (the event's `due_on`: the reminder's own day, some days
        /// before the documents are due; see [`Context::documents_due`]).
        reminder_on: NaiveDate,
    },
    /// `case.DeadlineReached` of kind `DECISION_OVERDUE_WARNING` or
    /// `OBJECTION_DECISION_OVERDUE_WARNING`: a legal limit (§ 88 SGG) is near.
    DecisionOverdue {
        /// The case.
        case_id: Uuid,
        /// Which limit.
        limit: OverdueLimit,
    },
    /// `efile.DocumentFiled` of a generated decision letter: a decision was issued.
    DecisionLetterFiled {
        /// The case the letter is filed on.
        case_id: Uuid,
        /// The letter (an E-Akte document), attached to the message.
        document_id: Uuid,
    },
    /// `case.ObjectionFiled`: an objection was received.
    ObjectionFiled {
        /// The case.
        case_id: Uuid,
        /// The day it was received.
        filed_on: NaiveDate,
        /// Received after the objection period.
        late: bool,
    },
    /// `case.IncapacityRecorded`: a sick note's period was recorded on the case.
    IncapacityRecorded {
        /// The case.
        case_id: Uuid,
        /// First day of incapacity.
        from: NaiveDate,
        /// Expected last day.
        until: NaiveDate,
        /// The scanned sick note in the E-Akte; `None` for one submitted as a form.
        document_id: Option<Uuid>,
    },
    /// `case.SickNoteReviewRequested`: a scanned sick note was not read with confidence.
    SickNoteNeedsReview {
        /// The case.
        case_id: Uuid,
        /// The scanned sick note in the E-Akte.
        document_id: Uuid,
    },
    /// `appointment.AppointmentBooked`.
    AppointmentBooked {
        /// What the message says about it.
        appointment: AppointmentFacts,
    },
    /// `appointment.AppointmentInvited`: a Meldetermin set by invitation.
    AppointmentInvited {
        /// What the message says about it.
        appointment: AppointmentFacts,
    },
    /// `appointment.AppointmentReminderDue`.
    AppointmentReminder {
        /// What the message says about it.
        appointment: AppointmentFacts,
    },
    /// `appointment.AppointmentRescheduled`: the payload names only the places, so the
    /// applicant, case and reference come from the caller's appointment directory.
    AppointmentRescheduled {
        /// The appointment (from its stream).
        appointment_id: Uuid,
        /// When it starts now.
        new_start: DateTime<Utc>,
    },
    /// `appointment.AppointmentCancelled`: as for a reschedule, the rest comes from the
    /// caller's appointment directory.
    AppointmentCancelled {
        /// The appointment (from its stream).
        appointment_id: Uuid,
        /// When it was to start.
        start: DateTime<Utc>,
    },
}

impl Trigger {
    /// The case the trigger concerns, when the event names it: look its contacts up for the
    /// [`Context`]. `None` for appointments without a case, rescheduled or cancelled
    /// appointments (their case is in the appointment directory) and submissions that name
    /// no case.
    pub fn case_id(&self) -> Option<Uuid> {
        match self {
            Trigger::SubmissionReceived { case_id, .. } => *case_id,
            Trigger::DocumentsRequested { case_id, .. }
            | Trigger::DocumentsDueSoon { case_id, .. }
            | Trigger::DecisionOverdue { case_id, .. }
            | Trigger::DecisionLetterFiled { case_id, .. }
            | Trigger::ObjectionFiled { case_id, .. }
            | Trigger::IncapacityRecorded { case_id, .. }
            | Trigger::SickNoteNeedsReview { case_id, .. } => Some(*case_id),
            Trigger::AppointmentBooked { appointment }
            | Trigger::AppointmentInvited { appointment }
            | Trigger::AppointmentReminder { appointment } => appointment.case_id,
            Trigger::AppointmentRescheduled { .. } | Trigger::AppointmentCancelled { .. } => None,
        }
    }

    /// The appointment the trigger concerns: look it up in the appointment directory for the
    /// [`Context`] (needed for reschedules and cancellations).
    pub fn appointment_id(&self) -> Option<Uuid> {
        match self {
            Trigger::AppointmentBooked { appointment }
            | Trigger::AppointmentInvited { appointment }
            | Trigger::AppointmentReminder { appointment } => Some(appointment.appointment_id),
            Trigger::AppointmentRescheduled { appointment_id, .. }
            | Trigger::AppointmentCancelled { appointment_id, .. } => Some(*appointment_id),
            _ => None,
        }
    }
}

/// What an applicant submitted (the `form` of `intake.ApplicationSubmitted`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SubmissionKind {
    /// A main application (Hauptantrag): opens a case.
    MainApplication,
    /// A continuation application (Weiterbewilligungsantrag).
    Continuation,
    /// One-off benefits or a loan (§ 24 SGB II).
    OneOffBenefit,
    /// Education and participation (§ 28 SGB II).
    EducationParticipation,
    /// A sick note.
    SickNote,
    /// A notice of absence (§ 7b SGB II).
    AbsenceNotice,
    /// A change notice.
    ChangeNotice,
}

impl SubmissionKind {
    /// Whether it is a main application: the only kind confirmed by letter when the
    /// applicant has no account.
    pub fn is_main(self) -> bool {
        self == SubmissionKind::MainApplication
    }

    /// The Fluent selector of the `kind` argument of `submission-received`.
    pub fn selector(self) -> &'static str {
        match self {
            SubmissionKind::MainApplication => "main-application",
            SubmissionKind::Continuation => "continuation",
            SubmissionKind::OneOffBenefit => "one-off-benefit",
            SubmissionKind::EducationParticipation => "education-participation",
            SubmissionKind::SickNote => "sick-note",
            SubmissionKind::AbsenceNotice => "absence-notice",
            SubmissionKind::ChangeNotice => "change-notice",
        }
    }
}

/// Which legal limit a decision nears (§ 88 SGG).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum OverdueLimit {
    /// Six months for the decision on an application.
    Decision,
    /// Three months for the decision on an objection.
    Objection,
}

impl OverdueLimit {
    /// The Fluent selector of the `limit` argument of `decision-overdue`.
    pub fn selector(self) -> &'static str {
        match self {
            OverdueLimit::Decision => "decision",
            OverdueLimit::Objection => "objection",
        }
    }
}

/// How an appointment takes place.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AppointmentChannel {
    /// At the office.
    InPerson,
    /// The jobcenter calls.
    Phone,
    /// By video, with a joining link.
    Video,
}

impl AppointmentChannel {
    /// The Fluent selector of the `channel` argument of the appointment topics.
    pub fn selector(self) -> &'static str {
        match self {
            AppointmentChannel::InPerson => "in-person",
            AppointmentChannel::Phone => "phone",
            AppointmentChannel::Video => "video",
        }
    }
}

/// What a booking, invitation or reminder says about its appointment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppointmentFacts {
    /// The appointment (from its stream).
    pub appointment_id: Uuid,
    /// The booking reference the applicant quotes.
    pub reference: String,
    /// The applicant's account.
    pub applicant_account: Option<String>,
    /// The case it belongs to, if any yet.
    pub case_id: Option<Uuid>,
    /// When it starts.
    pub start: DateTime<Utc>,
    /// How it takes place.
    pub channel: AppointmentChannel,
    /// The joining link of a video appointment; empty otherwise.
    pub video_link: String,
    /// Where to go: the office's name and address for a reminder; empty for bookings and
    /// invitations, whose events name the office only by id.
    pub office: String,
}

#[cfg(test)]
mod tests;
