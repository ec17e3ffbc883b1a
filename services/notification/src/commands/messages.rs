//! Messages both ways and read receipts.
//!
//! - [`NotificationCommands::send`]: an applicant writes about their own case. The case comes
//!   from the case contacts (named, or their one open case), each attachment must be filed on
//!   that case (the documents), a message answered must be one to them; then `MessageSent` on
//!   `message-<id>`, the id UUIDv5 of the tenant-scoped request id.
//! - [`NotificationCommands::reply`]: a caseworker answers an applicant's message. The channels
//!   come from the applicant's profile as it stands ([`crate::domain::reply::plan`]);
//!   `MessageComposed` (origin reply, topic REPLY) and the outbox rows of its push, e-mail or
//!   post delivery commit together.
//! - [`NotificationCommands::mark_read`]: the first read of a message, once.

use chrono::{DateTime, Utc};
use eventlog::{AppendCommand, AppendOutcome, ExpectedVersion, LogPosition};
use jobcenter_proto::notification::v1 as proto;
use platform::FieldViolation;
use sqlx::PgConnection;
use uuid::Uuid;

use super::message_stream::{self, MessageHead};
use super::{Issuer, NotificationCommands, now, read_stream};
use crate::compose::{self, Draft};
use crate::domain::Topic;
use crate::domain::ids::{command_id, message_stream as stream_of};
use crate::domain::messages::{NewMessage, NewReply};
use crate::domain::reply;
use crate::domain::{ArgValue, Args};
use crate::error::NotificationError;
use crate::events::{NotificationEvent, to_timestamp};
use crate::sources::{case as case_contacts, efile as documents};
use crate::templates::catalog;

/// The scope of applicants' request ids, before the message (and so its stream) is known.
const SENT_MESSAGES: &str = "sent-messages";
/// The scope of caseworkers' reply request ids.
const REPLIES: &str = "replies";
/// The command id of a message's read receipt (scoped per tenant and stream): one per message.
const READ_RECEIPT: Uuid = Uuid::from_u128(0x7e2a_51c9_3d04_4b8f_a6e1_90c3_5f27_d814);

/// The message an applicant's request `request_id` of `tenant` sends.
pub fn sent_message_id(tenant: &str, request_id: Uuid) -> Uuid {
    command_id(tenant, SENT_MESSAGES, request_id)
}

/// The message a caseworker's reply with `request_id` of `tenant` composes.
pub fn reply_message_id(tenant: &str, request_id: Uuid) -> Uuid {
    command_id(tenant, REPLIES, request_id)
}

/// A message recorded (or recorded before, by the same request).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recorded {
    /// The message.
    pub message_id: Uuid,
    /// Where its first event is in the log.
    pub position: LogPosition,
}

/// A read receipt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadReceipt {
    /// When the message was first read.
    pub read_at: DateTime<Utc>,
    /// Where the log holds that read.
    pub position: LogPosition,
}

impl NotificationCommands {
    /// The applicant `issuer` sends `message`.
    pub async fn send(
        &self,
        issuer: &Issuer,
        message: &NewMessage,
    ) -> Result<Recorded, NotificationError> {
        let tenant = issuer.tenant_id.as_str();
        let author = issuer.actor.as_str();
        let message_id = sent_message_id(tenant, message.request_id);
        let stream = stream_of(message_id);
        let command_id = command_id(tenant, &stream, message.request_id);
        let mut tx = self.log.pool().begin().await?;
        if let Some(earlier) = self.earlier(&mut tx, tenant, message_id, author).await? {
            return Ok(earlier);
        }
        let case_id = own_case(&mut tx, tenant, author, message.case_id).await?;
        let mut violations = Vec::new();
        let foreign =
            documents::not_on_case(&mut tx, tenant, case_id, &message.attachments).await?;
        for (index, id) in message.attachments.iter().enumerate() {
            if foreign.contains(id) {
                violations.push(FieldViolation::new(
                    format!("attachment_document_ids[{index}]"),
                    "is not a document of this case in the E-Akte",
                ));
            }
        }
        if let Some(answered) = message.in_reply_to {
            let head = self.head(&mut tx, tenant, answered).await?;
            if !head.is_some_and(|head| !head.inbound && !head.to_staff && head.party == author) {
                violations.push(FieldViolation::new(
                    "in_reply_to",
                    "is not a message to you",
                ));
            }
        }
        if !violations.is_empty() {
            return Err(NotificationError::Invalid(violations));
        }
        let sent = NotificationEvent::MessageSent(proto::MessageSent {
            message_id: message_id.to_string(),
            case_id: case_id.to_string(),
            author: author.to_owned(),
            subject: message.subject.clone(),
            body: message.body.clone(),
            attachment_document_ids: message.attachments.iter().map(Uuid::to_string).collect(),
            in_reply_to: message
                .in_reply_to
                .map(|id| id.to_string())
                .unwrap_or_default(),
        });
        let append = AppendCommand {
            command_id,
            stream_id: stream,
            tenant_id: tenant.to_owned(),
            expected: ExpectedVersion::NoStream,
            events: vec![sent.to_new_event(issuer.metadata(command_id, Some(case_id)))],
        };
        let outcome = self.append_new(&mut tx, append).await?;
        tx.commit().await?;
        self.log.notify_appended();
        Ok(Recorded {
            message_id,
            position: outcome.position,
        })
    }

    /// The caseworker `issuer` replies to an applicant's message.
    pub async fn reply(
        &self,
        issuer: &Issuer,
        reply: &NewReply,
    ) -> Result<Recorded, NotificationError> {
        let tenant = issuer.tenant_id.as_str();
        let message_id = reply_message_id(tenant, reply.request_id);
        let stream = stream_of(message_id);
        let command_id = command_id(tenant, &stream, reply.request_id);
        let mut tx = self.log.pool().begin().await?;
        if let Some(earlier) = self.earlier(&mut tx, tenant, message_id, "").await? {
            return Ok(earlier);
        }
        let answered = self
            .head(&mut tx, tenant, reply.in_reply_to)
            .await?
            .ok_or(NotificationError::NotFound)?;
        if !answered.inbound {
            return Err(NotificationError::invalid(
                "message_id",
                "is not a message from an applicant",
            ));
        }
        let applicant = answered.party.as_str();
        let profile = super::profile::load(&self.log, &mut tx, tenant, applicant).await?;
        let settings = self.tenants.get(tenant).cloned().unwrap_or_default();
        let plan = reply::plan(&profile.profile, &settings.languages, self.offered);
        let args = Args::new()
            .with(catalog::JOBCENTER, ArgValue::Text(settings.name.clone()))
            .with("text", ArgValue::Text(reply.body.clone()));
        let rendered = self
            .templates
            .render(tenant, &plan.language, Topic::Reply, &args)?;
        let draft = Draft {
            message_id,
            recipient_kind: proto::RecipientKind::Applicant,
            recipient: applicant.to_owned(),
            case_id: answered.case_id,
            topic: Topic::Reply,
            rendered,
            deadline: None,
            attachments: Vec::new(),
            origin: proto::message_composed::Origin::Reply(proto::Reply {
                in_reply_to: reply.in_reply_to.to_string(),
                author: issuer.actor.clone(),
            }),
            channels: plan.channels,
        };
        let metadata = issuer.metadata(command_id, answered.case_id);
        let outcome = compose::record(
            &self.log, &mut tx, tenant, &draft, command_id, metadata, None,
        )
        .await?;
        tx.commit().await?;
        self.log.notify_appended();
        Ok(Recorded {
            message_id,
            position: outcome.position,
        })
    }

    /// `issuer` read `message_id`; `may` decides whether they are its recipient (anyone else
    /// finds it as absent as another tenant's). The first read is recorded, a later one
    /// answers it.
    pub async fn mark_read(
        &self,
        issuer: &Issuer,
        message_id: Uuid,
        may: impl Fn(&MessageHead) -> bool,
    ) -> Result<ReadReceipt, NotificationError> {
        let tenant = issuer.tenant_id.as_str();
        let stream = stream_of(message_id);
        let mut tx = self.log.pool().begin().await?;
        let head = self
            .head(&mut tx, tenant, message_id)
            .await?
            .filter(|head| may(head))
            .ok_or(NotificationError::NotFound)?;
        if let Some(first) = head.read {
            return Ok(ReadReceipt {
                read_at: first.at,
                position: first.position,
            });
        }
        let read_at = now();
        let command_id = command_id(tenant, &stream, READ_RECEIPT);
        let read = NotificationEvent::MessageRead(proto::MessageRead {
            read_by: issuer.actor.clone(),
            read_at: Some(to_timestamp(read_at)),
        });
        let append = AppendCommand {
            command_id,
            stream_id: stream,
            tenant_id: tenant.to_owned(),
            // Delivery outcomes may be appended meanwhile; the fixed command id alone makes
            // the read once.
            expected: ExpectedVersion::Any,
            events: vec![read.to_new_event(issuer.metadata(command_id, head.case_id))],
        };
        let outcome = self
            .log
            .append_in(&mut tx, vec![append])
            .await?
            .pop()
            .ok_or(NotificationError::Conflict)??;
        if outcome.duplicate {
            // Read concurrently: that read stands.
            drop(tx);
            let mut conn = self.log.pool().acquire().await?;
            let first = self
                .head(&mut conn, tenant, message_id)
                .await?
                .and_then(|head| head.read)
                .ok_or(NotificationError::Conflict)?;
            return Ok(ReadReceipt {
                read_at: first.at,
                position: first.position,
            });
        }
        tx.commit().await?;
        self.log.notify_appended();
        Ok(ReadReceipt {
            read_at,
            position: outcome.position,
        })
    }

    /// The head of the message `message_id` of `tenant`, if there is one.
    async fn head(
        &self,
        conn: &mut PgConnection,
        tenant: &str,
        message_id: Uuid,
    ) -> Result<Option<MessageHead>, NotificationError> {
        Ok(read_stream(&self.log, conn, &stream_of(message_id), tenant)
            .await?
            .and_then(|events| message_stream::fold(&events)))
    }

    /// The answer to a retried request whose message exists: its first event's position. For
    /// an applicant's message (`author` not empty) it must be theirs; another applicant's
    /// request id is taken.
    async fn earlier(
        &self,
        conn: &mut PgConnection,
        tenant: &str,
        message_id: Uuid,
        author: &str,
    ) -> Result<Option<Recorded>, NotificationError> {
        let Some(events) = read_stream(&self.log, conn, &stream_of(message_id), tenant).await?
        else {
            return Ok(None);
        };
        let head = message_stream::fold(&events).ok_or(NotificationError::CommandIdTaken)?;
        if !author.is_empty() && (!head.inbound || head.party != author) {
            return Err(NotificationError::CommandIdTaken);
        }
        Ok(events.first().map(|(recorded, _)| Recorded {
            message_id,
            position: recorded.position,
        }))
    }

    /// Appends a message's first event; a concurrent copy of the same request that committed
    /// first is its answer.
    async fn append_new(
        &self,
        tx: &mut PgConnection,
        append: AppendCommand,
    ) -> Result<AppendOutcome, NotificationError> {
        let outcome = self.log.append_in(tx, vec![append]).await?.pop();
        match outcome {
            Some(Ok(outcome)) => Ok(outcome),
            Some(Err(eventlog::AppendError::Conflict { .. })) => {
                // The stream exists: the same request committed meanwhile (its event id would
                // have made this a duplicate), or another command took the id.
                Err(NotificationError::Conflict)
            }
            Some(Err(error)) => Err(error.into()),
            None => Err(NotificationError::Conflict),
        }
    }
}

/// The case the applicant `author` writes about: `named` if it is theirs, else their one open
/// case.
async fn own_case(
    conn: &mut PgConnection,
    tenant: &str,
    author: &str,
    named: Option<Uuid>,
) -> Result<Uuid, NotificationError> {
    match named {
        Some(case_id) => {
            let contact = case_contacts::get(conn, tenant, case_id)
                .await?
                .filter(|contact| contact.applicant_account == author)
                .ok_or(NotificationError::NotFound)?;
            Ok(contact.case_id)
        }
        None => {
            let open = case_contacts::open_cases_of(conn, tenant, author).await?;
            match open.as_slice() {
                [one] => Ok(one.case_id),
                [] => Err(NotificationError::Precondition(
                    "you have no open case to write about",
                )),
                _ => Err(NotificationError::Precondition(
                    "you have more than one open case: name the case",
                )),
            }
        }
    }
}
