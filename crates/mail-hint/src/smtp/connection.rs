//! One connection to the relay: lines out, replies in, each step bounded by the timeout, and
//! the switch to TLS.

use std::time::Duration;

use rustls::pki_types::ServerName;
use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;
use tokio_rustls::TlsConnector;

use super::reply::{Reply, ReplyParser};
use crate::error::MailError;

/// Longest reply line accepted (RFC 5321 §4.5.3.1.5 allows 512 octets; be lenient).
const MAX_REPLY_LINE: u64 = 4096;

/// A byte stream, plain or TLS, so one type carries the session across STARTTLS.
pub(crate) trait Io: AsyncRead + AsyncWrite + Unpin + Send {}
impl<T: AsyncRead + AsyncWrite + Unpin + Send> Io for T {}

/// A connection with a read buffer.
pub(crate) struct Connection {
    stream: BufReader<Box<dyn Io>>,
    timeout: Duration,
}

impl Connection {
    /// Connects over TCP to `host:port` within `timeout`.
    pub(crate) async fn connect(
        host: &str,
        port: u16,
        timeout: Duration,
    ) -> Result<Self, MailError> {
        let stream = tokio::time::timeout(timeout, TcpStream::connect((host, port)))
            .await
            .map_err(|_| MailError::transient("connecting to the relay timed out"))?
            .map_err(|error| {
                MailError::transient(format!("cannot connect to the relay: {}", error.kind()))
            })?;
        // Commands are small and each waits for its reply: do not let Nagle hold them back.
        stream.set_nodelay(true).map_err(|error| {
            MailError::transient(format!("cannot configure the socket: {}", error.kind()))
        })?;
        Ok(Self {
            stream: BufReader::new(Box::new(stream)),
            timeout,
        })
    }

    /// Runs the TLS handshake on this connection (implicit TLS, or after `220` to STARTTLS).
    pub(crate) async fn into_tls(
        self,
        connector: &TlsConnector,
        server_name: ServerName<'static>,
    ) -> Result<Self, MailError> {
        // Bytes the relay sent after its STARTTLS reply would have been read in plain text but
        // processed as if protected: refuse them (the STARTTLS command injection of
        // CVE-2011-0411 in reverse).
        if !self.stream.buffer().is_empty() {
            return Err(MailError::transient(
                "the relay sent data before the TLS handshake",
            ));
        }
        let timeout = self.timeout;
        let plain = self.stream.into_inner();
        let tls = tokio::time::timeout(timeout, connector.connect(server_name, plain))
            .await
            .map_err(|_| MailError::transient("the TLS handshake timed out"))?
            .map_err(|error| MailError::transient(format!("TLS handshake failed: {error}")))?;
        Ok(Self {
            stream: BufReader::new(Box::new(tls)),
            timeout,
        })
    }

    /// Sends one command line (CRLF added) and reads the reply.
    pub(crate) async fn command(&mut self, line: &str) -> Result<Reply, MailError> {
        self.write(format!("{line}\r\n").as_bytes()).await?;
        self.read_reply().await
    }

    /// Sends the message of DATA, dot-stuffed and terminated, and reads the reply.
    pub(crate) async fn data(&mut self, message: &str) -> Result<Reply, MailError> {
        self.write(dot_stuff(message).as_bytes()).await?;
        self.read_reply().await
    }

    /// Reads one complete reply.
    pub(crate) async fn read_reply(&mut self) -> Result<Reply, MailError> {
        let mut parser = ReplyParser::default();
        loop {
            let line = self.read_line().await?;
            match parser.push(&line) {
                Ok(Some(reply)) => return Ok(reply),
                Ok(None) => {}
                Err(error) => {
                    return Err(MailError::transient(format!("the relay sent a {error}")));
                }
            }
        }
    }

    async fn read_line(&mut self) -> Result<String, MailError> {
        let mut raw = Vec::new();
        let mut limited = (&mut self.stream).take(MAX_REPLY_LINE);
        let count = tokio::time::timeout(self.timeout, limited.read_until(b'\n', &mut raw))
            .await
            .map_err(|_| MailError::transient("the relay did not answer in time"))?
            .map_err(io_error)?;
        if count == 0 {
            return Err(MailError::transient("the relay closed the connection"));
        }
        if raw.last() != Some(&b'\n') {
            return Err(MailError::transient(
                "the relay sent an overlong reply line",
            ));
        }
        raw.pop();
        if raw.last() == Some(&b'\r') {
            raw.pop();
        }
        String::from_utf8(raw)
            .map_err(|_| MailError::transient("the relay sent a reply that is not UTF-8"))
    }

    async fn write(&mut self, bytes: &[u8]) -> Result<(), MailError> {
        let stream = self.stream.get_mut();
        let write = async {
            stream.write_all(bytes).await?;
            stream.flush().await
        };
        tokio::time::timeout(self.timeout, write)
            .await
            .map_err(|_| MailError::transient("writing to the relay timed out"))?
            .map_err(io_error)
    }

    /// Ends the TLS session cleanly (close_notify) or the TCP stream; errors do not matter
    /// once the relay has accepted or refused the message.
    pub(crate) async fn shutdown(mut self) {
        let _ = tokio::time::timeout(self.timeout, self.stream.get_mut().shutdown()).await;
    }
}

fn io_error(error: std::io::Error) -> MailError {
    MailError::transient(format!("connection to the relay failed: {}", error.kind()))
}

/// The message as DATA carries it (RFC 5321 §4.5.2): a line starting with `.` gets a second
/// one, the message ends with CRLF, then `.` CRLF. `message` has CRLF line ends already.
fn dot_stuff(message: &str) -> String {
    let mut out = String::with_capacity(message.len() + 16);
    for line in message.split_terminator("\r\n") {
        if line.starts_with('.') {
            out.push('.');
        }
        out.push_str(line);
        out.push_str("\r\n");
    }
    out.push_str(".\r\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dot_stuffing_doubles_leading_dots_and_terminates() {
        assert_eq!(
            dot_stuff("Subject: x\r\n\r\n.\r\n..x\r\nend.\r\n"),
            "Subject: x\r\n\r\n..\r\n...x\r\nend.\r\n.\r\n"
        );
    }

    #[test]
    fn dot_stuffing_adds_a_missing_final_line_end() {
        assert_eq!(dot_stuff("a\r\nb"), "a\r\nb\r\n.\r\n");
    }
}
