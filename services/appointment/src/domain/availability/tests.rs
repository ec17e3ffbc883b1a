//! Free places, windows and alternatives.

use super::*;
use crate::domain::fixtures::{self, day, utc};
use crate::domain::slots;

/// The first meetings (two places each) on Tuesday 14 April 2026: 08:00–12:00 and 13:00–16:00.
fn tuesday() -> Vec<Slot> {
    slots::generate(
        &fixtures::office(),
        &fixtures::first_meeting(),
        &[],
        day(2026, 4, 14),
        day(2026, 4, 14),
    )
    .expect("slots")
}

#[test]
fn a_slot_is_free_while_places_are_left() {
    let slots = tuesday();
    let mut occupancy = Occupancy::new();
    let window = BookingWindow::at(
        utc("2026-04-01T00:00:00Z"),
        Audience::Staff,
        &Default::default(),
    );
    assert_eq!(free_slots(&slots, &occupancy, &window).len(), 14);
    occupancy.add(slots[0].key(), 1);
    let free = free_slots(&slots, &occupancy, &window);
    assert_eq!(free.len(), 14);
    assert_eq!(free[0].places_left, 1);
    occupancy.add(slots[0].key(), 1);
    let free = free_slots(&slots, &occupancy, &window);
    assert_eq!(free.len(), 13);
    assert_eq!(free[0].slot, slots[1]);
    // A cancellation frees the place again.
    occupancy.add(slots[0].key(), -1);
    assert_eq!(free_slots(&slots, &occupancy, &window)[0].slot, slots[0]);
}

#[test]
fn slots_that_began_are_left_out_and_applicants_keep_the_lead_time() {
    let slots = tuesday();
    let occupancy = Occupancy::new();
    let rules = BookingRules::default();
    // 10:00 local on the day itself (08:00 UTC): staff see 10:30 onwards, the 10:00 slot began.
    let now = utc("2026-04-14T08:00:00Z");
    let staff = free_slots(
        &slots,
        &occupancy,
        &BookingWindow::at(now, Audience::Staff, &rules),
    );
    assert_eq!(staff[0].slot.start, utc("2026-04-14T08:30:00Z"));
    // Applicants need 24 hours' lead: nothing on that day.
    let applicants = BookingWindow::at(now, Audience::SelfService, &rules);
    assert!(free_slots(&slots, &occupancy, &applicants).is_empty());
    // At 08:00 local the day before, 24 hours' lead admits from 08:30 (08:00 is exactly at
    // the limit).
    let evening = BookingWindow::at(utc("2026-04-13T06:00:00Z"), Audience::SelfService, &rules);
    assert_eq!(
        free_slots(&slots, &occupancy, &evening)[0].slot.start,
        utc("2026-04-14T06:30:00Z")
    );
}

#[test]
fn applicants_cannot_book_beyond_the_horizon() {
    let rules = BookingRules {
        self_service_horizon_days: 7,
        ..Default::default()
    };
    let window = BookingWindow::at(utc("2026-04-01T00:00:00Z"), Audience::SelfService, &rules);
    assert!(window.admits(utc("2026-04-07T10:00:00Z")));
    assert!(!window.admits(utc("2026-04-08T10:00:00Z")));
    let staff = BookingWindow::at(utc("2026-04-01T00:00:00Z"), Audience::Staff, &rules);
    assert!(staff.admits(utc("2027-04-08T10:00:00Z")));
}

#[test]
fn alternatives_are_the_next_free_slots_after_the_wanted_one() {
    let slots = tuesday();
    let window = BookingWindow::at(
        utc("2026-04-01T00:00:00Z"),
        Audience::Staff,
        &Default::default(),
    );
    // 09:00 is full, so is 10:00.
    let mut occupancy = Occupancy::new();
    occupancy.add(slots[2].key(), 2);
    occupancy.add(slots[4].key(), 2);
    let offered = alternatives(&slots, &occupancy, &window, &slots[2].key(), 3);
    let starts: Vec<_> = offered.iter().map(|f| f.slot.start).collect();
    assert_eq!(starts, vec![slots[3].start, slots[5].start, slots[6].start]);
    // The last slot of the day has none after it on that day.
    assert!(alternatives(&slots, &occupancy, &window, &slots[13].key(), 3).is_empty());
}
