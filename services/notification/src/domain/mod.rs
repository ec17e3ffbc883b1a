//! The notification domain: pure, no I/O.

pub mod args;
pub mod channel;
pub mod day;
pub mod ids;
pub mod messages;
pub mod planning;
pub mod profile;
pub mod reply;
pub mod retry;
pub mod topic;
pub mod triggers;

pub use args::{ArgValue, Args};
pub use channel::Channel;
pub use topic::Topic;
