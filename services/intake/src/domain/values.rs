//! Value types and readings shared by the checks: the submission id, case id and calendar dates.
//!
//! Each `parse` takes the field path so its violation says where the problem is.

use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;

use super::forms::answers::Value;
use super::violation::{FieldPath, FieldViolation, violation};

/// The client's submission UUID: the idempotency key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct SubmissionId(Uuid);

impl SubmissionId {
    /// Parses a UUID in its usual text form.
    pub fn parse(input: &str, path: &FieldPath) -> Result<Self, FieldViolation> {
        if input.is_empty() {
            return Err(violation(path, "a submission id is required"));
        }
        Uuid::parse_str(input)
            .map(Self)
            .map_err(|_| violation(path, "must be a UUID"))
    }

    /// The UUID.
    pub fn uuid(&self) -> Uuid {
        self.0
    }
}

impl std::fmt::Display for SubmissionId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

/// The calendar date of a date answer; `None` for anything else or an impossible date
/// (30 February, month 13).
pub fn calendar_date(value: &Value) -> Option<NaiveDate> {
    match value {
        Value::Date { year, month, day } => date_from_parts(*year, *month, *day),
        _ => None,
    }
}

/// The calendar date of year, month and day as the proto carries them.
pub fn date_from_parts(year: i32, month: i32, day: i32) -> Option<NaiveDate> {
    let month = u32::try_from(month).ok()?;
    let day = u32::try_from(day).ok()?;
    NaiveDate::from_ymd_opt(year, month, day)
}

/// The legal day of a moment: its date in Germany (Europe/Berlin), where receipt and deadlines
/// count (a submission at 00:30 on the 1st, German time, is received on the 1st, not on the
/// last day of the month before as in UTC).
pub fn legal_day(at: DateTime<Utc>) -> NaiveDate {
    at.with_timezone(&chrono_tz::Europe::Berlin).date_naive()
}

/// Full years of age on `today` of someone born on `born` (0 before birth).
pub fn age_on(born: NaiveDate, today: NaiveDate) -> u32 {
    today.years_since(born).unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn p() -> FieldPath {
        FieldPath::root("f")
    }

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 23).unwrap_or_default()
    }

    #[test]
    fn submission_id_must_be_a_uuid() {
        assert!(SubmissionId::parse("5f0c6c0e-8f0a-4a57-9d7e-1f3c2b9a0b11", &p()).is_ok());
        assert!(SubmissionId::parse("", &p()).is_err());
        assert!(SubmissionId::parse("abc", &p()).is_err());
    }

    #[test]
    fn only_real_calendar_dates_are_dates() {
        let d = |year, month, day| Value::Date { year, month, day };
        assert!(calendar_date(&d(1990, 2, 28)).is_some());
        assert!(calendar_date(&d(2024, 2, 29)).is_some());
        assert!(calendar_date(&d(1990, 2, 30)).is_none());
        assert!(calendar_date(&d(1990, 13, 1)).is_none());
        assert!(calendar_date(&d(1990, -1, 1)).is_none());
        assert!(calendar_date(&Value::Absent).is_none());
    }

    #[test]
    fn age_counts_full_years() {
        let born = NaiveDate::from_ymd_opt(2011, 11, 24).unwrap_or_default();
        assert_eq!(age_on(born, today()), 14);
        let born = NaiveDate::from_ymd_opt(2011, 11, 23).unwrap_or_default();
        assert_eq!(age_on(born, today()), 15);
    }

    #[test]
    fn the_legal_day_is_the_german_date() {
        use chrono::TimeZone;
        let just_after_midnight = Utc.with_ymd_and_hms(2026, 10, 31, 23, 30, 0).single();
        assert_eq!(
            just_after_midnight.map(legal_day),
            NaiveDate::from_ymd_opt(2026, 11, 1)
        );
        let summer = Utc.with_ymd_and_hms(2026, 6, 30, 21, 59, 0).single();
        assert_eq!(summer.map(legal_day), NaiveDate::from_ymd_opt(2026, 6, 30));
    }

    proptest! {
        #[test]
        fn any_date_parts_never_panic(y in any::<i32>(), m in any::<i32>(), d in any::<i32>()) {
            let _ = date_from_parts(y, m, d);
        }
    }
}
