//! The printed labels of the certificate, found on OCR'd lines, and the text each one labels.
//!
//! A field is read only where its label is found: the text after a label, up to the next label
//! on the same line, is that label's value. Dates may also stand alone on the next line (forms
//! print the value under the label), when that line carries no label of its own. Lines are
//! compared folded and with a few edits allowed (see [`super::text`]); where several labels
//! match overlapping text, the closest match wins, so "arbeitsunfähig bis" is never read as
//! "arbeitsunfähig seit", nor the title as either.

use std::ops::Range;
use std::sync::LazyLock;

use super::text::{self, Folded};
use crate::page::{OcrPage, OcrWord};

/// The labels the reader looks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Label {
    /// "Arbeitsunfähigkeitsbescheinigung", the title.
    Title,
    /// "Erstbescheinigung".
    First,
    /// "Folgebescheinigung".
    FollowUp,
    /// "Name, Vorname des Versicherten".
    Name,
    /// "geb. am".
    BirthDate,
    /// "arbeitsunfähig seit".
    From,
    /// "voraussichtlich arbeitsunfähig bis einschließlich".
    Until,
    /// "festgestellt am".
    Issued,
    /// "Diagnose" / "ICD-10": found only to keep its text out of every other field.
    Diagnosis,
}

impl Label {
    /// Whether the value is a date, which may stand on the next line.
    fn takes_date(self) -> bool {
        matches!(
            self,
            Self::BirthDate | Self::From | Self::Until | Self::Issued
        )
    }
}

/// The labels as printed on Muster 1 and similar certificates, several spellings per label.
const LABELS: &[(Label, &str)] = &[
    (Label::Title, "Arbeitsunfähigkeitsbescheinigung"),
    (Label::First, "Erstbescheinigung"),
    (Label::FollowUp, "Folgebescheinigung"),
    (Label::Name, "Name, Vorname des Versicherten"),
    (Label::Name, "Name, Vorname"),
    (Label::BirthDate, "geb. am"),
    (Label::BirthDate, "geboren am"),
    (Label::From, "arbeitsunfähig seit"),
    (
        Label::Until,
        "voraussichtlich arbeitsunfähig bis einschließlich",
    ),
    (Label::Until, "voraussichtlich arbeitsunfähig bis"),
    (Label::Until, "arbeitsunfähig bis"),
    (Label::Issued, "festgestellt am"),
    (Label::Diagnosis, "Diagnose"),
    (Label::Diagnosis, "ICD-10"),
];

/// The folded patterns of [`LABELS`].
static PATTERNS: LazyLock<Vec<(Label, Vec<char>)>> = LazyLock::new(|| {
    LABELS
        .iter()
        .map(|&(label, printed)| (label, text::fold_label(printed)))
        .collect()
});

/// Edits allowed for a pattern of this many characters: one per eight, so short labels such as
/// "gebam" must match exactly and long ones survive a few misread letters.
fn tolerance(pattern_len: usize) -> usize {
    pattern_len / 8
}

/// One OCR line, prepared: its words joined by single spaces, where each word lies in that text,
/// and the folded form.
pub struct Line<'a> {
    /// The words.
    pub words: &'a [OcrWord],
    /// The words joined by single spaces.
    pub raw: String,
    /// Each word's byte range in `raw`.
    pub spans: Vec<Range<usize>>,
    folded: Folded,
}

/// Prepares the page's lines for matching.
pub fn prepare(page: &OcrPage) -> Vec<Line<'_>> {
    page.lines
        .iter()
        .map(|line| {
            let mut raw = String::new();
            let mut spans = Vec::with_capacity(line.words.len());
            for word in &line.words {
                if !raw.is_empty() {
                    raw.push(' ');
                }
                let start = raw.len();
                raw.push_str(&word.text);
                spans.push(start..raw.len());
            }
            let folded = text::fold(&raw);
            Line {
                words: &line.words,
                raw,
                spans,
                folded,
            }
        })
        .collect()
}

/// Text on a line: which line, which bytes of its `raw`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Region {
    /// Index of the line.
    pub line: usize,
    /// Bytes of the line's `raw`.
    pub bytes: Range<usize>,
}

/// A label found, and the text it labels.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hit {
    /// Which label.
    pub label: Label,
    /// Where the label itself stands.
    pub at: Region,
    /// The text it labels (possibly empty).
    pub value: Region,
}

/// Finds every label on every line, in reading order, each with the text it labels.
pub fn find(lines: &[Line<'_>]) -> Vec<Hit> {
    let per_line: Vec<Vec<Hit>> = lines
        .iter()
        .enumerate()
        .map(|(index, line)| find_on_line(index, line))
        .collect();
    let mut hits = Vec::new();
    for (index, line_hits) in per_line.iter().enumerate() {
        for hit in line_hits {
            let mut hit = hit.clone();
            let blank = !lines[index].raw[hit.value.bytes.clone()]
                .chars()
                .any(char::is_alphanumeric);
            let next_is_free = per_line.get(index + 1).is_some_and(Vec::is_empty);
            if hit.label.takes_date() && blank && next_is_free {
                hit.value = Region {
                    line: index + 1,
                    bytes: 0..lines[index + 1].raw.len(),
                };
            }
            hits.push(hit);
        }
    }
    hits
}

/// The labels on one line, each labelling the text up to the next label. Of overlapping matches
/// of one label's spellings the longest is kept (the whole printed label, not a part of it); of
/// overlapping matches of different labels the closest (fewest edits per character, then the
/// longest).
fn find_on_line(index: usize, line: &Line<'_>) -> Vec<Hit> {
    let folded = &line.folded;
    let mut candidates: Vec<(Label, text::Found, usize)> = PATTERNS
        .iter()
        .filter_map(|(label, pattern)| {
            text::find(pattern, &folded.chars, tolerance(pattern.len()))
                .map(|found| (*label, found, pattern.len()))
        })
        .collect();
    let overlap = |a: &text::Found, b: &text::Found| a.start < b.end && b.start < a.end;

    candidates.sort_by(|(_, _, a_len), (_, _, b_len)| b_len.cmp(a_len));
    let mut longest: Vec<(Label, text::Found, usize)> = Vec::new();
    for candidate in candidates {
        let (label, found, _) = &candidate;
        let shadowed = longest
            .iter()
            .any(|(other, kept, _)| other == label && overlap(found, kept));
        if !shadowed {
            longest.push(candidate);
        }
    }

    // Closest first: distance per pattern character, compared without division.
    longest.sort_by(|(_, a, a_len), (_, b, b_len)| {
        (a.distance * b_len)
            .cmp(&(b.distance * a_len))
            .then(b_len.cmp(a_len))
    });
    let mut accepted: Vec<(Label, text::Found)> = Vec::new();
    for (label, found, _) in longest {
        if !accepted.iter().any(|(_, kept)| overlap(&found, kept)) {
            accepted.push((label, found));
        }
    }
    accepted.sort_by_key(|(_, found)| found.start);

    let byte_start = |folded_at: usize| folded.origin[folded_at].start;
    let byte_end = |folded_end: usize| folded.origin[folded_end - 1].end;
    (0..accepted.len())
        .map(|i| {
            let (label, found) = accepted[i];
            let value_end = accepted
                .get(i + 1)
                .map_or(line.raw.len(), |(_, next)| byte_start(next.start));
            Hit {
                label,
                at: Region {
                    line: index,
                    bytes: byte_start(found.start)..byte_end(found.end),
                },
                value: Region {
                    line: index,
                    bytes: byte_end(found.end)..value_end,
                },
            }
        })
        .collect()
}

/// The words (line, word index) that lie in the bytes of a region, in part or whole.
pub fn words_in(lines: &[Line<'_>], region: &Region) -> Vec<(usize, usize)> {
    lines[region.line]
        .spans
        .iter()
        .enumerate()
        .filter(|(_, span)| span.start < region.bytes.end && region.bytes.start < span.end)
        .map(|(word, _)| (region.line, word))
        .collect()
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn labels_of(text: &str) -> Vec<(Label, String)> {
        let page = OcrPage::from_text(text, 90.0);
        let lines = prepare(&page);
        find(&lines)
            .into_iter()
            .map(|hit| {
                let value = lines[hit.value.line].raw[hit.value.bytes].to_owned();
                (hit.label, value)
            })
            .collect()
    }

    #[test]
    fn each_label_labels_the_text_after_it() {
        assert_eq!(
            labels_of("festgestellt am 16.11.2026"),
            [(Label::Issued, " 16.11.2026".to_owned())]
        );
    }

    #[test]
    fn until_is_not_mistaken_for_from_nor_the_title_for_either() {
        let found = labels_of(
            "Arbeitsunfähigkeitsbescheinigung\n\
             voraussichtlich arbeitsunfahig bis einschliesslich 27.11.2026\n\
             arbeitsunfahig seit 16.11.2026",
        );
        let labels: Vec<Label> = found.iter().map(|(label, _)| *label).collect();
        assert_eq!(labels, [Label::Title, Label::Until, Label::From]);
        assert_eq!(found[1].1, " 27.11.2026");
    }

    #[test]
    fn two_labels_on_one_line_split_the_line_between_them() {
        assert_eq!(
            labels_of("arbeitsunfähig seit 16.11.2026 arbeitsunfähig bis 27.11.2026"),
            [
                (Label::From, " 16.11.2026 ".to_owned()),
                (Label::Until, " 27.11.2026".to_owned())
            ]
        );
    }

    #[test]
    fn a_date_may_stand_on_the_next_line_when_that_line_has_no_label() {
        assert_eq!(
            labels_of("arbeitsunfähig seit\n16.11.2026"),
            [(Label::From, "16.11.2026".to_owned())]
        );
        assert_eq!(
            labels_of("arbeitsunfähig seit\nfestgestellt am 16.11.2026")[0],
            (Label::From, String::new())
        );
    }

    #[test]
    fn words_in_a_region_are_those_it_touches() {
        let page = OcrPage::from_text("geb. am 12.04.1985 x", 90.0);
        let lines = prepare(&page);
        let region = Region {
            line: 0,
            bytes: 8..18,
        };
        assert_eq!(words_in(&lines, &region), [(0, 2)]);
    }
}
