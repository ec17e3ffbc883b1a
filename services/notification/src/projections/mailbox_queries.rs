//! Reads of `notification.messages` and `notification.deliveries`. Every function runs on a
//! tenant-scoped transaction of the api role (or the worker's connection) and names the tenant
//! too (row-level security is the second wall, not the only one).

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::PgConnection;
use uuid::Uuid;

/// A message as the read model holds it.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct MessageRow {
    /// The message.
    pub message_id: Uuid,
    /// `outbound` or `inbound`.
    pub direction: String,
    /// `applicant` or `staff`.
    pub recipient_kind: String,
    /// Outbound: the recipient; inbound: the applicant who wrote it.
    pub recipient: String,
    /// The case, if any.
    pub case_id: Option<Uuid>,
    /// The topic's template id (outbound).
    pub topic: Option<String>,
    /// The language of the text.
    pub language: String,
    /// Whether the text runs right to left.
    pub direction_rtl: bool,
    /// Subject line.
    pub subject: String,
    /// Text.
    pub body: String,
    /// A deadline it is about.
    pub deadline: Option<NaiveDate>,
    /// Attached E-Akte documents.
    pub attachments: Vec<Uuid>,
    /// The message it answers.
    pub in_reply_to: Option<Uuid>,
    /// Whether the applicant's mailbox shows it.
    pub in_mailbox: bool,
    /// When it was composed or sent.
    pub created_at: DateTime<Utc>,
    /// When it was first read.
    pub read_at: Option<DateTime<Utc>>,
    /// Its place in the log: the mailbox's order and page cursor.
    pub position: i64,
}

impl MessageRow {
    /// Whether it went from the jobcenter to its recipient.
    pub fn is_outbound(&self) -> bool {
        self.direction == "outbound"
    }

    /// Whether `subject` may see it as an applicant: in their mailbox, or written by them.
    pub fn shown_to_applicant(&self, subject: &str) -> bool {
        self.recipient_kind == "applicant"
            && self.recipient == subject
            && (self.in_mailbox || !self.is_outbound())
    }
}

/// One channel of a message.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct DeliveryRow {
    /// The message.
    pub message_id: Uuid,
    /// `mailbox`, `push`, `email` or `post`.
    pub channel: String,
    /// Whether it was decided to send on it.
    pub send: bool,
    /// Why.
    pub reason: String,
    /// `pending`, `delivered`, `dead`, `printed` or `not_sent`.
    pub state: String,
    /// Attempts made.
    pub attempts: i32,
    /// The last failure's reason.
    pub last_error: Option<String>,
    /// When the state last changed.
    pub updated_at: DateTime<Utc>,
}

const MESSAGE_COLUMNS: &str = "message_id, direction, recipient_kind, recipient, case_id, topic, \
     language, direction_rtl, subject, body, deadline, attachments, in_reply_to, in_mailbox, \
     created_at, read_at, position";

/// Whose mailbox.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MailboxOf<'a> {
    /// An applicant's Postfach: messages to them in the mailbox, and their own messages.
    Applicant(&'a str),
    /// A member of staff's inbox: messages to them.
    Staff(&'a str),
}

impl MailboxOf<'_> {
    /// The condition on `notification.messages` (`$2` is the subject).
    fn condition(self) -> &'static str {
        match self {
            MailboxOf::Applicant(_) => {
                "recipient_kind = 'applicant' AND recipient = $2 \
                 AND (in_mailbox OR direction = 'inbound')"
            }
            MailboxOf::Staff(_) => {
                "recipient_kind = 'staff' AND recipient = $2 AND direction = 'outbound'"
            }
        }
    }

    fn subject(self) -> String {
        match self {
            MailboxOf::Applicant(subject) | MailboxOf::Staff(subject) => subject.to_owned(),
        }
    }
}

/// A page of `of`'s mailbox, newest first: at most `limit` messages before the cursor
/// `before` (a position from the previous page).
pub async fn mailbox(
    conn: &mut PgConnection,
    tenant: &str,
    of: MailboxOf<'_>,
    unread_only: bool,
    before: Option<i64>,
    limit: i64,
) -> Result<Vec<MessageRow>, sqlx::Error> {
    sqlx::query_as(&format!(
        "SELECT {MESSAGE_COLUMNS} FROM notification.messages \
         WHERE tenant_id = $1 AND {} \
         AND (NOT $3 OR (direction = 'outbound' AND read_at IS NULL)) \
         AND ($4::bigint IS NULL OR position < $4) \
         ORDER BY position DESC LIMIT $5",
        of.condition()
    ))
    .bind(tenant)
    .bind(of.subject())
    .bind(unread_only)
    .bind(before)
    .bind(limit)
    .fetch_all(conn)
    .await
}

/// How many messages to `of` are unread.
pub async fn unread(
    conn: &mut PgConnection,
    tenant: &str,
    of: MailboxOf<'_>,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(&format!(
        "SELECT count(*) FROM notification.messages \
         WHERE tenant_id = $1 AND {} AND direction = 'outbound' AND read_at IS NULL",
        of.condition()
    ))
    .bind(tenant)
    .bind(of.subject())
    .fetch_one(conn)
    .await
}

/// The message `message_id` of `tenant`.
pub async fn message(
    conn: &mut PgConnection,
    tenant: &str,
    message_id: Uuid,
) -> Result<Option<MessageRow>, sqlx::Error> {
    sqlx::query_as(&format!(
        "SELECT {MESSAGE_COLUMNS} FROM notification.messages \
         WHERE tenant_id = $1 AND message_id = $2"
    ))
    .bind(tenant)
    .bind(message_id)
    .fetch_optional(conn)
    .await
}

/// The messages of the case `case_id` to and from its applicant, oldest first.
pub async fn case_messages(
    conn: &mut PgConnection,
    tenant: &str,
    case_id: Uuid,
) -> Result<Vec<MessageRow>, sqlx::Error> {
    sqlx::query_as(&format!(
        "SELECT {MESSAGE_COLUMNS} FROM notification.messages \
         WHERE tenant_id = $1 AND case_id = $2 AND recipient_kind = 'applicant' \
         ORDER BY position"
    ))
    .bind(tenant)
    .bind(case_id)
    .fetch_all(conn)
    .await
}

/// The channels of `messages`, in channel order per message.
pub async fn deliveries(
    conn: &mut PgConnection,
    tenant: &str,
    messages: &[Uuid],
) -> Result<Vec<DeliveryRow>, sqlx::Error> {
    if messages.is_empty() {
        return Ok(Vec::new());
    }
    sqlx::query_as(
        "SELECT message_id, channel, send, reason, state, attempts, last_error, updated_at \
         FROM notification.deliveries WHERE tenant_id = $1 AND message_id = ANY($2) \
         ORDER BY message_id, array_position(ARRAY['mailbox', 'push', 'email', 'post'], channel)",
    )
    .bind(tenant)
    .bind(messages)
    .fetch_all(conn)
    .await
}

/// Where a page of dead letters continues: after this one (newest first).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeadLetterCursor {
    /// When it was given up.
    pub at: DateTime<Utc>,
    /// Its message.
    pub message_id: Uuid,
    /// Its channel.
    pub channel: String,
}

/// A page of the deliveries given up, newest first.
pub async fn dead_letters(
    conn: &mut PgConnection,
    tenant: &str,
    after: Option<&DeadLetterCursor>,
    limit: i64,
) -> Result<Vec<DeliveryRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT message_id, channel, send, reason, state, attempts, last_error, updated_at \
         FROM notification.deliveries WHERE tenant_id = $1 AND state = 'dead' \
         AND ($2::timestamptz IS NULL OR (updated_at, message_id, channel) < ($2, $3, $4)) \
         ORDER BY updated_at DESC, message_id DESC, channel DESC LIMIT $5",
    )
    .bind(tenant)
    .bind(after.map(|c| c.at))
    .bind(after.map(|c| c.message_id))
    .bind(after.map(|c| c.channel.clone()))
    .bind(limit)
    .fetch_all(conn)
    .await
}
