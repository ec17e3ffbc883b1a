//! STARTTLS, implicit TLS and AUTH PLAIN against testkit's sink with a certificate from a test
//! CA: a protected session delivers, anything less delivers nothing.

use std::path::PathBuf;
use std::time::Duration;

use mail_hint::{HintMail, MailError, MailHintSender, Security, SmtpSettings};
use test_identities::ca::TestCa;
use testkit::smtp::{SinkCredentials, SinkOptions, SinkTls, SmtpSink};

const WAIT: Duration = Duration::from_secs(5);

/// A CA, its certificate file for the client, and a sink certificate it issued.
struct Pki {
    _dir: tempfile::TempDir,
    ca_file: PathBuf,
    sink_tls: SinkTls,
}

fn pki(implicit: bool) -> Pki {
    let ca = TestCa::new("mail.test").expect("CA");
    let dir = tempfile::tempdir().expect("temp dir");
    let ca_file = ca.write_cert(dir.path(), "relay-ca").expect("CA file");
    let server = ca.server_certificate().expect("server certificate");
    Pki {
        _dir: dir,
        ca_file,
        sink_tls: SinkTls {
            cert_pem: server.cert_pem,
            key_pem: server.key_pem,
            implicit,
        },
    }
}

fn credentials() -> SinkCredentials {
    SinkCredentials {
        username: "jc-notification".to_owned(),
        password: "relay-secret".to_owned(),
    }
}

fn settings(port: u16, security: Security, ca_file: &std::path::Path) -> SmtpSettings {
    SmtpSettings {
        port,
        security,
        username: Some("jc-notification".to_owned()),
        password: Some("relay-secret".to_owned()),
        from: "Jobcenter <noreply@jobcenter.example>".to_owned(),
        timeout_ms: 5_000,
        ca_file: Some(ca_file.to_owned()),
        ..SmtpSettings::default()
    }
}

fn hint() -> HintMail {
    HintMail {
        to: "anna@example.org".to_owned(),
        message_id: "<5b0e8d1c-2f3a-5c4d-9e8f-7a6b5c4d3e2f@notification.jobcenter>".to_owned(),
        subject: "Neue Nachricht".to_owned(),
        text: "Sie haben eine neue Nachricht im Postfach.".to_owned(),
        language: "de".to_owned(),
    }
}

#[tokio::test]
async fn starttls_then_auth_plain_delivers() {
    let pki = pki(false);
    let sink = SmtpSink::start_with(SinkOptions {
        tls: Some(pki.sink_tls.clone()),
        credentials: Some(credentials()),
        ..SinkOptions::default()
    })
    .await
    .expect("sink");
    let sender = MailHintSender::new(settings(sink.port(), Security::StartTls, &pki.ca_file))
        .expect("settings");

    sender.send(&hint()).await.expect("sent");
    let mail = sink.wait_for(1, WAIT).await.expect("arrived").remove(0);
    assert!(mail.tls);
    assert_eq!(mail.authenticated_as.as_deref(), Some("jc-notification"));
    assert_eq!(mail.to, ["anna@example.org"]);
}

#[tokio::test]
async fn implicit_tls_delivers() {
    let pki = pki(true);
    let sink = SmtpSink::start_with(SinkOptions {
        tls: Some(pki.sink_tls.clone()),
        credentials: Some(credentials()),
        ..SinkOptions::default()
    })
    .await
    .expect("sink");
    let sender =
        MailHintSender::new(settings(sink.port(), Security::Tls, &pki.ca_file)).expect("settings");

    sender.send(&hint()).await.expect("sent");
    let mail = sink.wait_for(1, WAIT).await.expect("arrived").remove(0);
    assert!(mail.tls);
    assert_eq!(mail.authenticated_as.as_deref(), Some("jc-notification"));
}

#[tokio::test]
async fn a_relay_without_starttls_gets_nothing() {
    let pki = pki(false);
    let sink = SmtpSink::start().await.expect("plain sink");
    let sender = MailHintSender::new(settings(sink.port(), Security::StartTls, &pki.ca_file))
        .expect("settings");

    let error = sender.send(&hint()).await.expect_err("no STARTTLS");
    assert_eq!(
        error,
        MailError::Transient {
            reason: "the relay does not offer STARTTLS".to_owned()
        }
    );
    assert!(sink.received().is_empty());
}

#[tokio::test]
async fn a_certificate_from_another_ca_fails_the_handshake() {
    let trusted = pki(false);
    let other = pki(false);
    let sink = SmtpSink::start_with(SinkOptions {
        tls: Some(other.sink_tls.clone()),
        ..SinkOptions::default()
    })
    .await
    .expect("sink");
    let sender = MailHintSender::new(SmtpSettings {
        username: None,
        password: None,
        ..settings(sink.port(), Security::StartTls, &trusted.ca_file)
    })
    .expect("settings");

    let error = sender.send(&hint()).await.expect_err("untrusted");
    let MailError::Transient { reason } = &error else {
        panic!("expected Transient, got {error:?}");
    };
    assert!(reason.starts_with("TLS handshake failed"), "{reason}");
    assert!(sink.received().is_empty());
}

#[tokio::test]
async fn refused_credentials_are_transient_not_a_dead_letter() {
    let pki = pki(false);
    let sink = SmtpSink::start_with(SinkOptions {
        tls: Some(pki.sink_tls.clone()),
        credentials: Some(credentials()),
        ..SinkOptions::default()
    })
    .await
    .expect("sink");
    let sender = MailHintSender::new(SmtpSettings {
        password: Some("wrong".to_owned()),
        ..settings(sink.port(), Security::StartTls, &pki.ca_file)
    })
    .expect("settings");

    let error = sender.send(&hint()).await.expect_err("refused");
    assert_eq!(
        error,
        MailError::Transient {
            reason: "AUTH refused: 535 5.7.8".to_owned()
        }
    );
    assert!(sink.received().is_empty());
}
