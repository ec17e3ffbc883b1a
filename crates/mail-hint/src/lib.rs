//! E-mail hints over SMTP.
//!
//! The notification service tells an applicant by e-mail only *that* something waits in the
//! jobcenter mailbox, with a link to the portal: never names, case ids, subjects or deadlines
//! (docs/notification/service.md). This crate sends such a hint through the provider's relay
//! and reports the outcome in the terms the outbox needs: sent, try again later
//! ([`MailError::Transient`]), never ([`MailError::Permanent`]), or malformed
//! ([`MailError::Invalid`]).
//!
//! It carries its own small SMTP client (EHLO, STARTTLS, AUTH PLAIN, MAIL, RCPT, DATA, QUIT)
//! instead of `lettre`, which would bring a second version of `nom` into the tree. Every
//! attempt sends the same `Message-ID`, so a copy re-sent after a crash can be recognised.
//!
//! ```no_run
//! # async fn example() -> Result<(), mail_hint::MailError> {
//! use mail_hint::{HintMail, MailHintSender, SmtpSettings};
//! let sender = MailHintSender::new(SmtpSettings::default())?;
//! sender
//!     .send(&HintMail {
//!         to: "anna@example.org".into(),
//!         message_id: "<0b7c5a4e-4a3f-5b8e-9d0a-1c2b3d4e5f60@notification.jobcenter>".into(),
//!         subject: "Neue Nachricht in Ihrem Postfach".into(),
//!         text: "Sie haben eine neue Nachricht: https://portal.example.org/postfach".into(),
//!         language: "de".into(),
//!     })
//!     .await
//! # }
//! ```

#![warn(missing_docs)]

mod address;
mod body;
mod error;
mod header;
mod message;
mod sender;
mod settings;
mod smtp;
mod tls;

pub use address::{AddressError, MAX_ADDRESS_LEN, check_address};
pub use error::MailError;
pub use message::HintMail;
pub use sender::MailHintSender;
pub use settings::{Security, SmtpSettings};
