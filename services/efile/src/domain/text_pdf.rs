//! A one-page PDF of plain text lines: the printable record the E-Akte files for what arrived
//! as structured data (a sick note submitted as a form), so the case file holds a document for
//! it like for every other matter.
//!
//! Written by hand because the need is small: one page, the standard Helvetica font (no font
//! embedding), WinAnsi encoding for German text. The output depends only on the lines, so the
//! same record always has the same bytes and the same hash (filing it twice stores it once).

/// Page size A4 in points.
const PAGE_WIDTH: u32 = 595;
const PAGE_HEIGHT: u32 = 842;
/// Left margin and first baseline, in points.
const LEFT: u32 = 56;
const TOP: u32 = 780;
/// Most lines that fit the page at the leading below; more are cut off (records are short).
const MAX_LINES: usize = 45;

/// One line of the page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Line {
    /// A heading (14 pt).
    Heading(String),
    /// Body text (11 pt).
    Text(String),
    /// An empty line.
    Blank,
}

/// The PDF bytes of one A4 page showing `lines` from the top.
pub fn render(lines: &[Line]) -> Vec<u8> {
    let mut content = String::from("BT\n");
    content.push_str(&format!("{LEFT} {TOP} Td\n16 TL\n"));
    for line in lines.iter().take(MAX_LINES) {
        match line {
            Line::Heading(text) => {
                content.push_str(&format!("/F2 14 Tf ({}) Tj T*\n", escape(text)));
            }
            Line::Text(text) => {
                content.push_str(&format!("/F1 11 Tf ({}) Tj T*\n", escape(text)));
            }
            Line::Blank => content.push_str("T*\n"),
        }
    }
    content.push_str("ET\n");
    let content = encode_win_ansi(&content);

    let mut objects: Vec<Vec<u8>> = vec![
        b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_vec(),
        format!(
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {PAGE_WIDTH} {PAGE_HEIGHT}] \
             /Resources << /Font << /F1 4 0 R /F2 5 0 R >> >> /Contents 6 0 R >>"
        )
        .into_bytes(),
        font("Helvetica"),
        font("Helvetica-Bold"),
    ];
    let mut stream = format!("<< /Length {} >>\nstream\n", content.len()).into_bytes();
    stream.extend_from_slice(&content);
    stream.extend_from_slice(b"endstream");
    objects.push(stream);

    // Binary marker line after the header: tells transfer tools the file is binary.
    let mut out = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n".to_vec();
    let mut offsets = Vec::with_capacity(objects.len());
    for (index, body) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n", index + 1).as_bytes());
        out.extend_from_slice(body);
        out.extend_from_slice(b"\nendobj\n");
    }
    let xref = out.len();
    out.extend_from_slice(
        format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes(),
    );
    for offset in offsets {
        // Each entry is exactly 20 bytes, the end of line included.
        out.extend_from_slice(format!("{offset:010} 00000 n \n").as_bytes());
    }
    out.extend_from_slice(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        )
        .as_bytes(),
    );
    out
}

fn font(name: &str) -> Vec<u8> {
    format!("<< /Type /Font /Subtype /Type1 /BaseFont /{name} /Encoding /WinAnsiEncoding >>")
        .into_bytes()
}

/// Escapes the characters that end or break a PDF string literal.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '(' | ')' | '\\' => {
                out.push('\\');
                out.push(c);
            }
            // Line breaks would end the line in the content stream: a record line is one line.
            '\n' | '\r' => out.push(' '),
            _ => out.push(c),
        }
    }
    out
}

/// The content stream in WinAnsi (Windows-1252): ASCII as is, the Latin-1 letters German needs
/// by their code, a few typographic marks, and `?` for anything the standard fonts cannot show.
fn encode_win_ansi(text: &str) -> Vec<u8> {
    text.chars()
        .map(|c| match c {
            '\u{20}'..='\u{7e}' | '\n' => c as u8,
            '\u{a0}'..='\u{ff}' => c as u32 as u8,
            '€' => 0x80,
            '–' => 0x96,
            '—' => 0x97,
            '„' => 0x84,
            '“' => 0x93,
            '”' => 0x94,
            '‘' => 0x91,
            '’' => 0x92,
            '…' => 0x85,
            _ => b'?',
        })
        .collect()
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

    #[test]
    fn the_record_is_a_pdf_whose_cross_references_point_at_its_objects() {
        let pdf = sample();
        assert!(pdf.starts_with(b"%PDF-1.4\n"));
        assert!(pdf.ends_with(b"%%EOF\n"));
        let tail = &pdf[find(&pdf, b"startxref\n") + "startxref\n".len()..];
        let startxref: usize = std::str::from_utf8(tail)
            .ok()
            .and_then(|tail| tail.lines().next())
            .and_then(|n| n.parse().ok())
            .expect("startxref");
        assert!(pdf[startxref..].starts_with(b"xref\n0 7\n"));
        // Everything after the cross-reference table's start is ASCII.
        let entries = std::str::from_utf8(&pdf[startxref..]).expect("ascii");
        for (index, line) in entries.lines().skip(3).take(6).enumerate() {
            let offset: usize = line[..10].parse().expect("offset");
            let expected = format!("{} 0 obj\n", index + 1);
            assert!(
                pdf[offset..].starts_with(expected.as_bytes()),
                "object {}",
                index + 1
            );
        }
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
    }

    #[test]
    fn the_stream_length_is_the_length_of_the_content() {
        let pdf = sample();
        let after = find(&pdf, b"/Length ") + "/Length ".len();
        let digits: Vec<u8> = pdf[after..]
            .iter()
            .take_while(|b| b.is_ascii_digit())
            .copied()
            .collect();
        let length: usize = String::from_utf8(digits)
            .ok()
            .and_then(|n| n.parse().ok())
            .expect("length");
        let start = find(&pdf, b"stream\n") + "stream\n".len();
        let end = find(&pdf, b"endstream");
        assert_eq!(end - start, length);
    }

    fn find(haystack: &[u8], needle: &[u8]) -> usize {
        haystack
            .windows(needle.len())
            .position(|window| window == needle)
            .expect("present")
    }
}
