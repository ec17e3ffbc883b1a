//! One client connection of the sink: the server side of the SMTP dialogue.

use std::sync::Arc;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;
use tokio_rustls::TlsAcceptor;

use super::{ReceivedMail, Shared, SinkOptions};

/// Longest command or message line read (SMTP allows 1000 octets; be lenient).
const MAX_LINE: u64 = 64 * 1024;

/// What every connection needs to know.
pub(super) struct Config {
    pub(super) options: SinkOptions,
    pub(super) acceptor: Option<TlsAcceptor>,
}

/// A byte stream, plain or TLS, so STARTTLS can swap it mid-session.
trait Io: AsyncRead + AsyncWrite + Unpin + Send {}
impl<T: AsyncRead + AsyncWrite + Unpin + Send> Io for T {}

/// The envelope being built.
#[derive(Default)]
struct Transaction {
    from: Option<String>,
    parameters: Vec<String>,
    to: Vec<String>,
}

/// The session state beyond the transaction.
struct Session {
    stream: BufReader<Box<dyn Io>>,
    tls: bool,
    authenticated_as: Option<String>,
    transaction: Transaction,
}

/// Serves one connection until QUIT, EOF or an I/O error (errors end the session quietly:
/// the client under test sees the broken connection and that is what such a test checks).
pub(super) async fn serve(stream: TcpStream, shared: Arc<Shared>, config: Arc<Config>) {
    if let Err(error) = run(stream, &shared, &config).await {
        tracing::debug!(%error, "smtp sink: session ended");
    }
}

async fn run(stream: TcpStream, shared: &Shared, config: &Config) -> std::io::Result<()> {
    let mut io: Box<dyn Io> = Box::new(stream);
    let mut tls = false;
    if let (Some(acceptor), Some(sink_tls)) = (&config.acceptor, &config.options.tls)
        && sink_tls.implicit
    {
        io = Box::new(acceptor.accept(io).await?);
        tls = true;
    }
    let mut session = Session {
        stream: BufReader::new(io),
        tls,
        authenticated_as: None,
        transaction: Transaction::default(),
    };
    session.reply("220 sink.localhost ESMTP test sink").await?;
    while let Some(line) = session.read_line().await? {
        let (verb, argument) = match line.split_once(' ') {
            Some((verb, argument)) => (verb.to_ascii_uppercase(), argument.trim()),
            None => (line.to_ascii_uppercase(), ""),
        };
        match verb.as_str() {
            "EHLO" => session.ehlo(config).await?,
            "HELO" => session.reply("250 sink.localhost").await?,
            "STARTTLS" => {
                let Some(acceptor) = config.acceptor.as_ref().filter(|_| !session.tls) else {
                    session.reply("502 5.5.1 STARTTLS not available").await?;
                    continue;
                };
                session.reply("220 2.0.0 ready to start TLS").await?;
                session = session.into_tls(acceptor).await?;
            }
            "AUTH" => session.auth(config, argument).await?,
            "MAIL" => session.mail(config, shared, argument).await?,
            "RCPT" => session.rcpt(argument).await?,
            "DATA" => session.data(shared).await?,
            "RSET" => {
                session.transaction = Transaction::default();
                session.reply("250 2.0.0 reset").await?;
            }
            "NOOP" => session.reply("250 2.0.0 ok").await?,
            "QUIT" => {
                session.reply("221 2.0.0 bye").await?;
                return Ok(());
            }
            _ => session.reply("502 5.5.2 command not implemented").await?,
        }
    }
    Ok(())
}

impl Session {
    async fn ehlo(&mut self, config: &Config) -> std::io::Result<()> {
        self.transaction = Transaction::default();
        let mut lines = vec!["sink.localhost greets you", "PIPELINING"];
        if config.options.eight_bit_mime {
            lines.push("8BITMIME");
        }
        if config.acceptor.is_some() && !self.tls {
            lines.push("STARTTLS");
        }
        // Like real relays: no AUTH over plain text when TLS is on offer.
        if config.options.credentials.is_some() && (self.tls || config.acceptor.is_none()) {
            lines.push("AUTH PLAIN");
        }
        let last = lines.len() - 1;
        let reply: String = lines
            .iter()
            .enumerate()
            .map(|(i, line)| format!("250{}{line}\r\n", if i == last { ' ' } else { '-' }))
            .collect();
        self.write(reply.as_bytes()).await
    }

    async fn into_tls(self, acceptor: &TlsAcceptor) -> std::io::Result<Self> {
        let plain = self.stream.into_inner();
        let tls = acceptor.accept(plain).await?;
        // RFC 3207 §4.2: everything learned before TLS is forgotten.
        Ok(Session {
            stream: BufReader::new(Box::new(tls)),
            tls: true,
            authenticated_as: None,
            transaction: Transaction::default(),
        })
    }

    async fn auth(&mut self, config: &Config, argument: &str) -> std::io::Result<()> {
        let Some(expected) = &config.options.credentials else {
            return self.reply("502 5.5.1 AUTH not available").await;
        };
        let mut words = argument.split_ascii_whitespace();
        if !words
            .next()
            .is_some_and(|m| m.eq_ignore_ascii_case("PLAIN"))
        {
            return self.reply("504 5.5.4 only PLAIN").await;
        }
        let token = match words.next() {
            Some(token) => token.to_owned(),
            None => {
                self.reply("334 ").await?;
                self.read_line().await?.unwrap_or_default()
            }
        };
        let decoded = STANDARD.decode(token.trim()).unwrap_or_default();
        let mut parts = decoded.split(|byte| *byte == 0);
        let (_authzid, user, password) = (parts.next(), parts.next(), parts.next());
        if user == Some(expected.username.as_bytes())
            && password == Some(expected.password.as_bytes())
        {
            self.authenticated_as = Some(expected.username.clone());
            self.reply("235 2.7.0 authenticated").await
        } else {
            self.reply("535 5.7.8 authentication failed").await
        }
    }

    async fn mail(
        &mut self,
        config: &Config,
        shared: &Shared,
        argument: &str,
    ) -> std::io::Result<()> {
        if config.options.credentials.is_some() && self.authenticated_as.is_none() {
            return self.reply("530 5.7.0 authentication required").await;
        }
        if let Some(code) = shared.take_failure() {
            let text = if code < 500 {
                "4.3.0 temporary failure (injected)"
            } else {
                "5.7.1 rejected (injected)"
            };
            return self.reply(&format!("{code} {text}")).await;
        }
        let Some((address, parameters)) = path_argument(argument, "FROM:") else {
            return self.reply("501 5.5.4 syntax: MAIL FROM:<address>").await;
        };
        self.transaction = Transaction {
            from: Some(address),
            parameters,
            to: Vec::new(),
        };
        self.reply("250 2.1.0 sender ok").await
    }

    async fn rcpt(&mut self, argument: &str) -> std::io::Result<()> {
        if self.transaction.from.is_none() {
            return self.reply("503 5.5.1 MAIL first").await;
        }
        let Some((address, _)) = path_argument(argument, "TO:") else {
            return self.reply("501 5.5.4 syntax: RCPT TO:<address>").await;
        };
        self.transaction.to.push(address);
        self.reply("250 2.1.5 recipient ok").await
    }

    async fn data(&mut self, shared: &Shared) -> std::io::Result<()> {
        if self.transaction.to.is_empty() {
            return self.reply("503 5.5.1 RCPT first").await;
        }
        self.reply("354 end with <CRLF>.<CRLF>").await?;
        let mut data = String::new();
        loop {
            let Some(line) = self.read_line().await? else {
                return Ok(());
            };
            if line == "." {
                break;
            }
            // Dot-unstuffing (RFC 5321 §4.5.2).
            data.push_str(line.strip_prefix('.').unwrap_or(&line));
            data.push_str("\r\n");
        }
        let transaction = std::mem::take(&mut self.transaction);
        shared.record(ReceivedMail {
            from: transaction.from.unwrap_or_default(),
            to: transaction.to,
            data,
            mail_parameters: transaction.parameters,
            tls: self.tls,
            authenticated_as: self.authenticated_as.clone(),
        });
        self.reply("250 2.0.0 queued").await
    }

    /// One line without its CRLF (or LF); `None` at EOF.
    async fn read_line(&mut self) -> std::io::Result<Option<String>> {
        let mut raw = Vec::new();
        let mut limited = (&mut self.stream).take(MAX_LINE);
        if limited.read_until(b'\n', &mut raw).await? == 0 {
            return Ok(None);
        }
        if raw.last() == Some(&b'\n') {
            raw.pop();
        }
        if raw.last() == Some(&b'\r') {
            raw.pop();
        }
        Ok(Some(String::from_utf8_lossy(&raw).into_owned()))
    }

    async fn reply(&mut self, line: &str) -> std::io::Result<()> {
        self.write(format!("{line}\r\n").as_bytes()).await
    }

    async fn write(&mut self, bytes: &[u8]) -> std::io::Result<()> {
        let stream = self.stream.get_mut();
        stream.write_all(bytes).await?;
        stream.flush().await
    }
}

/// `FROM:<a@b> BODY=8BITMIME` → (`a@b`, [`BODY=8BITMIME`]); the keyword case-insensitive.
fn path_argument(argument: &str, keyword: &str) -> Option<(String, Vec<String>)> {
    let head = argument.get(..keyword.len())?;
    if !head.eq_ignore_ascii_case(keyword) {
        return None;
    }
    let rest = argument[keyword.len()..].trim_start();
    let inner = rest.strip_prefix('<')?;
    let (address, parameters) = inner.split_once('>')?;
    Some((
        address.to_owned(),
        parameters
            .split_ascii_whitespace()
            .map(str::to_owned)
            .collect(),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_arguments_with_and_without_parameters() {
        assert_eq!(
            path_argument("FROM:<a@b.de> BODY=8BITMIME", "FROM:"),
            Some(("a@b.de".to_owned(), vec!["BODY=8BITMIME".to_owned()]))
        );
        assert_eq!(
            path_argument("to: <a@b.de>", "TO:"),
            Some(("a@b.de".to_owned(), Vec::new()))
        );
        assert_eq!(
            path_argument("FROM:<>", "FROM:"),
            Some((String::new(), Vec::new()))
        );
        assert_eq!(path_argument("FROM:a@b.de", "FROM:"), None);
        assert_eq!(path_argument("TO:<a@b.de>", "FROM:"), None);
    }
}
