//! Wall-clock times in Europe/Berlin and the instants they stand for, across daylight-saving
//! changes. On the last Sunday of March the clock jumps from 02:00 to 03:00, so 02:30 does not
//! exist; on the last Sunday of October it falls back from 03:00 to 02:00, so 02:30 happens
//! twice. Each helper below says how it settles those hours.

use chrono::{
    DateTime, LocalResult, NaiveDate, NaiveDateTime, NaiveTime, TimeDelta, TimeZone, Utc,
};
use chrono_tz::Europe::Berlin;

/// The longest gap a clock change leaves in Berlin, in minutes (one hour), with margin.
const LONGEST_GAP_MINUTES: i64 = 180;

/// The instant at which the Berlin clock shows `time` on `date` for the first time: the
/// earlier one when it shows it twice, `None` when it skips it.
pub fn first_instant(date: NaiveDate, time: NaiveTime) -> Option<DateTime<Utc>> {
    match Berlin.from_local_datetime(&date.and_time(time)) {
        LocalResult::Single(at) => Some(at.with_timezone(&Utc)),
        LocalResult::Ambiguous(earlier, _) => Some(earlier.with_timezone(&Utc)),
        LocalResult::None => None,
    }
}

/// The instant at which the Berlin clock reaches `time` on `date` for the last time: the later
/// one when it shows it twice, and when it skips it the moment of the jump (the clock goes
/// past `time` there). This is when an interval ending at `time` ends.
pub fn last_instant(date: NaiveDate, time: NaiveTime) -> Option<DateTime<Utc>> {
    let wall = date.and_time(time);
    match Berlin.from_local_datetime(&wall) {
        LocalResult::Single(at) => Some(at.with_timezone(&Utc)),
        LocalResult::Ambiguous(_, later) => Some(later.with_timezone(&Utc)),
        LocalResult::None => first_existing_after(wall),
    }
}

/// The first instant whose wall-clock time is after the skipped `wall`: the end of the gap.
/// Searched minute by minute; for a whole-minute `wall` (as opening hours are) the first wall
/// time that exists again is the jump itself, since clocks change on the full hour.
fn first_existing_after(wall: NaiveDateTime) -> Option<DateTime<Utc>> {
    (1..=LONGEST_GAP_MINUTES).find_map(|minutes| {
        let later = wall.checked_add_signed(TimeDelta::minutes(minutes))?;
        match Berlin.from_local_datetime(&later) {
            LocalResult::Single(at) | LocalResult::Ambiguous(at, _) => Some(at.with_timezone(&Utc)),
            LocalResult::None => None,
        }
    })
}

/// The date and wall-clock time in Berlin of `at`.
pub fn wall_clock(at: DateTime<Utc>) -> (NaiveDate, NaiveTime) {
    let local = at.with_timezone(&Berlin);
    (local.date_naive(), local.time())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::fixtures::{day, hm, utc};

    #[test]
    fn a_skipped_time_has_no_first_instant_and_ends_at_the_jump() {
        // 29 March 2026: 02:00 CET becomes 03:00 CEST at 01:00Z.
        assert_eq!(first_instant(day(2026, 3, 29), hm(2, 30)), None);
        assert_eq!(
            last_instant(day(2026, 3, 29), hm(2, 30)),
            Some(utc("2026-03-29T01:00:00Z"))
        );
        assert_eq!(
            first_instant(day(2026, 3, 29), hm(3, 0)),
            Some(utc("2026-03-29T01:00:00Z"))
        );
    }

    #[test]
    fn a_doubled_time_starts_at_the_earlier_and_ends_at_the_later_instant() {
        // 25 October 2026: 03:00 CEST becomes 02:00 CET at 01:00Z.
        assert_eq!(
            first_instant(day(2026, 10, 25), hm(2, 30)),
            Some(utc("2026-10-25T00:30:00Z"))
        );
        assert_eq!(
            last_instant(day(2026, 10, 25), hm(2, 30)),
            Some(utc("2026-10-25T01:30:00Z"))
        );
    }

    #[test]
    fn wall_clock_reads_berlin_time() {
        assert_eq!(
            wall_clock(utc("2026-03-30T07:00:00Z")),
            (day(2026, 3, 30), hm(9, 0))
        );
    }
}
