//! `jobcenterctl mailbox`, `message`, `profile`, `consent`, `language`, `write` and `reply`: the
//! notification service from the shell. An applicant (`--roles applicant`) reads their Postfach,
//! chooses language and consent, and writes about their case; a caseworker reads their inbox,
//! an applicant's message, and replies. Times are shown on the Berlin wall clock. The demo
//! prepares its applicant's profile with [`prepare_profile`].

use std::time::{Duration, Instant};

use anyhow::Context;
use chrono::{DateTime, Utc};
use chrono_tz::Europe::Berlin;
use clap::Subcommand;
use jobcenter_proto::common::v1::{Date, Position};
use jobcenter_proto::notification::v1::notification_service_client::NotificationServiceClient;
use jobcenter_proto::notification::v1::{
    Channel as NotificationChannel, Delivery, Direction, GetMessageRequest, GetProfileRequest,
    GiveConsentRequest, ListMailboxRequest, Message, Profile, ReplyToMessageRequest,
    SendMessageRequest, SetPreferredLanguageRequest, WithdrawConsentRequest,
};
use tonic::transport::Channel;

use crate::identity::Identity;

/// The consent wording the CLI records (the portal records the version of the text it showed).
const WORDING_VERSION: &str = "jobcenterctl-1";

/// How long `write` retries while the notification service has not yet seen an attachment the
/// E-Akte filed a moment ago.
const ATTACHMENT_PATIENCE: Duration = Duration::from_secs(15);

/// The message commands.
#[derive(Subcommand)]
pub enum MessageCommand {
    /// Lists the caller's mailbox, newest first: an applicant's Postfach (messages to them and
    /// those they wrote), a caseworker's inbox.
    Mailbox {
        /// Only unread messages.
        #[arg(long)]
        unread: bool,
    },
    /// Shows one message with its text, attachments and each channel's delivery.
    Message {
        /// The message's UUID.
        message_id: String,
    },
    /// Shows a communication profile: the caller's (applicant) or an applicant's (staff).
    Profile {
        /// The applicant's account (staff).
        #[arg(long = "for")]
        account: Option<String>,
    },
    /// Gives (or withdraws) consent to a channel: mailbox, push or email.
    Consent {
        /// mailbox, push or email.
        channel: String,
        /// Withdraw it instead.
        #[arg(long)]
        withdraw: bool,
        /// The applicant's account (staff recording a consent given on paper).
        #[arg(long = "for")]
        account: Option<String>,
    },
    /// Chooses the language of the applicant's messages (one the jobcenter offers).
    Language {
        /// e.g. de, en, uk, ar, tr, ru.
        language: String,
        /// The applicant's account (staff).
        #[arg(long = "for")]
        account: Option<String>,
    },
    /// Writes to the jobcenter about the applicant's case (applicants), with documents
    /// uploaded to the case's E-Akte before (`upload`) attached.
    Write {
        /// The case's UUID (default: the applicant's one open case).
        #[arg(long)]
        case: Option<String>,
        /// The subject line (`--title`: `--subject` names the caller).
        #[arg(long)]
        title: String,
        /// The text.
        #[arg(long)]
        body: String,
        /// An E-Akte document of the case to attach (repeat for more).
        #[arg(long = "attach")]
        attachments: Vec<String>,
        /// The jobcenter's message this answers.
        #[arg(long)]
        in_reply_to: Option<String>,
    },
    /// Replies to an applicant's message (caseworkers).
    Reply {
        /// The applicant's message's UUID.
        message_id: String,
        /// The text.
        #[arg(long)]
        body: String,
    },
}

/// Runs one message command.
pub async fn run(
    command: MessageCommand,
    client: &mut NotificationServiceClient<Channel>,
    identity: &Identity,
) -> anyhow::Result<()> {
    match command {
        MessageCommand::Mailbox { unread } => {
            let mut page_token = String::new();
            loop {
                let reply = client
                    .list_mailbox(identity.request(ListMailboxRequest {
                        page_size: 200,
                        page_token: page_token.clone(),
                        unread_only: unread,
                        min_position: None,
                    })?)
                    .await?
                    .into_inner();
                for message in &reply.messages {
                    println!("{}", mailbox_line(message));
                }
                if reply.next_page_token.is_empty() {
                    break;
                }
                page_token = reply.next_page_token;
            }
        }
        MessageCommand::Message { message_id } => {
            let reply = client
                .get_message(identity.request(GetMessageRequest {
                    message_id,
                    min_position: None,
                })?)
                .await?
                .into_inner();
            print_message(reply.message.as_ref());
        }
        MessageCommand::Profile { account } => {
            let reply = client
                .get_profile(identity.request(GetProfileRequest {
                    account: account.unwrap_or_default(),
                    min_position: None,
                })?)
                .await?
                .into_inner();
            print_profile(reply.profile.as_ref());
        }
        MessageCommand::Consent {
            channel,
            withdraw,
            account,
        } => {
            let channel = notification_channel(&channel)? as i32;
            let account = account.unwrap_or_default();
            let position = if withdraw {
                client
                    .withdraw_consent(
                        identity.request(WithdrawConsentRequest { account, channel })?,
                    )
                    .await?
                    .into_inner()
                    .position
            } else {
                client
                    .give_consent(identity.request(GiveConsentRequest {
                        account,
                        channel,
                        wording_version: WORDING_VERSION.to_owned(),
                    })?)
                    .await?
                    .into_inner()
                    .position
            };
            println!(
                "consent {} at {}",
                if withdraw { "withdrawn" } else { "given" },
                token(position.as_ref())
            );
        }
        MessageCommand::Language { language, account } => {
            let reply = client
                .set_preferred_language(identity.request(SetPreferredLanguageRequest {
                    account: account.unwrap_or_default(),
                    language: language.clone(),
                })?)
                .await?
                .into_inner();
            println!("language {language} at {}", token(reply.position.as_ref()));
        }
        MessageCommand::Write {
            case,
            title,
            body,
            attachments,
            in_reply_to,
        } => {
            let request = SendMessageRequest {
                // One id for every attempt: a retry is the same message.
                request_id: uuid::Uuid::new_v4().to_string(),
                case_id: case.unwrap_or_default(),
                subject: title,
                body,
                attachment_document_ids: attachments,
                in_reply_to: in_reply_to.unwrap_or_default(),
                min_position: None,
            };
            let started = Instant::now();
            let sent = loop {
                match client
                    .send_message(identity.request(request.clone())?)
                    .await
                {
                    Ok(sent) => break sent.into_inner(),
                    // The notification service learns of a filed document from the E-Akte's
                    // log a moment after the upload answered.
                    Err(status)
                        if status.code() == tonic::Code::InvalidArgument
                            && started.elapsed() < ATTACHMENT_PATIENCE
                            && names_an_attachment(&status) =>
                    {
                        tokio::time::sleep(Duration::from_millis(200)).await;
                    }
                    Err(status) => return Err(status).context("sending the message"),
                }
            };
            println!("message {} sent", sent.message_id);
        }
        MessageCommand::Reply { message_id, body } => {
            let reply = client
                .reply_to_message(identity.request(ReplyToMessageRequest {
                    request_id: uuid::Uuid::new_v4().to_string(),
                    message_id,
                    body,
                    min_position: None,
                })?)
                .await?
                .into_inner();
            println!("reply {} sent", reply.message_id);
        }
    }
    Ok(())
}

/// Whether a refusal is about an attachment (and only about attachments).
fn names_an_attachment(status: &tonic::Status) -> bool {
    use tonic_types::StatusExt as _;
    status.get_details_bad_request().is_some_and(|bad| {
        !bad.field_violations.is_empty()
            && bad
                .field_violations
                .iter()
                .all(|v| v.field.starts_with("attachment_document_ids"))
    })
}

/// The demo: `applicant` reads messages in English in the mailbox. Gives mailbox consent and
/// chooses English (each recorded once: a second run records nothing) and waits until the
/// profile shows both, so messages composed from then on go to the mailbox.
pub async fn prepare_profile(
    client: &mut NotificationServiceClient<Channel>,
    identity: &Identity,
    applicant: &str,
    language: &str,
) -> anyhow::Result<()> {
    client
        .set_preferred_language(identity.request_as(
            SetPreferredLanguageRequest {
                account: String::new(),
                language: language.to_owned(),
            },
            applicant,
            "applicant",
        )?)
        .await
        .context("choosing the demo applicant's language")?;
    let consent = client
        .give_consent(identity.request_as(
            GiveConsentRequest {
                account: String::new(),
                channel: NotificationChannel::Mailbox as i32,
                wording_version: WORDING_VERSION.to_owned(),
            },
            applicant,
            "applicant",
        )?)
        .await
        .context("giving the demo applicant's mailbox consent")?
        .into_inner();
    // The consent's position comes after the language's on the same stream.
    client
        .get_profile(identity.request_as(
            GetProfileRequest {
                account: String::new(),
                min_position: consent.position,
            },
            applicant,
            "applicant",
        )?)
        .await
        .context("waiting for the demo applicant's profile")?;
    Ok(())
}

/// The `applicant`'s Postfach, newest first (at most 200 messages).
pub async fn mailbox_of(
    client: &mut NotificationServiceClient<Channel>,
    identity: &Identity,
    applicant: &str,
) -> anyhow::Result<Vec<Message>> {
    Ok(client
        .list_mailbox(identity.request_as(
            ListMailboxRequest {
                page_size: 200,
                ..Default::default()
            },
            applicant,
            "applicant",
        )?)
        .await
        .context("the demo applicant's mailbox")?
        .into_inner()
        .messages)
}

/// A channel by its name on the command line.
fn notification_channel(name: &str) -> anyhow::Result<NotificationChannel> {
    let name = match name {
        "e-mail" => "email",
        other => other,
    };
    NotificationChannel::from_str_name(&format!("CHANNEL_{}", name.to_uppercase()))
        .filter(|c| {
            matches!(
                c,
                NotificationChannel::Mailbox
                    | NotificationChannel::Push
                    | NotificationChannel::Email
            )
        })
        .with_context(|| format!("unknown channel {name:?}: mailbox, push or email"))
}

fn token(position: Option<&Position>) -> String {
    position.map_or_else(|| "-".to_owned(), |p| p.token.clone())
}

/// A timestamp on the Berlin wall clock, e.g. `2026-12-07 09:30`.
fn berlin(ts: Option<&prost_types::Timestamp>) -> String {
    ts.and_then(|t| DateTime::<Utc>::from_timestamp(t.seconds, u32::try_from(t.nanos).ok()?))
        .map(|t| {
            t.with_timezone(&Berlin)
                .format("%Y-%m-%d %H:%M")
                .to_string()
        })
        .unwrap_or_else(|| "-".to_owned())
}

fn date(day: Option<&Date>) -> String {
    day.map_or_else(
        || "-".to_owned(),
        |d| format!("{:04}-{:02}-{:02}", d.year, d.month, d.day),
    )
}

fn words(name: &str, prefix: &str) -> String {
    name.trim_start_matches(prefix)
        .to_ascii_lowercase()
        .replace('_', " ")
}

/// What a message is: its topic, or "from the applicant".
fn what(message: &Message) -> String {
    match message.direction() {
        Direction::Inbound => "from the applicant".to_owned(),
        _ => words(message.topic().as_str_name(), "TOPIC_"),
    }
}

/// One message as a line of a list: id, when, read or not, what, case, subject.
fn mailbox_line(message: &Message) -> String {
    format!(
        "{}  {}  {:<6}  {:<22}  case {}  {}",
        message.message_id,
        berlin(message.created_at.as_ref()),
        if message.read_at.is_some() {
            "read"
        } else {
            "unread"
        },
        what(message),
        if message.case_id.is_empty() {
            "-"
        } else {
            &message.case_id
        },
        message.subject
    )
}

fn delivery_line(delivery: &Delivery) -> String {
    let decision = delivery.decision.as_ref();
    let mut line = format!(
        "  {:<8} {:<11} {}",
        words(delivery.channel().as_str_name(), "CHANNEL_"),
        words(delivery.state().as_str_name(), "DELIVERY_STATE_"),
        decision.map(|d| d.reason.as_str()).unwrap_or_default()
    );
    if delivery.attempts > 0 {
        line.push_str(&format!(" ({} attempts)", delivery.attempts));
    }
    if !delivery.last_error.is_empty() {
        line.push_str(&format!("; last error: {}", delivery.last_error));
    }
    line
}

/// One message in full.
fn print_message(message: Option<&Message>) {
    let Some(m) = message else {
        println!("(no message)");
        return;
    };
    println!("message      {}", m.message_id);
    println!("what         {}", what(m));
    if !m.case_id.is_empty() {
        println!("case         {}", m.case_id);
    }
    println!("sent         {}", berlin(m.created_at.as_ref()));
    println!("read         {}", berlin(m.read_at.as_ref()));
    if !m.language.is_empty() {
        println!("language     {}", m.language);
    }
    if m.deadline.is_some() {
        println!("deadline     {}", date(m.deadline.as_ref()));
    }
    if !m.in_reply_to.is_empty() {
        println!("in reply to  {}", m.in_reply_to);
    }
    for attachment in &m.attachment_document_ids {
        println!("attachment   {attachment}");
    }
    if !m.deliveries.is_empty() {
        println!("deliveries");
        for delivery in &m.deliveries {
            println!("{}", delivery_line(delivery));
        }
    }
    println!("subject      {}", m.subject);
    println!();
    println!("{}", m.body);
}

fn print_profile(profile: Option<&Profile>) {
    let Some(p) = profile else {
        println!("(no profile)");
        return;
    };
    let consents: Vec<String> = p
        .consents()
        .map(|c| words(c.as_str_name(), "CHANNEL_"))
        .collect();
    println!("account      {}", p.account);
    println!(
        "language     {} (offered: {})",
        p.language,
        p.offered_languages.join(", ")
    );
    println!(
        "consents     {}",
        if consents.is_empty() {
            "none".to_owned()
        } else {
            consents.join(", ")
        }
    );
    println!(
        "e-mail       {}",
        match (p.email_address_set, p.email_address.as_str()) {
            (false, _) => "none",
            (true, "") => "set",
            (true, address) => address,
        }
    );
    println!(
        "push         {} subscription(s)",
        p.push_subscription_ids.len()
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn channels_are_named_as_on_the_command_line() {
        assert_eq!(
            notification_channel("mailbox").expect("mailbox"),
            NotificationChannel::Mailbox
        );
        assert_eq!(
            notification_channel("e-mail").expect("e-mail"),
            NotificationChannel::Email
        );
        // Post needs no consent; nothing else is a channel.
        assert!(notification_channel("post").is_err());
        assert!(notification_channel("fax").is_err());
    }

    #[test]
    fn a_mailbox_line_says_when_what_and_about_which_case() {
        let message = Message {
            message_id: "m-1".into(),
            direction: Direction::Outbound as i32,
            topic: jobcenter_proto::notification::v1::Topic::DocumentsRequested as i32,
            case_id: "c-1".into(),
            subject: "Please send us documents".into(),
            created_at: Some(prost_types::Timestamp {
                seconds: 1_796_031_000, // 2026-11-30 09:30 UTC
                nanos: 0,
            }),
            ..Default::default()
        };
        assert_eq!(
            mailbox_line(&message),
            "m-1  2026-11-30 10:30  unread  documents requested     case c-1  Please send us documents"
        );
    }
}
