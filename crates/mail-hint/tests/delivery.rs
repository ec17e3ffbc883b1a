//! Hints sent to a real SMTP server (testkit's sink) over plain TCP: what arrives, and how
//! refusals and broken relays are classed.

use std::time::Duration;

use mail_hint::{HintMail, MailError, MailHintSender, SmtpSettings};
use testkit::smtp::{SinkOptions, SmtpSink};

const WAIT: Duration = Duration::from_secs(5);
const MESSAGE_ID: &str = "<3f1c2a9e-7b4d-5e6f-8a9b-0c1d2e3f4a5b@notification.jobcenter>";

fn settings(port: u16) -> SmtpSettings {
    SmtpSettings {
        port,
        from: "Jobcenter Musterstadt <noreply@jobcenter-musterstadt.example>".to_owned(),
        hello_name: "notification.test".to_owned(),
        timeout_ms: 5_000,
        ..SmtpSettings::default()
    }
}

fn hint() -> HintMail {
    HintMail {
        to: "anna.schmidt@example.org".to_owned(),
        message_id: MESSAGE_ID.to_owned(),
        subject: "Neue Nachricht für Sie".to_owned(),
        text: "Guten Tag,\n\nin Ihrem Postfach beim Jobcenter liegt eine neue Nachricht.\n\
               Öffnen Sie das Portal: https://portal.example.org/postfach\n"
            .to_owned(),
        language: "de".to_owned(),
    }
}

fn sender(port: u16) -> MailHintSender {
    MailHintSender::new(settings(port)).expect("valid settings")
}

#[tokio::test]
async fn a_hint_arrives_with_every_header_and_a_decodable_subject() {
    let sink = SmtpSink::start().await.expect("sink");
    sender(sink.port()).send(&hint()).await.expect("sent");

    let mail = sink.wait_for(1, WAIT).await.expect("arrived").remove(0);
    assert_eq!(mail.from, "noreply@jobcenter-musterstadt.example");
    assert_eq!(mail.to, ["anna.schmidt@example.org"]);
    assert_eq!(mail.mail_parameters, ["BODY=8BITMIME"]);
    assert!(!mail.tls);
    let header = |name: &str| mail.header(name).unwrap_or_else(|| panic!("no {name}"));
    assert_eq!(
        header("From"),
        "Jobcenter Musterstadt <noreply@jobcenter-musterstadt.example>"
    );
    assert_eq!(header("To"), "<anna.schmidt@example.org>");
    assert!(
        header("Subject").starts_with("=?UTF-8?B?"),
        "encoded, 7-bit"
    );
    assert_eq!(
        mail.decoded_header("Subject").as_deref(),
        Some("Neue Nachricht für Sie")
    );
    assert_eq!(header("Message-ID"), MESSAGE_ID);
    assert_eq!(header("Content-Language"), "de");
    assert_eq!(header("MIME-Version"), "1.0");
    assert_eq!(header("Content-Type"), "text/plain; charset=utf-8");
    assert_eq!(header("Content-Transfer-Encoding"), "8bit");
    assert_eq!(header("Auto-Submitted"), "auto-generated");
    let date = chrono::DateTime::parse_from_rfc2822(&header("Date")).expect("RFC 5322 date");
    let age = chrono::Utc::now().signed_duration_since(date);
    assert!(age.num_seconds().abs() < 60, "{age}");
    assert_eq!(
        mail.body(),
        "Guten Tag,\r\n\r\nin Ihrem Postfach beim Jobcenter liegt eine neue Nachricht.\r\n\
         Öffnen Sie das Portal: https://portal.example.org/postfach\r\n"
    );
}

#[tokio::test]
async fn without_8bitmime_the_body_goes_quoted_printable() {
    let sink = SmtpSink::start_with(SinkOptions {
        eight_bit_mime: false,
        ..SinkOptions::default()
    })
    .await
    .expect("sink");
    sender(sink.port()).send(&hint()).await.expect("sent");

    let mail = sink.wait_for(1, WAIT).await.expect("arrived").remove(0);
    assert!(mail.mail_parameters.is_empty());
    assert_eq!(
        mail.header("Content-Transfer-Encoding").as_deref(),
        Some("quoted-printable")
    );
    assert!(mail.data.is_ascii());
    assert!(mail.body().contains("Öffnen Sie das Portal"));
}

#[tokio::test]
async fn lines_starting_with_a_dot_survive_the_data_phase() {
    let sink = SmtpSink::start().await.expect("sink");
    let mut mail = hint();
    mail.text = ".\n..zwei Punkte\n.\r\nEnde".to_owned();
    sender(sink.port()).send(&mail).await.expect("sent");

    let received = sink.wait_for(1, WAIT).await.expect("arrived").remove(0);
    assert_eq!(received.body(), ".\r\n..zwei Punkte\r\n.\r\nEnde\r\n");
}

#[tokio::test]
async fn an_internationalised_domain_is_sent_in_punycode() {
    let sink = SmtpSink::start().await.expect("sink");
    let mut mail = hint();
    mail.to = "anna@bäckerei-müller.de".to_owned();
    sender(sink.port()).send(&mail).await.expect("sent");

    let received = sink.wait_for(1, WAIT).await.expect("arrived").remove(0);
    assert_eq!(received.to, ["anna@xn--bckerei-mller-bfb28a.de"]);
    assert_eq!(
        received.header("To").as_deref(),
        Some("<anna@xn--bckerei-mller-bfb28a.de>")
    );
}

#[tokio::test]
async fn a_451_is_transient_and_the_next_attempt_succeeds() {
    let sink = SmtpSink::start().await.expect("sink");
    sink.fail_next(451, 1);
    let sender = sender(sink.port());

    let error = sender.send(&hint()).await.expect_err("refused once");
    assert!(error.is_transient(), "{error:?}");
    assert_eq!(
        error,
        MailError::Transient {
            reason: "MAIL FROM refused: 451 4.3.0".to_owned()
        }
    );
    assert!(sink.received().is_empty());

    sender.send(&hint()).await.expect("second attempt");
    let received = sink.wait_for(1, WAIT).await.expect("arrived");
    assert_eq!(received.len(), 1);
    assert_eq!(
        received[0].header("Message-ID").as_deref(),
        Some(MESSAGE_ID)
    );
    let timeout = sink
        .wait_for(2, Duration::from_millis(100))
        .await
        .expect_err("only one arrived");
    assert_eq!((timeout.expected, timeout.received), (2, 1));
}

#[tokio::test]
async fn a_550_is_permanent_and_its_reason_names_no_address() {
    let sink = SmtpSink::start().await.expect("sink");
    sink.fail_next(550, 1);

    let error = sender(sink.port())
        .send(&hint())
        .await
        .expect_err("refused");
    let MailError::Permanent { reason } = &error else {
        panic!("expected Permanent, got {error:?}");
    };
    assert_eq!(reason, "MAIL FROM refused: 550 5.7.1");
    assert!(!error.to_string().contains("anna"));
    assert!(!error.to_string().contains("noreply"));
}

#[tokio::test]
async fn an_invalid_recipient_is_refused_before_connecting() {
    let sink = SmtpSink::start().await.expect("sink");
    let mut mail = hint();
    mail.to = "anna.schmidt@@example.org".to_owned();

    let error = sender(sink.port()).send(&mail).await.expect_err("invalid");
    assert!(
        matches!(error, MailError::Invalid { field: "to", .. }),
        "{error:?}"
    );
    assert!(!error.to_string().contains("anna"));
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert!(sink.received().is_empty());
}

#[tokio::test]
async fn a_relay_that_is_not_listening_is_transient() {
    // Bind and release a port: nothing listens there afterwards.
    let port = {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        listener.local_addr().expect("address").port()
    };
    let error = sender(port).send(&hint()).await.expect_err("no relay");
    assert!(error.is_transient(), "{error:?}");
}

#[tokio::test]
async fn a_relay_that_never_greets_times_out_as_transient() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let port = listener.local_addr().expect("address").port();
    // Accept and hold the connection without a word.
    let silent = tokio::spawn(async move {
        let (stream, _) = listener.accept().await.expect("accept");
        tokio::time::sleep(Duration::from_secs(30)).await;
        drop(stream);
    });
    let sender = MailHintSender::new(SmtpSettings {
        timeout_ms: 300,
        ..settings(port)
    })
    .expect("settings");

    let started = std::time::Instant::now();
    let error = sender.send(&hint()).await.expect_err("timed out");
    assert_eq!(
        error,
        MailError::Transient {
            reason: "the relay did not answer in time".to_owned()
        }
    );
    assert!(started.elapsed() < Duration::from_secs(3));
    silent.abort();
}
