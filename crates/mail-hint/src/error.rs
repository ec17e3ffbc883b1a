//! What a send can end in, sorted by what the caller (the outbox worker) should do next.
//!
//! Reasons are for operators: they name the SMTP step, the reply code and the enhanced status
//! code, never the server's free text, because relays echo the recipient's address there
//! ("550 5.1.1 <anna@example.org>: unknown user") and an address is personal data.

/// Why an e-mail hint was not sent.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MailError {
    /// Try again later: a 4xx reply, a broken or slow connection, a relay that is not set up
    /// the way the settings say (no STARTTLS, refused credentials).
    #[error("transient mail failure: {reason}")]
    Transient {
        /// What failed, without personal data.
        reason: String,
    },
    /// This message will never be accepted: a 5xx reply to the sender, the recipient or the
    /// data.
    #[error("permanent mail failure: {reason}")]
    Permanent {
        /// What failed, without personal data.
        reason: String,
    },
    /// The settings or the mail are malformed; nothing was sent.
    #[error("invalid {field}: {reason}")]
    Invalid {
        /// The setting or [`crate::HintMail`] field at fault.
        field: &'static str,
        /// What is wrong with it.
        reason: String,
    },
}

impl MailError {
    /// Whether a later attempt may succeed.
    pub fn is_transient(&self) -> bool {
        matches!(self, MailError::Transient { .. })
    }

    pub(crate) fn transient(reason: impl Into<String>) -> Self {
        MailError::Transient {
            reason: reason.into(),
        }
    }

    pub(crate) fn permanent(reason: impl Into<String>) -> Self {
        MailError::Permanent {
            reason: reason.into(),
        }
    }

    pub(crate) fn invalid(field: &'static str, reason: impl Into<String>) -> Self {
        MailError::Invalid {
            field,
            reason: reason.into(),
        }
    }
}
