//! Given a case's events, when an appointment changes, a no-show is to be assessed or a
//! caseworker assesses it, then these events or this refusal.

use chrono::NaiveDate;

use super::*;
use crate::domain::case::{self, Command, CommandError};
use crate::domain::lifecycle::Periods;
use crate::domain::tasks::{self, Closing};
use proto::{TaskKind, TaskPriority};

const APPOINTMENT: &str = "0a1b2c3d-8f0a-4a57-9d7e-1f3c2b9a0b11";

fn at(seconds: i64) -> Option<Timestamp> {
    Some(Timestamp { seconds, nanos: 0 })
}

/// 2026-03-30 07:00 UTC (09:00 in Berlin).
const START: i64 = 1_774_854_000;

fn opened() -> Event {
    Event::CaseOpened(proto::CaseOpened {
        case_id: "c-1".into(),
        application_id: "a-1".into(),
        application_received_at: at(1_774_000_000),
        applicant_family_name: "Özdemir".into(),
        applicant_given_name: "Ayşe".into(),
        ..Default::default()
    })
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
fn when(case: &Case, command: Command) -> Result<Vec<Event>, CommandError> {
    case::decide(
        case,
        command,
        NaiveDate::from_ymd_opt(2026, 3, 31).expect("day"),
        &Periods::LEGAL,
    )
}

/// A change as the reactor hands it over: only what the appointment event carried.
fn change(kind: proto::AppointmentChange) -> proto::AppointmentNoted {
    proto::AppointmentNoted {
        appointment_id: APPOINTMENT.into(),
        change: kind as i32,
        ..Default::default()
    }
}

/// The booking of a counselling appointment by the applicant, as noted.
fn booked() -> proto::AppointmentNoted {
    proto::AppointmentNoted {
        reference: "K7MX4-QTR9B".into(),
        kind: proto::AppointmentKind::Counselling as i32,
        channel: proto::AppointmentChannel::Video as i32,
        start: at(START),
        end: at(START + 1800),
        by_applicant: true,
        ..change(proto::AppointmentChange::Booked)
    }
}

/// The invitation to a Meldetermin, as noted.
fn invited() -> proto::AppointmentNoted {
    proto::AppointmentNoted {
        reference: "M3ELD-TERM7".into(),
        kind: proto::AppointmentKind::Meldetermin as i32,
        channel: proto::AppointmentChannel::InPerson as i32,
        start: at(START),
        end: at(START + 1800),
        ..change(proto::AppointmentChange::Invited)
    }
}

fn noted(events: &[Event]) -> &proto::AppointmentNoted {
    match events {
        [Event::AppointmentNoted(noted)] => noted,
        other => panic!("one note expected, got {other:?}"),
    }
}

fn request() -> proto::MissedAppointmentAssessmentRequested {
    proto::MissedAppointmentAssessmentRequested {
        appointment_id: APPOINTMENT.into(),
        kind: proto::AppointmentKind::Meldetermin as i32,
        invitation: true,
        missed_start: at(START),
        ..Default::default()
    }
}

fn assessment(outcome: Outcome) -> Command {
    Command::AssessMissedAppointment(Assessment {
        appointment_id: APPOINTMENT.into(),
        outcome,
        note: AssessmentNote::new("  Anhörung schriftlich, keine Antwort  ").expect("short"),
    })
}

#[test]
fn a_booking_is_noted_as_the_event_carried_it() {
    let events = when(&given(&[]), Command::NoteAppointment(booked()));
    let events = events.expect("noted");
    assert_eq!(noted(&events), &booked());
}

#[test]
fn later_changes_take_the_reference_kind_and_time_from_what_the_case_knows() {
    let case = given(&[Event::AppointmentNoted(booked())]);
    // Moved by the jobcenter: the event carries both places, no terms.
    let moved = proto::AppointmentNoted {
        start: at(START + 86_400),
        end: at(START + 86_400 + 1800),
        previous_start: at(START),
        ..change(proto::AppointmentChange::Rescheduled)
    };
    let events = when(&case, Command::NoteAppointment(moved)).expect("noted");
    let note = noted(&events);
    assert_eq!(note.reference, "K7MX4-QTR9B");
    assert_eq!(note.kind, proto::AppointmentKind::Counselling as i32);
    assert_eq!(note.channel, proto::AppointmentChannel::Video as i32);
    assert_eq!(note.start, at(START + 86_400));
    assert_eq!(note.previous_start, at(START));

    // After the move the case knows the new time: attendance is about that one.
    let case = given(&[
        Event::AppointmentNoted(booked()),
        Event::AppointmentNoted(note.clone()),
    ]);
    let events = when(
        &case,
        Command::NoteAppointment(change(proto::AppointmentChange::Attended)),
    )
    .expect("noted");
    let attended = noted(&events);
    assert_eq!(attended.reference, "K7MX4-QTR9B");
    assert_eq!(attended.start, at(START + 86_400));
    assert_eq!(attended.end, at(START + 86_400 + 1800));

    // A reschedule whose event lacks the released place names the time the case knew.
    let events = when(
        &case,
        Command::NoteAppointment(proto::AppointmentNoted {
            start: at(START + 2 * 86_400),
            ..change(proto::AppointmentChange::Rescheduled)
        }),
    )
    .expect("noted");
    assert_eq!(noted(&events).previous_start, at(START + 86_400));
}

#[test]
fn a_change_of_an_appointment_the_case_never_heard_of_is_noted_with_what_it_carries() {
    let cancelled = proto::AppointmentNoted {
        start: at(START),
        end: at(START + 1800),
        reason: "Dienststelle geschlossen".into(),
        ..change(proto::AppointmentChange::Cancelled)
    };
    let events = when(&given(&[]), Command::NoteAppointment(cancelled.clone())).expect("noted");
    assert_eq!(noted(&events), &cancelled);
    // A change of no known kind records nothing.
    let events = when(
        &given(&[]),
        Command::NoteAppointment(change(proto::AppointmentChange::Unspecified)),
    );
    assert_eq!(events, Ok(Vec::new()));
}

#[test]
fn the_case_remembers_each_appointment_and_whether_it_was_an_invitation() {
    let case = given(&[
        Event::AppointmentNoted(invited()),
        Event::AppointmentNoted(proto::AppointmentNoted {
            start: at(START + 3600),
            end: at(START + 5400),
            ..change(proto::AppointmentChange::Rescheduled)
        }),
    ]);
    let known = case.appointments.known.get(APPOINTMENT).expect("known");
    assert_eq!(known.reference, "M3ELD-TERM7");
    assert_eq!(known.kind, proto::AppointmentKind::Meldetermin);
    assert_eq!(known.channel, proto::AppointmentChannel::InPerson);
    assert_eq!(known.start, at(START + 3600));
    assert!(known.invitation);
    assert_eq!(known.assessment, AssessmentState::NotRequested);
}

#[test]
fn a_missed_meldetermin_is_to_be_assessed_once() {
    let case = given(&[
        Event::AppointmentNoted(invited()),
        Event::AppointmentNoted(change(proto::AppointmentChange::Missed)),
    ]);
    // The appointment service's request carries no reference: the case adds it.
    let events = when(
        &case,
        Command::RequestMissedAppointmentAssessment(proto::MissedAppointmentAssessmentRequested {
            invitation: false,
            ..request()
        }),
    )
    .expect("requested");
    let [Event::MissedAppointmentAssessmentRequested(requested)] = events.as_slice() else {
        panic!("one request expected, got {events:?}")
    };
    assert_eq!(requested.reference, "M3ELD-TERM7");
    // Set by invitation, whatever the request said.
    assert!(requested.invitation);
    assert_eq!(requested.missed_start, at(START));

    // Pending: a second request (re-sent) records nothing, so no second task opens.
    let case = given(&[
        Event::AppointmentNoted(invited()),
        Event::MissedAppointmentAssessmentRequested(requested.clone()),
    ]);
    assert_eq!(
        case.appointments
            .known
            .get(APPOINTMENT)
            .map(|k| k.assessment),
        Some(AssessmentState::Pending)
    );
    assert_eq!(
        when(
            &case,
            Command::RequestMissedAppointmentAssessment(request())
        ),
        Ok(Vec::new())
    );
}

#[test]
fn a_request_for_an_appointment_the_case_never_heard_of_is_recorded_as_it_came() {
    let events = when(
        &given(&[]),
        Command::RequestMissedAppointmentAssessment(request()),
    )
    .expect("requested");
    assert_eq!(
        events,
        vec![Event::MissedAppointmentAssessmentRequested(request())]
    );
}

#[test]
fn the_caseworker_assesses_a_pending_missed_appointment_once() {
    let case = given(&[
        Event::AppointmentNoted(invited()),
        Event::MissedAppointmentAssessmentRequested(request()),
    ]);
    let events = when(&case, assessment(Outcome::NoGoodReason)).expect("assessed");
    let [Event::MissedAppointmentAssessed(assessed)] = events.as_slice() else {
        panic!("one assessment expected, got {events:?}")
    };
    assert_eq!(assessed.appointment_id, APPOINTMENT);
    assert_eq!(
        assessed.outcome,
        proto::MissedAppointmentOutcome::NoGoodReason as i32
    );
    assert_eq!(assessed.note, "Anhörung schriftlich, keine Antwort");
    assert_eq!(assessed.reference, "M3ELD-TERM7");

    let case = given(&[
        Event::AppointmentNoted(invited()),
        Event::MissedAppointmentAssessmentRequested(request()),
        events[0].clone(),
    ]);
    assert_eq!(
        when(&case, assessment(Outcome::GoodReason)),
        Err(CommandError::Appointment(
            AppointmentRefusal::AlreadyAssessed
        ))
    );
}

#[test]
fn an_assessment_nobody_asked_for_is_refused() {
    // Known and attended, or missed with a reason: no assessment pending.
    let case = given(&[
        Event::AppointmentNoted(invited()),
        Event::AppointmentNoted(proto::AppointmentNoted {
            reason: "krank".into(),
            ..change(proto::AppointmentChange::Missed)
        }),
    ]);
    for case in [case, given(&[])] {
        assert_eq!(
            when(&case, assessment(Outcome::NewAppointmentNeeded)),
            Err(CommandError::Appointment(
                AppointmentRefusal::NoAssessmentPending
            ))
        );
    }
}

#[test]
fn outcomes_and_notes_are_parsed_at_the_edge() {
    assert_eq!(
        Outcome::from_proto(proto::MissedAppointmentOutcome::GoodReason as i32),
        Some(Outcome::GoodReason)
    );
    assert_eq!(
        Outcome::from_proto(proto::MissedAppointmentOutcome::Unspecified as i32),
        None
    );
    assert_eq!(Outcome::from_proto(99), None);
    for outcome in [
        Outcome::GoodReason,
        Outcome::NoGoodReason,
        Outcome::NewAppointmentNeeded,
    ] {
        assert_eq!(
            Outcome::from_proto(outcome.to_proto() as i32),
            Some(outcome)
        );
    }
    // Characters, not bytes: 500 umlauts are fine, 501 are not.
    assert!(AssessmentNote::new(&"ä".repeat(NOTE_MAX)).is_ok());
    assert_eq!(
        AssessmentNote::new(&"ä".repeat(NOTE_MAX + 1)),
        Err(NoteTooLong)
    );
    assert_eq!(
        AssessmentNote::new("  ok \n").map(|n| n.as_str().to_owned()),
        Ok("ok".to_owned())
    );
}

#[test]
fn the_assessment_task_tells_what_to_do_and_closes_with_its_assessment() {
    let recorded_on = NaiveDate::from_ymd_opt(2026, 3, 31).expect("day");
    let meldetermin = proto::MissedAppointmentAssessmentRequested {
        reference: "M3ELD-TERM7".into(),
        ..request()
    };
    let effects = tasks::effects(
        &Event::MissedAppointmentAssessmentRequested(meldetermin.clone()),
        recorded_on,
    );
    let task = effects.opens.expect("a task");
    assert_eq!(task.kind, TaskKind::AssessMissedAppointment);
    assert_eq!(
        task.title,
        "Meldeversäumnis prüfen (§ 32 SGB II): Meldetermin M3ELD-TERM7 am 30.03.2026, 09:00 Uhr"
    );
    assert_eq!(task.priority, TaskPriority::High);
    assert_eq!(task.application_id.as_deref(), Some(APPOINTMENT));
    assert_eq!(
        task.due_on,
        NaiveDate::from_ymd_opt(2026, 4, 7).expect("day")
    );
    assert!(
        task.checklist
            .iter()
            .any(|item| item.starts_with("Anhören"))
    );
    assert!(
        task.checklist
            .iter()
            .any(|item| item.contains("§ 32 SGB II"))
    );

    // Not a Meldetermin: no § 32, a new appointment perhaps.
    let first_meeting = proto::MissedAppointmentAssessmentRequested {
        kind: proto::AppointmentKind::FirstMeeting as i32,
        invitation: false,
        reference: String::new(),
        ..request()
    };
    let task = tasks::effects(
        &Event::MissedAppointmentAssessmentRequested(first_meeting),
        recorded_on,
    )
    .opens
    .expect("a task");
    assert_eq!(
        task.title,
        "Versäumten Termin prüfen: Erstgespräch am 30.03.2026, 09:00 Uhr"
    );
    assert_eq!(task.priority, TaskPriority::Normal);
    assert!(task.checklist.iter().all(|item| !item.contains("§ 32")));
    assert!(
        task.checklist
            .iter()
            .any(|item| item.contains("neuen Termin"))
    );

    // Closed by the assessment of exactly that appointment; a note changes no task.
    let closes = tasks::effects(
        &Event::MissedAppointmentAssessed(proto::MissedAppointmentAssessed {
            appointment_id: APPOINTMENT.into(),
            ..Default::default()
        }),
        recorded_on,
    )
    .closes;
    assert_eq!(
        closes,
        Closing::Matter {
            kind: TaskKind::AssessMissedAppointment,
            application_id: APPOINTMENT.into(),
        }
    );
    let note = tasks::effects(&Event::AppointmentNoted(invited()), recorded_on);
    assert_eq!(note.closes, Closing::Nothing);
    assert_eq!(note.opens, None);
}
