//! Header fields that survive any relay: 7-bit, folded, non-ASCII text as RFC 2047 encoded
//! words.
//!
//! Subjects are rendered from templates in the applicant's language (German umlauts, Turkish,
//! Arabic, Ukrainian); a relay without SMTPUTF8 must still carry them, so anything that is not
//! plain printable ASCII becomes `=?UTF-8?B?…?=` words. Lines stay within the 78 characters
//! RFC 5322 §2.1.1 recommends, folded at whitespace.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;

/// Recommended maximum line length without CRLF (RFC 5322 §2.1.1).
const LINE_LIMIT: usize = 78;
/// UTF-8 bytes per encoded word: 39 bytes are 52 base64 characters, 64 with `=?UTF-8?B?` and
/// `?=`, which leaves room for the field name on the first line (RFC 2047 allows 75).
const WORD_BYTES: usize = 39;
/// A plain-text word longer than this is encoded, so that no line can exceed the limit.
const LONGEST_PLAIN_WORD: usize = 60;

/// An unstructured field (`Subject`) with CRLF: plain and folded when it is short printable
/// ASCII, otherwise encoded words.
pub(crate) fn unstructured(name: &str, value: &str) -> String {
    let body = if needs_encoding(value) {
        encoded_words(value)
    } else {
        value.split(' ').map(str::to_owned).collect()
    };
    fold(name, &body)
}

/// A `From`-style field: a display name (plain, quoted or encoded) and an ASCII address.
pub(crate) fn mailbox(name: &str, display: Option<&str>, address: &str) -> String {
    let mut words: Vec<String> = match display {
        None => Vec::new(),
        Some(display) if needs_encoding(display) => encoded_words(display),
        Some(display) if display.chars().all(is_atext_or_space) => {
            display.split(' ').map(str::to_owned).collect()
        }
        Some(display) => vec![quoted(display)],
    };
    words.push(format!("<{address}>"));
    fold(name, &words)
}

/// A field whose value the caller has checked to be short printable ASCII without spaces
/// (`Message-ID`, `Date`, `Content-Language`, …).
pub(crate) fn simple(name: &str, value: &str) -> String {
    format!("{name}: {value}\r\n")
}

/// Whether `value` must be sent as encoded words: non-ASCII, controls, something a decoder
/// would mistake for an encoded word, or a word too long to fold.
fn needs_encoding(value: &str) -> bool {
    value.chars().any(|c| !(' '..='~').contains(&c))
        || value.contains("=?")
        || value.split(' ').any(|word| word.len() > LONGEST_PLAIN_WORD)
}

/// `atext` of RFC 5322 §3.2.3 or a space: a display name of these needs no quotes.
fn is_atext_or_space(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == ' ' || "!#$%&'*+-/=?^_`{|}~".contains(c)
}

/// A quoted-string for printable ASCII with specials such as `,` or `.`.
fn quoted(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 2);
    out.push('"');
    for c in value.chars() {
        if c == '"' || c == '\\' {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('"');
    out
}

/// `value` as base64 encoded words of at most [`WORD_BYTES`] bytes each, never splitting a
/// UTF-8 sequence (RFC 2047 §5: each word must decode to whole characters).
fn encoded_words(value: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut start = 0;
    while start < value.len() {
        let mut end = (start + WORD_BYTES).min(value.len());
        while !value.is_char_boundary(end) {
            end -= 1;
        }
        words.push(format!(
            "=?UTF-8?B?{}?=",
            STANDARD.encode(&value.as_bytes()[start..end])
        ));
        start = end;
    }
    if words.is_empty() {
        words.push(String::new());
    }
    words
}

/// `name: w1 w2 …` with CRLF, a line break (folding white space) before a word that would
/// pass [`LINE_LIMIT`]. Between encoded words the space is ignored by decoders (RFC 2047
/// §6.2), so the decoded text is exactly the input.
fn fold(name: &str, words: &[String]) -> String {
    let mut out = format!("{name}:");
    let mut line_len = out.len();
    for word in words {
        // Never before an empty word: a line of only white space is obsolete syntax.
        if line_len + 1 + word.len() > LINE_LIMIT && line_len > name.len() + 1 && !word.is_empty() {
            out.push_str("\r\n");
            line_len = 0;
        }
        out.push(' ');
        out.push_str(word);
        line_len += 1 + word.len();
    }
    out.push_str("\r\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// A minimal decoder for the words this module writes (the tests in `tests/` use the
    /// independent one in testkit).
    fn decode(field: &str) -> String {
        let value = field
            .split_once(':')
            .expect("a field")
            .1
            .trim_end_matches("\r\n");
        let unfolded = value.replace("\r\n", "");
        let words: Vec<&str> = unfolded.split(' ').filter(|w| !w.is_empty()).collect();
        if words.iter().all(|w| w.starts_with("=?UTF-8?B?")) {
            let bytes: Vec<u8> = words
                .iter()
                .flat_map(|w| {
                    let inner = &w["=?UTF-8?B?".len()..w.len() - 2];
                    STANDARD.decode(inner).expect("base64")
                })
                .collect();
            String::from_utf8(bytes).expect("utf-8")
        } else {
            words.join(" ")
        }
    }

    #[test]
    fn ascii_subjects_stay_readable() {
        assert_eq!(
            unstructured("Subject", "Neue Nachricht im Postfach"),
            "Subject: Neue Nachricht im Postfach\r\n"
        );
    }

    #[test]
    fn umlauts_become_utf8_base64_words() {
        let field = unstructured("Subject", "Neue Nachricht für Sie");
        assert_eq!(
            field,
            "Subject: =?UTF-8?B?TmV1ZSBOYWNocmljaHQgZsO8ciBTaWU=?=\r\n"
        );
        assert_eq!(decode(&field), "Neue Nachricht für Sie");
    }

    #[test]
    fn long_non_ascii_subjects_fold_between_whole_characters() {
        let subject = "Yeni mesajınız var: iş merkezi posta kutunuzda yeni bir mesaj bulunmaktadır — لديك رسالة جديدة";
        let field = unstructured("Subject", subject);
        assert!(field.lines().count() > 2);
        for line in field.split("\r\n") {
            assert!(line.len() <= LINE_LIMIT, "{line}");
            assert!(line.is_ascii());
        }
        assert_eq!(decode(&field), subject);
    }

    #[test]
    fn long_ascii_subjects_fold_at_spaces() {
        let subject = "Sie haben eine neue Nachricht in Ihrem Postfach beim Jobcenter, bitte melden Sie sich im Portal an";
        let field = unstructured("Subject", subject);
        assert!(field.contains("\r\n "));
        for line in field.split("\r\n") {
            assert!(line.len() <= LINE_LIMIT, "{line}");
        }
        assert_eq!(decode(&field), subject);
    }

    #[test]
    fn text_that_looks_like_an_encoded_word_is_encoded() {
        let field = unstructured("Subject", "=?UTF-8?B?SGk=?=");
        assert!(field.starts_with("Subject: =?UTF-8?B?PT9VVEYtOD9CP1NHaz0/PQ==?="));
    }

    #[test]
    fn line_breaks_cannot_inject_fields() {
        let field = unstructured("Subject", "Hallo\r\nBcc: x@example.org");
        assert_eq!(field.matches("\r\n").count(), 1);
        assert_eq!(decode(&field), "Hallo\r\nBcc: x@example.org");
    }

    #[test]
    fn display_names_are_plain_quoted_or_encoded() {
        assert_eq!(
            mailbox("From", Some("Jobcenter Musterstadt"), "noreply@example.org"),
            "From: Jobcenter Musterstadt <noreply@example.org>\r\n"
        );
        assert_eq!(
            mailbox(
                "From",
                Some("Jobcenter St. Ingbert, \"Mitte\""),
                "a@example.org"
            ),
            "From: \"Jobcenter St. Ingbert, \\\"Mitte\\\"\" <a@example.org>\r\n"
        );
        assert_eq!(
            mailbox("From", Some("Jobcenter Köln"), "a@example.org"),
            "From: =?UTF-8?B?Sm9iY2VudGVyIEvDtmxu?= <a@example.org>\r\n"
        );
        assert_eq!(
            mailbox("To", None, "a@example.org"),
            "To: <a@example.org>\r\n"
        );
    }

    proptest! {
        #[test]
        fn any_subject_round_trips_in_short_ascii_lines(subject in "\\PC{0,200}") {
            let field = unstructured("Subject", &subject);
            prop_assert!(field.is_ascii());
            prop_assert!(field.ends_with("\r\n"));
            for line in field.trim_end_matches("\r\n").split("\r\n") {
                prop_assert!(line.len() <= LINE_LIMIT);
                prop_assert!(!line.contains(['\r', '\n']));
            }
            let decoded = decode(&field);
            if needs_encoding(&subject) {
                prop_assert_eq!(decoded, subject);
            } else {
                let words: Vec<&str> = subject.split(' ').filter(|w| !w.is_empty()).collect();
                prop_assert_eq!(decoded, words.join(" "));
            }
        }
    }
}
