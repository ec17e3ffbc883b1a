//! Reminders planned once, at the right local time, and not for what moved or ended.

use super::*;
use crate::domain::appointment::{Event, Party, Place, Status, evolve};
use crate::domain::fixtures::{self, utc};

const BOOKED_EARLY: &str = "2026-04-01T10:00:00Z";
/// Tuesday 14 April 2026, 09:00 in Berlin (summer time).
const TUESDAY_NINE: &str = "2026-04-14T07:00:00Z";

fn policy() -> ReminderPolicy {
    ReminderPolicy::default()
}

fn plan_of(appointment: &Appointment) -> Vec<Reminder> {
    plan(appointment, &policy())
}

#[test]
fn the_reminder_comes_at_six_in_the_evening_before_in_berlin_time() {
    // Monday 18:00 CEST is 16:00 UTC.
    let summer = fixtures::appointment(TUESDAY_NINE, Channel::InPerson, BOOKED_EARLY);
    let plan = plan_of(&summer);
    assert_eq!(plan.len(), 1);
    assert_eq!(plan[0].kind, ReminderKind::EveningBefore);
    assert_eq!(plan[0].send_at, utc("2026-04-13T16:00:00Z"));
    assert_eq!(plan[0].video_link, None);
    assert_eq!(plan[0].reference, summer.terms.reference);
    // Across the spring change: Monday 30 March 09:00 CEST, reminded Sunday 18:00 CEST.
    let after_change = fixtures::appointment(
        "2026-03-30T07:00:00Z",
        Channel::InPerson,
        "2026-03-20T10:00:00Z",
    );
    assert_eq!(
        plan_of(&after_change)[0].send_at,
        utc("2026-03-29T16:00:00Z")
    );
    // In winter 18:00 is 17:00 UTC.
    let winter = fixtures::appointment(
        "2026-11-10T08:00:00Z",
        Channel::InPerson,
        "2026-11-01T10:00:00Z",
    );
    assert_eq!(plan_of(&winter)[0].send_at, utc("2026-11-09T17:00:00Z"));
}

#[test]
fn a_booking_made_after_the_reminder_time_gets_none() {
    // Booked on Monday at 19:00 for Tuesday 09:00: the confirmation suffices.
    let late = fixtures::appointment(TUESDAY_NINE, Channel::InPerson, "2026-04-13T17:00:00Z");
    assert!(plan_of(&late).is_empty());
}

#[test]
fn a_video_appointment_is_also_reminded_shortly_before_with_its_link() {
    let video = fixtures::appointment(TUESDAY_NINE, Channel::Video, BOOKED_EARLY);
    let plan = plan_of(&video);
    assert_eq!(
        plan.iter().map(|r| (r.kind, r.send_at)).collect::<Vec<_>>(),
        vec![
            (ReminderKind::EveningBefore, utc("2026-04-13T16:00:00Z")),
            (ReminderKind::JoinSoon, utc("2026-04-14T06:45:00Z")),
        ]
    );
    assert!(plan.iter().all(|r| {
        r.video_link.as_ref().map(VideoLink::as_str) == Some("https://video.example/room/a1b2-c3d4")
    }));
    let quiet = ReminderPolicy {
        join_soon_minutes: None,
        ..policy()
    };
    assert_eq!(super::plan(&video, &quiet).len(), 1);
}

#[test]
fn reminders_are_planned_once_and_anew_after_a_reschedule() {
    let appointment = fixtures::appointment(TUESDAY_NINE, Channel::InPerson, BOOKED_EARLY);
    // Planning again (a restart) gives the same ids.
    let first = plan_of(&appointment);
    assert_eq!(first, plan_of(&appointment));
    // The scheduler asks for the span since its last look; after a crash before it saved its
    // progress it asks for the same span and gets the same reminder, appended once by its id.
    let at = |text| utc(text);
    let due_now = due(
        &appointment,
        &policy(),
        at("2026-04-13T15:59:00Z"),
        at("2026-04-13T16:00:00Z"),
    );
    assert_eq!(due_now, first);
    let next_span = due(
        &appointment,
        &policy(),
        at("2026-04-13T16:00:00Z"),
        at("2026-04-13T17:00:00Z"),
    );
    assert!(next_span.is_empty());
    // Moved to Wednesday 22 April: a new reminder with a new id; the old one is no longer due.
    let new_start = utc("2026-04-22T08:00:00Z");
    let moved = evolve(
        Some(appointment.clone()),
        &Event::Rescheduled {
            released: appointment.place,
            taken: Place {
                start: new_start,
                end: new_start + TimeDelta::minutes(30),
                ..appointment.place
            },
            by: Party::Applicant,
            at: utc("2026-04-02T09:00:00Z"),
        },
    )
    .expect("moved");
    let second = plan_of(&moved);
    assert_eq!(second.len(), 1);
    assert_ne!(second[0].id, first[0].id);
    assert_eq!(
        second[0].id,
        reminder_id(appointment.terms.id, ReminderKind::EveningBefore, new_start)
    );
    let old_span = due(
        &moved,
        &policy(),
        at("2026-04-13T15:00:00Z"),
        at("2026-04-13T17:00:00Z"),
    );
    assert!(old_span.is_empty());
}

#[test]
fn an_ended_appointment_has_no_reminders() {
    let mut appointment = fixtures::appointment(TUESDAY_NINE, Channel::InPerson, BOOKED_EARLY);
    appointment.status = Status::Cancelled {
        by: Party::Applicant,
        reason: None,
    };
    assert!(plan_of(&appointment).is_empty());
}

#[test]
fn ids_differ_by_appointment_kind_and_start() {
    let id = fixtures::appointment(TUESDAY_NINE, Channel::Video, BOOKED_EARLY)
        .terms
        .id;
    let start = utc(TUESDAY_NINE);
    let evening = reminder_id(id, ReminderKind::EveningBefore, start);
    assert_eq!(evening, reminder_id(id, ReminderKind::EveningBefore, start));
    assert_ne!(evening, reminder_id(id, ReminderKind::JoinSoon, start));
    assert_ne!(
        evening,
        reminder_id(
            id,
            ReminderKind::EveningBefore,
            start + TimeDelta::minutes(30)
        )
    );
    let other = AppointmentId(Uuid::from_u128(1));
    assert_ne!(
        evening,
        reminder_id(other, ReminderKind::EveningBefore, start)
    );
}
