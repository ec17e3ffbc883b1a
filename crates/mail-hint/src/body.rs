//! The text body: CRLF line ends and a transfer encoding the relay can carry.
//!
//! Plain ASCII goes as 7bit. Other text goes as 8bit when the relay announced 8BITMIME
//! (RFC 6152), which keeps it readable and small; otherwise, or when a line is longer than SMTP
//! allows (998 octets, RFC 5321 §4.5.3.1.6), as quoted-printable (RFC 2045 §6.7).

/// The longest line SMTP must carry, without CRLF.
const SMTP_LINE_LIMIT: usize = 998;
/// The longest quoted-printable line, without CRLF (RFC 2045 §6.7 rule 5).
const QP_LINE_LIMIT: usize = 76;

/// How the body is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TransferEncoding {
    /// Printable ASCII in short lines.
    SevenBit,
    /// UTF-8 as is; needs `BODY=8BITMIME` on `MAIL FROM`.
    EightBit,
    /// Everything else.
    QuotedPrintable,
}

impl TransferEncoding {
    /// The `Content-Transfer-Encoding` value.
    pub(crate) fn header_value(self) -> &'static str {
        match self {
            TransferEncoding::SevenBit => "7bit",
            TransferEncoding::EightBit => "8bit",
            TransferEncoding::QuotedPrintable => "quoted-printable",
        }
    }

    /// The encoding for `text` given whether the relay supports 8BITMIME.
    pub(crate) fn for_text(text: &str, eight_bit_mime: bool) -> Self {
        let mut ascii = true;
        for line in lines(text) {
            if line.len() > SMTP_LINE_LIMIT || line.chars().any(|c| c.is_control() && c != '\t') {
                return TransferEncoding::QuotedPrintable;
            }
            ascii &= line.is_ascii();
        }
        match (ascii, eight_bit_mime) {
            (true, _) => TransferEncoding::SevenBit,
            (false, true) => TransferEncoding::EightBit,
            (false, false) => TransferEncoding::QuotedPrintable,
        }
    }

    /// `text` in this encoding, every line ended by CRLF.
    pub(crate) fn encode(self, text: &str) -> String {
        let mut out = String::with_capacity(text.len() + text.len() / 8);
        for line in lines(text) {
            match self {
                TransferEncoding::SevenBit | TransferEncoding::EightBit => out.push_str(line),
                TransferEncoding::QuotedPrintable => quoted_printable_line(line, &mut out),
            }
            out.push_str("\r\n");
        }
        out
    }
}

/// The lines of `text`, whichever line ends it uses (CRLF, LF or a lone CR); no empty last
/// line for a text that ends with a line end.
fn lines(text: &str) -> impl Iterator<Item = &str> {
    let text = text
        .strip_suffix("\r\n")
        .or_else(|| text.strip_suffix('\n'))
        .unwrap_or(text);
    text.split('\n').flat_map(|line| {
        line.strip_suffix('\r')
            .unwrap_or(line)
            .split('\r')
            .collect::<Vec<_>>()
    })
}

/// One line as quoted-printable with soft line breaks (`=` CRLF), never splitting an `=XX`
/// triplet; white space at a line's end is encoded, as relays may strip it.
fn quoted_printable_line(line: &str, out: &mut String) {
    let bytes = line.as_bytes();
    let mut line_len = 0;
    for (index, &byte) in bytes.iter().enumerate() {
        let last = index + 1 == bytes.len();
        let literal =
            matches!(byte, b'!'..=b'<' | b'>'..=b'~') || (matches!(byte, b' ' | b'\t') && !last);
        let width = if literal { 1 } else { 3 };
        // Room for the soft break's `=` unless this is the line's last character.
        let room = if last {
            QP_LINE_LIMIT
        } else {
            QP_LINE_LIMIT - 1
        };
        if line_len + width > room {
            out.push_str("=\r\n");
            line_len = 0;
        }
        if literal {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("={byte:02X}"));
        }
        line_len += width;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Decodes quoted-printable as RFC 2045 defines it, to prove the encoder round-trips.
    fn decode_qp(encoded: &str) -> String {
        let mut bytes = Vec::new();
        for line in encoded.split_terminator("\r\n") {
            let (content, soft) = match line.strip_suffix('=') {
                Some(content) => (content, true),
                None => (line, false),
            };
            let raw = content.as_bytes();
            let mut i = 0;
            while i < raw.len() {
                if raw[i] == b'=' {
                    let hex = std::str::from_utf8(&raw[i + 1..i + 3]).expect("hex");
                    bytes.push(u8::from_str_radix(hex, 16).expect("hex"));
                    i += 3;
                } else {
                    bytes.push(raw[i]);
                    i += 1;
                }
            }
            if !soft {
                bytes.extend_from_slice(b"\r\n");
            }
        }
        String::from_utf8(bytes).expect("utf-8")
    }

    #[test]
    fn ascii_text_is_7bit_whatever_the_relay() {
        assert_eq!(
            TransferEncoding::for_text("Hallo\nBitte melden Sie sich an.", false),
            TransferEncoding::SevenBit
        );
    }

    #[test]
    fn utf8_text_is_8bit_only_with_8bitmime() {
        let text = "Sie haben eine neue Nachricht. Öffnen Sie das Portal.";
        assert_eq!(
            TransferEncoding::for_text(text, true),
            TransferEncoding::EightBit
        );
        assert_eq!(
            TransferEncoding::for_text(text, false),
            TransferEncoding::QuotedPrintable
        );
    }

    #[test]
    fn overlong_lines_and_controls_force_quoted_printable() {
        let long = "a".repeat(999);
        assert_eq!(
            TransferEncoding::for_text(&long, true),
            TransferEncoding::QuotedPrintable
        );
        assert_eq!(
            TransferEncoding::for_text("bell \u{7}", true),
            TransferEncoding::QuotedPrintable
        );
    }

    #[test]
    fn any_line_end_becomes_crlf() {
        assert_eq!(
            TransferEncoding::SevenBit.encode("a\nb\r\nc\rd\n"),
            "a\r\nb\r\nc\r\nd\r\n"
        );
        assert_eq!(TransferEncoding::SevenBit.encode(""), "\r\n");
    }

    #[test]
    fn quoted_printable_encodes_umlauts_equals_and_trailing_space() {
        assert_eq!(
            TransferEncoding::QuotedPrintable.encode("Grüße = Hallo \nx\t"),
            "Gr=C3=BC=C3=9Fe =3D Hallo=20\r\nx=09\r\n"
        );
    }

    #[test]
    fn quoted_printable_lines_stay_within_76_characters() {
        let text = "ä".repeat(100) + &"b".repeat(200);
        let encoded = TransferEncoding::QuotedPrintable.encode(&text);
        for line in encoded.split_terminator("\r\n") {
            assert!(line.len() <= QP_LINE_LIMIT, "{} {line}", line.len());
        }
        assert_eq!(decode_qp(&encoded), format!("{text}\r\n"));
    }

    proptest! {
        #[test]
        fn quoted_printable_round_trips(text in "\\PC{0,300}(\n\\PC{0,100}){0,3}") {
            let encoded = TransferEncoding::QuotedPrintable.encode(&text);
            prop_assert!(encoded.is_ascii());
            for line in encoded.split_terminator("\r\n") {
                prop_assert!(line.len() <= QP_LINE_LIMIT);
            }
            let expected = TransferEncoding::EightBit.encode(&text);
            prop_assert_eq!(decode_qp(&encoded), expected);
        }
    }
}
