//! Each task kind: opened by its event with its due day and priority, closed by exactly the
//! events that fulfil it.

use super::*;
use jobcenter_proto::case::v1 as proto;

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("a valid date")
}

fn at(seconds: i64) -> Option<prost_types::Timestamp> {
    Some(prost_types::Timestamp { seconds, nanos: 0 })
}

fn deadline(kind: DeadlineKind, due: NaiveDate) -> Event {
    Event::DeadlineReached(proto::DeadlineReached {
        kind: kind as i32,
        due_on: Some(dates::to_proto(due)),
    })
}

fn matter(kind: MatterKind, application_id: &str, warnings: &[&str]) -> Event {
    Event::MatterAttached(proto::MatterAttached {
        application_id: application_id.into(),
        kind: kind as i32,
        // 2026-12-01 09:00 UTC.
        received_at: at(1_796_115_600),
        warnings: warnings.iter().map(|w| (*w).to_owned()).collect(),
    })
}

/// Every kind of event, named.
fn samples() -> Vec<(&'static str, Event)> {
    vec![
        (
            "opened",
            Event::CaseOpened(proto::CaseOpened {
                case_id: "c-1".into(),
                application_id: "a-1".into(),
                // 2026-11-23 10:10 UTC.
                application_received_at: at(1_795_426_200),
                ..Default::default()
            }),
        ),
        ("review", Event::ReviewStarted(proto::ReviewStarted {})),
        (
            "requested",
            Event::DocumentsRequested(proto::DocumentsRequested::default()),
        ),
        (
            "received",
            Event::DocumentsReceived(proto::DocumentsReceived::default()),
        ),
        (
            "warned",
            Event::RefusalWarned(proto::RefusalWarned::default()),
        ),
        (
            "decided",
            Event::DecisionIssued(proto::DecisionIssued::default()),
        ),
        (
            "objection",
            Event::ObjectionFiled(proto::ObjectionFiled {
                filed_on: Some(dates::to_proto(day(2027, 1, 10))),
                late: false,
            }),
        ),
        (
            "objection decided",
            Event::ObjectionDecided(proto::ObjectionDecided::default()),
        ),
        ("closed", Event::CaseClosed(proto::CaseClosed::default())),
        (
            "assigned",
            Event::CaseAssigned(proto::CaseAssigned::default()),
        ),
        (
            "reminder",
            deadline(DeadlineKind::DocumentsReminder, day(2026, 12, 6)),
        ),
        (
            "documents due",
            deadline(DeadlineKind::DocumentsDue, day(2026, 12, 9)),
        ),
        (
            "decision warning",
            deadline(DeadlineKind::DecisionOverdueWarning, day(2027, 4, 23)),
        ),
        (
            "objection period",
            deadline(DeadlineKind::ObjectionPeriodEnds, day(2027, 1, 5)),
        ),
        (
            "objection warning",
            deadline(
                DeadlineKind::ObjectionDecisionOverdueWarning,
                day(2027, 3, 27),
            ),
        ),
        (
            "continuation prompt",
            deadline(DeadlineKind::ContinuationPrompt, day(2027, 9, 30)),
        ),
        (
            "sick note",
            matter(MatterKind::SickNote, "m-1", &["sick_note.until: lang"]),
        ),
        (
            "continuation",
            matter(MatterKind::ContinuationApplication, "m-2", &[]),
        ),
        (
            "sick note processed",
            Event::MatterDecided(proto::MatterDecided {
                application_id: "m-1".into(),
                ..Default::default()
            }),
        ),
        (
            "other matter decided",
            Event::MatterDecided(proto::MatterDecided {
                application_id: "m-9".into(),
                ..Default::default()
            }),
        ),
        ("sick note recorded", incapacity("d-1", true)),
        ("sick note confirmed", incapacity("d-2", false)),
        ("other sick note confirmed", incapacity("d-9", false)),
        (
            "sick note to review",
            Event::SickNoteReviewRequested(proto::SickNoteReviewRequested {
                document_id: "d-2".into(),
                doubts: vec!["no end date found".into()],
                received_at: at(1_796_115_600),
                ..Default::default()
            }),
        ),
        (
            "sick note acknowledged",
            Event::SickNoteAcknowledged(proto::SickNoteAcknowledged {
                record_id: "d-1".into(),
            }),
        ),
        (
            "other sick note acknowledged",
            Event::SickNoteAcknowledged(proto::SickNoteAcknowledged {
                record_id: "d-9".into(),
            }),
        ),
        ("message", message("n-1", "Frage zum Bescheid", 2)),
        ("message answered", answered("n-1")),
        ("other message answered", answered("n-9")),
    ]
}

/// The applicant's message `message_id`, sent 2026-12-01 09:00 UTC with `attachments`.
fn message(message_id: &str, subject: &str, attachments: usize) -> Event {
    Event::ApplicantMessageNoted(proto::ApplicantMessageNoted {
        message_id: message_id.into(),
        subject: subject.into(),
        attachment_document_ids: vec!["d".to_owned(); attachments],
        sent_at: at(1_796_115_600),
        ..Default::default()
    })
}

fn answered(message_id: &str) -> Event {
    Event::ApplicantMessageAnswered(proto::ApplicantMessageAnswered {
        message_id: message_id.into(),
        reply_message_id: "r-1".into(),
        answered_by: "cw-1".into(),
        subject: String::new(),
    })
}

fn incapacity(record_id: &str, automatic: bool) -> Event {
    Event::IncapacityRecorded(proto::IncapacityRecorded {
        record_id: record_id.into(),
        source: proto::IncapacitySource::Scan as i32,
        incapacity_from: Some(dates::to_proto(day(2026, 12, 1))),
        incapacity_until: Some(dates::to_proto(day(2026, 12, 5))),
        // 2026-12-01 09:00 UTC.
        received_at: at(1_796_115_600),
        automatic,
        ..Default::default()
    })
}

/// The legal day the events were recorded on.
fn recorded() -> NaiveDate {
    day(2026, 11, 25)
}

fn sample(name: &str) -> Event {
    samples()
        .into_iter()
        .find(|(n, _)| *n == name)
        .map(|(_, e)| e)
        .expect("a sample")
}

fn closes(effects: &Effects, opened: &Opening) -> bool {
    match &effects.closes {
        Closing::Nothing => false,
        Closing::Kinds(kinds) => kinds.contains(&opened.kind),
        Closing::Matter {
            kind,
            application_id,
        } => {
            opened.kind == *kind
                && opened.application_id.as_deref() == Some(application_id.as_str())
        }
        Closing::EverythingBut(kinds) => !kinds.contains(&opened.kind),
    }
}

#[test]
fn each_task_kind_opens_with_its_due_day_and_priority_and_closes_by_exactly_its_events() {
    // (opening event, kind, due day, priority, the events that close it)
    let table: Vec<(&str, TaskKind, NaiveDate, TaskPriority, Vec<&str>)> = vec![
        (
            "opened",
            TaskKind::ReviewApplication,
            day(2026, 12, 7),
            TaskPriority::Normal,
            vec!["review", "closed"],
        ),
        (
            "review",
            TaskKind::DecideApplication,
            day(2026, 12, 9),
            TaskPriority::Normal,
            vec!["decided", "closed"],
        ),
        (
            "received",
            TaskKind::CheckDocuments,
            day(2026, 11, 30),
            TaskPriority::Normal,
            vec!["requested", "decided", "closed"],
        ),
        (
            "documents due",
            TaskKind::DocumentsOverdue,
            day(2026, 12, 12),
            TaskPriority::High,
            vec!["received", "warned", "decided", "closed"],
        ),
        (
            "decision warning",
            TaskKind::DecisionOverdue,
            day(2027, 5, 23),
            TaskPriority::High,
            vec!["decided", "closed"],
        ),
        (
            "objection",
            TaskKind::DecideObjection,
            day(2027, 4, 10),
            TaskPriority::Normal,
            vec!["objection decided", "closed"],
        ),
        (
            "objection warning",
            TaskKind::ObjectionOverdue,
            day(2027, 4, 10),
            TaskPriority::High,
            vec!["objection decided", "closed"],
        ),
        (
            "continuation prompt",
            TaskKind::PromptContinuation,
            day(2027, 10, 7),
            TaskPriority::Normal,
            vec!["continuation", "closed"],
        ),
        (
            "sick note",
            TaskKind::ProcessMatter,
            day(2026, 12, 4),
            TaskPriority::Normal,
            vec!["sick note processed", "closed"],
        ),
        (
            "sick note recorded",
            TaskKind::SickNoteRecorded,
            day(2026, 12, 4),
            TaskPriority::Normal,
            vec!["sick note acknowledged", "closed"],
        ),
        (
            "sick note to review",
            TaskKind::ConfirmSickNote,
            day(2026, 12, 4),
            TaskPriority::High,
            vec!["sick note confirmed", "closed"],
        ),
        (
            // Closing the case leaves it open: the applicant still waits for the answer.
            "message",
            TaskKind::AnswerMessage,
            day(2026, 12, 6),
            TaskPriority::Normal,
            vec!["message answered"],
        ),
    ];
    for (opener, kind, due_on, priority, closers) in table {
        let opened = effects(&sample(opener), recorded())
            .opens
            .unwrap_or_else(|| panic!("{opener} opens a task"));
        assert_eq!(opened.kind, kind, "{opener}");
        assert_eq!(opened.due_on, due_on, "{opener}");
        assert_eq!(opened.priority, priority, "{opener}");
        assert!(!opened.title.is_empty() && !opened.checklist.is_empty());
        let closing: Vec<&str> = samples()
            .iter()
            .filter(|(_, event)| closes(&effects(event, recorded()), &opened))
            .map(|(name, _)| *name)
            .collect();
        let mut expected = closers.clone();
        expected.sort_unstable();
        let mut closing_sorted = closing.clone();
        closing_sorted.sort_unstable();
        assert_eq!(closing_sorted, expected, "closers of {kind:?}");
    }
}

#[test]
fn reminders_assignments_and_the_end_of_the_objection_period_open_no_task() {
    for name in [
        "reminder",
        "objection period",
        "assigned",
        "requested",
        "warned",
        "decided",
        "closed",
        "sick note confirmed",
        "sick note acknowledged",
        "message answered",
    ] {
        assert_eq!(effects(&sample(name), recorded()).opens, None, "{name}");
    }
}

#[test]
fn a_matter_task_carries_its_kinds_checklist_and_the_intake_warnings() {
    let sick = effects(&sample("sick note"), recorded())
        .opens
        .expect("a task");
    assert_eq!(sick.application_id.as_deref(), Some("m-1"));
    assert_eq!(sick.title, "Arbeitsunfähigkeitsbescheinigung bearbeiten");
    assert!(sick.checklist.iter().any(|c| c.contains("§ 56")));
    assert_eq!(
        sick.checklist.last().map(String::as_str),
        Some("Plausibilitätshinweis prüfen: sick_note.until: lang")
    );
    let continuation = effects(&sample("continuation"), recorded())
        .opens
        .expect("a task");
    // Not a sick note: the usual fortnight.
    assert_eq!(continuation.due_on, day(2026, 12, 15));
    assert_ne!(continuation.checklist, sick.checklist);
    let main = effects(&sample("opened"), recorded())
        .opens
        .expect("a task");
    assert_eq!(main.application_id.as_deref(), Some("a-1"));
    assert!(main.checklist.iter().any(|c| c.contains("Mietvertrag")));
    assert!(main.checklist.iter().any(|c| c.contains("Kontoauszüge")));
}

#[test]
fn task_ids_follow_the_opening_event() {
    let event = Uuid::new_v4();
    assert_eq!(task_id(event), task_id(event));
    assert_ne!(task_id(event), task_id(Uuid::new_v4()));
    assert_ne!(task_id(event), event);
}

#[test]
fn sick_note_tasks_name_the_period_the_document_and_the_doubts() {
    let told = effects(&sample("sick note recorded"), recorded())
        .opens
        .expect("a task");
    assert_eq!(
        told.title,
        "Krankmeldung eingegangen und erfasst: 01.12.2026 bis 05.12.2026"
    );
    assert_eq!(told.application_id.as_deref(), Some("d-1"));
    let review = effects(&sample("sick note to review"), recorded())
        .opens
        .expect("a task");
    assert_eq!(review.title, "Krankmeldung prüfen");
    assert_eq!(review.application_id.as_deref(), Some("d-2"));
    assert!(review.checklist.iter().any(|c| c.contains("E-Akte")));
    assert_eq!(
        review.checklist.last().map(String::as_str),
        Some("Zweifel prüfen: no end date found")
    );
}

#[test]
fn a_message_task_names_the_subject_and_counts_the_attachments() {
    let task = effects(&sample("message"), recorded())
        .opens
        .expect("a task");
    assert_eq!(task.title, "Nachricht beantworten: Frage zum Bescheid");
    assert_eq!(task.application_id.as_deref(), Some("n-1"));
    assert_eq!(
        task.checklist,
        vec![
            "Nachricht im Postfach lesen",
            "2 Anhänge in der E-Akte prüfen",
            "Mitteilungen darin erfassen (Änderungen, Krankmeldung, Ortsabwesenheit)",
            "Im Postfach antworten",
        ]
    );
    let bare = effects(&message("n-2", " ", 0), recorded())
        .opens
        .expect("a task");
    assert_eq!(bare.title, "Nachricht beantworten (ohne Betreff)");
    assert!(!bare.checklist.iter().any(|c| c.contains("Anh")));
    let one = effects(&message("n-3", "x", 1), recorded())
        .opens
        .expect("a task");
    assert!(
        one.checklist
            .contains(&"Anhang in der E-Akte prüfen".to_owned())
    );
    // A long subject is cut in the title; the whole of it is in the mailbox.
    let long = effects(&message("n-4", &"Ä".repeat(200), 0), recorded())
        .opens
        .expect("a task");
    assert_eq!(
        long.title,
        format!(
            "Nachricht beantworten: {}…",
            "Ä".repeat(SUBJECT_IN_TITLE_MAX)
        )
    );
}
