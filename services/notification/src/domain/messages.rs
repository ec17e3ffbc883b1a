//! The messages applicants write and caseworkers' replies, checked before anything is read or
//! recorded: every invalid field is named with its path (`attachment_document_ids[2]`), so the
//! API answers INVALID_ARGUMENT with all of them at once and records nothing.
//!
//! What the checks cannot see here (the case is the applicant's own, each attachment is filed
//! on that case, the message answered is theirs) is checked by the command path against the
//! read models.

use platform::FieldViolation;
use uuid::Uuid;

/// The longest subject line, in characters.
pub const MAX_SUBJECT_CHARS: usize = 200;
/// The longest text, in characters.
pub const MAX_BODY_CHARS: usize = 10_000;
/// The most attachments of one message.
pub const MAX_ATTACHMENTS: usize = 10;

/// A message an applicant wants to send, as the request gives it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SendRequest<'a> {
    /// Client-chosen UUID (idempotency key).
    pub request_id: &'a str,
    /// The case (UUID), or empty for the applicant's own one.
    pub case_id: &'a str,
    /// Subject line.
    pub subject: &'a str,
    /// Text.
    pub body: &'a str,
    /// E-Akte documents (UUIDs).
    pub attachment_document_ids: &'a [String],
    /// The jobcenter's message it answers (UUID), or empty.
    pub in_reply_to: &'a str,
}

/// A message an applicant may send, its fields well formed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewMessage {
    /// The client's idempotency key.
    pub request_id: Uuid,
    /// The case named, if any.
    pub case_id: Option<Uuid>,
    /// Subject line, trimmed.
    pub subject: String,
    /// Text, with its outer blank space trimmed.
    pub body: String,
    /// Attached documents, in the order given.
    pub attachments: Vec<Uuid>,
    /// The message it answers.
    pub in_reply_to: Option<Uuid>,
}

/// A caseworker's reply, as the request gives it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReplyRequest<'a> {
    /// Client-chosen UUID (idempotency key).
    pub request_id: &'a str,
    /// The applicant's message answered (UUID).
    pub message_id: &'a str,
    /// Text.
    pub body: &'a str,
}

/// A reply a caseworker may send, its fields well formed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewReply {
    /// The client's idempotency key.
    pub request_id: Uuid,
    /// The applicant's message answered.
    pub in_reply_to: Uuid,
    /// Text, with its outer blank space trimmed.
    pub body: String,
}

/// Checks a message an applicant wants to send.
pub fn check_send(request: SendRequest<'_>) -> Result<NewMessage, Vec<FieldViolation>> {
    let mut violations = Vec::new();
    let request_id = required_uuid(request.request_id, "request_id", &mut violations);
    let case_id = optional_uuid(request.case_id, "case_id", &mut violations);
    let subject = subject(request.subject, &mut violations);
    let body = body(request.body, &mut violations);
    let in_reply_to = optional_uuid(request.in_reply_to, "in_reply_to", &mut violations);
    let attachments = request.attachment_document_ids;
    if attachments.len() > MAX_ATTACHMENTS {
        violations.push(FieldViolation::new(
            "attachment_document_ids",
            format!("at most {MAX_ATTACHMENTS} attachments"),
        ));
    }
    let mut ids = Vec::with_capacity(attachments.len());
    for (index, id) in attachments.iter().enumerate() {
        let field = format!("attachment_document_ids[{index}]");
        match Uuid::parse_str(id) {
            Ok(id) if ids.contains(&id) => {
                violations.push(FieldViolation::new(field, "is attached twice"));
            }
            Ok(id) => ids.push(id),
            Err(_) => violations.push(FieldViolation::new(field, "must be a UUID")),
        }
    }
    match (request_id, subject, body) {
        (Some(request_id), Some(subject), Some(body)) if violations.is_empty() => Ok(NewMessage {
            request_id,
            case_id: case_id.flatten(),
            subject,
            body,
            attachments: ids,
            in_reply_to: in_reply_to.flatten(),
        }),
        _ => Err(violations),
    }
}

/// Checks a caseworker's reply.
pub fn check_reply(request: ReplyRequest<'_>) -> Result<NewReply, Vec<FieldViolation>> {
    let mut violations = Vec::new();
    let request_id = required_uuid(request.request_id, "request_id", &mut violations);
    let in_reply_to = required_uuid(request.message_id, "message_id", &mut violations);
    let body = body(request.body, &mut violations);
    match (request_id, in_reply_to, body) {
        (Some(request_id), Some(in_reply_to), Some(body)) if violations.is_empty() => {
            Ok(NewReply {
                request_id,
                in_reply_to,
                body,
            })
        }
        _ => Err(violations),
    }
}

fn required_uuid(value: &str, field: &str, violations: &mut Vec<FieldViolation>) -> Option<Uuid> {
    match Uuid::parse_str(value) {
        Ok(id) => Some(id),
        Err(_) => {
            violations.push(FieldViolation::new(field, "must be a UUID"));
            None
        }
    }
}

/// `Some(None)` for an empty field, `Some(Some(id))` for a UUID, `None` after a violation.
fn optional_uuid(
    value: &str,
    field: &str,
    violations: &mut Vec<FieldViolation>,
) -> Option<Option<Uuid>> {
    if value.is_empty() {
        return Some(None);
    }
    required_uuid(value, field, violations).map(Some)
}

/// A subject line: one line of 1 to [`MAX_SUBJECT_CHARS`] characters once trimmed.
fn subject(value: &str, violations: &mut Vec<FieldViolation>) -> Option<String> {
    let trimmed = value.trim();
    let length = trimmed.chars().count();
    let problem = if length == 0 {
        Some("is required".to_owned())
    } else if length > MAX_SUBJECT_CHARS {
        Some(format!("must be at most {MAX_SUBJECT_CHARS} characters"))
    } else if trimmed.chars().any(char::is_control) {
        Some("must be one line without control characters".to_owned())
    } else {
        None
    };
    match problem {
        Some(problem) => {
            violations.push(FieldViolation::new("subject", problem));
            None
        }
        None => Some(trimmed.to_owned()),
    }
}

/// A text: 1 to [`MAX_BODY_CHARS`] characters once trimmed; line breaks and tabs are text,
/// other control characters are not.
fn body(value: &str, violations: &mut Vec<FieldViolation>) -> Option<String> {
    let trimmed = value.trim();
    let length = trimmed.chars().count();
    let problem = if length == 0 {
        Some("is required".to_owned())
    } else if length > MAX_BODY_CHARS {
        Some(format!("must be at most {MAX_BODY_CHARS} characters"))
    } else if trimmed
        .chars()
        .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
    {
        Some("must not contain control characters".to_owned())
    } else {
        None
    };
    match problem {
        Some(problem) => {
            violations.push(FieldViolation::new("body", problem));
            None
        }
        None => Some(trimmed.to_owned()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn send<'a>(attachments: &'a [String]) -> SendRequest<'a> {
        SendRequest {
            request_id: "6f1c2a4e-0d7b-4c59-9a11-3b8e5f0c2d71",
            case_id: "",
            subject: " Frage zum Bescheid ",
            body: "Guten Tag,\nich habe eine Frage.\n",
            attachment_document_ids: attachments,
            in_reply_to: "",
        }
    }

    fn fields(violations: &[FieldViolation]) -> Vec<&str> {
        violations.iter().map(|v| v.field.as_str()).collect()
    }

    #[test]
    fn a_well_formed_message_is_trimmed_and_kept_in_order() {
        let ids = [
            Uuid::from_u128(2).to_string(),
            Uuid::from_u128(1).to_string(),
        ];
        let message = check_send(send(&ids)).expect("valid");
        assert_eq!(message.subject, "Frage zum Bescheid");
        assert_eq!(message.body, "Guten Tag,\nich habe eine Frage.");
        assert_eq!(
            message.attachments,
            [Uuid::from_u128(2), Uuid::from_u128(1)]
        );
        assert_eq!(message.case_id, None);
        assert_eq!(message.in_reply_to, None);
    }

    #[test]
    fn every_bad_field_is_named_with_its_path() {
        let ids = vec![
            Uuid::from_u128(1).to_string(),
            "nope".to_owned(),
            Uuid::from_u128(1).to_string(),
        ];
        let request = SendRequest {
            request_id: "x",
            case_id: "y",
            subject: "   ",
            body: "",
            in_reply_to: "z",
            ..send(&ids)
        };
        let violations = check_send(request).expect_err("invalid");
        assert_eq!(
            fields(&violations),
            [
                "request_id",
                "case_id",
                "subject",
                "body",
                "in_reply_to",
                "attachment_document_ids[1]",
                "attachment_document_ids[2]",
            ]
        );
    }

    #[test]
    fn limits_are_characters_not_bytes() {
        let at_limit = "ä".repeat(MAX_SUBJECT_CHARS);
        assert!(
            check_send(SendRequest {
                subject: &at_limit,
                ..send(&[])
            })
            .is_ok()
        );
        let over = "a".repeat(MAX_SUBJECT_CHARS + 1);
        let violations = check_send(SendRequest {
            subject: &over,
            ..send(&[])
        })
        .expect_err("too long");
        assert_eq!(fields(&violations), ["subject"]);
        let long_body = "ü".repeat(MAX_BODY_CHARS + 1);
        assert!(
            check_send(SendRequest {
                body: &long_body,
                ..send(&[])
            })
            .is_err()
        );
        assert!(
            check_send(SendRequest {
                subject: "Zeile\nzwei",
                ..send(&[])
            })
            .is_err()
        );
    }

    #[test]
    fn at_most_ten_attachments() {
        let ids: Vec<String> = (0..=MAX_ATTACHMENTS as u128)
            .map(|i| Uuid::from_u128(i + 1).to_string())
            .collect();
        let violations = check_send(send(&ids)).expect_err("too many");
        assert_eq!(fields(&violations), ["attachment_document_ids"]);
        assert!(check_send(send(&ids[..MAX_ATTACHMENTS])).is_ok());
    }

    #[test]
    fn a_reply_needs_its_ids_and_a_text() {
        let reply = check_reply(ReplyRequest {
            request_id: &Uuid::from_u128(1).to_string(),
            message_id: &Uuid::from_u128(2).to_string(),
            body: " Danke, erledigt. ",
        })
        .expect("valid");
        assert_eq!(reply.body, "Danke, erledigt.");
        let violations = check_reply(ReplyRequest {
            request_id: "",
            message_id: "m",
            body: "\u{0}",
        })
        .expect_err("invalid");
        assert_eq!(fields(&violations), ["request_id", "message_id", "body"]);
    }

    proptest! {
        #[test]
        fn any_text_within_the_limits_is_accepted_trimmed(text in "[a-zA-Zäöüß .,!?\n]{0,300}") {
            let result = check_send(SendRequest { body: &text, ..send(&[]) });
            let trimmed = text.trim();
            if trimmed.is_empty() {
                prop_assert!(result.is_err());
            } else {
                prop_assert_eq!(result.expect("valid").body, trimmed);
            }
        }
    }
}
