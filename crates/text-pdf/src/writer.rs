//! The PDF file around the pages' content streams: catalog, page tree, the two standard fonts,
//! one page object and one content stream per page, the cross-reference table and trailer.
//!
//! Objects are numbered so that a one-page document has the layout this writer always had
//! (1 catalog, 2 pages, 3 page, 4 and 5 fonts, 6 content): records filed before multi-page
//! support keep their exact bytes. Further pages follow as pairs (page, content) from 7.

use crate::address::PAGE_HEIGHT;

/// Page width A4 in points (the height is [`PAGE_HEIGHT`]).
pub(crate) const PAGE_WIDTH: f64 = 595.0;

/// The object numbers of page `index` (from 0) and of its content stream.
fn page_objects(index: usize) -> (usize, usize) {
    match index {
        0 => (3, 6),
        _ => (5 + 2 * index, 6 + 2 * index),
    }
}

/// The PDF bytes of pages with these content streams (at least one).
pub(crate) fn document(contents: &[Vec<u8>]) -> Vec<u8> {
    let kids: Vec<String> = (0..contents.len())
        .map(|i| format!("{} 0 R", page_objects(i).0))
        .collect();
    let mut objects: Vec<(usize, Vec<u8>)> = vec![
        (1, b"<< /Type /Catalog /Pages 2 0 R >>".to_vec()),
        (
            2,
            format!(
                "<< /Type /Pages /Kids [{}] /Count {} >>",
                kids.join(" "),
                contents.len()
            )
            .into_bytes(),
        ),
        (4, font("Helvetica")),
        (5, font("Helvetica-Bold")),
    ];
    for (index, content) in contents.iter().enumerate() {
        let (page, stream) = page_objects(index);
        objects.push((
            page,
            format!(
                "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {} {}] \
                 /Resources << /Font << /F1 4 0 R /F2 5 0 R >> >> /Contents {stream} 0 R >>",
                PAGE_WIDTH, PAGE_HEIGHT
            )
            .into_bytes(),
        ));
        let mut body = format!("<< /Length {} >>\nstream\n", content.len()).into_bytes();
        body.extend_from_slice(content);
        body.extend_from_slice(b"endstream");
        objects.push((stream, body));
    }
    objects.sort_by_key(|(number, _)| *number);

    // Binary marker line after the header: tells transfer tools the file is binary.
    let mut out = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n".to_vec();
    let mut offsets = Vec::with_capacity(objects.len());
    for (number, body) in &objects {
        offsets.push(out.len());
        out.extend_from_slice(format!("{number} 0 obj\n").as_bytes());
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn objects_are_numbered_without_gaps() {
        let mut numbers: Vec<usize> = vec![1, 2, 4, 5];
        for index in 0..4 {
            let (page, content) = page_objects(index);
            numbers.extend([page, content]);
        }
        numbers.sort();
        assert_eq!(numbers, (1..=12).collect::<Vec<_>>());
    }
}
