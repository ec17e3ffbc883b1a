//! IBAN (ISO 13616) with the mod-97 check digits.
//!
//! The check is small and well specified, so it is written here rather than pulling in a crate:
//! move the first four characters to the end, turn letters into numbers (A = 10 … Z = 35), and the
//! resulting number must leave remainder 1 when divided by 97.

use super::violation::{FieldPath, FieldViolation, violation};

/// An IBAN whose structure and check digits are valid. Stored without spaces, upper case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Iban(String);

impl Iban {
    /// Parses an IBAN as an applicant may type it (spaces allowed, any case).
    pub fn parse(input: &str, path: &FieldPath) -> Result<Self, FieldViolation> {
        let compact: String = input
            .chars()
            .filter(|c| *c != ' ')
            .map(|c| c.to_ascii_uppercase())
            .collect();
        if compact.len() < 15 || compact.len() > 34 {
            return Err(violation(path, "an IBAN has 15 to 34 characters"));
        }
        if !compact.chars().all(|c| c.is_ascii_alphanumeric()) {
            return Err(violation(path, "an IBAN has only letters and digits"));
        }
        let bytes = compact.as_bytes();
        if !bytes[0].is_ascii_uppercase()
            || !bytes[1].is_ascii_uppercase()
            || !bytes[2].is_ascii_digit()
            || !bytes[3].is_ascii_digit()
        {
            return Err(violation(
                path,
                "an IBAN starts with a country code and two check digits",
            ));
        }
        if compact.starts_with("DE") && compact.len() != 22 {
            return Err(violation(path, "a German IBAN has 22 characters"));
        }
        if mod97(&compact) != 1 {
            return Err(violation(path, "the IBAN's check digits are wrong"));
        }
        Ok(Self(compact))
    }

    /// The IBAN without spaces, upper case.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The ISO 7064 mod 97-10 remainder of an alphanumeric IBAN (rearranged as ISO 13616 says).
fn mod97(iban: &str) -> u32 {
    let (head, tail) = iban.split_at(4);
    tail.chars().chain(head.chars()).fold(0u32, |acc, c| {
        let value = c.to_digit(36).unwrap_or(0);
        if value >= 10 {
            (acc * 100 + value) % 97
        } else {
            (acc * 10 + value) % 97
        }
    })
}

/// Computes the two check digits for a country code and a BBAN (used by tests and generators).
pub fn check_digits(country: &str, bban: &str) -> String {
    let probe = format!("{country}00{bban}");
    let rem = mod97(&probe);
    format!("{:02}", 98 - rem)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn path() -> FieldPath {
        FieldPath::root("iban")
    }

    #[test]
    fn accepts_a_valid_german_iban_with_spaces() {
        let iban = Iban::parse("DE89 3704 0044 0532 0130 00", &path());
        assert_eq!(
            iban.map(|i| i.as_str().to_owned()),
            Ok("DE89370400440532013000".to_owned())
        );
    }

    #[test]
    fn accepts_lower_case() {
        assert!(Iban::parse("gb82west12345698765432", &path()).is_ok());
    }

    #[test]
    fn refuses_wrong_check_digits() {
        let err = Iban::parse("DE88370400440532013000", &path()).err();
        assert_eq!(err.map(|e| e.field), Some("iban".to_owned()));
    }

    #[test]
    fn refuses_garbage() {
        assert!(Iban::parse("not an iban", &path()).is_err());
        assert!(Iban::parse("DE89-3704-0044-0532-0130-00", &path()).is_err());
        assert!(Iban::parse("", &path()).is_err());
    }

    proptest! {
        #[test]
        fn generated_german_ibans_are_accepted(bban in "[0-9]{18}") {
            let iban = format!("DE{}{}", check_digits("DE", &bban), bban);
            prop_assert!(Iban::parse(&iban, &path()).is_ok());
        }

        #[test]
        fn a_changed_digit_is_detected(bban in "[0-9]{18}", pos in 0usize..18, delta in 1u32..10) {
            let iban = format!("DE{}{}", check_digits("DE", &bban), bban);
            let mut chars: Vec<char> = iban.chars().collect();
            let d = chars[4 + pos].to_digit(10).unwrap_or(0);
            chars[4 + pos] = char::from_digit((d + delta) % 10, 10).unwrap_or('0');
            let changed: String = chars.into_iter().collect();
            prop_assert!(Iban::parse(&changed, &path()).is_err());
        }

        #[test]
        fn never_panics(s in "\\PC{0,40}") {
            let _ = Iban::parse(&s, &path());
        }
    }
}
