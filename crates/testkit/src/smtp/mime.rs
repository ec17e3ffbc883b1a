//! Reading received messages: header fields (RFC 5322), encoded words (RFC 2047) and transfer
//! encodings (RFC 2045). Written apart from the sending code, so a test compares two
//! implementations rather than one with itself.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;

/// The header block and the body of a raw message.
fn split(data: &str) -> (&str, &str) {
    match data.find("\r\n\r\n") {
        Some(at) => (&data[..at], &data[at + 4..]),
        None => (data, ""),
    }
}

/// All fields in order, unfolded (a line starting with white space continues the previous
/// field; unfolding removes only the CRLF), values trimmed.
pub(super) fn headers(data: &str) -> Vec<(String, String)> {
    let mut fields: Vec<(String, String)> = Vec::new();
    for line in split(data).0.split("\r\n") {
        if line.starts_with([' ', '\t']) {
            if let Some((_, value)) = fields.last_mut() {
                value.push_str(line);
            }
        } else if let Some((name, value)) = line.split_once(':') {
            fields.push((name.to_owned(), value.to_owned()));
        }
    }
    fields
        .into_iter()
        .map(|(name, value)| (name, value.trim().to_owned()))
        .collect()
}

/// The first field called `name`, case-insensitive.
pub(super) fn header(data: &str, name: &str) -> Option<String> {
    headers(data)
        .into_iter()
        .find(|(field, _)| field.eq_ignore_ascii_case(name))
        .map(|(_, value)| value)
}

/// The body with its transfer encoding undone.
pub(super) fn body(data: &str) -> String {
    let encoding = header(data, "Content-Transfer-Encoding")
        .unwrap_or_default()
        .to_ascii_lowercase();
    let body = split(data).1;
    match encoding.as_str() {
        "quoted-printable" => String::from_utf8_lossy(&decode_quoted_printable(body)).into_owned(),
        "base64" => {
            let compact: String = body.split_ascii_whitespace().collect();
            String::from_utf8_lossy(&STANDARD.decode(compact).unwrap_or_default()).into_owned()
        }
        _ => body.to_owned(),
    }
}

/// Decodes `=?charset?B|Q?text?=` words (UTF-8 and US-ASCII); white space between two adjacent
/// encoded words is dropped (RFC 2047 §6.2); anything else stays as it is.
pub(super) fn decode_words(value: &str) -> String {
    let mut out = String::new();
    let mut rest = value;
    let mut after_word = false;
    while let Some(start) = rest.find("=?") {
        let (before, candidate) = rest.split_at(start);
        match decode_word(candidate) {
            Some((decoded, length)) => {
                if !(after_word && before.chars().all(char::is_whitespace)) {
                    out.push_str(before);
                }
                out.push_str(&decoded);
                rest = &candidate[length..];
                after_word = true;
            }
            None => {
                out.push_str(before);
                out.push_str("=?");
                rest = &candidate[2..];
                after_word = false;
            }
        }
    }
    out.push_str(rest);
    out
}

/// One encoded word at the start of `text`: its decoded text and its length in `text`.
/// Each word must hold whole UTF-8 characters (RFC 2047 §5), so invalid UTF-8 is no word.
fn decode_word(text: &str) -> Option<(String, usize)> {
    let inner = text.strip_prefix("=?")?;
    let (raw_charset, inner) = inner.split_once('?')?;
    let (encoding, inner) = inner.split_once('?')?;
    let end = inner.find("?=")?;
    let payload = &inner[..end];
    if payload.contains(char::is_whitespace) {
        return None;
    }
    // RFC 2231 allows a language after `*`.
    let charset = raw_charset.split('*').next()?.to_ascii_lowercase();
    if !matches!(charset.as_str(), "utf-8" | "us-ascii") {
        return None;
    }
    let bytes = match encoding {
        "B" | "b" => STANDARD.decode(payload).ok()?,
        "Q" | "q" => decode_q(payload)?,
        _ => return None,
    };
    let decoded = String::from_utf8(bytes).ok()?;
    let length = 2 + raw_charset.len() + 1 + encoding.len() + 1 + end + 2;
    Some((decoded, length))
}

/// The Q encoding: `_` is a space, `=XX` a byte.
fn decode_q(payload: &str) -> Option<Vec<u8>> {
    let raw = payload.as_bytes();
    let mut out = Vec::with_capacity(raw.len());
    let mut i = 0;
    while i < raw.len() {
        match raw[i] {
            b'_' => out.push(b' '),
            b'=' => {
                out.push(hex_byte(raw.get(i + 1..i + 3)?)?);
                i += 2;
            }
            byte => out.push(byte),
        }
        i += 1;
    }
    Some(out)
}

/// Quoted-printable (RFC 2045 §6.7): `=XX` bytes, `=` at a line end joins lines, white space
/// at a line end is padding; a malformed `=` is kept literally.
fn decode_quoted_printable(body: &str) -> Vec<u8> {
    let mut out = Vec::with_capacity(body.len());
    for line in body.split_inclusive("\r\n") {
        let (content, hard_break) = match line.strip_suffix("\r\n") {
            Some(content) => (content, true),
            None => (line, false),
        };
        let content = content.trim_end_matches([' ', '\t']);
        let (content, soft) = match content.strip_suffix('=') {
            Some(content) => (content, true),
            None => (content, false),
        };
        let raw = content.as_bytes();
        let mut i = 0;
        while i < raw.len() {
            if raw[i] == b'='
                && let Some(byte) = raw.get(i + 1..i + 3).and_then(hex_byte)
            {
                out.push(byte);
                i += 3;
                continue;
            }
            out.push(raw[i]);
            i += 1;
        }
        if hard_break && !soft {
            out.extend_from_slice(b"\r\n");
        }
    }
    out
}

fn hex_byte(pair: &[u8]) -> Option<u8> {
    let text = std::str::from_utf8(pair).ok()?;
    u8::from_str_radix(text, 16).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    const MESSAGE: &str = "Subject: =?UTF-8?B?TmV1ZSBOYWNocmljaHQgZsO8cg==?=\r\n \
                           =?utf-8?q?_Sie?=\r\nX-Plain: a\r\n\tb\r\n\
                           Content-Transfer-Encoding: quoted-printable\r\n\r\n\
                           Gr=C3=BC=C3=9Fe=20\r\nlange Zei=\r\nle \r\n";

    #[test]
    fn unfolds_and_decodes_headers() {
        assert_eq!(header(MESSAGE, "x-plain").as_deref(), Some("a\tb"));
        let subject = header(MESSAGE, "Subject").expect("subject");
        assert_eq!(decode_words(&subject), "Neue Nachricht für Sie");
    }

    #[test]
    fn undoes_quoted_printable() {
        assert_eq!(body(MESSAGE), "Grüße \r\nlange Zeile\r\n");
    }

    #[test]
    fn leaves_text_that_is_no_encoded_word() {
        assert_eq!(decode_words("a =?x b ?= c"), "a =?x b ?= c");
        assert_eq!(decode_words("=?iso-8859-1?Q?a?="), "=?iso-8859-1?Q?a?=");
        assert_eq!(decode_words("x =?UTF-8?Q?a?= y"), "x a y");
    }
}
