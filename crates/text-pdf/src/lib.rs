//! PDF documents of plain text lines: the printable records the E-Akte files for what arrived
//! as structured data (a sick note submitted as a form, a decision), and letters for a window
//! envelope (the notification service's printed mail).
//!
//! Written by hand because the need is small: A4 pages, the standard Helvetica fonts (no font
//! embedding, every reader has them), WinAnsi encoding for German text ([`printable`] shows what
//! happens to characters beyond it). The output depends only on the input, so the same record
//! always has the same bytes and the same hash (filing it twice stores it once).
//!
//! - [`render`]: a record, text from the top of the page (56 pt margins).
//! - [`render_letter`]: a letter after DIN 5008 form B: 25 mm left and 20 mm right margin, an
//!   optional [`Address`] in the envelope window on page 1 with fold and punch marks, the text
//!   from 98.4 mm below the top edge when there is an address.
//!
//! Both break long lines at spaces and continue on further pages when a page is full; a
//! document of several pages says "Seite n von m" at the foot of each.

#![warn(missing_docs)]

mod address;
mod encoding;
mod layout;
mod metrics;
mod writer;

pub use address::{Address, AddressError};
pub use encoding::printable;

use address::{MM, PAGE_HEIGHT};
use layout::{Frame, Row};
use metrics::Font;
use writer::PAGE_WIDTH;

/// One line of text; a line wider than the page continues on the next rows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Line {
    /// A heading (Helvetica-Bold 14 pt).
    Heading(String),
    /// Body text (Helvetica 11 pt).
    Text(String),
    /// An empty line.
    Blank,
}

/// The record layout: 56 pt margins, rows 16 pt apart from 780 pt down to 76 pt (45 rows).
const RECORD: Frame = Frame {
    left: 56.0,
    right: PAGE_WIDTH - 56.0,
    first_top: 780.0,
    top: 780.0,
    bottom: 76.0,
    leading: 16.0,
};

/// Where the text of a letter begins on page 1 below an address (DIN 5008 form B).
const LETTER_TEXT_TOP_MM: f64 = 98.4;
/// The fold marks (105 and 210 mm) and the punch mark (148.5 mm) of form B, from the top.
const FOLD_MARKS_MM: [f64; 2] = [105.0, 210.0];
const PUNCH_MARK_MM: f64 = 148.5;

/// The letter layout (DIN 5008): text from 25 mm to 20 mm before the right edge, rows 14 pt apart.
fn letter_frame(with_address: bool) -> Frame {
    let top = 780.0;
    Frame {
        left: 25.0 * MM,
        right: PAGE_WIDTH - 20.0 * MM,
        first_top: if with_address {
            PAGE_HEIGHT - LETTER_TEXT_TOP_MM * MM
        } else {
            top
        },
        top,
        bottom: 76.0,
        leading: 14.0,
    }
}

/// The PDF bytes of `lines` as a record: from the top of A4 pages, as many pages as needed.
pub fn render(lines: &[Line]) -> Vec<u8> {
    compose(lines, &RECORD, None).bytes
}

/// The PDF bytes of a letter after DIN 5008 form B: `address` in the window of page 1 (with
/// fold and punch marks), then `lines`; without an address the text begins at the top.
pub fn render_letter(address: Option<&Address>, lines: &[Line]) -> Vec<u8> {
    letter(address, lines).bytes
}

/// A rendered PDF and its number of pages (a print service charges and checks by page).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Document {
    /// The PDF bytes.
    pub bytes: Vec<u8>,
    /// How many pages it has.
    pub pages: usize,
}

/// [`render_letter`] with the number of pages.
pub fn letter(address: Option<&Address>, lines: &[Line]) -> Document {
    compose(lines, &letter_frame(address.is_some()), address)
}

fn compose(lines: &[Line], frame: &Frame, address: Option<&Address>) -> Document {
    let rows = layout::rows(lines, frame.right - frame.left);
    let pages = layout::paginate(rows, frame);
    let count = pages.len();
    let contents: Vec<Vec<u8>> = pages
        .iter()
        .enumerate()
        .map(|(index, rows)| {
            let mut content = Vec::new();
            if index == 0
                && let Some(address) = address
            {
                marks(&mut content);
                address.draw(&mut content);
            }
            let top = if index == 0 {
                frame.first_top
            } else {
                frame.top
            };
            body(&mut content, rows, frame, top);
            if count > 1 {
                footer(&mut content, frame, index + 1, count);
            }
            content
        })
        .collect();
    Document {
        bytes: writer::document(&contents),
        pages: count,
    }
}

/// The rows of one page, from baseline `top` down.
fn body(out: &mut Vec<u8>, rows: &[Row], frame: &Frame, top: f64) {
    out.extend_from_slice(
        format!(
            "BT\n{} {} Td\n{} TL\n",
            pdf_number(frame.left),
            pdf_number(top),
            pdf_number(frame.leading)
        )
        .as_bytes(),
    );
    for row in rows {
        match row {
            Row::Text { font, size, text } => {
                out.extend_from_slice(
                    format!("/{} {} Tf (", font.resource(), pdf_number(*size)).as_bytes(),
                );
                escape_into(text, out);
                out.extend_from_slice(b") Tj T*\n");
            }
            Row::Blank => out.extend_from_slice(b"T*\n"),
        }
    }
    out.extend_from_slice(b"ET\n");
}

/// "Seite n von m", flush right at the foot of the page.
fn footer(out: &mut Vec<u8>, frame: &Frame, page: usize, pages: usize) {
    const SIZE: f64 = 9.0;
    const BASELINE: f64 = 40.0;
    let text = format!("Seite {page} von {pages}").into_bytes();
    let x = frame.right - Font::Regular.width(&text, SIZE);
    out.extend_from_slice(
        format!(
            "BT\n/F1 {} Tf {} {} Td (",
            pdf_number(SIZE),
            pdf_number(x),
            pdf_number(BASELINE)
        )
        .as_bytes(),
    );
    escape_into(&text, out);
    out.extend_from_slice(b") Tj\nET\n");
}

/// Fold and punch marks at the left edge, for folding into a window envelope.
fn marks(out: &mut Vec<u8>) {
    let from = 3.5 * MM;
    let mut lines = FOLD_MARKS_MM.map(|at| (at, from + 2.0 * MM)).to_vec();
    lines.push((PUNCH_MARK_MM, from + 4.0 * MM));
    out.extend_from_slice(b"q 0.5 w\n");
    for (at, to) in lines {
        let y = pdf_number(PAGE_HEIGHT - at * MM);
        out.extend_from_slice(
            format!("{} {y} m {} {y} l S\n", pdf_number(from), pdf_number(to)).as_bytes(),
        );
    }
    out.extend_from_slice(b"Q\n");
}

/// Appends WinAnsi `text` escaped for a PDF string literal (parentheses and backslash).
pub(crate) fn escape_into(text: &[u8], out: &mut Vec<u8>) {
    for &byte in text {
        if matches!(byte, b'(' | b')' | b'\\') {
            out.push(b'\\');
        }
        out.push(byte);
    }
}

/// A number for the content stream: at most two decimals, none when whole (`56`, `70.87`).
pub(crate) fn pdf_number(value: f64) -> String {
    let hundredths = (value * 100.0).round() as i64;
    if hundredths % 100 == 0 {
        (hundredths / 100).to_string()
    } else {
        let text = format!("{}.{:02}", hundredths / 100, (hundredths % 100).abs());
        text.trim_end_matches('0').to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Vec<u8> {
        render(&[
            Line::Heading("Arbeitsunfähigkeit (Online-Formular)".into()),
            Line::Blank,
            Line::Text("arbeitsunfähig vom 16.11.2026 bis 27.11.2026 (Straße)".into()),
        ])
    }

    fn long_letter() -> Vec<Line> {
        let mut lines = vec![Line::Heading("Bescheid".into()), Line::Blank];
        for i in 0..80 {
            lines.push(Line::Text(format!("Zeile {i}")));
        }
        lines
    }

    #[test]
    fn the_record_is_a_pdf_whose_cross_references_point_at_its_objects() {
        let pdf = sample();
        assert!(pdf.starts_with(b"%PDF-1.4\n"));
        assert!(pdf.ends_with(b"%%EOF\n"));
        assert_cross_references(&pdf, 6);
        let letter = render_letter(None, &long_letter());
        assert_cross_references(&letter, 8);
    }

    #[test]
    fn german_letters_are_encoded_in_win_ansi_and_parentheses_escaped() {
        let pdf = sample();
        // "ä" is 0xE4 and "ß" 0xDF in WinAnsi; the parentheses of the text are escaped.
        assert!(pdf.windows(3).any(|w| w == b"f\xe4h"));
        assert!(pdf.windows(3).any(|w| w == b"a\xdfe"));
        assert!(pdf.windows(7).any(|w| w == b"\\(Stra\xdf"));
    }

    #[test]
    fn the_same_lines_give_the_same_bytes() {
        assert_eq!(sample(), sample());
        assert_eq!(
            render_letter(None, &long_letter()),
            render_letter(None, &long_letter())
        );
    }

    #[test]
    fn the_stream_length_is_the_length_of_the_content() {
        let pdf = sample();
        let after = find(&pdf, b"/Length ") + "/Length ".len();
        let length = number_at(&pdf, after);
        let start = find(&pdf, b"stream\n") + "stream\n".len();
        let end = find(&pdf, b"endstream");
        assert_eq!(end - start, length);
    }

    #[test]
    fn a_long_text_continues_on_numbered_pages() {
        let pdf = render_letter(None, &long_letter());
        assert!(find_all(&pdf, b"/Type /Page ").len() == 2);
        assert!(pdf.windows(8).any(|w| w == b"/Count 2"));
        assert!(pdf.windows(14).any(|w| w == b"(Seite 1 von 2"));
        assert!(pdf.windows(14).any(|w| w == b"(Seite 2 von 2"));
        // One page: no page numbers.
        assert!(!sample().windows(5).any(|w| w == b"Seite"));
    }

    #[test]
    fn a_letter_with_an_address_has_marks_and_starts_its_text_below_the_window() {
        let address = Address::new(None, &["Erika Mustermann", "45127 Essen"]).expect("fits");
        let pdf = render_letter(Some(&address), &[Line::Text("Sehr geehrte Frau".into())]);
        let content = String::from_utf8_lossy(&pdf).into_owned();
        // 98.4 mm below the top is 563.07 pt above the bottom; the text from 25 mm (70.87 pt).
        assert!(
            content.contains("BT\n70.87 563.07 Td\n14 TL\n"),
            "{content}"
        );
        // The fold mark at 105 mm (y 544.36) and the punch mark at 148.5 mm (y 421.06).
        assert!(
            content.contains("9.92 544.36 m 15.59 544.36 l S"),
            "{content}"
        );
        assert!(
            content.contains("9.92 421.06 m 21.26 421.06 l S"),
            "{content}"
        );
        assert!(content.contains("(Erika Mustermann) Tj"));
    }

    #[test]
    fn numbers_have_at_most_two_decimals() {
        assert_eq!(pdf_number(56.0), "56");
        assert_eq!(pdf_number(70.866), "70.87");
        assert_eq!(pdf_number(563.1), "563.1");
        assert_eq!(pdf_number(0.05), "0.05");
    }

    fn assert_cross_references(pdf: &[u8], objects: usize) {
        let tail = find(pdf, b"startxref\n") + "startxref\n".len();
        let startxref = number_at(pdf, tail);
        let head = format!("xref\n0 {}\n", objects + 1);
        assert!(pdf[startxref..].starts_with(head.as_bytes()));
        // Everything after the cross-reference table's start is ASCII.
        let entries = std::str::from_utf8(&pdf[startxref..]).expect("ascii");
        for (index, line) in entries.lines().skip(3).take(objects).enumerate() {
            let offset: usize = line[..10].parse().expect("offset");
            let expected = format!("{} 0 obj\n", index + 1);
            assert!(
                pdf[offset..].starts_with(expected.as_bytes()),
                "object {}",
                index + 1
            );
        }
    }

    fn number_at(pdf: &[u8], at: usize) -> usize {
        let digits: Vec<u8> = pdf[at..]
            .iter()
            .take_while(|b| b.is_ascii_digit())
            .copied()
            .collect();
        String::from_utf8(digits)
            .ok()
            .and_then(|n| n.parse().ok())
            .expect("a number")
    }

    fn find(haystack: &[u8], needle: &[u8]) -> usize {
        haystack
            .windows(needle.len())
            .position(|window| window == needle)
            .expect("present")
    }

    fn find_all(haystack: &[u8], needle: &[u8]) -> Vec<usize> {
        haystack
            .windows(needle.len())
            .enumerate()
            .filter(|(_, w)| *w == needle)
            .map(|(i, _)| i)
            .collect()
    }
}
