//! Tesseract's TSV output turned into an [`OcrPage`].
//!
//! `tesseract ... tsv` prints one row per layout element (page, block, paragraph, line, word) with
//! its position and, for words (level 5), the confidence and text. Words are grouped into lines by
//! their (page, block, paragraph, line) numbers, in the order Tesseract prints them.

use crate::page::{OcrLine, OcrPage, OcrWord};

/// The TSV's columns, as Tesseract 4 and 5 print them.
const COLUMNS: usize = 12;
/// The level of a word row.
const WORD_LEVEL: &str = "5";

/// Why Tesseract's output could not be understood.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TsvError {
    /// The first row is not the expected header.
    #[error("no TSV header")]
    MissingHeader,
    /// A row has too few columns or a number that is not one.
    #[error("malformed TSV row {0}")]
    BadRow(usize),
}

/// Parses the TSV of one run into lines of words. Words with only white space are dropped;
/// a negative confidence (Tesseract's "none") counts as 0.
pub fn parse(tsv: &str) -> Result<OcrPage, TsvError> {
    let mut rows = tsv.lines().enumerate();
    match rows.next() {
        Some((_, header)) if header.starts_with("level\t") => {}
        _ => return Err(TsvError::MissingHeader),
    }

    let mut page = OcrPage::default();
    let mut current: Option<[&str; 4]> = None;
    for (index, row) in rows {
        if row.is_empty() {
            continue;
        }
        let cells: Vec<&str> = row.splitn(COLUMNS, '\t').collect();
        if cells.len() < COLUMNS - 1 {
            return Err(TsvError::BadRow(index + 1));
        }
        if cells[0] != WORD_LEVEL {
            continue;
        }
        let text = cells.get(COLUMNS - 1).map_or("", |t| t.trim());
        if text.is_empty() {
            continue;
        }
        let confidence: f32 = cells[10]
            .trim()
            .parse()
            .map_err(|_| TsvError::BadRow(index + 1))?;
        let key = [cells[1], cells[2], cells[3], cells[4]];
        if current != Some(key) {
            page.lines.push(OcrLine::default());
            current = Some(key);
        }
        if let Some(line) = page.lines.last_mut() {
            line.words.push(OcrWord {
                text: text.to_owned(),
                confidence: confidence.clamp(0.0, 100.0),
            });
        }
    }
    Ok(page)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    const HEADER: &str = "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext";

    fn tsv(rows: &[&str]) -> String {
        std::iter::once(HEADER)
            .chain(rows.iter().copied())
            .collect::<Vec<_>>()
            .join("\n")
    }

    #[test]
    fn words_are_grouped_into_lines_by_their_layout_numbers() {
        let page = parse(&tsv(&[
            "1\t1\t0\t0\t0\t0\t0\t0\t2481\t3508\t-1\t",
            "4\t1\t1\t1\t1\t0\t300\t300\t900\t60\t-1\t",
            "5\t1\t1\t1\t1\t1\t300\t300\t200\t60\t96.5\tgeb.",
            "5\t1\t1\t1\t1\t2\t520\t300\t90\t60\t95\tam",
            "5\t1\t1\t1\t2\t1\t300\t400\t200\t60\t91.25\tfestgestellt",
            "5\t1\t2\t1\t1\t1\t300\t500\t200\t60\t-1\tJ",
        ]))
        .unwrap();
        assert_eq!(page.lines.len(), 3);
        assert_eq!(page.lines[0].words.len(), 2);
        assert_eq!(page.lines[0].words[0].text, "geb.");
        assert_eq!(page.lines[0].words[0].confidence, 96.5);
        assert_eq!(page.lines[1].words[0].text, "festgestellt");
        assert_eq!(page.lines[2].words[0].confidence, 0.0, "-1 means none");
    }

    #[test]
    fn blank_words_and_empty_output_give_no_lines() {
        let page = parse(&tsv(&["5\t1\t1\t1\t1\t1\t0\t0\t10\t10\t95\t  "])).unwrap();
        assert!(page.lines.is_empty());
        assert!(parse(&tsv(&[])).unwrap().lines.is_empty());
    }

    #[test]
    fn output_without_header_or_with_broken_rows_is_refused() {
        assert_eq!(parse("Estimating resolution"), Err(TsvError::MissingHeader));
        assert_eq!(parse(""), Err(TsvError::MissingHeader));
        assert_eq!(
            parse(&tsv(&["5\t1\t1"])),
            Err(TsvError::BadRow(2)),
            "too few columns"
        );
        assert_eq!(
            parse(&tsv(&["5\t1\t1\t1\t1\t1\t0\t0\t10\t10\thigh\tword"])),
            Err(TsvError::BadRow(2)),
            "confidence not a number"
        );
    }
}
