//! What OCR saw on a page: lines of words, each with the engine's confidence.
//!
//! This is the seam between the OCR process and the extraction: the extraction is pure and is
//! unit-tested on pages built from text, the OCR fills the same structure from Tesseract's TSV.

/// One recognised word.
#[derive(Debug, Clone, PartialEq)]
pub struct OcrWord {
    /// The word as read.
    pub text: String,
    /// The engine's confidence in it, 0 to 100.
    pub confidence: f32,
}

/// One line of text, words in reading order.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct OcrLine {
    /// The words, left to right.
    pub words: Vec<OcrWord>,
}

/// The text of a scan (of its first pages, for a PDF), lines in reading order.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct OcrPage {
    /// The lines, top to bottom (page after page).
    pub lines: Vec<OcrLine>,
}

impl OcrPage {
    /// A page from plain text: one line per text line, words split at white space, every word
    /// with the same confidence. For tests, and for text that did not come from OCR.
    pub fn from_text(text: &str, confidence: f32) -> Self {
        let lines = text
            .lines()
            .map(|line| OcrLine {
                words: line
                    .split_whitespace()
                    .map(|word| OcrWord {
                        text: word.to_owned(),
                        confidence,
                    })
                    .collect(),
            })
            .filter(|line| !line.words.is_empty())
            .collect();
        Self { lines }
    }

    /// Appends the lines of the next page.
    pub fn append(&mut self, next: OcrPage) {
        self.lines.extend(next.lines);
    }

    /// How many words were recognised.
    pub fn word_count(&self) -> usize {
        self.lines.iter().map(|line| line.words.len()).sum()
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn from_text_splits_lines_and_words_and_drops_blank_lines() {
        let page = OcrPage::from_text("geb. am  12.04.1985\n\n  festgestellt am\n", 90.0);
        assert_eq!(page.lines.len(), 2);
        let words: Vec<&str> = page.lines[0]
            .words
            .iter()
            .map(|w| w.text.as_str())
            .collect();
        assert_eq!(words, ["geb.", "am", "12.04.1985"]);
        assert_eq!(page.word_count(), 5);
        assert!(page.lines[1].words.iter().all(|w| w.confidence == 90.0));
    }
}
