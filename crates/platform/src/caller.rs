//! Who is calling: the authenticated tenant, subject and roles of a gRPC call.
//!
//! The tenant and roles come only from the authenticated caller, never from a request body
//! (ARCHITECTURE §4). The authentication layer ([`crate::auth::layer`]) proves who calls — by
//! OIDC access token, client certificate, or (development mode only) *development identities*
//! from the metadata `x-jc-tenant`, `x-jc-subject` and `x-jc-roles` (comma separated) — and puts
//! a [`CallerContext`] into the request extensions. Handlers read it with
//! [`CallerContext::from_request`].

use std::fmt;
use std::str::FromStr;

use http::HeaderMap;
use tonic::Status;

/// Metadata key of the development tenant.
pub const TENANT_HEADER: &str = "x-jc-tenant";
/// Metadata key of the development subject (a pseudonymous id, never a name).
pub const SUBJECT_HEADER: &str = "x-jc-subject";
/// Metadata key of the development roles, comma separated (e.g. `caseworker,team-lead`).
pub const ROLES_HEADER: &str = "x-jc-roles";

/// Why an identity was refused. The messages name the metadata key, never its value.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IdentityError {
    #[error("missing or non-ASCII metadata `{0}`")]
    Missing(&'static str),
    #[error("tenant id must be 1 to 64 characters of a-z, 0-9 and '-'")]
    InvalidTenant,
    #[error("subject must be 1 to 128 visible ASCII characters")]
    InvalidSubject,
    #[error("unknown role")]
    UnknownRole,
    #[error("at least one role is required")]
    NoRoles,
}

/// A jobcenter (tenant) id: 1 to 64 characters of `a-z`, `0-9` and `-`. It can only exist valid.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TenantId(String);

impl TenantId {
    /// Validates `value` as a tenant id.
    pub fn parse(value: &str) -> Result<Self, IdentityError> {
        let valid = (1..=64).contains(&value.len())
            && value
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
        if valid {
            Ok(Self(value.to_owned()))
        } else {
            Err(IdentityError::InvalidTenant)
        }
    }

    /// The id as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for TenantId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl FromStr for TenantId {
    type Err = IdentityError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl TryFrom<String> for TenantId {
    type Error = IdentityError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl AsRef<str> for TenantId {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

/// What a caller may be (ARCHITECTURE §4). Written in metadata as kebab-case:
/// `applicant`, `caseworker`, `team-lead`, `auditor`, `partner-system`, `operator`, `service`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Role {
    /// A person applying for or receiving benefits; sees only their own submissions and case.
    Applicant,
    /// A jobcenter employee working cases.
    Caseworker,
    /// A caseworker who also leads a team (assignment, work queues of the team).
    TeamLead,
    /// Reads cases and the logs to check them; changes nothing.
    Auditor,
    /// A partner jobcenter's or Fachverfahren's system, authenticated by client certificate.
    PartnerSystem,
    /// Runs the installation (health, operations); reads no social data.
    Operator,
    /// Another service of this platform calling on a tenant's behalf (client certificate).
    Service,
}

impl Role {
    /// Every role.
    pub const ALL: [Role; 7] = [
        Role::Applicant,
        Role::Caseworker,
        Role::TeamLead,
        Role::Auditor,
        Role::PartnerSystem,
        Role::Operator,
        Role::Service,
    ];

    /// The kebab-case name used in metadata.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Applicant => "applicant",
            Role::Caseworker => "caseworker",
            Role::TeamLead => "team-lead",
            Role::Auditor => "auditor",
            Role::PartnerSystem => "partner-system",
            Role::Operator => "operator",
            Role::Service => "service",
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Role {
    type Err = IdentityError;
    /// Accepts the kebab-case name; `_` for `-` and any letter case are tolerated.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let wanted = s.trim().to_ascii_lowercase().replace('_', "-");
        Role::ALL
            .into_iter()
            .find(|role| role.as_str() == wanted)
            .ok_or(IdentityError::UnknownRole)
    }
}

/// The authenticated caller of one gRPC call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallerContext {
    /// The jobcenter the caller acts for; every read and write is confined to it.
    pub tenant_id: TenantId,
    /// A stable pseudonymous id of the caller (token `sub`, certificate id); log this, not names.
    pub subject: String,
    /// The caller's roles, without duplicates.
    pub roles: Vec<Role>,
    /// The client software acting for the caller: the token's authorised party (`azp`), the
    /// certificate's principal, or `development`. Recorded in the read-access log.
    pub client: String,
    /// How the caller proved who they are.
    pub authentication: Authentication,
}

/// How a caller was authenticated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Authentication {
    /// A validated OIDC access token (JWT).
    Token,
    /// A client certificate issued by the configured partner CA (mTLS).
    Certificate,
    /// Development identity metadata, trusted without proof (development mode only).
    Development,
}

impl Authentication {
    /// A short lowercase name for logs and the read-access log.
    pub fn as_str(self) -> &'static str {
        match self {
            Authentication::Token => "token",
            Authentication::Certificate => "certificate",
            Authentication::Development => "development",
        }
    }
}

impl CallerContext {
    /// The caller put into the request by the identity layer, or `UNAUTHENTICATED`.
    pub fn from_request<T>(request: &tonic::Request<T>) -> Result<CallerContext, Status> {
        request
            .extensions()
            .get::<CallerContext>()
            .cloned()
            .ok_or_else(|| Status::unauthenticated("no authenticated caller"))
    }

    /// Whether the caller holds `role`.
    pub fn has_role(&self, role: Role) -> bool {
        self.roles.contains(&role)
    }

    /// `Ok` if the caller holds any of `roles`, else `PERMISSION_DENIED`.
    #[allow(clippy::result_large_err)]
    pub fn require_any(&self, roles: &[Role]) -> Result<(), Status> {
        if roles.iter().any(|role| self.has_role(*role)) {
            Ok(())
        } else {
            Err(Status::permission_denied(
                "the caller's roles do not allow this call",
            ))
        }
    }

    /// Builds a caller from the development identity metadata in `headers`.
    pub fn from_dev_headers(headers: &HeaderMap) -> Result<CallerContext, IdentityError> {
        let text = |key: &'static str| {
            headers
                .get(key)
                .and_then(|value| value.to_str().ok())
                .map(str::trim)
                .filter(|value| !value.is_empty())
                .ok_or(IdentityError::Missing(key))
        };
        let tenant_id = TenantId::parse(text(TENANT_HEADER)?)?;
        let subject = text(SUBJECT_HEADER)?;
        if subject.len() > 128 || !subject.bytes().all(|b| b.is_ascii_graphic()) {
            return Err(IdentityError::InvalidSubject);
        }
        let mut roles = Vec::new();
        for part in text(ROLES_HEADER)?.split(',').map(str::trim) {
            if part.is_empty() {
                continue;
            }
            let role: Role = part.parse()?;
            if !roles.contains(&role) {
                roles.push(role);
            }
        }
        if roles.is_empty() {
            return Err(IdentityError::NoRoles);
        }
        Ok(CallerContext {
            tenant_id,
            subject: subject.to_owned(),
            roles,
            client: "development".to_owned(),
            authentication: Authentication::Development,
        })
    }

    /// Writes this caller as development identity metadata (for clients and tests).
    pub fn to_dev_metadata(&self, metadata: &mut tonic::metadata::MetadataMap) {
        let roles = self
            .roles
            .iter()
            .map(|role| role.as_str())
            .collect::<Vec<_>>()
            .join(",");
        let pairs = [
            (TENANT_HEADER, self.tenant_id.as_str().to_owned()),
            (SUBJECT_HEADER, self.subject.clone()),
            (ROLES_HEADER, roles),
        ];
        for (key, value) in pairs {
            // Every part was validated as visible ASCII, so parsing cannot fail.
            if let Ok(value) = value.parse() {
                metadata.insert(key, value);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::HeaderValue;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (key, value) in pairs {
            map.insert(
                *key,
                HeaderValue::from_str(value).expect("valid header value"),
            );
        }
        map
    }

    #[test]
    fn tenant_ids_accept_only_lowercase_digits_and_dashes() {
        assert!(TenantId::parse("jc-koeln-01").is_ok());
        assert!(TenantId::parse(&"a".repeat(64)).is_ok());
        for bad in ["", "JC", "jc_koeln", "jc köln", "jc.koeln", &"a".repeat(65)] {
            assert_eq!(
                TenantId::parse(bad),
                Err(IdentityError::InvalidTenant),
                "{bad}"
            );
        }
    }

    #[test]
    fn roles_parse_from_kebab_case_and_round_trip() {
        for role in Role::ALL {
            assert_eq!(role.as_str().parse::<Role>(), Ok(role));
        }
        assert_eq!("TEAM_LEAD".parse::<Role>(), Ok(Role::TeamLead));
        assert_eq!("admin".parse::<Role>(), Err(IdentityError::UnknownRole));
    }

    #[test]
    fn a_complete_dev_identity_is_accepted() {
        let caller = CallerContext::from_dev_headers(&headers(&[
            (TENANT_HEADER, "jc-koeln"),
            (SUBJECT_HEADER, "user-4711"),
            (ROLES_HEADER, "caseworker, team-lead,caseworker"),
        ]))
        .expect("valid identity");
        assert_eq!(caller.tenant_id.as_str(), "jc-koeln");
        assert_eq!(caller.subject, "user-4711");
        assert_eq!(caller.roles, vec![Role::Caseworker, Role::TeamLead]);
        assert!(caller.require_any(&[Role::TeamLead]).is_ok());
        assert_eq!(
            caller.require_any(&[Role::Auditor]).map_err(|s| s.code()),
            Err(tonic::Code::PermissionDenied)
        );
    }

    #[test]
    fn incomplete_or_invalid_dev_identities_are_refused() {
        let cases: [(&[(&'static str, &str)], IdentityError); 5] = [
            (
                &[(SUBJECT_HEADER, "u"), (ROLES_HEADER, "auditor")],
                IdentityError::Missing(TENANT_HEADER),
            ),
            (
                &[(TENANT_HEADER, "jc"), (ROLES_HEADER, "auditor")],
                IdentityError::Missing(SUBJECT_HEADER),
            ),
            (
                &[
                    (TENANT_HEADER, "jc"),
                    (SUBJECT_HEADER, "u"),
                    (ROLES_HEADER, " , "),
                ],
                IdentityError::NoRoles,
            ),
            (
                &[
                    (TENANT_HEADER, "JC"),
                    (SUBJECT_HEADER, "u"),
                    (ROLES_HEADER, "auditor"),
                ],
                IdentityError::InvalidTenant,
            ),
            (
                &[
                    (TENANT_HEADER, "jc"),
                    (SUBJECT_HEADER, "u"),
                    (ROLES_HEADER, "root"),
                ],
                IdentityError::UnknownRole,
            ),
        ];
        for (pairs, expected) in cases {
            assert_eq!(
                CallerContext::from_dev_headers(&headers(pairs)),
                Err(expected)
            );
        }
    }

    #[test]
    fn from_request_reads_the_caller_from_extensions_only() {
        let mut request = tonic::Request::new(());
        // A tenant in metadata alone is not an authenticated caller.
        request
            .metadata_mut()
            .insert(TENANT_HEADER, "jc".parse().expect("ascii"));
        let status = CallerContext::from_request(&request).expect_err("no caller yet");
        assert_eq!(status.code(), tonic::Code::Unauthenticated);

        let caller = CallerContext {
            tenant_id: TenantId::parse("jc").expect("valid"),
            subject: "u-1".to_owned(),
            roles: vec![Role::Applicant],
            client: "development".to_owned(),
            authentication: Authentication::Development,
        };
        request.extensions_mut().insert(caller.clone());
        assert_eq!(CallerContext::from_request(&request).ok(), Some(caller));
    }

    #[test]
    fn dev_metadata_round_trips() {
        let caller = CallerContext {
            tenant_id: TenantId::parse("jc-1").expect("valid"),
            subject: "u-1".to_owned(),
            roles: vec![Role::Operator, Role::PartnerSystem],
            client: "development".to_owned(),
            authentication: Authentication::Development,
        };
        let mut metadata = tonic::metadata::MetadataMap::new();
        caller.to_dev_metadata(&mut metadata);
        let parsed = CallerContext::from_dev_headers(&metadata.into_headers()).expect("valid");
        assert_eq!(parsed, caller);
    }
}
