//! The slots an office offers for an appointment type over a range of days: each open local
//! date that is neither a public holiday nor a closure, each opening interval stepped by the
//! type's duration on the wall clock (09:00, 09:30, …), each slot as UTC instants plus its
//! local date and time.
//!
//! Daylight saving (see [`super::local_time`]): a wall-clock start that does not exist (the
//! spring change) is skipped; one that happens twice (the autumn change) takes the earlier
//! instant; a slot ends its duration later in real time, must end by the interval's end (the
//! last time the clock shows it), and never overlaps the slot before it. Offices do not open at
//! night, so these rules matter for correctness more than for practice.

use chrono::{DateTime, Datelike, NaiveDate, NaiveTime, TimeDelta, Utc};
use serde::{Deserialize, Serialize};

use super::calendar::{AppointmentType, Closure, Office, OpeningInterval};
use super::holidays;
use super::ids::{AppointmentTypeId, OfficeId};
use super::local_time;

/// The longest range of days one search may cover (both ends included): longer searches are
/// refused, so a request cannot make the service generate years of slots.
pub const MAX_RANGE_DAYS: i64 = 62;

/// Identifies a slot: the place counter a booking takes (one row per key in the database).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct SlotKey {
    /// The office.
    pub office: OfficeId,
    /// The appointment type.
    pub appointment_type: AppointmentTypeId,
    /// The start.
    pub start: DateTime<Utc>,
}

/// A slot of an appointment type at an office.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Slot {
    /// The office.
    pub office: OfficeId,
    /// The appointment type.
    pub appointment_type: AppointmentTypeId,
    /// When it starts.
    pub start: DateTime<Utc>,
    /// When it ends: the type's duration after the start, in real time.
    pub end: DateTime<Utc>,
    /// The local date it is on.
    pub local_date: NaiveDate,
    /// The local wall-clock time it starts at.
    pub local_start: NaiveTime,
    /// How many people it serves at once.
    pub capacity: u32,
}

impl Slot {
    /// The slot's key.
    pub fn key(&self) -> SlotKey {
        SlotKey {
            office: self.office,
            appointment_type: self.appointment_type,
            start: self.start,
        }
    }
}

/// Why slots cannot be generated for a range.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RangeError {
    /// The last day lies before the first.
    #[error("the range ends before it starts")]
    EndsBeforeStart,
    /// The range is longer than [`MAX_RANGE_DAYS`].
    #[error("the range covers {days} days; at most {MAX_RANGE_DAYS} are allowed")]
    TooLong {
        /// The days asked for.
        days: i64,
    },
}

/// The slots of `appointment_type` at `office` from `first_day` to `last_day` (local dates, both
/// included), earliest first, leaving out public holidays and the days `closures` close.
pub fn generate(
    office: &Office,
    appointment_type: &AppointmentType,
    closures: &[Closure],
    first_day: NaiveDate,
    last_day: NaiveDate,
) -> Result<Vec<Slot>, RangeError> {
    if last_day < first_day {
        return Err(RangeError::EndsBeforeStart);
    }
    let days = (last_day - first_day).num_days() + 1;
    if days > MAX_RANGE_DAYS {
        return Err(RangeError::TooLong { days });
    }
    let duration = appointment_type.duration();
    if duration <= TimeDelta::zero() {
        // A configuration that was never validated: no slots rather than an endless loop.
        return Ok(Vec::new());
    }
    let mut slots = Vec::new();
    for date in first_day.iter_days().take(days.unsigned_abs() as usize) {
        if holidays::holiday_on(date, office.state).is_some()
            || closures
                .iter()
                .any(|closure| closure.closes(office.id, date))
        {
            continue;
        }
        let mut intervals: Vec<&OpeningInterval> = office
            .opening_hours
            .iter()
            .filter(|interval| interval.weekday == date.weekday())
            .collect();
        intervals.sort_by_key(|interval| interval.start);
        for interval in intervals {
            in_interval(
                office,
                appointment_type,
                date,
                interval,
                duration,
                &mut slots,
            );
        }
    }
    slots.sort_by_key(|slot| slot.start);
    Ok(slots)
}

/// Appends the slots of one interval on one date.
fn in_interval(
    office: &Office,
    appointment_type: &AppointmentType,
    date: NaiveDate,
    interval: &OpeningInterval,
    duration: TimeDelta,
    slots: &mut Vec<Slot>,
) {
    let Some(interval_end) = local_time::last_instant(date, interval.end) else {
        return;
    };
    let mut previous_end: Option<DateTime<Utc>> = None;
    let mut wall = interval.start;
    while wall < interval.end {
        if let Some(start) = local_time::first_instant(date, wall) {
            let end = start + duration;
            let after_previous = previous_end.is_none_or(|previous| start >= previous);
            if end <= interval_end && after_previous {
                slots.push(Slot {
                    office: office.id,
                    appointment_type: appointment_type.id,
                    start,
                    end,
                    local_date: date,
                    local_start: wall,
                    capacity: appointment_type.capacity,
                });
                previous_end = Some(end);
            }
        }
        let (next, wrapped) = wall.overflowing_add_signed(duration);
        if wrapped != 0 {
            break;
        }
        wall = next;
    }
}

#[cfg(test)]
mod tests;
