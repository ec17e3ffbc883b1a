//! Reads that are recorded exactly once, and fail when their record cannot be written.
//!
//! A handler describes the call once ([`ReadContext::from_request`]: the caller and RPC the
//! authorization layer approved, its scope, peer and purpose)
//! and wraps its read in [`AccessLog::audited`]:
//!
//! ```
//! use access_log::{AccessLog, ObjectKind, ObjectRef, ReadContext};
//! use tonic::{Request, Response, Status};
//!
//! async fn get_case(log: &AccessLog, request: Request<String>) -> Result<Response<String>, Status> {
//!     let read = ReadContext::from_request(&request)?;
//!     let case = ObjectRef::parse(ObjectKind::Case, request.get_ref());
//!     Ok(log.audited(&read, case, load_case(&read, request.into_inner())).await?)
//! }
//!
//! /// The read itself: authorise, query within `read.caller().tenant_id`, convert.
//! async fn load_case(read: &ReadContext, case_id: String) -> Result<Response<String>, Status> {
//!     # let _ = (read, case_id);
//!     Err(Status::not_found("no such case"))
//! }
//! ```
//!
//! `audited` runs the read, derives the outcome from its result ([`ReadOutcome`]), writes the
//! record, and only then hands the result back. If the record cannot be written the read's value
//! is dropped and [`AuditedError::Unrecorded`] returned (answered `UNAVAILABLE`): social data
//! never leaves without its record. A read whose object is only known from its result
//! (`FindCaseByApplication`) names it with [`AccessLog::audited_with`].
//!
//! A purpose given in `x-jc-purpose` that is not a code is refused `INVALID_ARGUMENT` before the
//! read runs, and that refusal is recorded too. A call dropped while its read runs (the client
//! cancelled, the deadline passed) is recorded as `failed` by a spawned task: exactly one record
//! per call either way.

use std::convert::Infallible;
use std::future::Future;
use std::net::SocketAddr;

use chrono::{DateTime, Utc};
use platform::CallerContext;
use platform::authz::{Authorized, Scope};
use platform::status::{FieldViolation, invalid_argument};
use tonic::Status;

use crate::error::{AccessLogError, chain};
use crate::log::AccessLog;
use crate::purpose::{InvalidPurpose, PURPOSE_HEADER, Purpose};
use crate::record::{AccessRecord, ObjectRef, Outcome};

/// Everything a record of one call needs but its objects and outcome: who, through which RPC,
/// from where, why, and when the call began.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadContext {
    authorized: Authorized,
    peer: Option<SocketAddr>,
    purpose: Result<Option<Purpose>, InvalidPurpose>,
    started: DateTime<Utc>,
}

impl ReadContext {
    /// The context of `request`: the caller, scope and RPC path the authorization layer put
    /// into its extensions (`PERMISSION_DENIED` if none ran), its peer address, and its
    /// `x-jc-purpose`. Nothing else of the request is kept.
    #[allow(clippy::result_large_err)]
    pub fn from_request<T>(request: &tonic::Request<T>) -> Result<Self, Status> {
        Ok(ReadContext {
            authorized: Authorized::from_request(request)?,
            peer: request.remote_addr(),
            purpose: Purpose::from_metadata(request.metadata()),
            started: Utc::now(),
        })
    }

    /// The context of a call of `rpc` by `caller` with tenant-wide scope, begun now, without
    /// peer or purpose.
    pub fn new(caller: CallerContext, rpc: &str) -> Self {
        ReadContext {
            authorized: Authorized {
                caller,
                scope: Scope::Tenant,
                rpc: rpc.to_owned(),
            },
            peer: None,
            purpose: Ok(None),
            started: Utc::now(),
        }
    }

    /// The same context with the peer's address.
    pub fn with_peer(mut self, peer: Option<SocketAddr>) -> Self {
        self.peer = peer;
        self
    }

    /// The same context with a purpose.
    pub fn with_purpose(mut self, purpose: Option<Purpose>) -> Self {
        self.purpose = Ok(purpose);
        self
    }

    /// The caller.
    pub fn caller(&self) -> &CallerContext {
        &self.authorized.caller
    }

    /// What the call may reach within the caller's tenant (from the authorization policy).
    pub fn scope(&self) -> Scope {
        self.authorized.scope
    }

    /// Whether the caller may reach an object of its tenant owned by `owner` (the subject that
    /// created it): always with tenant scope, only its own with [`Scope::Own`].
    pub fn may_reach(&self, owner: &str) -> bool {
        self.authorized.may_reach(owner)
    }

    /// The RPC's full method path.
    pub fn rpc(&self) -> &str {
        &self.authorized.rpc
    }

    /// The purpose the caller gave, or the error if it was not a purpose code.
    pub fn purpose(&self) -> Result<Option<&Purpose>, InvalidPurpose> {
        self.purpose.as_ref().map(Option::as_ref).map_err(|e| *e)
    }

    /// The record of this call with `objects` and `outcome`.
    pub fn record(&self, objects: Vec<ObjectRef>, outcome: Outcome) -> AccessRecord {
        let mut record = AccessRecord::for_caller(self.caller(), self.rpc(), outcome)
            .at(self.started)
            .with_peer(self.peer)
            .with_purpose(self.purpose.clone().ok().flatten());
        record.objects = objects;
        record
    }
}

/// How a read's error is recorded. Implemented for [`tonic::Status`] (by its code); a service
/// may implement it for its own error type.
pub trait ReadOutcome {
    /// The outcome this error stands for.
    fn read_outcome(&self) -> Outcome;
}

impl ReadOutcome for Status {
    fn read_outcome(&self) -> Outcome {
        Outcome::from_code(self.code())
    }
}

impl ReadOutcome for Infallible {
    fn read_outcome(&self) -> Outcome {
        match *self {}
    }
}

/// Why an audited read returned no value.
#[derive(Debug, thiserror::Error)]
pub enum AuditedError<E> {
    /// The read itself failed (its failure is on record).
    #[error(transparent)]
    Read(E),
    /// The caller's `x-jc-purpose` is not a purpose code; the read did not run (on record).
    #[error("the purpose is not a purpose code")]
    InvalidPurpose,
    /// The record could not be written, so the read's result was withheld.
    #[error("the read could not be recorded")]
    Unrecorded(#[source] AccessLogError),
}

impl<E: Into<Status>> From<AuditedError<E>> for Status {
    /// The read's own status; `INVALID_ARGUMENT` naming `x-jc-purpose` for a bad purpose;
    /// `UNAVAILABLE` without internals when the record could not be written.
    fn from(error: AuditedError<E>) -> Self {
        match error {
            AuditedError::Read(error) => error.into(),
            AuditedError::InvalidPurpose => invalid_argument(
                "the request is invalid",
                vec![FieldViolation::new(
                    PURPOSE_HEADER,
                    InvalidPurpose.to_string(),
                )],
            ),
            AuditedError::Unrecorded(_) => {
                Status::unavailable("the read could not be recorded; try again later")
            }
        }
    }
}

impl AccessLog {
    /// Runs `read` as the call described by `context` on `object`, records it, and returns its
    /// result only if the record was written. See the module documentation.
    pub async fn audited<T, E, F>(
        &self,
        context: &ReadContext,
        object: Option<ObjectRef>,
        read: F,
    ) -> Result<T, AuditedError<E>>
    where
        F: Future<Output = Result<T, E>>,
        E: ReadOutcome,
    {
        self.audited_with(context, object, read, |_| None).await
    }

    /// Like [`AccessLog::audited`], adding the objects `found` names in a successful result
    /// (e.g. the case an application led to, or the cases a list returned).
    pub async fn audited_with<T, E, F, O, I>(
        &self,
        context: &ReadContext,
        object: Option<ObjectRef>,
        read: F,
        found: O,
    ) -> Result<T, AuditedError<E>>
    where
        F: Future<Output = Result<T, E>>,
        E: ReadOutcome,
        O: FnOnce(&T) -> I,
        I: IntoIterator<Item = ObjectRef>,
    {
        let objects: Vec<ObjectRef> = object.into_iter().collect();
        if context.purpose.is_err() {
            // The read future is dropped unpolled: nothing was read.
            let record = context.record(objects, Outcome::InvalidArgument);
            self.write(context, record).await?;
            return Err(AuditedError::InvalidPurpose);
        }
        let mut pending = Pending {
            log: self,
            context,
            objects,
            armed: true,
        };
        let result = read.await;
        // From here on the record is written below (its append is queued at the first poll).
        pending.armed = false;
        let mut objects = std::mem::take(&mut pending.objects);
        let outcome = match &result {
            Ok(value) => {
                for object in found(value) {
                    if !objects.contains(&object) {
                        objects.push(object);
                    }
                }
                Outcome::Granted
            }
            Err(error) => error.read_outcome(),
        };
        self.write(context, context.record(objects, outcome))
            .await?;
        result.map_err(AuditedError::Read)
    }

    /// Writes `record`, logging a failure (without personal data) as the reason a read failed.
    async fn write<E>(
        &self,
        context: &ReadContext,
        record: AccessRecord,
    ) -> Result<(), AuditedError<E>> {
        self.record(record).await.map_err(|error| {
            tracing::error!(
                rpc = %context.rpc(),
                error = %chain(&error),
                "read withheld: its read-access record could not be written"
            );
            AuditedError::Unrecorded(error)
        })
    }
}

/// A read under way whose record is not yet written. If the call is dropped before (the client
/// cancelled, the deadline passed), the attempt is recorded as `failed` from a spawned task: the
/// data never left, but someone asked for it.
struct Pending<'a> {
    log: &'a AccessLog,
    context: &'a ReadContext,
    objects: Vec<ObjectRef>,
    armed: bool,
}

impl Drop for Pending<'_> {
    fn drop(&mut self) {
        if !self.armed {
            return;
        }
        let rpc = self.context.rpc().to_owned();
        let Ok(runtime) = tokio::runtime::Handle::try_current() else {
            tracing::error!(%rpc, "cancelled read not recorded: no runtime to record it on");
            return;
        };
        let log = self.log.clone();
        let record = self
            .context
            .record(std::mem::take(&mut self.objects), Outcome::Failed);
        runtime.spawn(async move {
            if let Err(error) = log.record(record).await {
                tracing::error!(
                    %rpc,
                    error = %chain(&error),
                    "cancelled read could not be recorded in the read-access log"
                );
            }
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use platform::{Authentication, Role, TenantId};

    fn assert_send<T: Send>(_: &T) {}

    /// tonic runs handlers on a multi-threaded runtime: an audited read must be `Send`.
    #[tokio::test]
    async fn an_audited_read_can_run_in_a_tonic_handler() {
        let pool = sqlx::PgPool::connect_lazy("postgres://127.0.0.1/unused").expect("lazy pool");
        let log = AccessLog::new(pool, "unused", "svc").expect("log");
        let context = ReadContext::new(
            CallerContext {
                tenant_id: TenantId::parse("jc").expect("tenant"),
                subject: "u".to_owned(),
                roles: vec![Role::Caseworker],
                client: "c".to_owned(),
                authentication: Authentication::Token,
            },
            "/a.v1.S/M",
        );
        let read = log.audited_with(&context, None, async { Ok::<_, Status>(1) }, |_| None);
        assert_send(&read);
    }
}
