//! Web Push for the notification service: a hint to an applicant's browser or app that a
//! new message is in the mailbox.
//!
//! - [`Subscription`]: a browser's push subscription, checked when it enters the system.
//! - [`VapidKey`]: the application server's key; browsers subscribe with its public key, and
//!   every request is signed with it (VAPID, RFC 8292).
//! - [`encrypt`] / [`encrypt_with`]: the message encrypted for the browser (RFC 8291, in the
//!   `aes128gcm` content coding of RFC 8188); the push service sees only ciphertext.
//! - [`WebPushSender`]: posts a message to the push service (RFC 8030) and maps the answer to
//!   delivered, [`PushError::Gone`] (remove the subscription), permanent or retryable.
//!
//! Configuration comes in as values ([`SenderSettings`], the key's text): this crate reads no
//! environment variables and no files but the system's CA certificates.

#![warn(missing_docs)]

mod encrypt;
mod keys;
mod options;
mod outcome;
mod sender;
mod subscription;
mod vapid;

pub use encrypt::{
    EncryptError, EphemeralKey, MAX_PAYLOAD_LEN, RECORD_SIZE, SALT_LEN, encrypt, encrypt_with,
};
pub use keys::{KeyError, POINT_LEN, SCALAR_LEN};
pub use options::{MAX_TOPIC_LEN, PushOptions, Topic, TopicError, Urgency};
pub use outcome::{PushAccepted, PushError, classify};
pub use sender::{DEFAULT_REQUEST_TIMEOUT, SenderError, SenderSettings, WebPushSender};
pub use subscription::{
    AUTH_LEN, EndpointPolicy, MAX_ENDPOINT_LEN, Subscription, SubscriptionError,
};
pub use vapid::{TOKEN_LIFETIME, VapidKey, expiry_from_now, is_valid_subject};
