//! Legal days and the service's clock.
//!
//! A day of receipt or a deletion day is a day in Germany (Europe/Berlin), not in UTC: a letter
//! scanned at 00:30 on the 1st counts for the 1st although it is still the day before in UTC.
//! The clock is injected so that tests can move it years ahead to reach a deletion day (the
//! case service has its own `Clock` of days; this one also tells the moment, which the blob
//! grace period needs).

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use chrono_tz::Europe::Berlin;
use jobcenter_proto::common::v1 as common;

/// The day in Berlin of the moment `at`.
pub fn legal_day(at: DateTime<Utc>) -> NaiveDate {
    at.with_timezone(&Berlin).date_naive()
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

/// A protobuf timestamp as UTC time.
pub fn to_utc(t: &prost_types::Timestamp) -> Option<DateTime<Utc>> {
    DateTime::from_timestamp(t.seconds, u32::try_from(t.nanos).ok()?)
}

/// A UTC time as protobuf timestamp.
pub fn to_timestamp(at: DateTime<Utc>) -> prost_types::Timestamp {
    prost_types::Timestamp {
        seconds: at.timestamp(),
        nanos: i32::try_from(at.timestamp_subsec_nanos()).unwrap_or_default(),
    }
}

/// Where the service learns the time: the system clock in production, a moved one in tests.
pub trait Clock: Send + Sync + std::fmt::Debug {
    /// Now.
    fn now(&self) -> DateTime<Utc>;

    /// Today, in Berlin.
    fn today(&self) -> NaiveDate {
        legal_day(self.now())
    }
}

/// The system clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn half_past_midnight_in_berlin_is_already_the_next_day() {
        let at = DateTime::parse_from_rfc3339("2026-10-31T23:30:00Z")
            .expect("time")
            .with_timezone(&Utc);
        assert_eq!(
            legal_day(at),
            NaiveDate::from_ymd_opt(2026, 11, 1).expect("day")
        );
    }

    #[test]
    fn dates_and_timestamps_round_trip() {
        let day = NaiveDate::from_ymd_opt(2028, 2, 29).expect("day");
        assert_eq!(from_proto(&to_proto(day)), Some(day));
        let at = DateTime::from_timestamp(1_800_000_000, 123_000).expect("time");
        assert_eq!(to_utc(&to_timestamp(at)), Some(at));
        assert_eq!(
            from_proto(&common::Date {
                year: 2027,
                month: 2,
                day: 29
            }),
            None
        );
    }
}
