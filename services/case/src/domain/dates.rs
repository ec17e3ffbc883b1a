//! Legal days: calendar dates in the jobcenters' time zone (Europe/Berlin), and their proto form.
//!
//! A deadline or a day of receipt is a day in Germany, not in UTC: an application received at
//! 00:30 on the 1st of a month (Berlin) counts for that month although it is still the 31st in
//! UTC.

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use chrono_tz::Europe::Berlin;
use jobcenter_proto::common::v1 as common;

/// The day in Berlin of the moment `at`.
pub fn legal_day(at: DateTime<Utc>) -> NaiveDate {
    at.with_timezone(&Berlin).date_naive()
}

/// The moment `at` as caseworkers write it, in Berlin: "30.03.2026, 09:00 Uhr".
pub fn german_moment(at: DateTime<Utc>) -> String {
    at.with_timezone(&Berlin)
        .format("%d.%m.%Y, %H:%M Uhr")
        .to_string()
}

/// The moment `at` in Berlin, as the timeline writes it: "2026-03-30 09:00".
pub fn berlin_moment(at: DateTime<Utc>) -> String {
    at.with_timezone(&Berlin)
        .format("%Y-%m-%d %H:%M")
        .to_string()
}

/// A date as the proto `Date`.
pub fn to_proto(day: NaiveDate) -> common::Date {
    common::Date {
        year: day.year(),
        month: i32::try_from(day.month()).unwrap_or_default(),
        day: i32::try_from(day.day()).unwrap_or_default(),
    }
}

/// A proto `Date` as a date, if it is one.
pub fn from_proto(date: &common::Date) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(
        date.year,
        u32::try_from(date.month).ok()?,
        u32::try_from(date.day).ok()?,
    )
}

/// Where the service learns what day it is: the system clock in production, a fixed or
/// advanced day in tests of deadlines.
pub trait Clock: Send + Sync + std::fmt::Debug {
    /// Today, in Berlin.
    fn today(&self) -> NaiveDate;
}

/// The system clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn today(&self) -> NaiveDate {
        legal_day(Utc::now())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn half_past_midnight_in_berlin_is_already_the_next_day() {
        // 2026-10-31 23:30 UTC is 2026-11-01 00:30 CET.
        let at = DateTime::parse_from_rfc3339("2026-10-31T23:30:00Z")
            .expect("time")
            .with_timezone(&Utc);
        assert_eq!(
            legal_day(at),
            NaiveDate::from_ymd_opt(2026, 11, 1).expect("day")
        );
        // In summer time the offset is two hours.
        let at = DateTime::parse_from_rfc3339("2026-06-30T22:30:00Z")
            .expect("time")
            .with_timezone(&Utc);
        assert_eq!(
            legal_day(at),
            NaiveDate::from_ymd_opt(2026, 7, 1).expect("day")
        );
    }

    #[test]
    fn moments_are_written_in_berlin_time_across_the_clock_change() {
        // 08:00 UTC is 09:00 CET in March before the change, 10:00 CEST after it.
        let winter = DateTime::parse_from_rfc3339("2026-03-27T08:00:00Z")
            .expect("time")
            .with_timezone(&Utc);
        assert_eq!(german_moment(winter), "27.03.2026, 09:00 Uhr");
        assert_eq!(berlin_moment(winter), "2026-03-27 09:00");
        let summer = DateTime::parse_from_rfc3339("2026-03-30T08:00:00Z")
            .expect("time")
            .with_timezone(&Utc);
        assert_eq!(german_moment(summer), "30.03.2026, 10:00 Uhr");
        assert_eq!(berlin_moment(summer), "2026-03-30 10:00");
    }

    #[test]
    fn dates_round_trip_and_nonsense_is_none() {
        let day = NaiveDate::from_ymd_opt(2027, 2, 28).expect("day");
        assert_eq!(from_proto(&to_proto(day)), Some(day));
        let feb30 = common::Date {
            year: 2027,
            month: 2,
            day: 30,
        };
        assert_eq!(from_proto(&feb30), None);
    }
}
