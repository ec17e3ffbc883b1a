//! Who is told what about a [`Trigger`]: the recipients, topics and template arguments of the
//! trigger table (docs/notification/service.md), given what the caller's directories know.

use chrono::{Days, NaiveDate};
use uuid::Uuid;

use super::{AppointmentFacts, Trigger};
use crate::domain::{ArgValue, Args, Topic};

/// The case service's default `documents_reminder_days`: how many days before the documents
/// are due the `DOCUMENTS_REMINDER` deadline fires. Used only when the caller does not know
/// the due day ([`Context::documents_due`]).
pub const DEFAULT_DOCUMENTS_REMINDER_DAYS: u64 = 3;

/// What the caller looked up in its read models for a trigger: the case contacts of
/// [`Trigger::case_id`] and the appointment contacts of [`Trigger::appointment_id`]. Empty
/// strings count as unknown.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Context {
    /// The case, when the trigger names none (a rescheduled or cancelled appointment's case).
    pub case_id: Option<Uuid>,
    /// The applicant's account: the case's (`case.CaseOpened.applicant_account`) or, for a
    /// rescheduled or cancelled appointment, the appointment's. Triggers that name their
    /// applicant themselves (submissions, bookings, invitations, reminders) ignore it.
    pub applicant_account: Option<String>,
    /// The case's main application: its postal address is where letters go.
    pub application_id: Option<Uuid>,
    /// The case's responsible caseworker; `None` when the case sits in a team queue.
    pub caseworker: Option<String>,
    /// The appointment's booking reference (rescheduled and cancelled appointments).
    pub appointment_reference: Option<String>,
    /// The day the requested documents are due, when known (documents reminders: the
    /// event names only the reminder's own day). Unknown: the reminder's day plus
    /// [`DEFAULT_DOCUMENTS_REMINDER_DAYS`].
    pub documents_due: Option<NaiveDate>,
}

/// Who a message is for.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Recipient {
    /// An applicant: by account where they have one, and by letter to the address of the
    /// main application where the channel plan says so.
    Applicant {
        /// The account subject; `None`: letter only.
        account: Option<String>,
        /// The main application whose postal address letters go to, when known.
        application_id: Option<Uuid>,
    },
    /// A member of staff: their inbox only.
    Staff {
        /// Their subject.
        subject: String,
    },
}

impl Recipient {
    /// The recipient's subject (account or staff subject); `None` for a letter-only applicant.
    pub fn subject(&self) -> Option<&str> {
        match self {
            Recipient::Applicant { account, .. } => account.as_deref(),
            Recipient::Staff { subject } => Some(subject),
        }
    }

    /// The recipient as [`crate::domain::ids::trigger_message_id`] names it: the subject, or
    /// the application id for a letter-only applicant.
    pub fn message_key(&self) -> String {
        match (self.subject(), self) {
            (Some(subject), _) => subject.to_owned(),
            (
                None,
                Recipient::Applicant {
                    application_id: Some(application),
                    ..
                },
            ) => application.to_string(),
            (None, _) => String::new(),
        }
    }
}

/// One message a trigger composes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    /// Who it is for.
    pub recipient: Recipient,
    /// What it is about (its template).
    pub topic: Topic,
    /// The case it concerns.
    pub case_id: Option<Uuid>,
    /// The template's arguments (the caller adds `jobcenter`).
    pub args: Args,
    /// The deadline the message is about (documents due).
    pub deadline: Option<NaiveDate>,
    /// E-Akte documents attached.
    pub attachments: Vec<Uuid>,
}

/// Exactly the messages of `trigger`'s row of the trigger table. An applicant without an
/// account is written to only when a letter can reach them (their main application is known)
/// and the topic is not a digital-only reminder; staff only when the case has a caseworker.
pub fn notices(trigger: &Trigger, context: &Context) -> Vec<Notice> {
    let case_id = trigger.case_id().or(context.case_id);
    let notice = |recipient: Recipient, topic: Topic, args: Args| Notice {
        recipient,
        topic,
        case_id,
        args,
        deadline: None,
        attachments: Vec::new(),
    };
    let case_applicant = |topic: Topic| {
        applicant(
            known(&context.applicant_account),
            context.application_id,
            topic,
        )
    };
    let caseworker = known(&context.caseworker).map(|subject| Recipient::Staff { subject });
    let mut out = Vec::new();
    match trigger {
        Trigger::SubmissionReceived {
            application_id,
            kind,
            received_at,
            applicant_account,
            ..
        } => {
            let topic = Topic::SubmissionReceived;
            // Without an account only a main application is confirmed by letter (to its own
            // address); with one, a letter goes to the case's main application's address.
            let letter_to = if kind.is_main() {
                Some(*application_id)
            } else if applicant_account.is_some() {
                context.application_id
            } else {
                None
            };
            let args = Args::new()
                .with("kind", text(kind.selector()))
                .with("received_at", ArgValue::DateTime(*received_at));
            let recipient = applicant(applicant_account.clone(), letter_to, topic);
            out.extend(recipient.map(|r| notice(r, topic, args)));
        }
        Trigger::DocumentsRequested { documents, due, .. } => {
            let topic = Topic::DocumentsRequested;
            let args = Args::new()
                .with("documents", ArgValue::List(documents.clone()))
                .with("due", ArgValue::Date(*due));
            out.extend(case_applicant(topic).map(|r| Notice {
                deadline: Some(*due),
                ..notice(r, topic, args)
            }));
        }
        Trigger::DocumentsDueSoon { reminder_on, .. } => {
            let topic = Topic::DocumentsDueSoon;
            let due = context.documents_due.unwrap_or_else(|| {
                reminder_on
                    .checked_add_days(Days::new(DEFAULT_DOCUMENTS_REMINDER_DAYS))
                    .unwrap_or(*reminder_on)
            });
            let args = Args::new().with("due", ArgValue::Date(due));
            out.extend(case_applicant(topic).map(|r| Notice {
                deadline: Some(due),
                ..notice(r, topic, args)
            }));
        }
        Trigger::DecisionOverdue { limit, .. } => {
            let args = Args::new().with("limit", text(limit.selector()));
            out.extend(caseworker.map(|r| notice(r, Topic::DecisionOverdue, args)));
        }
        Trigger::DecisionLetterFiled { document_id, .. } => {
            let topic = Topic::DecisionIssued;
            out.extend(case_applicant(topic).map(|r| Notice {
                attachments: vec![*document_id],
                ..notice(r, topic, Args::new())
            }));
        }
        Trigger::ObjectionFiled { filed_on, late, .. } => {
            let topic = Topic::ObjectionReceived;
            let args = Args::new().with("filed_on", ArgValue::Date(*filed_on));
            out.extend(case_applicant(topic).map(|r| notice(r, topic, args)));
            let args = Args::new()
                .with("filed_on", ArgValue::Date(*filed_on))
                .with("late", text(if *late { "yes" } else { "no" }));
            out.extend(caseworker.map(|r| notice(r, Topic::ObjectionFiled, args)));
        }
        Trigger::IncapacityRecorded {
            from,
            until,
            document_id,
            ..
        } => {
            let args = Args::new()
                .with("from", ArgValue::Date(*from))
                .with("until", ArgValue::Date(*until));
            out.extend(caseworker.map(|r| Notice {
                attachments: document_id.iter().copied().collect(),
                ..notice(r, Topic::SickNoteRecorded, args)
            }));
        }
        Trigger::SickNoteNeedsReview { document_id, .. } => {
            out.extend(caseworker.map(|r| Notice {
                attachments: vec![*document_id],
                ..notice(r, Topic::SickNoteNeedsReview, Args::new())
            }));
        }
        Trigger::AppointmentBooked { appointment } => {
            out.extend(appointment_notice(
                appointment,
                Topic::AppointmentBooked,
                context,
            ));
        }
        Trigger::AppointmentInvited { appointment } => {
            out.extend(appointment_notice(
                appointment,
                Topic::AppointmentInvited,
                context,
            ));
        }
        Trigger::AppointmentReminder { appointment } => {
            out.extend(appointment_notice(
                appointment,
                Topic::AppointmentReminder,
                context,
            ));
        }
        Trigger::AppointmentRescheduled { new_start, .. } => {
            let topic = Topic::AppointmentRescheduled;
            let args = moved_args(*new_start, context);
            out.extend(case_applicant(topic).map(|r| notice(r, topic, args)));
        }
        Trigger::AppointmentCancelled { start, .. } => {
            let topic = Topic::AppointmentCancelled;
            let args = moved_args(*start, context);
            out.extend(case_applicant(topic).map(|r| notice(r, topic, args)));
        }
    }
    out
}

/// The message of a booking, invitation or reminder, to the applicant the event names.
fn appointment_notice(facts: &AppointmentFacts, topic: Topic, context: &Context) -> Option<Notice> {
    let recipient = applicant(
        facts.applicant_account.clone(),
        context.application_id,
        topic,
    )?;
    let args = Args::new()
        .with("start", ArgValue::DateTime(facts.start))
        .with("reference", text(&facts.reference))
        .with("channel", text(facts.channel.selector()))
        .with("video_link", text(&facts.video_link))
        .with("office", text(&facts.office));
    Some(Notice {
        recipient,
        topic,
        case_id: facts.case_id.or(context.case_id),
        args,
        deadline: None,
        attachments: Vec::new(),
    })
}

/// `start` and `reference` of a rescheduled or cancelled appointment.
fn moved_args(start: chrono::DateTime<chrono::Utc>, context: &Context) -> Args {
    let reference = context.appointment_reference.clone().unwrap_or_default();
    Args::new()
        .with("start", ArgValue::DateTime(start))
        .with("reference", ArgValue::Text(reference))
}

/// The applicant recipient, if the message can reach them at all: by account, or else by a
/// letter to `letter_to`'s address, which digital-only reminders never use.
fn applicant(account: Option<String>, letter_to: Option<Uuid>, topic: Topic) -> Option<Recipient> {
    let account = account.filter(|a| !a.is_empty());
    if account.is_none() && (letter_to.is_none() || topic.digital_only()) {
        return None;
    }
    Some(Recipient::Applicant {
        account,
        application_id: letter_to,
    })
}

fn known(value: &Option<String>) -> Option<String> {
    value.clone().filter(|v| !v.is_empty())
}

fn text(value: &str) -> ArgValue {
    ArgValue::Text(value.to_owned())
}
