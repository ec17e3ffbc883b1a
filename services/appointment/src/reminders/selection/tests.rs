//! What stays planned after a change, and what the scheduler sends, keeps or drops.

use chrono::TimeDelta;

use super::*;
use crate::domain::calendar::Channel;
use crate::domain::fixtures::{self, utc};
use crate::domain::reminders::ReminderKind;

/// Tuesday 14 April 2026, 09:00 in Berlin; the evening reminder is Monday 18:00 (16:00 UTC),
/// the video one at 08:45 (06:45 UTC).
const TUESDAY_NINE: &str = "2026-04-14T07:00:00Z";
const BOOKED: &str = "2026-04-01T10:00:00Z";

fn video() -> Appointment {
    fixtures::appointment(TUESDAY_NINE, Channel::Video, BOOKED)
}

fn pending(reminders: &[Reminder]) -> Vec<Pending> {
    reminders
        .iter()
        .map(|reminder| Pending {
            reminder: reminder.id,
            send_at: reminder.send_at,
        })
        .collect()
}

#[test]
fn after_a_change_the_plan_stays_without_what_was_sent_or_has_begun() {
    let appointment = video();
    let policy = ReminderPolicy::default();
    let nothing = HashSet::new();
    let before = utc("2026-04-02T09:00:00Z");
    let all = still_to_send(&appointment, &policy, &nothing, before);
    assert_eq!(
        all.iter().map(|r| r.kind).collect::<Vec<_>>(),
        [ReminderKind::EveningBefore, ReminderKind::JoinSoon]
    );
    // The evening one went out: only the video one stays, even for a change after 18:00.
    let evening_sent = HashSet::from([all[0].id]);
    let monday_night = utc("2026-04-13T19:00:00Z");
    assert_eq!(
        still_to_send(&appointment, &policy, &evening_sent, monday_night),
        all[1..].to_vec()
    );
    // Once it has begun, nothing is to send.
    assert!(still_to_send(&appointment, &policy, &nothing, utc(TUESDAY_NINE)).is_empty());
}

#[test]
fn a_due_reminder_is_sent_and_leaves_the_schedule_and_a_later_one_waits() {
    let appointment = video();
    let planned = plan(&appointment, &ReminderPolicy::default());
    let waiting = pending(&planned);
    let sent = HashSet::new();

    let before = sort(&planned, &waiting, &sent, utc("2026-04-13T15:59:59Z"));
    assert_eq!(before, Sorted::default());

    let at_six = sort(&planned, &waiting, &sent, utc("2026-04-13T16:00:00Z"));
    assert_eq!(at_six.send, planned[..1].to_vec());
    assert_eq!(at_six.done, [planned[0].id]);
    assert!(at_six.later.is_empty());

    // After a night without a scheduler, both are due at 08:50: sent together, earliest first.
    let late = sort(&planned, &waiting, &sent, utc("2026-04-14T06:50:00Z"));
    assert_eq!(late.send, planned);
}

#[test]
fn what_was_sent_cancelled_moved_or_has_begun_is_dropped_unsent() {
    let appointment = video();
    let planned = plan(&appointment, &ReminderPolicy::default());
    let waiting = pending(&planned);
    let evening = utc("2026-04-13T16:00:00Z");

    let already = sort(
        &planned,
        &waiting[..1],
        &HashSet::from([planned[0].id]),
        evening,
    );
    assert_eq!(already.done, [planned[0].id]);
    assert!(already.send.is_empty());

    // Cancelled (or moved: the old ids are not in the new plan).
    let ended = sort(&[], &waiting, &HashSet::new(), evening);
    assert_eq!(ended.done, [planned[0].id, planned[1].id]);
    assert!(ended.send.is_empty());

    // The scheduler was down over the start: too late for either.
    let after_start = utc(TUESDAY_NINE) + TimeDelta::minutes(1);
    let begun = sort(&planned, &waiting, &HashSet::new(), after_start);
    assert!(begun.send.is_empty());
    assert_eq!(begun.done.len(), 2);
}

#[test]
fn a_reminder_the_policy_moved_later_waits_for_its_new_time() {
    let appointment = fixtures::appointment(TUESDAY_NINE, Channel::InPerson, BOOKED);
    let six = plan(&appointment, &ReminderPolicy::default());
    let seven = ReminderPolicy {
        evening_before_at: fixtures::hm(19, 0),
        ..ReminderPolicy::default()
    };
    let planned = plan(&appointment, &seven);
    assert_eq!(
        planned[0].id, six[0].id,
        "the id does not depend on the time"
    );
    let sorted = sort(
        &planned,
        &pending(&six),
        &HashSet::new(),
        utc("2026-04-13T16:30:00Z"),
    );
    assert!(sorted.send.is_empty() && sorted.done.is_empty());
    assert_eq!(
        sorted.later,
        [Pending {
            reminder: six[0].id,
            send_at: utc("2026-04-13T17:00:00Z")
        }]
    );
}
