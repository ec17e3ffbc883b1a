//! The booking reference an applicant quotes on the phone or at the desk: ten characters in two
//! groups (`K7MX4-QTR9B`), from an alphabet without the look-alikes 0/O, 1/I/L, the last one a
//! check character that catches any single mistyped character and any swap of two neighbours.
//!
//! It is derived from the appointment id alone, so a retried booking answers the same
//! reference and nothing needs to be stored to find it again. Nine characters carry
//! 31^9 ≈ 2.6·10^13 values: a collision within a tenant is unlikely but possible, so the
//! service keeps a unique index on (tenant, reference), and a reference identifies an
//! appointment only together with the applicant or the tenant it belongs to.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::ids::AppointmentId;

/// The characters of a reference: digits 2–9 and the letters without I, L and O. A prime
/// number of them (31), which makes the weighted check character catch swaps.
pub const ALPHABET: &[u8; 31] = b"23456789ABCDEFGHJKMNPQRSTUVWXYZ";
/// Characters carrying the value.
const PAYLOAD: usize = 9;
/// Characters in all, with the check character.
pub const LENGTH: usize = PAYLOAD + 1;
/// Where the hyphen goes when shown.
const GROUP: usize = 5;

/// A booking reference, valid by construction.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct BookingReference([u8; LENGTH]);

/// Why a text is not a booking reference.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReferenceError {
    /// Not ten characters (after removing spaces and hyphens).
    #[error("a booking reference has {LENGTH} characters")]
    WrongLength,
    /// A character that never occurs in a reference (such as 0, O, 1, I or L).
    #[error("a booking reference has no {0:?}")]
    NotInAlphabet(char),
    /// The check character does not match: a character was mistyped.
    #[error("the booking reference is mistyped")]
    CheckFailed,
}

impl BookingReference {
    /// The reference of the appointment `id`.
    pub fn of(id: AppointmentId) -> Self {
        let base = ALPHABET.len() as u128;
        let mut value = id.0.as_u128();
        let mut digits = [0u8; PAYLOAD];
        for digit in digits.iter_mut().rev() {
            *digit = (value % base) as u8;
            value /= base;
        }
        let mut symbols = [0u8; LENGTH];
        for (symbol, digit) in symbols.iter_mut().zip(digits) {
            *symbol = ALPHABET[usize::from(digit)];
        }
        symbols[PAYLOAD] = ALPHABET[usize::from(check_digit(&digits))];
        Self(symbols)
    }

    /// Reads a reference as a person typed it: case, spaces and hyphens do not matter.
    pub fn parse(text: &str) -> Result<Self, ReferenceError> {
        let mut symbols = [0u8; LENGTH];
        let mut digits = [0u8; LENGTH];
        let mut count = 0;
        for c in text.chars().filter(|c| !c.is_whitespace() && *c != '-') {
            let upper = c.to_ascii_uppercase();
            let digit = ALPHABET
                .iter()
                .position(|&a| char::from(a) == upper)
                .ok_or(ReferenceError::NotInAlphabet(c))?;
            if count == LENGTH {
                return Err(ReferenceError::WrongLength);
            }
            symbols[count] = ALPHABET[digit];
            digits[count] = digit as u8;
            count += 1;
        }
        if count != LENGTH {
            return Err(ReferenceError::WrongLength);
        }
        if check_digit(&digits[..PAYLOAD]) != digits[PAYLOAD] {
            return Err(ReferenceError::CheckFailed);
        }
        Ok(Self(symbols))
    }
}

/// The check digit: minus the sum of each digit times its position (1-based), modulo 31. With
/// a prime modulus and weights below it, one changed digit or two swapped neighbours always
/// change the sum.
fn check_digit(digits: &[u8]) -> u8 {
    let base = ALPHABET.len();
    let sum: usize = digits
        .iter()
        .enumerate()
        .map(|(i, &d)| (i + 1) * usize::from(d))
        .sum();
    ((base - sum % base) % base) as u8
}

impl fmt::Display for BookingReference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let text = String::from_utf8_lossy(&self.0);
        write!(f, "{}-{}", &text[..GROUP], &text[GROUP..])
    }
}

impl From<BookingReference> for String {
    fn from(reference: BookingReference) -> Self {
        reference.to_string()
    }
}

impl TryFrom<String> for BookingReference {
    type Error = ReferenceError;

    fn try_from(text: String) -> Result<Self, Self::Error> {
        Self::parse(&text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::collections::HashSet;
    use uuid::Uuid;

    fn any_id() -> impl Strategy<Value = AppointmentId> {
        any::<u128>().prop_map(|n| AppointmentId(Uuid::from_u128(n)))
    }

    proptest! {
        #[test]
        fn a_reference_reads_back_as_itself_however_it_is_typed(id in any_id()) {
            let reference = BookingReference::of(id);
            let shown = reference.to_string();
            prop_assert_eq!(shown.len(), LENGTH + 1);
            prop_assert!(!shown.contains(['0', 'O', '1', 'I', 'L']));
            prop_assert_eq!(BookingReference::parse(&shown), Ok(reference));
            let typed = shown.to_lowercase().replace('-', " ");
            prop_assert_eq!(BookingReference::parse(&typed), Ok(reference));
        }

        #[test]
        fn one_mistyped_character_is_caught(id in any_id(), at in 0..LENGTH, shift in 1..31usize) {
            let reference = BookingReference::of(id);
            let mut symbols = reference.0;
            let digit = ALPHABET.iter().position(|&a| a == symbols[at]).expect("in alphabet");
            symbols[at] = ALPHABET[(digit + shift) % ALPHABET.len()];
            let typed = String::from_utf8_lossy(&symbols).into_owned();
            prop_assert_eq!(BookingReference::parse(&typed), Err(ReferenceError::CheckFailed));
        }

        #[test]
        fn swapped_neighbours_are_caught(id in any_id(), at in 0..LENGTH - 1) {
            let reference = BookingReference::of(id);
            let mut symbols = reference.0;
            prop_assume!(symbols[at] != symbols[at + 1]);
            symbols.swap(at, at + 1);
            let typed = String::from_utf8_lossy(&symbols).into_owned();
            prop_assert_eq!(BookingReference::parse(&typed), Err(ReferenceError::CheckFailed));
        }
    }

    #[test]
    fn the_same_appointment_always_has_the_same_reference() {
        let id = AppointmentId(Uuid::from_u128(0x1234_5678_9abc_def0_1234_5678_9abc_def0));
        assert_eq!(BookingReference::of(id), BookingReference::of(id));
        assert_eq!(BookingReference::of(id).to_string().len(), 11);
    }

    #[test]
    fn references_of_many_appointments_are_distinct() {
        // 100 000 appointment ids as the service derives them (UUIDv5 of command ids): with
        // 2.6·10^13 values a collision here would point at a bias in the derivation.
        let references: HashSet<BookingReference> = (0..100_000u128)
            .map(|n| BookingReference::of(AppointmentId::for_command(Uuid::from_u128(n))))
            .collect();
        assert_eq!(references.len(), 100_000);
    }

    #[test]
    fn text_that_is_no_reference_is_refused_with_the_reason() {
        assert_eq!(
            BookingReference::parse("ABCDE-FGHJ"),
            Err(ReferenceError::WrongLength)
        );
        assert_eq!(
            BookingReference::parse("ABCDE-FGHJKM"),
            Err(ReferenceError::WrongLength)
        );
        assert_eq!(
            BookingReference::parse("ABCD0-FGHJK"),
            Err(ReferenceError::NotInAlphabet('0'))
        );
    }
}
