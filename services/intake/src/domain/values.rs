//! Value types of an application that can only exist valid ("parse, don't validate").
//!
//! Each `parse` takes the field path so its violation says where the problem is.

use chrono::{Datelike, NaiveDate};
use jobcenter_proto::common::v1 as common;
use uuid::Uuid;

use super::violation::{FieldPath, FieldViolation, violation};

/// Longest accepted name, in characters.
pub const MAX_NAME_CHARS: usize = 200;
/// Largest accepted amount: 1,000,000 € in cents.
pub const MAX_CENTS: i64 = 100_000_000;
/// Youngest age at which a person may apply (able to work, § 7 SGB II).
pub const MIN_APPLICANT_AGE: u32 = 15;

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

/// A non-empty piece of text of at most 200 characters without control characters
/// (names, street, city).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Text(String);

impl Text {
    /// Parses a required text field.
    pub fn parse(input: &str, path: &FieldPath) -> Result<Self, FieldViolation> {
        if input.trim().is_empty() {
            return Err(violation(path, "must not be empty"));
        }
        if input.chars().count() > MAX_NAME_CHARS {
            return Err(violation(path, "must have at most 200 characters"));
        }
        if input.chars().any(char::is_control) {
            return Err(violation(path, "must not contain control characters"));
        }
        Ok(Self(input.to_owned()))
    }

    /// The text as given.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A date of birth: a real calendar date before today.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct BirthDate(NaiveDate);

impl BirthDate {
    /// Parses a date that must lie before `today`.
    pub fn parse(
        input: Option<&common::Date>,
        today: NaiveDate,
        path: &FieldPath,
    ) -> Result<Self, FieldViolation> {
        let Some(date) = input else {
            return Err(violation(path, "a date of birth is required"));
        };
        let parsed = u32::try_from(date.month)
            .ok()
            .zip(u32::try_from(date.day).ok())
            .and_then(|(m, d)| NaiveDate::from_ymd_opt(date.year, m, d));
        let Some(parsed) = parsed else {
            return Err(violation(path, "is not a valid calendar date"));
        };
        if parsed >= today {
            return Err(violation(path, "must lie in the past"));
        }
        if today.year() - parsed.year() > 130 {
            return Err(violation(path, "lies too far in the past"));
        }
        Ok(Self(parsed))
    }

    /// The date.
    pub fn date(&self) -> NaiveDate {
        self.0
    }

    /// Full years of age on `today`.
    pub fn age_on(&self, today: NaiveDate) -> u32 {
        today.years_since(self.0).unwrap_or(0)
    }

    /// The date as the proto message.
    pub fn to_proto(self) -> common::Date {
        common::Date {
            year: self.0.year(),
            month: i32::try_from(self.0.month()).unwrap_or_default(),
            day: i32::try_from(self.0.day()).unwrap_or_default(),
        }
    }
}

/// A five-digit German postal code (PLZ).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PostalCode(String);

impl PostalCode {
    /// Parses exactly five ASCII digits.
    pub fn parse(input: &str, path: &FieldPath) -> Result<Self, FieldViolation> {
        if input.len() == 5 && input.bytes().all(|b| b.is_ascii_digit()) {
            Ok(Self(input.to_owned()))
        } else {
            Err(violation(path, "must be five digits"))
        }
    }

    /// The five digits.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A monthly amount in euro cents, 0 to 1,000,000 €.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Amount(i64);

impl Amount {
    /// Parses a required amount.
    pub fn parse(input: Option<&common::Money>, path: &FieldPath) -> Result<Self, FieldViolation> {
        let Some(money) = input else {
            return Err(violation(path, "an amount is required"));
        };
        Self::from_cents(money.cents, path)
    }

    /// Parses an amount that may be left out (then 0 €).
    pub fn parse_optional(
        input: Option<&common::Money>,
        path: &FieldPath,
    ) -> Result<Self, FieldViolation> {
        input.map_or(Ok(Self(0)), |m| Self::from_cents(m.cents, path))
    }

    /// Checks the range of an amount in cents.
    pub fn from_cents(cents: i64, path: &FieldPath) -> Result<Self, FieldViolation> {
        if cents < 0 {
            Err(violation(path, "must not be negative"))
        } else if cents > MAX_CENTS {
            Err(violation(path, "must not exceed 1,000,000 euro"))
        } else {
            Ok(Self(cents))
        }
    }

    /// The amount in cents.
    pub fn cents(&self) -> i64 {
        self.0
    }

    /// The amount as the proto message.
    pub fn to_proto(self) -> common::Money {
        common::Money { cents: self.0 }
    }
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
    fn text_refuses_empty_long_and_control_characters() {
        assert!(Text::parse("Müller-Lüdenscheidt", &p()).is_ok());
        assert!(Text::parse("", &p()).is_err());
        assert!(Text::parse("   ", &p()).is_err());
        assert!(Text::parse(&"a".repeat(201), &p()).is_err());
        assert!(Text::parse(&"ä".repeat(200), &p()).is_ok());
        assert!(Text::parse("a\nb", &p()).is_err());
    }

    #[test]
    fn birth_date_must_be_real_and_past() {
        let d = |y, m, d| common::Date {
            year: y,
            month: m,
            day: d,
        };
        assert!(BirthDate::parse(Some(&d(1990, 2, 28)), today(), &p()).is_ok());
        assert!(BirthDate::parse(Some(&d(1990, 2, 30)), today(), &p()).is_err());
        assert!(BirthDate::parse(Some(&d(1990, 13, 1)), today(), &p()).is_err());
        assert!(BirthDate::parse(Some(&d(2026, 11, 23)), today(), &p()).is_err());
        assert!(BirthDate::parse(Some(&d(2030, 1, 1)), today(), &p()).is_err());
        assert!(BirthDate::parse(None, today(), &p()).is_err());
    }

    #[test]
    fn age_counts_full_years() {
        let d = common::Date {
            year: 2011,
            month: 11,
            day: 24,
        };
        let b = BirthDate::parse(Some(&d), today(), &p());
        assert_eq!(b.map(|b| b.age_on(today())), Ok(14));
    }

    #[test]
    fn postal_code_is_five_digits() {
        assert!(PostalCode::parse("45127", &p()).is_ok());
        assert!(PostalCode::parse("4512", &p()).is_err());
        assert!(PostalCode::parse("45127a", &p()).is_err());
        assert!(PostalCode::parse("４５１２７", &p()).is_err());
    }

    proptest! {
        #[test]
        fn amounts_in_range_are_accepted(c in 0i64..=MAX_CENTS) {
            prop_assert_eq!(Amount::from_cents(c, &p()).map(|a| a.cents()), Ok(c));
        }

        #[test]
        fn negative_amounts_are_refused(c in i64::MIN..0) {
            prop_assert!(Amount::from_cents(c, &p()).is_err());
        }

        #[test]
        fn huge_amounts_are_refused(c in (MAX_CENTS + 1)..i64::MAX) {
            prop_assert!(Amount::from_cents(c, &p()).is_err());
        }

        #[test]
        fn five_digit_codes_are_accepted(s in "[0-9]{5}") {
            prop_assert!(PostalCode::parse(&s, &p()).is_ok());
        }

        #[test]
        fn other_codes_are_refused(s in "[0-9]{0,4}|[0-9]{6,9}|[a-z]{5}") {
            prop_assert!(PostalCode::parse(&s, &p()).is_err());
        }

        #[test]
        fn names_without_control_characters_are_accepted(s in "[\\p{L} '\\-]{0,199}[\\p{L}]") {
            prop_assert!(Text::parse(&s, &p()).is_ok());
        }

        #[test]
        fn text_parse_never_panics(s in "\\PC*|\\pC*") {
            let _ = Text::parse(&s, &p());
        }

        #[test]
        fn any_date_parts_never_panic(y in any::<i32>(), m in any::<i32>(), d in any::<i32>()) {
            let _ = BirthDate::parse(Some(&common::Date { year: y, month: m, day: d }), today(), &p());
        }
    }
}
