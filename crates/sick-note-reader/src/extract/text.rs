//! Text matching that survives OCR noise: folding and approximate search.
//!
//! OCR loses umlauts ("arbeitsunfahig"), spaces and punctuation, changes case and misreads single
//! letters. Labels are therefore compared on a folded form (lower case, umlauts to their base
//! letter, ß to "ss", only letters and digits) with a small edit distance allowed, found anywhere
//! in the folded line (Sellers' approximate substring search).

use std::ops::Range;

/// A line's folded form, each folded character remembering the bytes of the raw text it came
/// from, so a match in the folded form can be cut out of the raw text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Folded {
    /// The folded characters: `a`–`z` and `0`–`9`.
    pub chars: Vec<char>,
    /// For each folded character, the byte range of its raw character.
    pub origin: Vec<Range<usize>>,
}

/// Folds text for label matching.
pub fn fold(raw: &str) -> Folded {
    let mut chars = Vec::with_capacity(raw.len());
    let mut origin = Vec::with_capacity(raw.len());
    for (at, c) in raw.char_indices() {
        let range = at..at + c.len_utf8();
        for lower in c.to_lowercase() {
            let folded: &[char] = match lower {
                'ä' | 'à' | 'á' | 'â' => &['a'],
                'ö' | 'ò' | 'ó' | 'ô' => &['o'],
                'ü' | 'ù' | 'ú' | 'û' => &['u'],
                'é' | 'è' | 'ê' => &['e'],
                'ß' => &['s', 's'],
                c if c.is_ascii_alphanumeric() => std::slice::from_ref(&lower),
                _ => &[],
            };
            for &f in folded {
                chars.push(f);
                origin.push(range.clone());
            }
        }
    }
    Folded { chars, origin }
}

/// Folds a label written in plain words ("arbeitsunfähig seit") to its pattern.
pub fn fold_label(label: &str) -> Vec<char> {
    fold(label).chars
}

/// Where a pattern was found approximately.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Found {
    /// Edits (substitutions, insertions, deletions) between the pattern and the text found.
    pub distance: usize,
    /// First folded character of the occurrence.
    pub start: usize,
    /// One past its last folded character.
    pub end: usize,
}

/// The occurrence of `pattern` in `text` with the fewest edits, at most `max_distance`; of equally
/// good ones the one ending first (so a value right after a label is not taken into the label).
pub fn find(pattern: &[char], text: &[char], max_distance: usize) -> Option<Found> {
    if pattern.is_empty() || text.is_empty() {
        return None;
    }
    // cost[j]: fewest edits aligning the pattern so far with text ending at j; the occurrence may
    // start anywhere, so row 0 is all zeros. start[j]: where that alignment starts.
    let n = text.len();
    let mut cost: Vec<usize> = vec![0; n + 1];
    let mut start: Vec<usize> = (0..=n).collect();
    for (i, &p) in pattern.iter().enumerate() {
        let mut next_cost = vec![i + 1; n + 1];
        let mut next_start = vec![0; n + 1];
        for j in 1..=n {
            let substitute = cost[j - 1] + usize::from(text[j - 1] != p);
            let skip_pattern = cost[j] + 1;
            let skip_text = next_cost[j - 1] + 1;
            (next_cost[j], next_start[j]) = if substitute <= skip_pattern && substitute <= skip_text
            {
                (substitute, start[j - 1])
            } else if skip_pattern <= skip_text {
                (skip_pattern, start[j])
            } else {
                (skip_text, next_start[j - 1])
            };
        }
        cost = next_cost;
        start = next_start;
    }
    (1..=n)
        .filter(|&j| cost[j] <= max_distance && start[j] < j)
        .min_by_key(|&j| (cost[j], j))
        .map(|j| Found {
            distance: cost[j],
            start: start[j],
            end: j,
        })
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn chars(s: &str) -> Vec<char> {
        s.chars().collect()
    }

    #[test]
    fn folding_drops_case_umlauts_spaces_and_punctuation() {
        assert_eq!(
            fold("Arbeitsunfähig  SEIT:").chars,
            chars("arbeitsunfahigseit")
        );
        assert_eq!(fold("einschließlich").chars, chars("einschliesslich"));
        let folded = fold("ä b");
        assert_eq!(
            folded.origin,
            vec![0..2, 3..4],
            "byte ranges of the raw text"
        );
    }

    #[test]
    fn exact_occurrence_is_found_with_its_position() {
        let text = chars("gebam12041985");
        assert_eq!(
            find(&chars("gebam"), &text, 0),
            Some(Found {
                distance: 0,
                start: 0,
                end: 5
            })
        );
    }

    #[test]
    fn occurrence_with_few_edits_is_found_and_too_many_are_not() {
        let text = chars("xxarbeitsunfaehigseit16");
        let found = find(&chars("arbeitsunfahigseit"), &text, 2).unwrap();
        assert_eq!((found.distance, found.start, found.end), (1, 2, 21));
        assert_eq!(find(&chars("festgestelltam"), &chars("gebam"), 2), None);
    }

    #[test]
    fn of_equal_matches_the_one_ending_first_is_taken() {
        // "festgestellta" + "16": dropping the "m" or reading "1" as "m" cost the same.
        let found = find(&chars("festgestelltam"), &chars("festgestellta16"), 1).unwrap();
        assert_eq!(found.end, 13);
    }
}
