//! Proto ↔ service values for the API's messages, in one place: request fields parsed (each
//! failure a field violation naming its path), read-model rows written back as the API's
//! messages, page tokens.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::DateTime;
use jobcenter_proto::common::v1 as common;
use jobcenter_proto::notification::v1 as proto;
use uuid::Uuid;

use crate::domain::{Channel, Topic};
use crate::error::NotificationError;
use crate::events::to_timestamp;
use crate::projections::mailbox_queries::{DeadLetterCursor, DeliveryRow, MessageRow};
use crate::projections::profiles::StoredProfile;

/// The default page size of the lists.
pub const DEFAULT_PAGE_SIZE: i64 = 50;
/// The largest page.
pub const MAX_PAGE_SIZE: i64 = 200;

/// A UUID field.
pub fn uuid(value: &str, field: &str) -> Result<Uuid, NotificationError> {
    Uuid::parse_str(value).map_err(|_| NotificationError::invalid(field, "must be a UUID"))
}

/// A subject field (an account): required, without spaces or control characters.
pub fn subject(value: &str, field: &str) -> Result<String, NotificationError> {
    if value.is_empty() {
        return Err(NotificationError::invalid(field, "is required"));
    }
    if value.len() > 255 || value.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(NotificationError::invalid(
            field,
            "must be an account subject (at most 255 characters, no spaces)",
        ));
    }
    Ok(value.to_owned())
}

/// A page size: 0 is the default, else 1 to [`MAX_PAGE_SIZE`].
pub fn page_size(requested: i32) -> Result<i64, NotificationError> {
    match i64::from(requested) {
        0 => Ok(DEFAULT_PAGE_SIZE),
        n if (1..=MAX_PAGE_SIZE).contains(&n) => Ok(n),
        _ => Err(NotificationError::invalid(
            "page_size",
            format!("must be between 1 and {MAX_PAGE_SIZE}"),
        )),
    }
}

fn bad_token() -> NotificationError {
    NotificationError::invalid("page_token", "not a token from a previous page")
}

/// The mailbox page token after the message at `position`: opaque to clients.
pub fn mailbox_token(position: i64) -> String {
    URL_SAFE_NO_PAD.encode(format!("m:{position}"))
}

/// The position a mailbox page token continues before; `None` for the first page.
pub fn mailbox_cursor(token: &str) -> Result<Option<i64>, NotificationError> {
    if token.is_empty() {
        return Ok(None);
    }
    let text = String::from_utf8(URL_SAFE_NO_PAD.decode(token).map_err(|_| bad_token())?)
        .map_err(|_| bad_token())?;
    let position = text.strip_prefix("m:").ok_or_else(bad_token)?;
    position.parse().map(Some).map_err(|_| bad_token())
}

/// The dead-letter page token after `row`.
pub fn dead_letter_token(row: &DeliveryRow) -> String {
    URL_SAFE_NO_PAD.encode(format!(
        "d:{}:{}:{}",
        row.updated_at.timestamp_micros(),
        row.message_id,
        row.channel
    ))
}

/// Where a dead-letter page token continues; `None` for the first page.
pub fn dead_letter_cursor(token: &str) -> Result<Option<DeadLetterCursor>, NotificationError> {
    if token.is_empty() {
        return Ok(None);
    }
    let text = String::from_utf8(URL_SAFE_NO_PAD.decode(token).map_err(|_| bad_token())?)
        .map_err(|_| bad_token())?;
    let mut parts = text.splitn(4, ':');
    let (Some("d"), Some(micros), Some(message), Some(channel)) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(bad_token());
    };
    Ok(Some(DeadLetterCursor {
        at: micros
            .parse()
            .ok()
            .and_then(DateTime::from_timestamp_micros)
            .ok_or_else(bad_token)?,
        message_id: Uuid::parse_str(message).map_err(|_| bad_token())?,
        channel: Channel::parse(channel)
            .ok_or_else(bad_token)?
            .as_str()
            .to_owned(),
    }))
}

/// Splits the `size + 1` rows a list query fetched into the page of `size` and the token of
/// the next page (from the page's last row; empty when there is none).
pub fn split_page<T>(
    mut rows: Vec<T>,
    size: i64,
    token_after: impl FnOnce(&T) -> String,
) -> (Vec<T>, String) {
    let more = i64::try_from(rows.len()).unwrap_or(i64::MAX) > size;
    rows.truncate(usize::try_from(size).unwrap_or(usize::MAX));
    let next = match rows.last() {
        Some(last) if more => token_after(last),
        _ => String::new(),
    };
    (rows, next)
}

/// A position token of `log` as the API gives it.
pub fn position(log: &eventlog::EventLog, at: eventlog::LogPosition) -> common::Position {
    common::Position {
        token: log.token(at).to_string(),
    }
}

/// A profile as the API shows it; the address only to the applicant themselves.
pub fn profile(stored: StoredProfile, offered: &[String], show_address: bool) -> proto::Profile {
    proto::Profile {
        account: stored.account,
        language: stored.language,
        consents: stored
            .consents
            .iter()
            .filter_map(|name| Channel::parse(name))
            .map(|channel| channel.to_proto() as i32)
            .collect(),
        email_address_set: stored.email_address.is_some(),
        email_address: if show_address {
            stored.email_address.unwrap_or_default()
        } else {
            String::new()
        },
        push_subscription_ids: stored
            .push_subscriptions
            .iter()
            .map(Uuid::to_string)
            .collect(),
        offered_languages: offered.to_vec(),
    }
}

use crate::domain::day::to_proto as date;

/// A message as the API shows it: its text only when `with_body`, its channels from
/// `deliveries` (those of other messages are passed over).
pub fn message(row: &MessageRow, with_body: bool, deliveries: &[DeliveryRow]) -> proto::Message {
    let topic = row
        .topic
        .as_deref()
        .and_then(|id| Topic::ALL.into_iter().find(|t| t.template_id() == id))
        .map_or(proto::Topic::Unspecified, Topic::to_proto);
    proto::Message {
        message_id: row.message_id.to_string(),
        direction: if row.is_outbound() {
            proto::Direction::Outbound
        } else {
            proto::Direction::Inbound
        } as i32,
        topic: topic as i32,
        case_id: row.case_id.map(|c| c.to_string()).unwrap_or_default(),
        subject: row.subject.clone(),
        body: if with_body {
            row.body.clone()
        } else {
            String::new()
        },
        language: row.language.clone(),
        text_direction: if row.direction_rtl {
            proto::TextDirection::Rtl
        } else {
            proto::TextDirection::Ltr
        } as i32,
        deadline: row.deadline.map(date),
        attachment_document_ids: row.attachments.iter().map(Uuid::to_string).collect(),
        created_at: Some(to_timestamp(row.created_at)),
        read_at: row.read_at.map(to_timestamp),
        in_reply_to: row.in_reply_to.map(|id| id.to_string()).unwrap_or_default(),
        deliveries: deliveries
            .iter()
            .filter(|d| d.message_id == row.message_id)
            .map(delivery)
            .collect(),
    }
}

/// One channel of a message as the API shows it.
pub fn delivery(row: &DeliveryRow) -> proto::Delivery {
    let channel =
        Channel::parse(&row.channel).map_or(proto::Channel::Unspecified, Channel::to_proto);
    let state = match row.state.as_str() {
        "pending" => proto::DeliveryState::Pending,
        "delivered" => proto::DeliveryState::Delivered,
        "dead" => proto::DeliveryState::DeadLetter,
        "printed" => proto::DeliveryState::Printed,
        "not_sent" => proto::DeliveryState::NotSent,
        _ => proto::DeliveryState::Unspecified,
    };
    proto::Delivery {
        channel: channel as i32,
        decision: Some(proto::ChannelDecision {
            channel: channel as i32,
            send: row.send,
            reason: row.reason.clone(),
        }),
        state: state as i32,
        attempts: u32::try_from(row.attempts).unwrap_or(0),
        last_error: row.last_error.clone().unwrap_or_default(),
    }
}

/// A dead letter as the API shows it.
pub fn dead_letter(row: &DeliveryRow) -> proto::DeadLetter {
    proto::DeadLetter {
        message_id: row.message_id.to_string(),
        channel: Channel::parse(&row.channel).map_or(proto::Channel::Unspecified, Channel::to_proto)
            as i32,
        attempts: u32::try_from(row.attempts).unwrap_or(0),
        reason: row.last_error.clone().unwrap_or_default(),
        dead_lettered_at: Some(to_timestamp(row.updated_at)),
    }
}

/// A print job as the API shows it.
pub fn print_job(job: &crate::print_queue::PrintJob) -> proto::PrintJob {
    proto::PrintJob {
        print_job_id: job.id.to_string(),
        message_id: job.message_id.to_string(),
        queued_at: Some(to_timestamp(job.queued_at)),
        pages: job.pages,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_tokens_round_trip_and_garbage_is_refused() {
        assert_eq!(mailbox_cursor(&mailbox_token(42)).expect("token"), Some(42));
        assert_eq!(mailbox_cursor("").expect("first page"), None);
        assert!(mailbox_cursor("nope").is_err());
        let row = DeliveryRow {
            message_id: Uuid::from_u128(7),
            channel: "email".into(),
            send: true,
            reason: String::new(),
            state: "dead".into(),
            attempts: 5,
            last_error: Some("550".into()),
            updated_at: DateTime::from_timestamp_micros(1_900_000_000_123_456).expect("instant"),
        };
        let cursor = dead_letter_cursor(&dead_letter_token(&row))
            .expect("token")
            .expect("a cursor");
        assert_eq!(cursor.message_id, row.message_id);
        assert_eq!(cursor.at, row.updated_at);
        assert_eq!(cursor.channel, "email");
        assert!(dead_letter_cursor(&mailbox_token(1)).is_err());
    }

    #[test]
    fn page_sizes_default_and_are_bounded() {
        assert_eq!(page_size(0).expect("default"), DEFAULT_PAGE_SIZE);
        assert_eq!(page_size(200).expect("max"), 200);
        assert!(page_size(201).is_err() && page_size(-1).is_err());
        let (page, next) = split_page(vec![1, 2, 3], 2, |last| last.to_string());
        assert_eq!((page, next.as_str()), (vec![1, 2], "2"));
        let (_, last) = split_page(vec![1, 2], 2, |last| last.to_string());
        assert!(last.is_empty());
    }
}
