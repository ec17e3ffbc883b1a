//! The hint as an RFC 5322 message: checked fields, fixed headers, an encoded body.

use chrono::{DateTime, Utc};

use crate::address::ascii_form;
use crate::body::TransferEncoding;
use crate::error::MailError;
use crate::header;

/// Longest subject accepted, in characters; a hint's subject is one short sentence.
const MAX_SUBJECT_CHARS: usize = 200;
/// Longest text accepted, in bytes; a hint is a few lines and a link.
const MAX_TEXT_BYTES: usize = 16 * 1024;
/// Longest `Message-ID`, brackets included.
const MAX_MESSAGE_ID_LEN: usize = 250;
/// Longest language tag (BCP 47 tags in practice stay far below).
const MAX_LANGUAGE_LEN: usize = 35;

/// One e-mail hint, rendered by the caller from a template without personal data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HintMail {
    /// The recipient's address (checked with [`crate::check_address`]).
    pub to: String,
    /// The fixed RFC 5322 Message-ID with angle brackets, e.g.
    /// `<0b7c…@notification.jobcenter>`: the same for every attempt, so a receiver can drop a
    /// copy re-sent after a crash.
    pub message_id: String,
    /// The subject line, one line of text (any language; encoded as needed).
    pub subject: String,
    /// The plain text body.
    pub text: String,
    /// The language of subject and text (BCP 47, e.g. `de`, `tr`, `uk`): `Content-Language`.
    pub language: String,
}

/// A checked mail: the recipient in its ASCII form, ready to render.
#[derive(Debug)]
pub(crate) struct CheckedMail<'a> {
    pub(crate) recipient: String,
    mail: &'a HintMail,
}

/// The sender mailbox parsed from the `from` setting.
#[derive(Debug, Clone)]
pub(crate) struct Sender {
    display: Option<String>,
    pub(crate) address: String,
}

impl Sender {
    /// Parses `Display Name <address>` or a bare address; the name may be quoted.
    pub(crate) fn parse(from: &str) -> Result<Self, MailError> {
        let from = from.trim();
        let (display, address) = match from.rsplit_once('<') {
            Some((display, rest)) => {
                let address = rest.strip_suffix('>').ok_or_else(|| {
                    MailError::invalid("from", "expected `Name <address>` or an address")
                })?;
                let display = display.trim();
                let display = display
                    .strip_prefix('"')
                    .and_then(|d| d.strip_suffix('"'))
                    .unwrap_or(display);
                (Some(display).filter(|d| !d.is_empty()), address)
            }
            None => (None, from),
        };
        if display.is_some_and(|d| d.chars().any(char::is_control)) {
            return Err(MailError::invalid(
                "from",
                "the display name contains control characters",
            ));
        }
        let address =
            ascii_form(address).map_err(|error| MailError::invalid("from", error.to_string()))?;
        Ok(Self {
            display: display.map(str::to_owned),
            address,
        })
    }
}

impl HintMail {
    /// Checks every field; the reasons never repeat the recipient's address.
    pub(crate) fn check(&self) -> Result<CheckedMail<'_>, MailError> {
        let recipient =
            ascii_form(&self.to).map_err(|error| MailError::invalid("to", error.to_string()))?;
        check_message_id(&self.message_id)?;
        if self.subject.chars().any(char::is_control) {
            return Err(MailError::invalid(
                "subject",
                "contains line breaks or control characters",
            ));
        }
        if self.subject.chars().count() > MAX_SUBJECT_CHARS {
            return Err(MailError::invalid("subject", "longer than 200 characters"));
        }
        if self.text.len() > MAX_TEXT_BYTES {
            return Err(MailError::invalid("text", "longer than 16 KiB"));
        }
        if self.text.contains('\0') {
            return Err(MailError::invalid("text", "contains a NUL character"));
        }
        check_language(&self.language)?;
        Ok(CheckedMail {
            recipient,
            mail: self,
        })
    }
}

impl CheckedMail<'_> {
    /// The body's encoding when the relay does or does not support 8BITMIME.
    pub(crate) fn transfer_encoding(&self, eight_bit_mime: bool) -> TransferEncoding {
        TransferEncoding::for_text(&self.mail.text, eight_bit_mime)
    }

    /// The whole message, CRLF line ends, ready for DATA (before dot-stuffing).
    pub(crate) fn render(
        &self,
        sender: &Sender,
        date: DateTime<Utc>,
        encoding: TransferEncoding,
    ) -> String {
        let mail = self.mail;
        let mut out = String::with_capacity(1024 + mail.text.len() * 2);
        out.push_str(&header::simple("Date", &date.to_rfc2822()));
        out.push_str(&header::mailbox(
            "From",
            sender.display.as_deref(),
            &sender.address,
        ));
        out.push_str(&header::mailbox("To", None, &self.recipient));
        out.push_str(&header::unstructured("Subject", &mail.subject));
        out.push_str(&header::simple("Message-ID", &mail.message_id));
        out.push_str(&header::simple("MIME-Version", "1.0"));
        out.push_str(&header::simple("Content-Type", "text/plain; charset=utf-8"));
        out.push_str(&header::simple(
            "Content-Transfer-Encoding",
            encoding.header_value(),
        ));
        out.push_str(&header::simple("Content-Language", &mail.language));
        // RFC 3834: no vacation or out-of-office replies to a no-reply sender; the second
        // field says the same to Microsoft Exchange, which ignores the first.
        out.push_str(&header::simple("Auto-Submitted", "auto-generated"));
        out.push_str(&header::simple("X-Auto-Response-Suppress", "All"));
        out.push_str("\r\n");
        out.push_str(&encoding.encode(&mail.text));
        out
    }
}

/// `<left@right>`: printable ASCII, no spaces or brackets inside, one `@`.
fn check_message_id(id: &str) -> Result<(), MailError> {
    let inner = id
        .strip_prefix('<')
        .and_then(|rest| rest.strip_suffix('>'))
        .ok_or_else(|| MailError::invalid("message_id", "expected `<left@right>`"))?;
    let printable = inner
        .chars()
        .all(|c| c.is_ascii_graphic() && !matches!(c, '<' | '>' | '"' | '\\'));
    let one_at = inner
        .split_once('@')
        .is_some_and(|(left, right)| !left.is_empty() && !right.is_empty() && !right.contains('@'));
    if printable && one_at && id.len() <= MAX_MESSAGE_ID_LEN {
        Ok(())
    } else {
        Err(MailError::invalid(
            "message_id",
            "expected `<left@right>` of printable ASCII without spaces",
        ))
    }
}

/// A BCP 47 shape: letters first, then letters, digits and inner hyphens.
fn check_language(tag: &str) -> Result<(), MailError> {
    let ok = !tag.is_empty()
        && tag.len() <= MAX_LANGUAGE_LEN
        && tag
            .split('-')
            .all(|part| !part.is_empty() && part.chars().all(|c| c.is_ascii_alphanumeric()))
        && tag.starts_with(|c: char| c.is_ascii_alphabetic());
    if ok {
        Ok(())
    } else {
        Err(MailError::invalid(
            "language",
            "not a language tag such as `de` or `pt-BR`",
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mail() -> HintMail {
        HintMail {
            to: "anna@example.org".to_owned(),
            message_id: "<7d1e2f60-1c44-5d8a-9e1b-0d8e3f1a2b3c@notification.jobcenter>".to_owned(),
            subject: "Neue Nachricht in Ihrem Postfach".to_owned(),
            text: "Guten Tag,\n\nSie haben eine neue Nachricht.\nhttps://portal.example.org/postfach\n"
                .to_owned(),
            language: "de".to_owned(),
        }
    }

    fn invalid_field(result: Result<CheckedMail<'_>, MailError>) -> &'static str {
        match result {
            Err(MailError::Invalid { field, .. }) => field,
            other => panic!("expected Invalid, got {other:?}"),
        }
    }

    #[test]
    fn renders_every_required_header_in_order() {
        let mail = mail();
        let checked = mail.check().expect("valid");
        let sender =
            Sender::parse("Jobcenter Musterstadt <noreply@jobcenter.example>").expect("from");
        let date = DateTime::parse_from_rfc3339("2025-03-04T05:06:07Z")
            .expect("date")
            .with_timezone(&Utc);
        let message = checked.render(&sender, date, checked.transfer_encoding(true));
        assert_eq!(
            message,
            "Date: Tue, 4 Mar 2025 05:06:07 +0000\r\n\
             From: Jobcenter Musterstadt <noreply@jobcenter.example>\r\n\
             To: <anna@example.org>\r\n\
             Subject: Neue Nachricht in Ihrem Postfach\r\n\
             Message-ID: <7d1e2f60-1c44-5d8a-9e1b-0d8e3f1a2b3c@notification.jobcenter>\r\n\
             MIME-Version: 1.0\r\n\
             Content-Type: text/plain; charset=utf-8\r\n\
             Content-Transfer-Encoding: 7bit\r\n\
             Content-Language: de\r\n\
             Auto-Submitted: auto-generated\r\n\
             X-Auto-Response-Suppress: All\r\n\
             \r\n\
             Guten Tag,\r\n\r\nSie haben eine neue Nachricht.\r\nhttps://portal.example.org/postfach\r\n"
        );
    }

    #[test]
    fn the_recipient_domain_is_sent_in_ascii() {
        let mut mail = mail();
        mail.to = "anna@bäckerei.de".to_owned();
        let checked = mail.check().expect("valid");
        assert_eq!(checked.recipient, "anna@xn--bckerei-5wa.de");
    }

    #[test]
    fn refuses_bad_fields_without_repeating_the_address() {
        let mut bad = mail();
        bad.to = "anna schmidt@example.org".to_owned();
        let error = bad.check().expect_err("invalid");
        assert!(!error.to_string().contains("anna"), "{error}");
        assert_eq!(invalid_field(Err(error)), "to");

        for id in ["7d1e@x", "<7d1e>", "<a b@x>", "<a@b@c>", "<@x>", "<a@>"] {
            let mut bad = mail();
            bad.message_id = id.to_owned();
            assert_eq!(invalid_field(bad.check()), "message_id", "{id}");
        }
        let mut bad = mail();
        bad.subject = "Hallo\r\nBcc: x@example.org".to_owned();
        assert_eq!(invalid_field(bad.check()), "subject");
        let mut bad = mail();
        bad.subject = "x".repeat(201);
        assert_eq!(invalid_field(bad.check()), "subject");
        let mut bad = mail();
        bad.text = "a\0b".to_owned();
        assert_eq!(invalid_field(bad.check()), "text");
        for tag in ["", "de_DE", "-de", "de-", "d e", "1de"] {
            let mut bad = mail();
            bad.language = tag.to_owned();
            assert_eq!(invalid_field(bad.check()), "language", "{tag:?}");
        }
    }

    #[test]
    fn language_tags_with_regions_and_scripts_pass() {
        for tag in ["de", "tr", "uk", "pt-BR", "sr-Latn-RS"] {
            let mut ok = mail();
            ok.language = tag.to_owned();
            assert!(ok.check().is_ok(), "{tag}");
        }
    }

    #[test]
    fn sender_forms() {
        let plain = Sender::parse("noreply@jobcenter.example").expect("bare");
        assert_eq!(plain.display, None);
        assert_eq!(plain.address, "noreply@jobcenter.example");
        let quoted =
            Sender::parse("\"Jobcenter Köln\" <noreply@jobcenter.example>").expect("quoted");
        assert_eq!(quoted.display.as_deref(), Some("Jobcenter Köln"));
        for bad in [
            "Jobcenter <noreply>",
            "Jobcenter <noreply@jobcenter.example",
            "",
            "Job\ncenter <a@b.de>",
        ] {
            assert!(
                matches!(
                    Sender::parse(bad),
                    Err(MailError::Invalid { field: "from", .. })
                ),
                "{bad:?}"
            );
        }
    }
}
