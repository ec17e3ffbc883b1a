//! The read-access log: who read which social data, when, from where, why, and with what outcome.
//!
//! SGB X and the GDPR require a jobcenter to show who accessed a person's social data. Every
//! read of case or applicant data, every denied read and every failed authentication becomes one
//! [`AccessRecord`]: identifiers and fixed codes, never content. Records are kept in an
//! [`eventlog::EventLog`] of their own schema ([`AccessLog`]), hash-chained per tenant and day,
//! append-only, never relayed (ARCHITECTURE §3.8).
//!
//! - Handlers wrap each read in [`AccessLog::audited`]: the read's result is returned only once
//!   its record is written, so a read fails when its record cannot be written. A streamed read
//!   also records each part before it is sent ([`AccessLog::record_part`]).
//! - The platform's authentication, authorization and rate-limit layers record refusals through
//!   `impl platform::audit::RefusalRecorder for AccessLog`.
//! - Auditors read a tenant's records with [`AccessLog::list`] and check the chains with
//!   [`AccessLog::verify`].
//!
//! See `docs/security/read-access-log.md`.

mod audited;
mod error;
mod log;
mod purpose;
mod query;
mod record;
mod refusal;
mod stream;
mod streamed;
mod wire;

pub use audited::{AuditedError, ReadContext, ReadOutcome};
pub use error::{AccessLogError, DecodeError};
pub use eventlog::{BreakReason, BrokenLink, VerifyReport};
pub use log::{AccessLog, DEFAULT_RECORD_TIMEOUT};
pub use purpose::{InvalidPurpose, MAX_PURPOSE_LEN, PURPOSE_HEADER, Purpose};
pub use query::{AccessPage, LoggedAccess, MAX_PAGE_SIZE, MAX_PERIOD_DAYS, Page, PageToken};
pub use record::{
    AccessRecord, MAX_PRINCIPAL_LEN, MAX_REASON_LEN, MAX_RPC_LEN, OTHER_REASON, ObjectKind,
    ObjectRef, Outcome,
};
pub use refusal::INVALID_RPC;
pub use stream::{STREAM_PREFIX, UNAUTHENTICATED_TENANT, stream_id};
pub use wire::{EVENT_TYPE, SCHEMA_VERSION};
