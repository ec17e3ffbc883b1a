//! Calls refused before their handler ran (authentication, authorization, rate limit), recorded
//! through the platform's [`RefusalRecorder`] seam.
//!
//! The refusing layer awaits the record before it answers. A record that cannot be written is
//! logged (RPC and refusal only) and the call is refused anyway: a refusal discloses nothing, so
//! failing it harder would gain nothing.

use futures::future::BoxFuture;
use platform::audit::{Refusal, RefusalRecorder, RefusedCall};

use crate::error::chain;
use crate::log::AccessLog;
use crate::record::{AccessRecord, Outcome, is_rpc_path};

/// The RPC stored for a refused call whose path is not a valid RPC path (any path reaches the
/// authentication layer, and a path is the caller's free text).
pub const INVALID_RPC: &str = "/_invalid";

impl AccessRecord {
    /// The record of a refused call: the caller if authentication succeeded, the refusal as the
    /// outcome, no objects (the handler never ran).
    pub fn from_refusal(call: &RefusedCall) -> Self {
        let outcome = match &call.refusal {
            Refusal::Unauthenticated { reason } => Outcome::unauthenticated(reason),
            Refusal::PermissionDenied => Outcome::PermissionDenied,
            Refusal::RateLimited => Outcome::RateLimited,
        };
        let mut record = match &call.caller {
            Some(caller) => AccessRecord::for_caller(caller, call.rpc.clone(), outcome),
            None => AccessRecord {
                outcome,
                ..AccessRecord::unauthenticated(call.rpc.clone(), "")
            },
        }
        .with_peer(call.peer);
        if !is_rpc_path(&record.rpc) {
            record.rpc = INVALID_RPC.to_owned();
        }
        record
    }
}

impl RefusalRecorder for AccessLog {
    fn record(&self, call: RefusedCall) -> BoxFuture<'static, ()> {
        let log = self.clone();
        Box::pin(async move {
            let record = AccessRecord::from_refusal(&call);
            if let Err(error) = log.record(record).await {
                tracing::error!(
                    refusal = call.refusal.as_str(),
                    error = %chain(&error),
                    "refused call could not be recorded in the read-access log"
                );
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use platform::{Authentication, CallerContext, Role, TenantId};

    #[test]
    fn a_refusal_becomes_a_record_with_its_outcome() {
        let caller = CallerContext {
            tenant_id: TenantId::parse("jc-1").expect("tenant"),
            subject: "u-1".to_owned(),
            roles: vec![Role::Operator],
            client: "ops".to_owned(),
            authentication: Authentication::Token,
        };
        let denied = AccessRecord::from_refusal(&RefusedCall {
            rpc: "/jobcenter.case.v1.CaseService/GetCase".to_owned(),
            caller: Some(caller),
            peer: Some("10.0.0.1:1234".parse().expect("addr")),
            refusal: Refusal::PermissionDenied,
        });
        assert_eq!(denied.outcome, Outcome::PermissionDenied);
        assert_eq!(denied.subject.as_deref(), Some("u-1"));
        assert_eq!(denied.peer, "10.0.0.1:1234".parse().ok());

        let anonymous = AccessRecord::from_refusal(&RefusedCall {
            rpc: "/jobcenter.case.v1.CaseService/GetCase".to_owned(),
            caller: None,
            peer: None,
            refusal: Refusal::Unauthenticated {
                reason: "token_expired",
            },
        });
        assert_eq!(anonymous.outcome, Outcome::unauthenticated("token_expired"));
        assert!(anonymous.tenant.is_none() && anonymous.subject.is_none());
        assert!(anonymous.validate().is_ok());
    }

    #[test]
    fn a_path_that_is_not_an_rpc_is_stored_as_invalid() {
        let record = AccessRecord::from_refusal(&RefusedCall {
            rpc: "/Erika Mustermann/ü".to_owned(),
            caller: None,
            peer: None,
            refusal: Refusal::Unauthenticated {
                reason: "missing_credentials",
            },
        });
        assert_eq!(record.rpc, INVALID_RPC);
        assert!(record.validate().is_ok());
    }
}
