//! The case aggregate: a household's case folded from its stream, and the decisions on every
//! command a caseworker, team lead, applicant, reactor or the deadline watcher sends it.
//!
//! Decider style: [`Case::evolve`] folds one recorded event, [`decide`] turns a command into
//! events or a [`CommandError`]. The main application's path is the [`lifecycle`]; the case adds
//! what lies around it: its further matters, its assignment and the deadlines already fired.

use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDate;
use jobcenter_proto::case::v1 as proto;

use super::appointments::{self, Appointments, Assessment};
use super::codec;
use super::dates;
use super::events::Event;
use super::lifecycle::{self, Periods, Stage, TransitionError};
use super::messages::{self, Messages};
use super::sick_notes::{
    self, ConfidenceThreshold, Confirmation, FormSickNote, Reading, SickNotes,
};

/// The rule set decisions are taken under today, recorded with each decision (§ 44 SGB X
/// reviews recompute against it).
pub const RULE_SET: &str = "sgb2-2026";

/// A further matter of the case (continuation, one-off benefit, sick note, ...).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Matter {
    pub kind: proto::MatterKind,
    pub decided: bool,
}

/// A case as its events left it.
#[derive(Debug, Clone, PartialEq)]
pub struct Case {
    pub case_id: String,
    /// The applicant's own account, when they applied online (who may see and object).
    pub applicant_account: String,
    pub applicant_family_name: String,
    /// The applicant's given name (a scanned sick note's person is compared with both).
    pub applicant_given_name: String,
    pub postal_code: String,
    /// Where the main application stands.
    pub stage: Stage,
    /// Further matters by application id.
    pub matters: BTreeMap<String, Matter>,
    /// (caseworker, team) once assigned.
    pub assignment: Option<(String, String)>,
    /// Deadlines already fired, as (kind, day).
    pub fired: BTreeSet<(i32, NaiveDate)>,
    /// Sick notes recorded, and scanned ones under a caseworker's review.
    pub sick_notes: SickNotes,
    /// The appointments the case heard of, and the assessments of missed ones.
    pub appointments: Appointments,
    /// The messages the applicant wrote about the case, and whether they were answered.
    pub messages: Messages,
    /// The stream version of the last event folded.
    pub version: i32,
}

impl Case {
    /// Folds `events` (with their stream versions) from the start of the stream; `None` while
    /// the case has not been opened.
    pub fn fold<'a>(events: impl IntoIterator<Item = (i32, &'a Event)>) -> Option<Case> {
        events.into_iter().fold(None, |case, (version, event)| {
            Case::evolve(case, version, event)
        })
    }

    /// Folds one event recorded at `version`.
    pub fn evolve(case: Option<Case>, version: i32, event: &Event) -> Option<Case> {
        let Some(mut case) = case else {
            let Event::CaseOpened(opened) = event else {
                return None;
            };
            let received_on = opened
                .application_received_at
                .as_ref()
                .and_then(super::to_utc)
                .map(dates::legal_day)?;
            return Some(Case {
                case_id: opened.case_id.clone(),
                applicant_account: opened.applicant_account.clone(),
                applicant_family_name: opened.applicant_family_name.clone(),
                applicant_given_name: opened.applicant_given_name.clone(),
                postal_code: opened.postal_code.clone(),
                stage: Stage::Received { received_on },
                matters: BTreeMap::new(),
                assignment: None,
                fired: BTreeSet::new(),
                sick_notes: SickNotes::default(),
                appointments: Appointments::default(),
                messages: Messages::default(),
                version,
            });
        };
        case.version = version;
        if let Some(step) = codec::lifecycle_from_proto(event) {
            case.stage = lifecycle::evolve(case.stage, &step);
            return Some(case);
        }
        match event {
            Event::CaseAssigned(e) => {
                case.assignment = Some((e.caseworker.clone(), e.team.clone()));
            }
            Event::DeadlineReached(e) => {
                if let Some(day) = e.due_on.as_ref().and_then(dates::from_proto) {
                    case.fired.insert((e.kind, day));
                }
            }
            Event::MatterAttached(e) => {
                case.matters
                    .entry(e.application_id.clone())
                    .or_insert(Matter {
                        kind: proto::MatterKind::try_from(e.kind).unwrap_or_default(),
                        decided: false,
                    });
            }
            Event::MatterDecided(e) => {
                if let Some(matter) = case.matters.get_mut(&e.application_id) {
                    matter.decided = true;
                }
            }
            Event::IncapacityRecorded(_)
            | Event::SickNoteReviewRequested(_)
            | Event::SickNoteAcknowledged(_) => case.sick_notes.evolve(event),
            Event::AppointmentNoted(_)
            | Event::MissedAppointmentAssessmentRequested(_)
            | Event::MissedAppointmentAssessed(_) => case.appointments.evolve(event),
            Event::ApplicantMessageNoted(_) | Event::ApplicantMessageAnswered(_) => {
                case.messages.evolve(event);
            }
            _ => {}
        }
        Some(case)
    }
}

/// What can be asked of a case.
#[derive(Debug, Clone, PartialEq)]
pub enum Command {
    StartReview,
    RequestDocuments {
        due: NaiveDate,
        documents: Vec<String>,
    },
    ReceiveDocuments {
        note: String,
    },
    WarnOfRefusal {
        due: NaiveDate,
    },
    IssueDecision {
        outcome: lifecycle::Outcome,
        provisional: bool,
    },
    FileObjection,
    DecideObjection {
        result: lifecycle::ObjectionResult,
    },
    Close {
        reason: proto::CloseReason,
    },
    /// Attach a further submission (a reactor on intake's events).
    AttachMatter(proto::MatterAttached),
    /// Attach a sick-note form and record its period (the filing reactor, FileSubmission).
    AttachSickNote {
        matter: proto::MatterAttached,
        form: FormSickNote,
    },
    /// What the E-Akte read from a scanned sick note (the `sick_notes` reactor).
    AssessSickNote {
        reading: Reading,
        threshold: ConfidenceThreshold,
    },
    /// A caseworker confirmed or corrected a scanned sick note under review.
    ConfirmSickNote(Confirmation),
    /// A caseworker took note of a sick note the platform recorded.
    AcknowledgeSickNote {
        record_id: String,
    },
    DecideMatter {
        application_id: String,
        outcome: proto::MatterOutcome,
        note: String,
    },
    Assign {
        caseworker: String,
        team: String,
        source: proto::AssignmentSource,
        rule_id: String,
    },
    /// A deadline came due (the deadline watcher).
    ReachDeadline {
        kind: proto::DeadlineKind,
        due_on: NaiveDate,
    },
    /// A change of one of the case's appointments (the `appointments` reactor).
    NoteAppointment(proto::AppointmentNoted),
    /// A missed appointment without a reason is to be assessed (the `appointments` reactor).
    RequestMissedAppointmentAssessment(proto::MissedAppointmentAssessmentRequested),
    /// A caseworker assessed a missed appointment.
    AssessMissedAppointment(Assessment),
    /// The applicant wrote a message about the case (the `messages` reactor); noted on an open
    /// or a closed case.
    NoteApplicantMessage(proto::ApplicantMessageNoted),
    /// A caseworker replied to the applicant's message (the `messages` reactor).
    AnswerApplicantMessage(proto::ApplicantMessageAnswered),
}

/// Why a command was refused; the message is for the caller.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CommandError {
    /// The main application's stage does not allow it.
    #[error(transparent)]
    Transition(#[from] TransitionError),
    /// The matter is not attached to this case.
    #[error("the case holds no such matter")]
    UnknownMatter,
    /// The matter was decided before.
    #[error("the matter is already decided")]
    MatterAlreadyDecided,
    /// The case is closed.
    #[error("the case is closed")]
    Closed,
    /// The sick note is not where the command needs it.
    #[error(transparent)]
    SickNote(#[from] sick_notes::SickNoteRefusal),
    /// The missed appointment is not where the assessment needs it.
    #[error(transparent)]
    Appointment(#[from] appointments::AppointmentRefusal),
}

/// Decides `command` on `case` on `today`, counting with the jobcenter's `periods`. An empty
/// result means: nothing to record (the command's effect is already there).
pub fn decide(
    case: &Case,
    command: Command,
    today: NaiveDate,
    periods: &Periods,
) -> Result<Vec<Event>, CommandError> {
    let lifecycle_step = |command: lifecycle::Command| -> Result<Vec<Event>, CommandError> {
        Ok(lifecycle::decide(&case.stage, command, today, periods)?
            .iter()
            .map(codec::lifecycle_to_proto)
            .collect())
    };
    match command {
        Command::StartReview => lifecycle_step(lifecycle::Command::StartReview),
        Command::RequestDocuments { due, documents } => {
            let mut events = lifecycle_step(lifecycle::Command::RequestDocuments { due })?;
            for event in &mut events {
                if let Event::DocumentsRequested(e) = event {
                    e.documents = documents.clone();
                }
            }
            Ok(events)
        }
        Command::ReceiveDocuments { note } => {
            let mut events = lifecycle_step(lifecycle::Command::ReceiveDocuments)?;
            for event in &mut events {
                if let Event::DocumentsReceived(e) = event {
                    e.note = note.clone();
                }
            }
            Ok(events)
        }
        Command::WarnOfRefusal { due } => lifecycle_step(lifecycle::Command::WarnOfRefusal { due }),
        Command::IssueDecision {
            outcome,
            provisional,
        } => {
            let mut events = lifecycle_step(lifecycle::Command::IssueDecision {
                outcome,
                provisional,
            })?;
            for event in &mut events {
                if let Event::DecisionIssued(e) = event {
                    e.provisional = provisional && outcome.grants_benefits();
                    e.rule_set = RULE_SET.to_owned();
                    e.based_on_version = case.version;
                }
            }
            Ok(events)
        }
        Command::FileObjection => lifecycle_step(lifecycle::Command::FileObjection),
        Command::DecideObjection { result } => {
            lifecycle_step(lifecycle::Command::DecideObjection { result })
        }
        Command::Close { reason } => {
            let mut events = lifecycle_step(lifecycle::Command::Close)?;
            for event in &mut events {
                if let Event::CaseClosed(e) = event {
                    e.reason = reason as i32;
                }
            }
            Ok(events)
        }
        Command::AttachMatter(attached) => {
            // Redelivered or resubmitted: attached once.
            if case.matters.contains_key(&attached.application_id) {
                Ok(Vec::new())
            } else {
                Ok(vec![Event::MatterAttached(attached)])
            }
        }
        Command::AttachSickNote { matter, form } => {
            Ok(sick_notes::decide_form(case, matter, &form))
        }
        Command::AssessSickNote { reading, threshold } => {
            Ok(sick_notes::decide_reading(case, &reading, threshold))
        }
        Command::ConfirmSickNote(confirmation) => {
            Ok(sick_notes::decide_confirmation(case, confirmation)?)
        }
        Command::AcknowledgeSickNote { record_id } => {
            Ok(sick_notes::decide_acknowledgement(case, record_id)?)
        }
        Command::NoteAppointment(noted) => Ok(appointments::decide_note(case, noted)),
        Command::RequestMissedAppointmentAssessment(request) => {
            Ok(appointments::decide_assessment_request(case, request))
        }
        Command::AssessMissedAppointment(assessment) => {
            Ok(appointments::decide_assessment(case, assessment)?)
        }
        Command::NoteApplicantMessage(noted) => Ok(messages::decide_note(case, noted)),
        Command::AnswerApplicantMessage(answered) => Ok(messages::decide_answer(case, answered)),
        Command::DecideMatter {
            application_id,
            outcome,
            note,
        } => match case.matters.get(&application_id) {
            None => Err(CommandError::UnknownMatter),
            Some(matter) if matter.decided => Err(CommandError::MatterAlreadyDecided),
            Some(_) => Ok(vec![Event::MatterDecided(proto::MatterDecided {
                application_id,
                outcome: outcome as i32,
                note,
            })]),
        },
        Command::Assign {
            caseworker,
            team,
            source,
            rule_id,
        } => {
            if matches!(case.stage, Stage::Closed { .. }) {
                return Err(CommandError::Closed);
            }
            if case.assignment.as_ref() == Some(&(caseworker.clone(), team.clone())) {
                return Ok(Vec::new());
            }
            // The rules place a new case; a case someone already assigned keeps its assignment
            // (a team lead may have been quicker than the rules).
            if source == proto::AssignmentSource::Rule && case.assignment.is_some() {
                return Ok(Vec::new());
            }
            Ok(vec![Event::CaseAssigned(proto::CaseAssigned {
                caseworker,
                team,
                source: source as i32,
                rule_id,
            })])
        }
        Command::ReachDeadline { kind, due_on } => {
            // Only a deadline the case still has, once: documents that arrived in time cancel
            // their deadline, and a watcher restarted mid-run finds it fired.
            let still_due = lifecycle::deadlines(&case.stage, periods)
                .into_iter()
                .map(codec::deadline_to_proto)
                .any(|(k, day)| k == kind && day == due_on);
            if !still_due || case.fired.contains(&(kind as i32, due_on)) || due_on > today {
                return Ok(Vec::new());
            }
            Ok(vec![Event::DeadlineReached(proto::DeadlineReached {
                kind: kind as i32,
                due_on: Some(dates::to_proto(due_on)),
            })])
        }
    }
}

#[cfg(test)]
mod tests;
