//! Which generated slots still have a place for whom: capacity minus places taken, nothing that
//! has started, and for applicants booking themselves only the booking window (a minimum lead
//! time so the caseworker can prepare, and a horizon). Also the alternatives offered to the
//! loser of a race for the last place.

use std::collections::HashMap;

use chrono::{DateTime, Utc};

use super::calendar::BookingRules;
use super::slots::{Slot, SlotKey};

/// Places taken per slot, as the read model counts them (absent: none taken).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Occupancy(HashMap<SlotKey, u32>);

impl Occupancy {
    /// Nothing taken anywhere.
    pub fn new() -> Self {
        Self::default()
    }

    /// Places taken in the slot `key`.
    pub fn taken(&self, key: &SlotKey) -> u32 {
        self.0.get(key).copied().unwrap_or(0)
    }

    /// Records `places` more taken in `key` (negative to release).
    pub fn add(&mut self, key: SlotKey, places: i64) {
        let taken = i64::from(self.taken(&key)).saturating_add(places).max(0);
        self.0.insert(key, u32::try_from(taken).unwrap_or(u32::MAX));
    }
}

impl FromIterator<(SlotKey, u32)> for Occupancy {
    fn from_iter<I: IntoIterator<Item = (SlotKey, u32)>>(iter: I) -> Self {
        Self(iter.into_iter().collect())
    }
}

/// Who books: applicants themselves are bound to the booking window, staff only to the future.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Audience {
    /// An applicant booking online.
    SelfService,
    /// A caseworker booking or inviting on an applicant's behalf.
    Staff,
}

/// The starts a booking may have: strictly after `after`, and at the latest `latest`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BookingWindow {
    /// Starts at or before this are refused: now (what has begun cannot be booked), or now
    /// plus the lead time.
    pub after: DateTime<Utc>,
    /// Starts after this are refused; `None`: no limit.
    pub latest: Option<DateTime<Utc>>,
}

impl BookingWindow {
    /// The window of `audience` at `now` under `rules`.
    pub fn at(now: DateTime<Utc>, audience: Audience, rules: &BookingRules) -> Self {
        match audience {
            Audience::SelfService => Self {
                after: now + rules.self_service_lead(),
                latest: Some(now + rules.self_service_horizon()),
            },
            Audience::Staff => Self {
                after: now,
                latest: None,
            },
        }
    }

    /// Whether a slot starting at `start` lies in the window.
    pub fn admits(&self, start: DateTime<Utc>) -> bool {
        start > self.after && self.latest.is_none_or(|latest| start <= latest)
    }
}

/// A slot with places left.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FreeSlot {
    /// The slot.
    pub slot: Slot,
    /// How many places are left.
    pub places_left: u32,
}

/// Places left in `slot` given `occupancy` (0 when full or over-full).
pub fn places_left(slot: &Slot, occupancy: &Occupancy) -> u32 {
    slot.capacity.saturating_sub(occupancy.taken(&slot.key()))
}

/// The free slots among `slots` that `window` admits, earliest first.
pub fn free_slots(slots: &[Slot], occupancy: &Occupancy, window: &BookingWindow) -> Vec<FreeSlot> {
    let mut free: Vec<FreeSlot> = slots
        .iter()
        .filter(|slot| window.admits(slot.start))
        .filter_map(|slot| {
            let places_left = places_left(slot, occupancy);
            (places_left > 0).then_some(FreeSlot {
                slot: *slot,
                places_left,
            })
        })
        .collect();
    free.sort_by_key(|free| free.slot.start);
    free
}

/// The next `count` free slots after `wanted` (of the same office and type), for the answer to
/// someone whose slot was just taken: nothing earlier, so the list does not offer what the
/// applicant has already passed over.
pub fn alternatives(
    slots: &[Slot],
    occupancy: &Occupancy,
    window: &BookingWindow,
    wanted: &SlotKey,
    count: usize,
) -> Vec<FreeSlot> {
    let same_place: Vec<Slot> = slots
        .iter()
        .filter(|slot| {
            slot.office == wanted.office
                && slot.appointment_type == wanted.appointment_type
                && slot.start > wanted.start
        })
        .copied()
        .collect();
    let mut free = free_slots(&same_place, occupancy, window);
    free.truncate(count);
    free
}

#[cfg(test)]
mod tests;
