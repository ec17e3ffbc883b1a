//! A small SMTP client (RFC 5321) for one message per connection: enough for a relay that
//! forwards our hints, nothing more (no pipelining, no connection reuse; hints are few).

mod connection;
mod reply;
mod session;

pub(crate) use session::{Credentials, Envelope, Relay, deliver};
