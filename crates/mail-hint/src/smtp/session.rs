//! The dialogue for one message: greeting, EHLO, STARTTLS, AUTH, MAIL, RCPT, DATA, QUIT.
//!
//! How a refusal is classed depends on the step. A refusal of the message (MAIL, RCPT, DATA)
//! follows the reply code: 4xx is transient, 5xx permanent. A refusal before that (greeting,
//! EHLO, STARTTLS, AUTH) says nothing about this message but that the relay or our settings
//! are wrong; it is transient whatever its code, so the outbox keeps the hints and retries
//! with back-off while an operator fixes it, instead of dead-lettering every one at once.

use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use rustls::pki_types::ServerName;
use tokio_rustls::TlsConnector;

use super::connection::Connection;
use super::reply::{Extensions, Reply};
use crate::error::MailError;
use crate::settings::Security;

/// Where and how to reach the relay; built once by the sender from its settings.
pub(crate) struct Relay {
    pub(crate) host: String,
    pub(crate) port: u16,
    pub(crate) security: Security,
    pub(crate) hello_name: String,
    pub(crate) timeout: Duration,
    /// Present for `starttls` and `tls`.
    pub(crate) tls: Option<(TlsConnector, ServerName<'static>)>,
    pub(crate) credentials: Option<Credentials>,
}

/// AUTH PLAIN user and password.
pub(crate) struct Credentials {
    pub(crate) username: String,
    pub(crate) password: String,
}

impl Credentials {
    /// The initial response of AUTH PLAIN (RFC 4616): base64 of NUL user NUL password, with
    /// no authorisation identity.
    fn plain_token(&self) -> String {
        STANDARD.encode(format!("\0{}\0{}", self.username, self.password))
    }
}

/// One message's envelope: ASCII addresses, checked.
pub(crate) struct Envelope<'a> {
    pub(crate) sender: &'a str,
    pub(crate) recipient: &'a str,
}

/// Whether a failed step concerns the session or the message (see the module comment).
#[derive(Clone, Copy)]
enum Step {
    Session(&'static str),
    Message(&'static str),
}

/// Delivers one message. `render(eight_bit_mime)` gets whether the relay announced 8BITMIME
/// and returns the message (CRLF line ends) and whether it is sent as 8bit.
pub(crate) async fn deliver(
    relay: &Relay,
    envelope: &Envelope<'_>,
    render: impl FnOnce(bool) -> (String, bool),
) -> Result<(), MailError> {
    let mut connection = Connection::connect(&relay.host, relay.port, relay.timeout).await?;
    if relay.security == Security::Tls {
        connection = upgrade(relay, connection).await?;
    }
    let connection = converse(relay, connection, envelope, render).await?;
    connection.shutdown().await;
    Ok(())
}

/// Everything after connecting; returns the connection to close after QUIT.
async fn converse(
    relay: &Relay,
    mut connection: Connection,
    envelope: &Envelope<'_>,
    render: impl FnOnce(bool) -> (String, bool),
) -> Result<Connection, MailError> {
    expect(
        connection.read_reply().await?,
        220,
        Step::Session("greeting"),
    )?;
    let mut extensions = hello(relay, &mut connection).await?;

    if relay.security == Security::StartTls {
        // No fallback to plain text: an attacker who strips STARTTLS gets nothing.
        if !extensions.has("STARTTLS") {
            return Err(MailError::transient("the relay does not offer STARTTLS"));
        }
        expect(
            connection.command("STARTTLS").await?,
            220,
            Step::Session("STARTTLS"),
        )?;
        connection = upgrade(relay, connection).await?;
        // RFC 3207 §4.2: forget what was learned before TLS and greet again.
        extensions = hello(relay, &mut connection).await?;
    }

    if let Some(credentials) = &relay.credentials {
        if !extensions.has_auth("PLAIN") {
            return Err(MailError::transient("the relay does not offer AUTH PLAIN"));
        }
        expect(
            connection
                .command(&format!("AUTH PLAIN {}", credentials.plain_token()))
                .await?,
            235,
            Step::Session("AUTH"),
        )?;
    }

    let (message, eight_bit) = render(extensions.has("8BITMIME"));
    let body = if eight_bit { " BODY=8BITMIME" } else { "" };
    expect(
        connection
            .command(&format!("MAIL FROM:<{}>{body}", envelope.sender))
            .await?,
        250,
        Step::Message("MAIL FROM"),
    )?;
    let rcpt = connection
        .command(&format!("RCPT TO:<{}>", envelope.recipient))
        .await?;
    // 251: "user not local; will forward" is an acceptance too.
    if rcpt.code != 251 {
        expect(rcpt, 250, Step::Message("RCPT TO"))?;
    }
    expect(
        connection.command("DATA").await?,
        354,
        Step::Message("DATA"),
    )?;
    expect(
        connection.data(&message).await?,
        250,
        Step::Message("the message"),
    )?;

    // Accepted: the reply to QUIT no longer matters.
    let _ = connection.command("QUIT").await;
    Ok(connection)
}

/// EHLO, or HELO for a relay that does not know EHLO (then no extensions).
async fn hello(relay: &Relay, connection: &mut Connection) -> Result<Extensions, MailError> {
    let reply = connection
        .command(&format!("EHLO {}", relay.hello_name))
        .await?;
    if reply.is_positive() {
        return Ok(reply.extensions());
    }
    if matches!(reply.code, 500 | 502) && relay.security == Security::None {
        let reply = connection
            .command(&format!("HELO {}", relay.hello_name))
            .await?;
        expect(reply, 250, Step::Session("HELO"))?;
        return Ok(Extensions::default());
    }
    Err(refusal(&reply, Step::Session("EHLO")))
}

async fn upgrade(relay: &Relay, connection: Connection) -> Result<Connection, MailError> {
    let (connector, name) = relay
        .tls
        .as_ref()
        .ok_or_else(|| MailError::transient("TLS is not configured"))?;
    connection.into_tls(connector, name.clone()).await
}

/// The reply if it has the expected code, otherwise the classified error.
fn expect(reply: Reply, code: u16, step: Step) -> Result<Reply, MailError> {
    if reply.code == code {
        Ok(reply)
    } else {
        Err(refusal(&reply, step))
    }
}

fn refusal(reply: &Reply, step: Step) -> MailError {
    let summary = reply.summary();
    match step {
        Step::Message(name) if reply.code >= 500 => {
            MailError::permanent(format!("{name} refused: {summary}"))
        }
        Step::Message(name) | Step::Session(name) if reply.code >= 400 => {
            MailError::transient(format!("{name} refused: {summary}"))
        }
        Step::Message(name) | Step::Session(name) => {
            MailError::transient(format!("unexpected reply to {name}: {summary}"))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reply(code: u16, text: &str) -> Reply {
        Reply {
            code,
            lines: vec![text.to_owned()],
        }
    }

    #[test]
    fn auth_plain_token_is_nul_user_nul_password() {
        let credentials = Credentials {
            username: "jc-notification".to_owned(),
            password: "geheim".to_owned(),
        };
        assert_eq!(
            credentials.plain_token(),
            "AGpjLW5vdGlmaWNhdGlvbgBnZWhlaW0="
        );
    }

    #[test]
    fn message_refusals_follow_the_reply_class() {
        let rejected = reply(550, "5.1.1 <anna@example.org>: unknown");
        assert_eq!(
            refusal(&rejected, Step::Message("RCPT TO")),
            MailError::permanent("RCPT TO refused: 550 5.1.1")
        );
        let later = reply(451, "4.7.1 greylisted anna@example.org");
        assert_eq!(
            refusal(&later, Step::Message("RCPT TO")),
            MailError::transient("RCPT TO refused: 451 4.7.1")
        );
    }

    #[test]
    fn session_refusals_are_transient_even_with_5xx() {
        let error = refusal(&reply(535, "5.7.8 bad credentials"), Step::Session("AUTH"));
        assert_eq!(error, MailError::transient("AUTH refused: 535 5.7.8"));
    }

    #[test]
    fn unexpected_positive_replies_are_transient() {
        let error = refusal(&reply(250, "ok"), Step::Message("DATA"));
        assert_eq!(error, MailError::transient("unexpected reply to DATA: 250"));
    }
}
