//! The work queue's rules (Arbeitsvorrat): which case event opens which task, with which title,
//! checklist, due day and priority, and which events close it. A task is never closed by hand:
//! the event that does what the task asked for closes it, so the queue cannot drift from the
//! case. Pure; the `tasks` projection applies [`effects`] to `cases.tasks`.
//!
//! Titles and checklists are German: caseworkers read them in their client as they are.

use chrono::{Days, Months, NaiveDate};
use jobcenter_proto::case::v1 as proto;
use proto::{DeadlineKind, MatterKind, TaskKind, TaskPriority};
use uuid::Uuid;

use super::dates;
use super::events::Event;

/// Fixed namespace of task ids: UUIDv5(namespace, id of the event that opened the task).
pub const TASK_NAMESPACE: Uuid = Uuid::from_u128(0x5a0e_73c1_9b24_4d8e_a6f3_2c71_b8e0_4d19);

/// Days to start reviewing a new application (from its receipt).
pub const REVIEW_DAYS: u64 = 14;
/// Days to decide once the review started.
pub const DECIDE_DAYS: u64 = 14;
/// Days to check documents that arrived.
pub const CHECK_DOCUMENTS_DAYS: u64 = 5;
/// Days after the documents' due day to send the written warning or decide.
pub const DOCUMENTS_OVERDUE_DAYS: u64 = 3;
/// Days to send the continuation prompt once its day came.
pub const PROMPT_DAYS: u64 = 7;
/// Days to process a further matter (from its receipt).
pub const MATTER_DAYS: u64 = 14;
/// Days to process a sick note (from its receipt): appointments in the period are at stake.
pub const SICK_NOTE_DAYS: u64 = 3;
/// Days to assess a missed appointment (from the request): long enough to hear the applicant.
pub const ASSESS_MISSED_DAYS: u64 = 7;
/// Days to answer an applicant's message (from its sending).
pub const ANSWER_MESSAGE_DAYS: u64 = 5;
/// Most characters of a message's subject in its task's title (the rest is cut, with "…").
pub const SUBJECT_IN_TITLE_MAX: usize = 80;
/// Months to decide an objection (§ 88 (2) SGG: an action for failure to act after three).
pub const OBJECTION_MONTHS: u32 = 3;

/// How a checklist item for one of intake's plausibility warnings starts.
pub const WARNING_ITEM: &str = "Plausibilitätshinweis prüfen: ";

/// The id of the task an event opens.
pub fn task_id(opening_event: Uuid) -> Uuid {
    Uuid::new_v5(&TASK_NAMESPACE, opening_event.as_bytes())
}

/// A task to open.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Opening {
    pub kind: TaskKind,
    pub title: String,
    pub checklist: Vec<String>,
    pub due_on: NaiveDate,
    pub priority: TaskPriority,
    /// The matter (or the main application) the task concerns.
    pub application_id: Option<String>,
}

/// Which open tasks of the case an event closes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Closing {
    Nothing,
    /// Every open task of these kinds.
    Kinds(&'static [TaskKind]),
    /// The open tasks of this kind for this matter (or sick note: its record id).
    Matter {
        kind: TaskKind,
        application_id: String,
    },
    /// Every open task of the case but those of these kinds (closing a case closes its work,
    /// but an applicant's message still wants its answer).
    EverythingBut(&'static [TaskKind]),
}

/// What one case event does to the case's tasks: first it closes, then it opens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Effects {
    pub closes: Closing,
    pub opens: Option<Opening>,
}

impl Effects {
    const NONE: Effects = Effects {
        closes: Closing::Nothing,
        opens: None,
    };

    fn closes(kinds: &'static [TaskKind]) -> Self {
        Effects {
            closes: Closing::Kinds(kinds),
            opens: None,
        }
    }

    fn opens(opening: Opening) -> Self {
        Effects {
            closes: Closing::Nothing,
            opens: Some(opening),
        }
    }
}

/// What `event`, recorded on `recorded_on` (its legal day), does to the work queue.
pub fn effects(event: &Event, recorded_on: NaiveDate) -> Effects {
    let after = |day: NaiveDate, days: u64| day.checked_add_days(Days::new(days)).unwrap_or(day);
    let months = |day: NaiveDate, n: u32| day.checked_add_months(Months::new(n)).unwrap_or(day);
    let day_of = |date: &Option<jobcenter_proto::common::v1::Date>| {
        date.as_ref()
            .and_then(dates::from_proto)
            .unwrap_or(recorded_on)
    };
    let received = |at: &Option<prost_types::Timestamp>| {
        at.as_ref()
            .and_then(super::to_utc)
            .map(dates::legal_day)
            .unwrap_or(recorded_on)
    };
    match event {
        Event::CaseOpened(e) => Effects::opens(Opening {
            kind: TaskKind::ReviewApplication,
            title: "Antrag prüfen (Erstantrag)".into(),
            checklist: texts(MAIN_APPLICATION),
            due_on: after(received(&e.application_received_at), REVIEW_DAYS),
            priority: TaskPriority::Normal,
            application_id: Some(e.application_id.clone()),
        }),
        Event::ReviewStarted(_) => Effects {
            closes: Closing::Kinds(&[TaskKind::ReviewApplication]),
            opens: Some(Opening {
                kind: TaskKind::DecideApplication,
                title: "Über den Antrag entscheiden".into(),
                checklist: texts(DECIDE),
                due_on: after(recorded_on, DECIDE_DAYS),
                priority: TaskPriority::Normal,
                application_id: None,
            }),
        },
        Event::DocumentsRequested(_) => Effects::closes(&[TaskKind::CheckDocuments]),
        Event::DocumentsReceived(_) => Effects {
            closes: Closing::Kinds(&[TaskKind::DocumentsOverdue]),
            opens: Some(Opening {
                kind: TaskKind::CheckDocuments,
                title: "Eingegangene Unterlagen prüfen".into(),
                checklist: texts(CHECK_DOCUMENTS),
                due_on: after(recorded_on, CHECK_DOCUMENTS_DAYS),
                priority: TaskPriority::Normal,
                application_id: None,
            }),
        },
        Event::RefusalWarned(_) => Effects::closes(&[TaskKind::DocumentsOverdue]),
        Event::DecisionIssued(_) => Effects::closes(&[
            TaskKind::DecideApplication,
            TaskKind::CheckDocuments,
            TaskKind::DocumentsOverdue,
            TaskKind::DecisionOverdue,
        ]),
        Event::ObjectionFiled(e) => Effects::opens(Opening {
            kind: TaskKind::DecideObjection,
            title: "Über den Widerspruch entscheiden".into(),
            checklist: texts(DECIDE_OBJECTION),
            due_on: months(day_of(&e.filed_on), OBJECTION_MONTHS),
            priority: TaskPriority::Normal,
            application_id: None,
        }),
        Event::ObjectionDecided(_) => {
            Effects::closes(&[TaskKind::DecideObjection, TaskKind::ObjectionOverdue])
        }
        Event::CaseClosed(_) => Effects {
            closes: Closing::EverythingBut(&[TaskKind::AnswerMessage]),
            opens: None,
        },
        Event::DeadlineReached(e) => {
            deadline_task(e, day_of(&e.due_on)).map_or(Effects::NONE, Effects::opens)
        }
        Event::MatterAttached(e) => {
            let kind = MatterKind::try_from(e.kind).unwrap_or_default();
            let received_on = received(&e.received_at);
            let days = if kind == MatterKind::SickNote {
                SICK_NOTE_DAYS
            } else {
                MATTER_DAYS
            };
            let mut checklist = texts(matter_checklist(kind));
            checklist.extend(
                e.warnings
                    .iter()
                    .map(|warning| format!("{WARNING_ITEM}{warning}")),
            );
            Effects {
                // The continuation application the prompt asked for has arrived.
                closes: if kind == MatterKind::ContinuationApplication {
                    Closing::Kinds(&[TaskKind::PromptContinuation])
                } else {
                    Closing::Nothing
                },
                opens: Some(Opening {
                    kind: TaskKind::ProcessMatter,
                    title: format!("{} bearbeiten", matter_title(kind)),
                    checklist,
                    due_on: after(received_on, days),
                    priority: TaskPriority::Normal,
                    application_id: Some(e.application_id.clone()),
                }),
            }
        }
        Event::MatterDecided(e) => Effects {
            closes: Closing::Matter {
                kind: TaskKind::ProcessMatter,
                application_id: e.application_id.clone(),
            },
            opens: None,
        },
        Event::IncapacityRecorded(e) => Effects {
            // Recorded as a caseworker confirmed it: their confirmation task is done.
            closes: Closing::Matter {
                kind: TaskKind::ConfirmSickNote,
                application_id: e.record_id.clone(),
            },
            opens: e.automatic.then(|| Opening {
                kind: TaskKind::SickNoteRecorded,
                title: format!(
                    "Krankmeldung eingegangen und erfasst: {} bis {}",
                    german_day(&e.incapacity_from),
                    german_day(&e.incapacity_until)
                ),
                checklist: texts(SICK_NOTE_RECORDED),
                due_on: after(received(&e.received_at), SICK_NOTE_DAYS),
                priority: TaskPriority::Normal,
                application_id: Some(e.record_id.clone()),
            }),
        },
        Event::SickNoteReviewRequested(e) => {
            let mut checklist = texts(CONFIRM_SICK_NOTE);
            checklist.extend(
                e.doubts
                    .iter()
                    .map(|doubt| format!("Zweifel prüfen: {doubt}")),
            );
            Effects::opens(Opening {
                kind: TaskKind::ConfirmSickNote,
                title: "Krankmeldung prüfen".into(),
                checklist,
                due_on: after(received(&e.received_at), SICK_NOTE_DAYS),
                // Nothing is recorded until the caseworker confirms, and appointments in the
                // period are at stake.
                priority: TaskPriority::High,
                application_id: Some(e.document_id.clone()),
            })
        }
        Event::SickNoteAcknowledged(e) => Effects {
            closes: Closing::Matter {
                kind: TaskKind::SickNoteRecorded,
                application_id: e.record_id.clone(),
            },
            opens: None,
        },
        Event::MissedAppointmentAssessmentRequested(e) => Effects::opens(missed_appointment_task(
            e,
            after(recorded_on, ASSESS_MISSED_DAYS),
        )),
        Event::MissedAppointmentAssessed(e) => Effects {
            closes: Closing::Matter {
                kind: TaskKind::AssessMissedAppointment,
                application_id: e.appointment_id.clone(),
            },
            opens: None,
        },
        Event::ApplicantMessageNoted(e) => Effects::opens(answer_message_task(
            e,
            after(received(&e.sent_at), ANSWER_MESSAGE_DAYS),
        )),
        Event::ApplicantMessageAnswered(e) => Effects {
            closes: Closing::Matter {
                kind: TaskKind::AnswerMessage,
                application_id: e.message_id.clone(),
            },
            opens: None,
        },
        Event::CaseAssigned(_)
        | Event::AssignmentRulesSet(_)
        | Event::CaseworkerAbsenceRecorded(_)
        | Event::AppointmentNoted(_) => Effects::NONE,
    }
}

/// The task a missed appointment brings: for a Meldetermin the hearing and the decision on
/// § 32 SGB II (high priority: a legal consequence is at stake), otherwise the decision on a new
/// appointment. Its `application_id` is the appointment id that AssessMissedAppointment takes.
fn missed_appointment_task(
    e: &proto::MissedAppointmentAssessmentRequested,
    due_on: NaiveDate,
) -> Opening {
    let kind = proto::AppointmentKind::try_from(e.kind).unwrap_or_default();
    let meldetermin = e.invitation || kind == proto::AppointmentKind::Meldetermin;
    let which = match e.reference.as_str() {
        "" => String::new(),
        reference => format!(" {reference}"),
    };
    let when = e
        .missed_start
        .as_ref()
        .and_then(super::to_utc)
        .map(|at| format!(" am {}", dates::german_moment(at)))
        .unwrap_or_default();
    let (title, checklist, priority) = if meldetermin {
        (
            format!("Meldeversäumnis prüfen (§ 32 SGB II): Meldetermin{which}{when}"),
            ASSESS_MELDETERMIN,
            TaskPriority::High,
        )
    } else {
        (
            format!(
                "Versäumten Termin prüfen: {}{which}{when}",
                appointment_kind_title(kind)
            ),
            ASSESS_MISSED_APPOINTMENT,
            TaskPriority::Normal,
        )
    };
    Opening {
        kind: TaskKind::AssessMissedAppointment,
        title,
        checklist: texts(checklist),
        due_on,
        priority,
        application_id: Some(e.appointment_id.clone()),
    }
}

/// The task an applicant's message brings, on an open or a closed case alike: read it, check its
/// attachments, take in what it tells, answer. Its `application_id` is the message id a reply
/// names.
fn answer_message_task(e: &proto::ApplicantMessageNoted, due_on: NaiveDate) -> Opening {
    let subject = e.subject.trim();
    let title = if subject.is_empty() {
        "Nachricht beantworten (ohne Betreff)".to_owned()
    } else if subject.chars().count() > SUBJECT_IN_TITLE_MAX {
        let cut: String = subject.chars().take(SUBJECT_IN_TITLE_MAX).collect();
        format!("Nachricht beantworten: {}…", cut.trim_end())
    } else {
        format!("Nachricht beantworten: {subject}")
    };
    let mut checklist = vec![READ_MESSAGE.to_owned()];
    match e.attachment_document_ids.len() {
        0 => {}
        1 => checklist.push("Anhang in der E-Akte prüfen".to_owned()),
        n => checklist.push(format!("{n} Anhänge in der E-Akte prüfen")),
    }
    checklist.extend(texts(ANSWER_MESSAGE));
    Opening {
        kind: TaskKind::AnswerMessage,
        title,
        checklist,
        due_on,
        priority: TaskPriority::Normal,
        application_id: Some(e.message_id.clone()),
    }
}

/// The kind of an appointment as a task names it.
fn appointment_kind_title(kind: proto::AppointmentKind) -> &'static str {
    match kind {
        proto::AppointmentKind::FirstMeeting => "Erstgespräch",
        proto::AppointmentKind::Counselling => "Beratungstermin",
        proto::AppointmentKind::Placement => "Vermittlungstermin",
        proto::AppointmentKind::Meldetermin => "Meldetermin",
        proto::AppointmentKind::Other | proto::AppointmentKind::Unspecified => "Termin",
    }
}

/// The task a deadline brings; the reminder and the end of the objection period bring none
/// (the notification service reminds the applicant; an objection opens its own task).
fn deadline_task(
    e: &jobcenter_proto::case::v1::DeadlineReached,
    due_on: NaiveDate,
) -> Option<Opening> {
    let after = |days: u64| due_on.checked_add_days(Days::new(days)).unwrap_or(due_on);
    let (kind, title, checklist, due_on, priority) =
        match DeadlineKind::try_from(e.kind).unwrap_or_default() {
            DeadlineKind::DocumentsDue => (
                TaskKind::DocumentsOverdue,
                "Unterlagen nicht eingegangen: schriftlich belehren oder entscheiden",
                DOCUMENTS_OVERDUE,
                after(DOCUMENTS_OVERDUE_DAYS),
                TaskPriority::High,
            ),
            DeadlineKind::DecisionOverdueWarning => (
                TaskKind::DecisionOverdue,
                "Antrag vor Ablauf von sechs Monaten entscheiden (§ 88 SGG)",
                DECIDE,
                // The warning comes a month before the limit.
                due_on.checked_add_months(Months::new(1)).unwrap_or(due_on),
                TaskPriority::High,
            ),
            DeadlineKind::ObjectionDecisionOverdueWarning => (
                TaskKind::ObjectionOverdue,
                "Widerspruch vor Ablauf von drei Monaten entscheiden (§ 88 SGG)",
                DECIDE_OBJECTION,
                // The warning comes two weeks before the limit.
                after(14),
                TaskPriority::High,
            ),
            DeadlineKind::ContinuationPrompt => (
                TaskKind::PromptContinuation,
                "Weiterbewilligungsantrag anstoßen: Bewilligungszeitraum endet in zwei Monaten",
                PROMPT_CONTINUATION,
                after(PROMPT_DAYS),
                TaskPriority::Normal,
            ),
            DeadlineKind::DocumentsReminder
            | DeadlineKind::ObjectionPeriodEnds
            | DeadlineKind::Unspecified => return None,
        };
    Some(Opening {
        kind,
        title: title.to_owned(),
        checklist: texts(checklist),
        due_on,
        priority,
        application_id: None,
    })
}

/// A day as caseworkers write it ("01.12.2026"), or "?" if it is missing.
fn german_day(date: &Option<jobcenter_proto::common::v1::Date>) -> String {
    date.as_ref()
        .and_then(dates::from_proto)
        .map_or_else(|| "?".to_owned(), |day| day.format("%d.%m.%Y").to_string())
}

fn texts(items: &[&str]) -> Vec<String> {
    items.iter().map(|item| (*item).to_owned()).collect()
}

/// A main application's review (also a further main application joining the case).
const MAIN_APPLICATION: &[&str] = &[
    "Identität prüfen (Ausweisdokument)",
    "Haushalt und Bedarfsgemeinschaft prüfen",
    "Einkommensnachweise prüfen (Lohnabrechnungen, andere Einkünfte)",
    "Kosten der Unterkunft prüfen (Mietvertrag, Nebenkosten, Heizkosten)",
    "Kontoauszüge der letzten drei Monate prüfen",
];
const DECIDE: &[&str] = &[
    "Anspruch berechnen",
    "Bewilligungszeitraum festlegen (12 Monate, vorläufig 6)",
    "Bescheid erlassen",
];
const CHECK_DOCUMENTS: &[&str] = &[
    "Vollständigkeit gegen die Anforderung prüfen",
    "Unterlagen in der E-Akte zuordnen",
    "Weiter entscheiden oder fehlende Unterlagen anfordern",
];
const DOCUMENTS_OVERDUE: &[&str] = &[
    "Eingang in der E-Akte und im Postfach prüfen",
    "Schriftliche Belehrung mit neuer Frist senden (§ 66 SGB I)",
    "Nach Ablauf der Belehrungsfrist entscheiden",
];
const DECIDE_OBJECTION: &[&str] = &[
    "Zulässigkeit und Frist prüfen",
    "Bescheid anhand der zugrunde gelegten Fallversion und Regeln nachrechnen",
    "Abhilfe oder Widerspruchsbescheid",
];
const PROMPT_CONTINUATION: &[&str] = &[
    "Weiterbewilligungsantrag an den Haushalt senden",
    "Änderungen im Haushalt erfragen",
];
const CONTINUATION: &[&str] = &[
    "Änderungen seit dem letzten Bescheid prüfen",
    "Einkommensnachweise prüfen",
    "Kontoauszüge prüfen",
    "Neuen Bewilligungszeitraum festlegen",
];
const ONE_OFF_BENEFIT: &[&str] = &[
    "Bedarf prüfen (§ 24 SGB II)",
    "Kostenvoranschlag oder Nachweise prüfen",
    "Zuschuss oder Darlehen festlegen",
];
const EDUCATION_PARTICIPATION: &[&str] = &[
    "Berechtigung des Kindes prüfen (§ 28 SGB II)",
    "Nachweis der Schule oder des Anbieters prüfen",
    "Leistung und Betrag festlegen",
];
const SICK_NOTE: &[&str] = &[
    "Zeitraum der Arbeitsunfähigkeit erfassen (keine Diagnose speichern)",
    "Erst- oder Folgebescheinigung prüfen",
    "Eingang bis zum dritten Krankheitstag prüfen (§ 56 SGB II)",
    "Termine im Zeitraum absagen",
];
/// A scanned sick note the platform could not record by itself (then each doubt).
const CONFIRM_SICK_NOTE: &[&str] = &[
    "Gelesene Angaben mit dem Scan in der E-Akte vergleichen",
    "Person prüfen: gehört die Bescheinigung zu diesem Fall?",
    "Zeitraum der Arbeitsunfähigkeit bestätigen oder berichtigen (keine Diagnose speichern)",
    "Erst- oder Folgebescheinigung prüfen",
    "Termine im Zeitraum absagen",
];
/// A sick note the platform recorded (the `tasks` projection adds the form's plausibility
/// warnings).
const SICK_NOTE_RECORDED: &[&str] = &[
    "Erfassten Zeitraum zur Kenntnis nehmen",
    "Eingang bis zum dritten Krankheitstag prüfen (§ 56 SGB II)",
    "Termine im Zeitraum absagen",
];
/// A missed Meldetermin: the hearing first, then the decision on § 32 SGB II.
const ASSESS_MELDETERMIN: &[&str] = &[
    "Zugang der Einladung mit Rechtsfolgenbelehrung prüfen",
    "Anhören: Gelegenheit geben, einen wichtigen Grund zu nennen (§ 24 SGB X)",
    "Wichtigen Grund prüfen (z. B. Arbeitsunfähigkeit am Termintag: Krankmeldungen im Fall)",
    "Entscheiden, ob ein Meldeversäumnis nach § 32 SGB II vorliegt",
    "Bei Bedarf neuen Termin vereinbaren",
    "Bewertung erfassen",
];
/// Another missed appointment: no legal consequence, a new appointment perhaps.
const ASSESS_MISSED_APPOINTMENT: &[&str] = &[
    "Kontakt aufnehmen und nach dem Grund fragen",
    "Über einen neuen Termin entscheiden",
    "Bewertung erfassen",
];
/// An applicant's message: read it, then its attachments (when there are any), then these.
const READ_MESSAGE: &str = "Nachricht im Postfach lesen";
const ANSWER_MESSAGE: &[&str] = &[
    "Mitteilungen darin erfassen (Änderungen, Krankmeldung, Ortsabwesenheit)",
    "Im Postfach antworten",
];
const ABSENCE_NOTICE: &[&str] = &[
    "Zeitraum und Erreichbarkeit prüfen (§ 7b SGB II)",
    "Jahreskontingent prüfen (etwa drei Wochen)",
    "Zustimmen oder ablehnen",
];
const CHANGE_NOTICE: &[&str] = &[
    "Änderung erfassen",
    "Auswirkung auf den Anspruch prüfen",
    "Nachweise anfordern, falls nötig",
];

fn matter_checklist(kind: MatterKind) -> &'static [&'static str] {
    match kind {
        MatterKind::MainApplication | MatterKind::Unspecified => MAIN_APPLICATION,
        MatterKind::ContinuationApplication => CONTINUATION,
        MatterKind::OneOffBenefit => ONE_OFF_BENEFIT,
        MatterKind::EducationParticipation => EDUCATION_PARTICIPATION,
        MatterKind::SickNote => SICK_NOTE,
        MatterKind::AbsenceNotice => ABSENCE_NOTICE,
        MatterKind::ChangeNotice => CHANGE_NOTICE,
    }
}

fn matter_title(kind: MatterKind) -> &'static str {
    match kind {
        MatterKind::MainApplication | MatterKind::Unspecified => "Weiteren Antrag",
        MatterKind::ContinuationApplication => "Weiterbewilligungsantrag",
        MatterKind::OneOffBenefit => "Antrag auf einmalige Leistungen",
        MatterKind::EducationParticipation => "Antrag auf Bildung und Teilhabe",
        MatterKind::SickNote => "Arbeitsunfähigkeitsbescheinigung",
        MatterKind::AbsenceNotice => "Antrag auf Ortsabwesenheit",
        MatterKind::ChangeNotice => "Veränderungsmitteilung",
    }
}

#[cfg(test)]
mod tests;
