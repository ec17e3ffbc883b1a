//! The address block of a letter, placed for a window envelope after DIN 5008 form B: the
//! address field 45 mm from the top and 20 mm from the left edge, 85 × 45 mm, text from 25 mm.
//! Its upper 17.7 mm are the zone for a return address (Rücksendeangabe, small print), the lower
//! 27.3 mm hold the recipient in up to six lines.
//!
//! An [`Address`] can only exist if it fits the window: lines that are too wide at 10 pt are set
//! smaller, down to 8 pt (the smallest DIN 5008 allows); a line still too wide, more than six
//! lines or none at all is refused, so the letter never shows half an address through the
//! window.

use std::fmt;

use crate::encoding::encode;
use crate::metrics::Font;
use crate::pdf_number as num;

/// Points per millimetre.
pub(crate) const MM: f64 = 72.0 / 25.4;
/// The page height in points (A4).
pub(crate) const PAGE_HEIGHT: f64 = 842.0;

/// Left edge of the address text: 20 mm to the field plus 5 mm inside it.
const TEXT_LEFT_MM: f64 = 25.0;
/// Top of the address field, from the top edge.
const FIELD_TOP_MM: f64 = 45.0;
/// Height of the return-address zone at the top of the field.
const RETURN_ZONE_MM: f64 = 17.7;
/// Width available to text: 85 mm less 5 mm on either side.
const TEXT_WIDTH_MM: f64 = 75.0;
/// Recipient lines: 10 pt, at most down to 8 pt, on a 12 pt (4.23 mm) pitch.
const RECIPIENT_SIZES: [f64; 5] = [10.0, 9.5, 9.0, 8.5, 8.0];
const RECIPIENT_PITCH: f64 = 12.0;
/// Return address: 7 pt, at most down to 6 pt, its baseline just above the recipient zone.
const RETURN_SIZES: [f64; 3] = [7.0, 6.5, 6.0];
const RETURN_BASELINE_ABOVE_ZONE: f64 = 2.5;

/// Why an address does not fit the window.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AddressError {
    /// No recipient line that is not blank.
    NoRecipient,
    /// More recipient lines than the window holds ([`Address::MAX_LINES`]).
    TooManyLines {
        /// How many non-blank lines were given.
        lines: usize,
    },
    /// A recipient line is too wide for the window even at 8 pt.
    LineTooWide {
        /// Its index among the lines given (blank lines counted).
        line: usize,
    },
    /// The return address is too wide for the window even at 6 pt.
    ReturnAddressTooWide,
}

impl fmt::Display for AddressError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AddressError::NoRecipient => write!(f, "the address has no recipient line"),
            AddressError::TooManyLines { lines } => write!(
                f,
                "the address has {lines} lines, the window holds {}",
                Address::MAX_LINES
            ),
            AddressError::LineTooWide { line } => {
                write!(f, "address line {line} is too wide for the window")
            }
            AddressError::ReturnAddressTooWide => {
                write!(f, "the return address is too wide for the window")
            }
        }
    }
}

impl std::error::Error for AddressError {}

/// A recipient address (and optional return address) that fits the envelope window.
#[derive(Debug, Clone, PartialEq)]
pub struct Address {
    /// The return address in WinAnsi, and its size.
    return_address: Option<(Vec<u8>, f64)>,
    /// The recipient lines in WinAnsi, each with its size.
    recipient: Vec<(Vec<u8>, f64)>,
}

impl Address {
    /// Most recipient lines the window holds.
    pub const MAX_LINES: usize = 6;

    /// The address of `recipient` (e.g. name, street and number, postal code and town; blank
    /// lines are left out), with an optional one-line `return_address` above it (e.g.
    /// "Jobcenter Essen · Berliner Platz 10 · 45127 Essen"). Characters the standard fonts lack
    /// are replaced as [`crate::printable`] shows.
    pub fn new<S: AsRef<str>>(
        return_address: Option<&str>,
        recipient: &[S],
    ) -> Result<Self, AddressError> {
        let width = TEXT_WIDTH_MM * MM;
        let mut lines = Vec::new();
        for (index, line) in recipient.iter().enumerate() {
            let text = trimmed(encode(line.as_ref()));
            if text.is_empty() {
                continue;
            }
            let size = fitting(&text, &RECIPIENT_SIZES, width)
                .ok_or(AddressError::LineTooWide { line: index })?;
            lines.push((text, size));
        }
        if lines.is_empty() {
            return Err(AddressError::NoRecipient);
        }
        if lines.len() > Self::MAX_LINES {
            return Err(AddressError::TooManyLines { lines: lines.len() });
        }
        let return_address = match return_address.map(|r| trimmed(encode(r))) {
            Some(text) if !text.is_empty() => {
                let size = fitting(&text, &RETURN_SIZES, width)
                    .ok_or(AddressError::ReturnAddressTooWide)?;
                Some((text, size))
            }
            _ => None,
        };
        Ok(Self {
            return_address,
            recipient: lines,
        })
    }

    /// The content-stream operators that show the address on page 1.
    pub(crate) fn draw(&self, out: &mut Vec<u8>) {
        let left = TEXT_LEFT_MM * MM;
        let zone = PAGE_HEIGHT - (FIELD_TOP_MM + RETURN_ZONE_MM) * MM;
        if let Some((text, size)) = &self.return_address {
            show(out, text, *size, left, zone + RETURN_BASELINE_ABOVE_ZONE);
        }
        for (index, (text, size)) in self.recipient.iter().enumerate() {
            let baseline = zone - RECIPIENT_SIZES[0] - RECIPIENT_PITCH * index as f64;
            show(out, text, *size, left, baseline);
        }
    }
}

/// The largest of `sizes` at which `text` fits `width`.
fn fitting(text: &[u8], sizes: &[f64], width: f64) -> Option<f64> {
    sizes
        .iter()
        .copied()
        .find(|size| Font::Regular.width(text, *size) <= width)
}

/// `text` without spaces at either end.
fn trimmed(text: Vec<u8>) -> Vec<u8> {
    let start = text.iter().position(|b| *b != b' ').unwrap_or(text.len());
    let end = text
        .iter()
        .rposition(|b| *b != b' ')
        .map_or(start, |i| i + 1);
    text[start..end].to_vec()
}

/// One line of regular text at `size` with its baseline starting at (`x`, `y`).
fn show(out: &mut Vec<u8>, text: &[u8], size: f64, x: f64, y: f64) {
    out.extend_from_slice(
        format!("BT\n/F1 {} Tf {} {} Td (", num(size), num(x), num(y)).as_bytes(),
    );
    crate::escape_into(text, out);
    out.extend_from_slice(b") Tj\nET\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blank_lines_are_left_out_and_at_most_six_remain() {
        let address = Address::new(
            None,
            &[
                "Erika Mustermann",
                "",
                "  Kettwiger Straße 1 ",
                "45127 Essen",
            ],
        )
        .expect("fits");
        assert_eq!(address.recipient.len(), 3);
        assert_eq!(address.recipient[1].0, b"Kettwiger Stra\xdfe 1");
        assert_eq!(
            Address::new::<&str>(None, &[]),
            Err(AddressError::NoRecipient)
        );
        assert_eq!(
            Address::new(None, &["  ", ""]),
            Err(AddressError::NoRecipient)
        );
        assert_eq!(
            Address::new(None, &["a"; 7]),
            Err(AddressError::TooManyLines { lines: 7 })
        );
    }

    #[test]
    fn a_long_line_is_set_smaller_and_one_too_long_refused() {
        // 50 characters of a double-barrelled name: too wide at 10 pt, fits smaller.
        let long = "Maximiliane Sophie-Charlotte Hohenberg-Sigmaringen";
        let address = Address::new(None, &[long, "45127 Essen"]).expect("fits smaller");
        assert!(address.recipient[0].1 < 10.0 && address.recipient[0].1 >= 8.0);
        assert_eq!(address.recipient[1].1, 10.0);
        let too_long = "Maximiliane Sophie-Charlotte Prinzessin von Hohenberg-Sigmaringen";
        assert_eq!(
            Address::new(None, &["", too_long]),
            Err(AddressError::LineTooWide { line: 1 })
        );
        assert_eq!(
            Address::new(Some(&"Jobcenter Musterstadt · ".repeat(5)), &["Erika"]),
            Err(AddressError::ReturnAddressTooWide)
        );
    }

    #[test]
    fn the_recipient_starts_below_the_return_zone_on_a_4_23_mm_pitch() {
        let address = Address::new(
            Some("Jobcenter Essen"),
            &["Erika Mustermann", "45127 Essen"],
        )
        .expect("fits");
        let mut out = Vec::new();
        address.draw(&mut out);
        let text = String::from_utf8(out).expect("ascii");
        // 25 mm = 70.87 pt; the zone's top 62.7 mm = 177.73 pt from the top (y 664.27).
        assert!(
            text.contains("/F1 7 Tf 70.87 666.77 Td (Jobcenter Essen) Tj"),
            "{text}"
        );
        assert!(
            text.contains("/F1 10 Tf 70.87 654.27 Td (Erika Mustermann) Tj"),
            "{text}"
        );
        assert!(
            text.contains("/F1 10 Tf 70.87 642.27 Td (45127 Essen) Tj"),
            "{text}"
        );
    }

    #[test]
    fn errors_say_what_does_not_fit() {
        assert_eq!(
            AddressError::TooManyLines { lines: 8 }.to_string(),
            "the address has 8 lines, the window holds 6"
        );
    }
}
