//! Calendar days between the contract (`jobcenter.common.v1.Date`) and the domain.

use chrono::{Datelike, NaiveDate};
use jobcenter_proto::common::v1 as common;

/// The day of a proto date; `None` for an impossible one.
pub fn from_proto(value: &common::Date) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(
        value.year,
        u32::try_from(value.month).ok()?,
        u32::try_from(value.day).ok()?,
    )
}

/// The proto date of a day.
pub fn to_proto(day: NaiveDate) -> common::Date {
    common::Date {
        year: day.year(),
        month: i32::try_from(day.month()).unwrap_or_default(),
        day: i32::try_from(day.day()).unwrap_or_default(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_round_trip_and_impossible_ones_are_none() {
        let day = NaiveDate::from_ymd_opt(2026, 12, 15).expect("valid");
        assert_eq!(from_proto(&to_proto(day)), Some(day));
        let impossible = common::Date {
            year: 2026,
            month: 2,
            day: 30,
        };
        assert_eq!(from_proto(&impossible), None);
    }
}
