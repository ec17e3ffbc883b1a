//! From lines to pages: each [`Line`] becomes one or more rows (long lines break at spaces, a
//! word wider than the line at any character), and rows fill pages from the top until the
//! lowest baseline is passed. A heading never stands alone at the foot of a page, and a page
//! after a break does not begin with blank rows.

use crate::Line;
use crate::encoding::encode;
use crate::metrics::Font;

/// Body text and headings.
pub(crate) const TEXT_SIZE: f64 = 11.0;
pub(crate) const HEADING_SIZE: f64 = 14.0;

/// One row of a page.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Row {
    /// Text (WinAnsi) in a font at a size.
    Text {
        font: Font,
        size: f64,
        text: Vec<u8>,
    },
    /// An empty row.
    Blank,
}

impl Row {
    fn is_heading(&self) -> bool {
        matches!(
            self,
            Row::Text {
                font: Font::Bold,
                ..
            }
        )
    }
}

/// Where the rows of a page go, in points from the lower left corner.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Frame {
    /// Left edge of the text.
    pub left: f64,
    /// Right edge of the text.
    pub right: f64,
    /// First baseline on page 1.
    pub first_top: f64,
    /// First baseline on the following pages.
    pub top: f64,
    /// Lowest baseline.
    pub bottom: f64,
    /// Distance of baselines.
    pub leading: f64,
}

impl Frame {
    /// How many rows fit from baseline `top` down to the lowest.
    fn rows_from(&self, top: f64) -> usize {
        let spaces = ((top - self.bottom) / self.leading + 1e-9).floor();
        if spaces < 0.0 { 1 } else { spaces as usize + 1 }
    }
}

/// The rows of `lines` in a text `width` points wide.
pub(crate) fn rows(lines: &[Line], width: f64) -> Vec<Row> {
    let mut rows = Vec::new();
    for line in lines {
        let (font, size, text) = match line {
            Line::Heading(text) => (Font::Bold, HEADING_SIZE, text),
            Line::Text(text) => (Font::Regular, TEXT_SIZE, text),
            Line::Blank => {
                rows.push(Row::Blank);
                continue;
            }
        };
        for text in wrap(&encode(text), font, size, width) {
            rows.push(Row::Text { font, size, text });
        }
    }
    rows
}

/// `rows` on pages: at least one page, each with at most as many rows as `frame` holds.
pub(crate) fn paginate(rows: Vec<Row>, frame: &Frame) -> Vec<Vec<Row>> {
    let mut pages = Vec::new();
    let mut page: Vec<Row> = Vec::new();
    let mut capacity = frame.rows_from(frame.first_top);
    let count = rows.len();
    for (index, row) in rows.into_iter().enumerate() {
        if page.is_empty() && !pages.is_empty() && row == Row::Blank {
            continue;
        }
        let full = page.len() >= capacity;
        let orphan = page.len() + 1 == capacity && row.is_heading() && index + 1 < count;
        if full || (orphan && !page.is_empty()) {
            pages.push(std::mem::take(&mut page));
            capacity = frame.rows_from(frame.top);
            if row == Row::Blank {
                continue;
            }
        }
        page.push(row);
    }
    pages.push(page);
    pages
}

/// `text` broken into lines no wider than `width`: at spaces where possible, inside a word
/// only where the word alone is wider. A line that fits stays exactly as it is.
pub(crate) fn wrap(text: &[u8], font: Font, size: f64, width: f64) -> Vec<Vec<u8>> {
    let fits = |line: &[u8]| font.width(line, size) <= width;
    if fits(text) {
        return vec![text.to_vec()];
    }
    let mut lines = Vec::new();
    let mut line: Vec<u8> = Vec::new();
    for word in text.split(|b| *b == b' ').filter(|w| !w.is_empty()) {
        if !line.is_empty() {
            let mut longer = line.clone();
            longer.push(b' ');
            longer.extend_from_slice(word);
            if fits(&longer) {
                line = longer;
                continue;
            }
            lines.push(std::mem::take(&mut line));
        }
        if fits(word) {
            line = word.to_vec();
            continue;
        }
        // A word wider than the line: as many characters as fit, at least one, per line.
        for &byte in word {
            line.push(byte);
            if line.len() > 1 && !fits(&line) {
                line.pop();
                lines.push(std::mem::replace(&mut line, vec![byte]));
            }
        }
    }
    if !line.is_empty() || lines.is_empty() {
        lines.push(line);
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(rows: &[Row]) -> Vec<String> {
        rows.iter()
            .map(|row| match row {
                Row::Text { text, .. } => String::from_utf8_lossy(text).into_owned(),
                Row::Blank => String::new(),
            })
            .collect()
    }

    #[test]
    fn a_line_that_fits_is_kept_as_it_is() {
        assert_eq!(
            wrap(b"a  b ", Font::Regular, 11.0, 400.0),
            vec![b"a  b ".to_vec()]
        );
    }

    #[test]
    fn long_lines_break_at_spaces_within_the_width() {
        let sentence = "Gegen diesen Bescheid kann innerhalb eines Monats nach Bekanntgabe \
                        Widerspruch erhoben werden."
            .as_bytes();
        let width = 200.0;
        let lines = wrap(sentence, Font::Regular, 11.0, width);
        assert!(lines.len() > 1);
        for line in &lines {
            assert!(Font::Regular.width(line, 11.0) <= width);
            assert!(!line.starts_with(b" ") && !line.ends_with(b" "));
        }
        assert_eq!(lines.join(&b' '), sentence);
    }

    #[test]
    fn a_word_wider_than_the_line_breaks_inside() {
        let word = b"Leistungsberechtigtenbescheinigungsverfahren";
        let lines = wrap(word, Font::Bold, 14.0, 100.0);
        assert!(lines.len() > 2);
        assert!(lines.iter().all(|l| Font::Bold.width(l, 14.0) <= 100.0));
        assert_eq!(lines.concat(), word);
        // Not even one character fits: one per line, nothing lost.
        assert_eq!(wrap(b"WW", Font::Regular, 11.0, 1.0).len(), 2);
        assert_eq!(wrap(b"", Font::Regular, 11.0, 1.0), vec![Vec::<u8>::new()]);
    }

    fn frame() -> Frame {
        // Three rows on page 1, four on the following pages.
        Frame {
            left: 0.0,
            right: 100.0,
            first_top: 50.0,
            top: 60.0,
            bottom: 30.0,
            leading: 10.0,
        }
    }

    fn body(n: usize) -> Vec<Row> {
        (0..n)
            .map(|i| Row::Text {
                font: Font::Regular,
                size: 11.0,
                text: i.to_string().into_bytes(),
            })
            .collect()
    }

    #[test]
    fn rows_run_onto_further_pages_when_a_page_is_full() {
        let pages = paginate(body(9), &frame());
        let texts: Vec<Vec<String>> = pages.iter().map(|p| text(p)).collect();
        assert_eq!(
            texts,
            vec![
                vec!["0", "1", "2"],
                vec!["3", "4", "5", "6"],
                vec!["7", "8"]
            ]
        );
        assert_eq!(paginate(Vec::new(), &frame()), vec![Vec::<Row>::new()]);
    }

    #[test]
    fn a_following_page_does_not_start_blank_and_a_heading_does_not_end_a_page() {
        let mut rows = body(3);
        rows.extend([Row::Blank, Row::Blank]);
        rows.extend(body(1));
        let pages = paginate(rows, &frame());
        assert_eq!(text(&pages[1]), vec!["0"]);

        let mut rows = body(2);
        rows.push(Row::Text {
            font: Font::Bold,
            size: 14.0,
            text: b"H".to_vec(),
        });
        rows.extend(body(1));
        let pages = paginate(rows, &frame());
        assert_eq!(text(&pages[0]), vec!["0", "1"]);
        assert_eq!(text(&pages[1]), vec!["H", "0"]);
    }
}
