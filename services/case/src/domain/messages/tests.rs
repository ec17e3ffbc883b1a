//! Given a case's events, when the applicant's message arrives or a caseworker replies, then
//! these events (or none).

use chrono::NaiveDate;
use prost_types::Timestamp;

use super::*;
use crate::domain::case::{self, Command};
use crate::domain::lifecycle::{Periods, Stage};
use crate::domain::{dates, tasks};
use proto::TaskKind;

const MESSAGE: &str = "0a1b2c3d-8f0a-4a57-9d7e-1f3c2b9a0b11";
const REPLY: &str = "5f0c6c0e-8f0a-4a57-9d7e-1f3c2b9a0b11";

fn at(seconds: i64) -> Option<Timestamp> {
    Some(Timestamp { seconds, nanos: 0 })
}

fn opened() -> Event {
    Event::CaseOpened(proto::CaseOpened {
        case_id: "c-1".into(),
        application_id: "a-1".into(),
        application_received_at: at(1_774_000_000),
        applicant_account: "applicant-7".into(),
        ..Default::default()
    })
}

fn closed() -> Event {
    Event::CaseClosed(proto::CaseClosed {
        closed_on: Some(dates::to_proto(day())),
        reason: proto::CloseReason::WorkFound as i32,
    })
}

fn day() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 3, 31).expect("day")
}

fn given(events: &[Event]) -> Case {
    let mut all = vec![opened()];
    all.extend_from_slice(events);
    let numbered: Vec<(i32, &Event)> = all
        .iter()
        .enumerate()
        .map(|(i, e)| (i32::try_from(i + 1).expect("small"), e))
        .collect();
    Case::fold(numbered).expect("an opened case")
}

/// Applies `command` to `case` the way the command path does.
fn when(case: &Case, command: Command) -> Vec<Event> {
    case::decide(case, command, day(), &Periods::LEGAL).expect("never refused")
}

/// The message as the reactor hands it over.
fn message() -> proto::ApplicantMessageNoted {
    proto::ApplicantMessageNoted {
        message_id: MESSAGE.into(),
        subject: "Frage zum Bescheid".into(),
        attachment_document_ids: vec!["d-1".into()],
        // 2026-03-30 07:00 UTC.
        sent_at: at(1_774_854_000),
        in_reply_to: String::new(),
        author: "applicant-7".into(),
    }
}

/// The reply as the reactor hands it over: without the subject.
fn reply() -> proto::ApplicantMessageAnswered {
    proto::ApplicantMessageAnswered {
        message_id: MESSAGE.into(),
        reply_message_id: REPLY.into(),
        answered_by: "cw-1".into(),
        subject: String::new(),
    }
}

#[test]
fn a_message_is_noted_as_it_arrived_and_the_case_waits_for_its_answer() {
    let events = when(&given(&[]), Command::NoteApplicantMessage(message()));
    assert_eq!(events, vec![Event::ApplicantMessageNoted(message())]);
    let case = given(&events);
    assert_eq!(
        case.messages.known.get(MESSAGE),
        Some(&Known {
            subject: "Frage zum Bescheid".into(),
            state: MessageState::Unanswered,
        })
    );
}

#[test]
fn the_same_message_twice_is_noted_once() {
    let case = given(&[Event::ApplicantMessageNoted(message())]);
    assert!(when(&case, Command::NoteApplicantMessage(message())).is_empty());
    // Also when it comes again after its answer.
    let answered = given(&[
        Event::ApplicantMessageNoted(message()),
        Event::ApplicantMessageAnswered(reply()),
    ]);
    assert!(when(&answered, Command::NoteApplicantMessage(message())).is_empty());
}

#[test]
fn a_message_without_an_id_is_not_noted() {
    let nameless = proto::ApplicantMessageNoted {
        message_id: String::new(),
        ..message()
    };
    assert!(when(&given(&[]), Command::NoteApplicantMessage(nameless)).is_empty());
}

#[test]
fn a_message_on_a_closed_case_is_noted_and_still_asks_for_an_answer() {
    let case = given(&[closed()]);
    assert!(matches!(case.stage, Stage::Closed { .. }));
    let events = when(&case, Command::NoteApplicantMessage(message()));
    assert_eq!(events, vec![Event::ApplicantMessageNoted(message())]);
    // The note opens the task as on an open case (the work queue's rules do not look at the
    // stage), and closing the case does not close it.
    let [event] = events.as_slice() else {
        panic!("one event")
    };
    let opening = tasks::effects(event, day()).opens.expect("a task");
    assert_eq!(opening.kind, TaskKind::AnswerMessage);
    assert_eq!(opening.application_id.as_deref(), Some(MESSAGE));
    assert_eq!(
        tasks::effects(&closed(), day()).closes,
        tasks::Closing::EverythingBut(&[TaskKind::AnswerMessage])
    );
}

#[test]
fn a_reply_answers_the_noted_message_with_its_subject_once() {
    let case = given(&[Event::ApplicantMessageNoted(message())]);
    let events = when(&case, Command::AnswerApplicantMessage(reply()));
    let expected = proto::ApplicantMessageAnswered {
        subject: "Frage zum Bescheid".into(),
        ..reply()
    };
    assert_eq!(
        events,
        vec![Event::ApplicantMessageAnswered(expected.clone())]
    );
    let case = given(&[
        Event::ApplicantMessageNoted(message()),
        Event::ApplicantMessageAnswered(expected),
    ]);
    assert_eq!(
        case.messages.known.get(MESSAGE).map(|known| known.state),
        Some(MessageState::Answered)
    );
    // A second reply to the same message records nothing: the task is closed already.
    let second = proto::ApplicantMessageAnswered {
        reply_message_id: "9e1744b0-2d6c-4a3f-8c51-f0a26b9d3e74".into(),
        ..reply()
    };
    assert!(when(&case, Command::AnswerApplicantMessage(second)).is_empty());
}

#[test]
fn a_reply_to_a_message_the_case_never_noted_records_nothing() {
    assert!(when(&given(&[]), Command::AnswerApplicantMessage(reply())).is_empty());
    let other = given(
        &[Event::ApplicantMessageNoted(proto::ApplicantMessageNoted {
            message_id: REPLY.into(),
            ..message()
        })],
    );
    assert!(when(&other, Command::AnswerApplicantMessage(reply())).is_empty());
}

#[test]
fn a_reply_on_a_closed_case_still_answers() {
    let case = given(&[Event::ApplicantMessageNoted(message()), closed()]);
    let events = when(&case, Command::AnswerApplicantMessage(reply()));
    assert_eq!(events.len(), 1, "{events:?}");
}
