//! The test harness every test shares.
//!
//! Tests never share state: each gets its own PostgreSQL database ([`TestDatabase`], owned by the
//! platform's owner role, with a pool per database role) and its own nats-server with JetStream on
//! a free port ([`TestNats`]). Both are removed when dropped. PostgreSQL and NATS are real here,
//! never mocked.

mod database;
mod nats;
pub mod push;
pub mod raw_grpc;
pub mod s3;
pub mod scan;
pub mod smtp;

pub use database::{TestDatabase, admin_url, ensure_roles, roles};
pub use nats::{TestNats, nats_server_binary};

/// What can go wrong while preparing a test environment.
#[derive(Debug, thiserror::Error)]
pub enum TestkitError {
    /// PostgreSQL refused or failed.
    #[error("database set-up failed")]
    Database(#[from] sqlx::Error),
    /// The nats-server could not be started.
    #[error("nats-server set-up failed: {0}")]
    Nats(String),
    /// The S3-compatible test server could not be started or prepared.
    #[error("S3 test server set-up failed: {0}")]
    S3(String),
    /// A file or process operation failed.
    #[error("i/o failed")]
    Io(#[from] std::io::Error),
}
