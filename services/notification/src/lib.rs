//! The notification service: applicants' communication profiles (language, consent per
//! channel, e-mail address, push subscriptions), messages composed from other services'
//! events (docs/notification/service.md), the mailbox (Postfach) with read receipts, messages
//! both ways, and delivery by push, e-mail hint and printed letter through an outbox.

// Stricter than the workspace: every public item of the service is documented.
#![warn(missing_docs)]

pub mod api;
mod application;
pub mod authorization;
pub mod commands;
pub mod compose;
pub mod consistency;
pub mod delivery;
pub mod domain;
pub mod error;
pub mod events;
pub mod migrations;
pub mod outbox;
pub mod print_queue;
pub mod projections;
pub mod settings;
pub mod sources;
pub mod templates;

pub use application::{Application, FOLLOWED_LOGS, RELATIONS, StartError, install};
pub use settings::{Config, DEFAULT_GRPC_PORT, TenantSettings};

/// PostgreSQL schema of the service's log, read models, outbox and print queue.
pub const SCHEMA: &str = "notification";
/// PostgreSQL schema of the service's read-access log (never relayed).
pub const ACCESS_SCHEMA: &str = "notification_access";
/// Name of the log in position tokens (`notification:<tx>:<pos>`) and on the bus
/// (`EV_NOTIFICATION`, subjects `ev.notification.<tenant>.<partition>`).
pub const LOG_NAME: &str = "notification";
/// Environment prefix of the settings.
pub const ENV_PREFIX: &str = "JC_NOTIFICATION_";
