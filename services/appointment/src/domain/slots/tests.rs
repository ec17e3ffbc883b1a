//! Slots around daylight-saving changes, holidays and closures.

use super::*;
use crate::domain::fixtures::{self, day, hm, open, utc};
use chrono::Weekday;
use proptest::prelude::*;

/// The office open only on Sundays from 01:00 to 04:00, when the clocks change.
fn night_office() -> Office {
    let mut office = fixtures::office();
    office.opening_hours = vec![open(Weekday::Sun, (1, 0), (4, 0))];
    office
}

fn starts(slots: &[Slot]) -> Vec<(NaiveTime, DateTime<Utc>)> {
    slots.iter().map(|s| (s.local_start, s.start)).collect()
}

#[test]
fn nine_o_clock_is_eight_utc_before_the_spring_change_and_seven_after() {
    let slots = generate(
        &fixtures::office(),
        &fixtures::first_meeting(),
        &[],
        day(2026, 3, 27),
        day(2026, 3, 30),
    )
    .expect("slots");
    let nine = |date| {
        slots
            .iter()
            .find(|s| s.local_date == date && s.local_start == hm(9, 0))
            .map(|s| s.start)
    };
    assert_eq!(nine(day(2026, 3, 27)), Some(utc("2026-03-27T08:00:00Z")));
    assert_eq!(nine(day(2026, 3, 30)), Some(utc("2026-03-30T07:00:00Z")));
    // Closed at the weekend; 8 half-hour slots a morning on Friday and Monday.
    assert_eq!(slots.len(), 16);
    assert!(
        slots
            .iter()
            .all(|s| s.end - s.start == TimeDelta::minutes(30))
    );
}

#[test]
fn the_skipped_hour_of_the_spring_change_has_no_slots() {
    let slots = generate(
        &night_office(),
        &fixtures::first_meeting(),
        &[],
        day(2026, 3, 29),
        day(2026, 3, 29),
    )
    .expect("slots");
    assert_eq!(
        starts(&slots),
        vec![
            (hm(1, 0), utc("2026-03-29T00:00:00Z")),
            (hm(1, 30), utc("2026-03-29T00:30:00Z")),
            (hm(3, 0), utc("2026-03-29T01:00:00Z")),
            (hm(3, 30), utc("2026-03-29T01:30:00Z")),
        ]
    );
}

#[test]
fn a_slot_reaching_into_the_skipped_hour_keeps_the_next_from_overlapping_it() {
    let mut long = fixtures::first_meeting();
    long.duration_minutes = 45;
    let slots = generate(
        &night_office(),
        &long,
        &[],
        day(2026, 3, 29),
        day(2026, 3, 29),
    )
    .expect("slots");
    // 01:45 CET ends at 03:30 CEST in real time; 03:15 would overlap it.
    assert_eq!(
        starts(&slots),
        vec![
            (hm(1, 0), utc("2026-03-29T00:00:00Z")),
            (hm(1, 45), utc("2026-03-29T00:45:00Z")),
        ]
    );
}

#[test]
fn the_doubled_hour_of_the_autumn_change_is_offered_once_at_its_first_occurrence() {
    let slots = generate(
        &night_office(),
        &fixtures::first_meeting(),
        &[],
        day(2026, 10, 25),
        day(2026, 10, 25),
    )
    .expect("slots");
    assert_eq!(
        starts(&slots),
        vec![
            (hm(1, 0), utc("2026-10-24T23:00:00Z")),
            (hm(1, 30), utc("2026-10-24T23:30:00Z")),
            (hm(2, 0), utc("2026-10-25T00:00:00Z")),
            (hm(2, 30), utc("2026-10-25T00:30:00Z")),
            (hm(3, 0), utc("2026-10-25T02:00:00Z")),
            (hm(3, 30), utc("2026-10-25T02:30:00Z")),
        ]
    );
    // The slot at 01:00 is on the local date of 25 October although it starts on the 24th UTC.
    assert!(slots.iter().all(|s| s.local_date == day(2026, 10, 25)));
    // After the change 09:00 is 08:00 UTC again.
    let monday = generate(
        &fixtures::office(),
        &fixtures::first_meeting(),
        &[],
        day(2026, 10, 26),
        day(2026, 10, 26),
    )
    .expect("slots");
    assert_eq!(monday[2].local_start, hm(9, 0));
    assert_eq!(monday[2].start, utc("2026-10-26T08:00:00Z"));
}

#[test]
fn good_friday_and_a_closure_have_no_slots() {
    let office = fixtures::office();
    let kind = fixtures::first_meeting();
    let closures = [fixtures::staff_meeting()];
    // Karfreitag 2026 is 3 April, Ostermontag 6 April.
    let easter =
        generate(&office, &kind, &closures, day(2026, 4, 2), day(2026, 4, 7)).expect("slots");
    let days: Vec<NaiveDate> = easter.iter().map(|s| s.local_date).collect();
    assert!(days.contains(&day(2026, 4, 2)));
    assert!(!days.contains(&day(2026, 4, 3)));
    assert!(!days.contains(&day(2026, 4, 6)));
    assert!(days.contains(&day(2026, 4, 7)));
    let staff_meeting = generate(
        &office,
        &kind,
        &closures,
        day(2026, 4, 15),
        day(2026, 4, 15),
    )
    .expect("slots");
    assert!(staff_meeting.is_empty());
    // Another office is not closed by it.
    let mut other = office.clone();
    other.id = OfficeId(uuid::Uuid::from_u128(2));
    assert_eq!(
        generate(&other, &kind, &closures, day(2026, 4, 15), day(2026, 4, 15))
            .expect("slots")
            .len(),
        8
    );
}

#[test]
fn a_slot_never_crosses_the_end_of_its_interval() {
    // An hour-long type in 13:00–16:00 gives 13, 14, 15; in 08:00–12:00 four; a 90-minute
    // type leaves the last half hour of the morning empty.
    let mut ninety = fixtures::counselling();
    ninety.duration_minutes = 90;
    let tuesday = day(2026, 4, 14);
    let slots = generate(&fixtures::office(), &ninety, &[], tuesday, tuesday).expect("slots");
    let locals: Vec<NaiveTime> = slots.iter().map(|s| s.local_start).collect();
    assert_eq!(locals, vec![hm(8, 0), hm(9, 30), hm(13, 0), hm(14, 30)]);
}

#[test]
fn ranges_are_bounded() {
    let office = fixtures::office();
    let kind = fixtures::first_meeting();
    assert_eq!(
        generate(&office, &kind, &[], day(2026, 4, 2), day(2026, 4, 1)),
        Err(RangeError::EndsBeforeStart)
    );
    // 1 April to 1 June are 62 days: the longest range allowed.
    assert!(generate(&office, &kind, &[], day(2026, 4, 1), day(2026, 6, 1)).is_ok());
    assert_eq!(
        generate(&office, &kind, &[], day(2026, 4, 1), day(2026, 6, 2)).map(|s| s.len()),
        Err(RangeError::TooLong { days: 63 })
    );
}

fn any_interval() -> impl Strategy<Value = OpeningInterval> {
    (0u32..24, 0u32..12, 1u32..20).prop_map(|(hour, fifths, quarters)| {
        let start = hm(hour, fifths * 5);
        let end = start
            .overflowing_add_signed(TimeDelta::minutes(i64::from(quarters) * 15))
            .0;
        OpeningInterval {
            weekday: Weekday::Sun,
            start,
            end: if end > start { end } else { hm(23, 59) },
        }
    })
}

proptest! {
    #[test]
    fn slots_never_overlap_and_always_end_within_their_interval(
        interval in any_interval(),
        steps in 1u32..=24,
        sunday in prop::sample::select(vec![
            day(2026, 3, 29), day(2026, 10, 25), day(2027, 3, 28), day(2026, 6, 7),
        ]),
    ) {
        let mut office = fixtures::office();
        office.opening_hours = vec![interval];
        let mut kind = fixtures::first_meeting();
        kind.duration_minutes = steps * 5;
        let slots = generate(&office, &kind, &[], sunday, sunday).expect("slots");
        let opens = local_time::first_instant(sunday, interval.start);
        let closes = local_time::last_instant(sunday, interval.end).expect("an end");
        for pair in slots.windows(2) {
            prop_assert!(pair[0].end <= pair[1].start, "{:?} overlaps {:?}", pair[0], pair[1]);
        }
        for slot in &slots {
            prop_assert!(slot.end <= closes);
            prop_assert!(opens.is_none_or(|opens| slot.start >= opens));
            prop_assert_eq!(slot.end - slot.start, kind.duration());
            prop_assert_eq!(local_time::wall_clock(slot.start), (sunday, slot.local_start));
        }
    }
}
