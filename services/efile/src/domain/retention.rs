//! When a document's retention ends: the deletion day from its type's rule.
//!
//! A rule counts whole years from a start day: the legal day of receipt (Europe/Berlin), or
//! the day the case closed. As with periods of years in § 188 (2) BGB, the period ends on the
//! day that carries the start day's date `years` later (the 29th of February ends on the 28th
//! in a common year), and deletion is due on the first day after it. While the case is open,
//! a rule counting from closing knows no day yet: such documents are kept.

use chrono::{Days, Months, NaiveDate};

use super::rules::{RetentionRule, RetentionStart};

/// The day deletion of a document becomes due under `rule`, received on `received_on`, of a
/// case closed on `closed_on` (`None`: still open). `None` while unknown.
pub fn due_on(
    rule: &RetentionRule,
    received_on: NaiveDate,
    closed_on: Option<NaiveDate>,
) -> Option<NaiveDate> {
    let start = match rule.start {
        RetentionStart::Receipt => received_on,
        RetentionStart::CaseClosed => closed_on?,
    };
    start
        .checked_add_months(Months::new(rule.years.checked_mul(12)?))?
        .checked_add_days(Days::new(1))
}

/// Whether deletion is due on `today`.
pub fn is_due(
    rule: &RetentionRule,
    received_on: NaiveDate,
    closed_on: Option<NaiveDate>,
    today: NaiveDate,
) -> bool {
    due_on(rule, received_on, closed_on).is_some_and(|due| due <= today)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).expect("day")
    }

    #[test]
    fn a_rule_from_receipt_is_due_the_day_after_the_years_end() {
        let rule = RetentionRule {
            start: RetentionStart::Receipt,
            years: 5,
        };
        assert_eq!(
            due_on(&rule, day(2026, 3, 10), None),
            Some(day(2031, 3, 11))
        );
        assert!(!is_due(&rule, day(2026, 3, 10), None, day(2031, 3, 10)));
        assert!(is_due(&rule, day(2026, 3, 10), None, day(2031, 3, 11)));
    }

    #[test]
    fn the_29th_of_february_ends_on_the_28th() {
        let rule = RetentionRule {
            start: RetentionStart::Receipt,
            years: 1,
        };
        assert_eq!(due_on(&rule, day(2028, 2, 29), None), Some(day(2029, 3, 1)));
    }

    #[test]
    fn a_rule_from_closing_is_unknown_while_the_case_is_open() {
        let rule = RetentionRule {
            start: RetentionStart::CaseClosed,
            years: 10,
        };
        assert_eq!(due_on(&rule, day(2026, 3, 10), None), None);
        assert!(!is_due(&rule, day(2026, 3, 10), None, day(2090, 1, 1)));
        assert_eq!(
            due_on(&rule, day(2026, 3, 10), Some(day(2027, 12, 31))),
            Some(day(2038, 1, 1))
        );
    }
}
