//! SMTP replies (RFC 5321 §4.2): a three-digit code and one or more lines, all but the last
//! with a hyphen after the code.

/// Most lines a reply may have before we call the relay broken.
const MAX_LINES: usize = 100;

/// A complete reply.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Reply {
    pub(crate) code: u16,
    /// The text of every line, without code and separator.
    pub(crate) lines: Vec<String>,
}

impl Reply {
    /// Whether the code is 2xx.
    pub(crate) fn is_positive(&self) -> bool {
        (200..300).contains(&self.code)
    }

    /// The code and, when present, the enhanced status code (RFC 3463), e.g. `550 5.1.1`:
    /// what a failure reason may say. The rest of the text is left out because relays echo
    /// addresses there.
    pub(crate) fn summary(&self) -> String {
        match self.lines.first().and_then(|line| enhanced_status(line)) {
            Some(enhanced) => format!("{} {enhanced}", self.code),
            None => self.code.to_string(),
        }
    }

    /// The EHLO keywords (every line but the greeting), upper-cased, with their parameters.
    pub(crate) fn extensions(&self) -> Extensions {
        Extensions(
            self.lines
                .iter()
                .skip(1)
                .map(|line| line.to_ascii_uppercase())
                .collect(),
        )
    }
}

/// What the relay announced in its EHLO reply.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Extensions(Vec<String>);

impl Extensions {
    /// Whether the keyword (upper case) is announced.
    pub(crate) fn has(&self, keyword: &str) -> bool {
        self.0
            .iter()
            .any(|line| line.split_ascii_whitespace().next() == Some(keyword))
    }

    /// Whether AUTH lists the mechanism (upper case).
    pub(crate) fn has_auth(&self, mechanism: &str) -> bool {
        self.0.iter().any(|line| {
            let mut words = line.split_ascii_whitespace();
            words.next() == Some("AUTH") && words.any(|word| word == mechanism)
        })
    }
}

/// A reply line that breaks the grammar.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(crate) enum ReplyError {
    #[error("malformed reply line")]
    Malformed,
    #[error("reply lines with different codes")]
    MixedCodes,
    #[error("reply with too many lines")]
    TooLong,
}

/// Collects the lines of one reply.
#[derive(Debug, Default)]
pub(crate) struct ReplyParser {
    code: Option<u16>,
    lines: Vec<String>,
}

impl ReplyParser {
    /// Takes one line (without CRLF); returns the reply when it was the last line.
    pub(crate) fn push(&mut self, line: &str) -> Result<Option<Reply>, ReplyError> {
        let (code, last, text) = parse_line(line)?;
        if self.code.is_some_and(|first| first != code) {
            return Err(ReplyError::MixedCodes);
        }
        if self.lines.len() >= MAX_LINES {
            return Err(ReplyError::TooLong);
        }
        self.code = Some(code);
        self.lines.push(text.to_owned());
        if last {
            let lines = std::mem::take(&mut self.lines);
            self.code = None;
            Ok(Some(Reply { code, lines }))
        } else {
            Ok(None)
        }
    }
}

/// `250-text`, `250 text` or a bare `250`: the code, whether it is the last line, the text.
fn parse_line(line: &str) -> Result<(u16, bool, &str), ReplyError> {
    let bytes = line.as_bytes();
    let digits_ok = bytes.len() >= 3
        && (b'2'..=b'5').contains(&bytes[0])
        && (b'0'..=b'5').contains(&bytes[1])
        && bytes[2].is_ascii_digit();
    if !digits_ok {
        return Err(ReplyError::Malformed);
    }
    let code = u16::from(bytes[0] - b'0') * 100
        + u16::from(bytes[1] - b'0') * 10
        + u16::from(bytes[2] - b'0');
    match bytes.get(3) {
        None => Ok((code, true, "")),
        Some(b' ') => Ok((code, true, &line[4..])),
        Some(b'-') => Ok((code, false, &line[4..])),
        Some(_) => Err(ReplyError::Malformed),
    }
}

/// An RFC 3463 status code at the start of `text` (`class.subject.detail`).
fn enhanced_status(text: &str) -> Option<&str> {
    let candidate = text.split_ascii_whitespace().next()?;
    let mut parts = candidate.split('.');
    let class = parts.next()?;
    let subject = parts.next()?;
    let detail = parts.next()?;
    let numeric = |part: &str, max: usize| {
        !part.is_empty() && part.len() <= max && part.bytes().all(|b| b.is_ascii_digit())
    };
    (parts.next().is_none()
        && matches!(class, "2" | "4" | "5")
        && numeric(subject, 3)
        && numeric(detail, 3))
    .then_some(candidate)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(lines: &[&str]) -> Result<Vec<Reply>, ReplyError> {
        let mut parser = ReplyParser::default();
        let mut replies = Vec::new();
        for line in lines {
            if let Some(reply) = parser.push(line)? {
                replies.push(reply);
            }
        }
        Ok(replies)
    }

    #[test]
    fn single_and_multi_line_replies() {
        let replies = parse(&[
            "220 relay.example ESMTP",
            "250-relay.example greets you",
            "250-8BITMIME",
            "250-AUTH LOGIN PLAIN",
            "250 STARTTLS",
            "354",
        ])
        .expect("valid");
        assert_eq!(replies.len(), 3);
        assert_eq!(replies[0].code, 220);
        assert_eq!(replies[1].lines.len(), 4);
        assert_eq!(replies[2].code, 354);
        let extensions = replies[1].extensions();
        assert!(extensions.has("8BITMIME"));
        assert!(extensions.has("STARTTLS"));
        assert!(!extensions.has("SMTPUTF8"));
        assert!(extensions.has_auth("PLAIN"));
        assert!(!extensions.has_auth("CRAM-MD5"));
    }

    #[test]
    fn extension_keywords_are_case_insensitive() {
        let reply = parse(&["250-hi", "250 starttls"]).expect("valid").remove(0);
        assert!(reply.extensions().has("STARTTLS"));
    }

    #[test]
    fn broken_lines_are_refused() {
        for line in ["", "25", "abc hello", "2500 x", "250x", "650 x", "199 x"] {
            assert_eq!(parse(&[line]), Err(ReplyError::Malformed), "{line:?}");
        }
        assert_eq!(parse(&["250-a", "251 b"]), Err(ReplyError::MixedCodes));
        let endless: Vec<&str> = std::iter::repeat_n("250-x", MAX_LINES + 1).collect();
        assert_eq!(parse(&endless), Err(ReplyError::TooLong));
    }

    #[test]
    fn summaries_keep_codes_and_drop_text_that_may_hold_an_address() {
        let reply = parse(&["550 5.1.1 <anna@example.org>: Recipient address rejected"])
            .expect("valid")
            .remove(0);
        assert_eq!(reply.summary(), "550 5.1.1");
        let plain = parse(&["451 anna@example.org try later"])
            .expect("valid")
            .remove(0);
        assert_eq!(plain.summary(), "451");
        let no_text = parse(&["421"]).expect("valid").remove(0);
        assert_eq!(no_text.summary(), "421");
    }
}
