//! One recorded call: who read (or tried to read) what, when, from where, why, and how it ended.
//!
//! A record holds identifiers and fixed codes only, never content: no names, no request fields
//! other than object ids, no error messages. Every free-text field is checked before it is
//! written ([`AccessRecord::validate`]), so a value that could carry personal data by mistake
//! (a name as a subject, a message as a reason) is refused rather than stored.

use std::fmt;
use std::net::SocketAddr;

use chrono::{DateTime, Utc};
use platform::{Authentication, CallerContext, Role, TenantId};
use uuid::Uuid;

use crate::error::AccessLogError;
use crate::purpose::Purpose;

/// The longest subject and client accepted, in bytes (visible ASCII only).
pub const MAX_PRINCIPAL_LEN: usize = 128;
/// The longest RPC path accepted, in bytes.
pub const MAX_RPC_LEN: usize = 256;
/// The longest reason code of [`Outcome::Unauthenticated`].
pub const MAX_REASON_LEN: usize = 64;
/// The reason stored for an unauthenticated outcome whose given reason is not a code.
pub const OTHER_REASON: &str = "other";

/// One call that read, or tried to read, case or applicant data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccessRecord {
    /// When the call began.
    pub at: DateTime<Utc>,
    /// The tenant the caller acted for; `None` when authentication failed.
    pub tenant: Option<TenantId>,
    /// The caller's pseudonymous id (token `sub`, certificate id), when known.
    pub subject: Option<String>,
    /// The caller's roles (empty when unauthenticated).
    pub roles: Vec<Role>,
    /// The client software: the token's `azp`, the certificate's principal, or `development`.
    pub client: Option<String>,
    /// How the caller was authenticated, when they were.
    pub authentication: Option<Authentication>,
    /// The peer's socket address, when known.
    pub peer: Option<SocketAddr>,
    /// The full gRPC method path, e.g. `/jobcenter.case.v1.CaseService/GetCase`.
    pub rpc: String,
    /// The objects read or asked for: the case where known, else the submission or application.
    /// A list read records every object it returned.
    pub objects: Vec<ObjectRef>,
    /// Why the caller read, as a short code given by the caller (`x-jc-purpose`).
    pub purpose: Option<Purpose>,
    /// How the call ended.
    pub outcome: Outcome,
}

impl AccessRecord {
    /// A record of `caller` calling `rpc`, begun now, without objects, peer or purpose.
    pub fn for_caller(caller: &CallerContext, rpc: impl Into<String>, outcome: Outcome) -> Self {
        AccessRecord {
            at: Utc::now(),
            tenant: Some(caller.tenant_id.clone()),
            subject: Some(caller.subject.clone()),
            roles: caller.roles.clone(),
            client: Some(caller.client.clone()),
            authentication: Some(caller.authentication),
            peer: None,
            rpc: rpc.into(),
            objects: Vec::new(),
            purpose: None,
            outcome,
        }
    }

    /// A record of a call to `rpc` by an unknown caller, refused now with `reason` (a fixed
    /// code such as `token_expired`; anything else is stored as [`OTHER_REASON`]).
    pub fn unauthenticated(rpc: impl Into<String>, reason: &str) -> Self {
        AccessRecord {
            at: Utc::now(),
            tenant: None,
            subject: None,
            roles: Vec::new(),
            client: None,
            authentication: None,
            peer: None,
            rpc: rpc.into(),
            objects: Vec::new(),
            purpose: None,
            outcome: Outcome::unauthenticated(reason),
        }
    }

    /// The same record with the peer's address.
    pub fn with_peer(mut self, peer: Option<SocketAddr>) -> Self {
        self.peer = peer;
        self
    }

    /// The same record with `object` added.
    pub fn with_object(mut self, object: ObjectRef) -> Self {
        self.objects.push(object);
        self
    }

    /// The same record with the caller's purpose.
    pub fn with_purpose(mut self, purpose: Option<Purpose>) -> Self {
        self.purpose = purpose;
        self
    }

    /// The same record, begun at `at`.
    pub fn at(mut self, at: DateTime<Utc>) -> Self {
        self.at = at;
        self
    }

    /// Checks the free-text fields: subject and client 1 to [`MAX_PRINCIPAL_LEN`] visible ASCII
    /// characters, the RPC a `/`-prefixed path of visible ASCII up to [`MAX_RPC_LEN`], the reason
    /// a code. The error names the field, never its value.
    pub fn validate(&self) -> Result<(), AccessLogError> {
        let principal = |value: &Option<String>| {
            value.as_deref().is_none_or(|v| {
                (1..=MAX_PRINCIPAL_LEN).contains(&v.len())
                    && v.bytes().all(|b| b.is_ascii_graphic())
            })
        };
        if !principal(&self.subject) {
            return Err(AccessLogError::InvalidRecord("subject"));
        }
        if !principal(&self.client) {
            return Err(AccessLogError::InvalidRecord("client"));
        }
        if !is_rpc_path(&self.rpc) {
            return Err(AccessLogError::InvalidRecord("rpc"));
        }
        if let Outcome::Unauthenticated { reason } = &self.outcome
            && !is_code(reason, MAX_REASON_LEN)
        {
            return Err(AccessLogError::InvalidRecord("outcome.reason"));
        }
        Ok(())
    }
}

/// What kind of object a call read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ObjectKind {
    /// A case (`case` service).
    Case,
    /// A submission to intake (an application or a notice as received).
    Submission,
    /// An application, by the id the applicant got at submission.
    Application,
}

impl ObjectKind {
    /// Every kind.
    pub const ALL: [ObjectKind; 3] = [
        ObjectKind::Case,
        ObjectKind::Submission,
        ObjectKind::Application,
    ];

    /// The lowercase name stored in a record.
    pub fn as_str(self) -> &'static str {
        match self {
            ObjectKind::Case => "case",
            ObjectKind::Submission => "submission",
            ObjectKind::Application => "application",
        }
    }

    /// The kind named `name` ([`ObjectKind::as_str`]).
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|kind| kind.as_str() == name)
    }
}

impl fmt::Display for ObjectKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An object a call read: its kind and id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ObjectRef {
    /// What it is.
    pub kind: ObjectKind,
    /// Its id.
    pub id: Uuid,
}

impl ObjectRef {
    /// A case.
    pub fn case(id: Uuid) -> Self {
        ObjectRef {
            kind: ObjectKind::Case,
            id,
        }
    }

    /// A submission.
    pub fn submission(id: Uuid) -> Self {
        ObjectRef {
            kind: ObjectKind::Submission,
            id,
        }
    }

    /// An application.
    pub fn application(id: Uuid) -> Self {
        ObjectRef {
            kind: ObjectKind::Application,
            id,
        }
    }

    /// The object of kind `kind` whose id a request gave as text, if the text is a UUID (a
    /// malformed id names no object; the call then ends `invalid_argument` without one).
    pub fn parse(kind: ObjectKind, id: &str) -> Option<Self> {
        Uuid::parse_str(id).ok().map(|id| ObjectRef { kind, id })
    }
}

impl fmt::Display for ObjectRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.kind, self.id)
    }
}

/// How a call ended, as the read-access log records it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Outcome {
    /// The data was returned.
    Granted,
    /// No such object for the caller (including another tenant's object).
    NotFound,
    /// The request was malformed; nothing was read.
    InvalidArgument,
    /// The caller's roles or ownership do not allow the read.
    PermissionDenied,
    /// The caller could not be authenticated; `reason` is a fixed code such as `token_expired`.
    Unauthenticated {
        /// A code of `a-z`, `0-9`, `_` and `-`, at most [`MAX_REASON_LEN`] long.
        reason: String,
    },
    /// The tenant's request rate was exceeded.
    RateLimited,
    /// The call failed for another reason (a dependency down, an internal error), or was
    /// dropped (cancelled, past its deadline) before its record was written.
    Failed,
}

impl Outcome {
    /// An unauthenticated outcome; a `reason` that is not a code is replaced by [`OTHER_REASON`],
    /// so free text (which might hold a claim's value) never reaches the log.
    pub fn unauthenticated(reason: &str) -> Self {
        let reason = if is_code(reason, MAX_REASON_LEN) {
            reason
        } else {
            OTHER_REASON
        };
        Outcome::Unauthenticated {
            reason: reason.to_owned(),
        }
    }

    /// The lowercase name stored in a record.
    pub fn as_str(&self) -> &'static str {
        match self {
            Outcome::Granted => "granted",
            Outcome::NotFound => "not_found",
            Outcome::InvalidArgument => "invalid_argument",
            Outcome::PermissionDenied => "permission_denied",
            Outcome::Unauthenticated { .. } => "unauthenticated",
            Outcome::RateLimited => "rate_limited",
            Outcome::Failed => "failed",
        }
    }

    /// True if the data was returned.
    pub fn is_granted(&self) -> bool {
        matches!(self, Outcome::Granted)
    }

    /// The outcome a gRPC status code stands for (`OK` is [`Outcome::Granted`]).
    pub fn from_code(code: tonic::Code) -> Self {
        use tonic::Code;
        match code {
            Code::Ok => Outcome::Granted,
            Code::NotFound => Outcome::NotFound,
            Code::InvalidArgument | Code::OutOfRange => Outcome::InvalidArgument,
            Code::PermissionDenied => Outcome::PermissionDenied,
            Code::Unauthenticated => Outcome::unauthenticated("refused_by_handler"),
            Code::ResourceExhausted => Outcome::RateLimited,
            _ => Outcome::Failed,
        }
    }
}

impl fmt::Display for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// True if `rpc` is a `/`-prefixed path of visible ASCII, at most [`MAX_RPC_LEN`] long.
pub(crate) fn is_rpc_path(rpc: &str) -> bool {
    rpc.len() <= MAX_RPC_LEN && rpc.starts_with('/') && rpc.bytes().all(|b| b.is_ascii_graphic())
}

/// True if `value` is 1 to `max` characters of `a-z`, `0-9`, `_` and `-`.
pub(crate) fn is_code(value: &str, max: usize) -> bool {
    (1..=max).contains(&value.len())
        && value
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_' || b == b'-')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn caller() -> CallerContext {
        CallerContext {
            tenant_id: TenantId::parse("jc-1").expect("tenant"),
            subject: "u-1".to_owned(),
            roles: vec![Role::Caseworker],
            client: "web".to_owned(),
            authentication: Authentication::Token,
        }
    }

    #[test]
    fn a_record_for_a_caller_carries_its_identity_and_nothing_else() {
        let record = AccessRecord::for_caller(&caller(), "/x.v1.S/M", Outcome::Granted);
        assert_eq!(record.tenant.as_ref().map(TenantId::as_str), Some("jc-1"));
        assert_eq!(record.subject.as_deref(), Some("u-1"));
        assert_eq!(record.roles, vec![Role::Caseworker]);
        assert_eq!(record.client.as_deref(), Some("web"));
        assert_eq!(record.authentication, Some(Authentication::Token));
        assert!(record.objects.is_empty() && record.peer.is_none() && record.purpose.is_none());
        assert!(record.validate().is_ok());
    }

    #[test]
    fn free_text_in_principals_rpc_or_reason_is_refused() {
        let base = AccessRecord::for_caller(&caller(), "/x.v1.S/M", Outcome::Granted);
        let mut named = base.clone();
        named.subject = Some("Erika Mustermann".to_owned());
        let mut empty_client = base.clone();
        empty_client.client = Some(String::new());
        let mut bad_rpc = base.clone();
        bad_rpc.rpc = "GetCase".to_owned();
        let mut reason = base.clone();
        reason.outcome = Outcome::Unauthenticated {
            reason: "token of Erika".to_owned(),
        };
        for (record, field) in [
            (named, "subject"),
            (empty_client, "client"),
            (bad_rpc, "rpc"),
            (reason, "outcome.reason"),
        ] {
            match record.validate() {
                Err(AccessLogError::InvalidRecord(got)) => assert_eq!(got, field),
                other => panic!("{field}: {other:?}"),
            }
        }
    }

    #[test]
    fn an_unauthenticated_reason_that_is_not_a_code_becomes_other() {
        assert_eq!(
            Outcome::unauthenticated("token_expired"),
            Outcome::Unauthenticated {
                reason: "token_expired".to_owned()
            }
        );
        for bad in ["", "Expired!", "sub=4711 invalid", &"a".repeat(65)] {
            assert_eq!(
                Outcome::unauthenticated(bad),
                Outcome::Unauthenticated {
                    reason: OTHER_REASON.to_owned()
                },
                "{bad}"
            );
        }
    }

    #[test]
    fn status_codes_map_to_outcomes() {
        use tonic::Code;
        assert_eq!(Outcome::from_code(Code::Ok), Outcome::Granted);
        assert_eq!(Outcome::from_code(Code::NotFound), Outcome::NotFound);
        assert_eq!(
            Outcome::from_code(Code::InvalidArgument),
            Outcome::InvalidArgument
        );
        assert_eq!(
            Outcome::from_code(Code::PermissionDenied),
            Outcome::PermissionDenied
        );
        assert_eq!(
            Outcome::from_code(Code::ResourceExhausted),
            Outcome::RateLimited
        );
        assert_eq!(
            Outcome::from_code(Code::Unauthenticated).as_str(),
            "unauthenticated"
        );
        for code in [
            Code::Internal,
            Code::Unavailable,
            Code::Aborted,
            Code::Cancelled,
        ] {
            assert_eq!(Outcome::from_code(code), Outcome::Failed, "{code:?}");
        }
    }

    #[test]
    fn object_refs_parse_only_uuids() {
        let id = Uuid::new_v4();
        assert_eq!(
            ObjectRef::parse(ObjectKind::Case, &id.to_string()),
            Some(ObjectRef::case(id))
        );
        assert_eq!(ObjectRef::parse(ObjectKind::Case, "Mustermann"), None);
        for kind in ObjectKind::ALL {
            assert_eq!(ObjectKind::from_name(kind.as_str()), Some(kind));
        }
    }
}
