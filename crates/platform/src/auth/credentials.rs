//! What a call presents to prove who it is, read from its connection and metadata.
//!
//! Reading is synchronous and owns what it keeps, so the authentication layer can validate a
//! token afterwards without holding on to the request. Which credential counts:
//!
//! 1. a bearer token (`authorization: Bearer <jwt>`), if present — with a client certificate
//!    on the same connection, the token's user acts *through* the certificate's system;
//! 2. else a verified client certificate;
//! 3. else, in development mode only, development identity metadata (`x-jc-*`).
//!
//! A credential that is present but bad is never skipped in favour of the next one.

use std::sync::Arc;

use http::HeaderMap;

use super::tls::{ClientCertificate, ConnectionInfo};
use crate::caller::{CallerContext, IdentityError, ROLES_HEADER, SUBJECT_HEADER, TENANT_HEADER};
use crate::config::SecurityMode;

/// The credentials of one call.
#[derive(Debug)]
pub enum Credentials {
    /// A bearer token, possibly on a connection with a client certificate.
    Token {
        /// The token, without the `Bearer ` prefix.
        token: String,
        /// The connection's verified client certificate, if any.
        certificate: Option<Arc<ClientCertificate>>,
    },
    /// Only a verified client certificate.
    Certificate(Arc<ClientCertificate>),
    /// Development identity metadata (development mode only).
    Development(Result<CallerContext, IdentityError>),
    /// An `authorization` header that is not `Bearer <token>`.
    MalformedAuthorization,
    /// Development identity metadata in production mode: refused.
    DevelopmentRefused,
    /// Nothing at all.
    Missing,
}

impl Credentials {
    /// Reads the credentials of a call from its `headers` and its connection `info`.
    pub fn read(mode: SecurityMode, headers: &HeaderMap, info: Option<&ConnectionInfo>) -> Self {
        let certificate = info.and_then(|info| info.client_certificate.clone());
        if let Some(value) = headers.get(http::header::AUTHORIZATION) {
            return match bearer_token(value) {
                Some(token) => Credentials::Token {
                    token: token.to_owned(),
                    certificate,
                },
                None => Credentials::MalformedAuthorization,
            };
        }
        if let Some(certificate) = certificate {
            return Credentials::Certificate(certificate);
        }
        let has_dev_metadata = [TENANT_HEADER, SUBJECT_HEADER, ROLES_HEADER]
            .iter()
            .any(|key| headers.contains_key(*key));
        match (mode, has_dev_metadata) {
            (_, false) => Credentials::Missing,
            (SecurityMode::Development, true) => {
                Credentials::Development(CallerContext::from_dev_headers(headers))
            }
            (SecurityMode::Production, true) => Credentials::DevelopmentRefused,
        }
    }
}

/// The token of an `authorization: Bearer <token>` value (the scheme in any letter case).
fn bearer_token(value: &http::HeaderValue) -> Option<&str> {
    let text = value.to_str().ok()?;
    let (scheme, token) = text.split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty() && !token.contains(' '))
        .then_some(token)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::caller::{Authentication, Role, TenantId};
    use http::HeaderValue;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (key, value) in pairs {
            map.insert(*key, HeaderValue::from_str(value).expect("ascii"));
        }
        map
    }

    fn certified() -> ConnectionInfo {
        ConnectionInfo {
            remote_addr: None,
            local_addr: None,
            tls: true,
            client_certificate: Some(Arc::new(ClientCertificate {
                chain: Vec::new(),
                identity: Ok(CallerContext {
                    tenant_id: TenantId::parse("jc").expect("valid"),
                    subject: "partner/fv".to_owned(),
                    roles: vec![Role::PartnerSystem],
                    client: "partner/fv".to_owned(),
                    authentication: Authentication::Certificate,
                }),
            })),
        }
    }

    const DEV: [(&str, &str); 3] = [
        (TENANT_HEADER, "jc"),
        (SUBJECT_HEADER, "u-1"),
        (ROLES_HEADER, "caseworker"),
    ];

    #[test]
    fn a_bearer_token_is_read_in_any_scheme_case_and_keeps_the_certificate() {
        for value in [
            "Bearer abc.def.ghi",
            "bearer abc.def.ghi",
            "BEARER  abc.def.ghi ",
        ] {
            let read = Credentials::read(
                SecurityMode::Production,
                &headers(&[("authorization", value)]),
                Some(&certified()),
            );
            let Credentials::Token { token, certificate } = read else {
                panic!("not a token: {read:?}");
            };
            assert_eq!(token, "abc.def.ghi");
            assert!(certificate.is_some());
        }
    }

    #[test]
    fn other_authorization_schemes_are_malformed() {
        for value in [
            "Basic dXNlcjpwdw==",
            "Bearer",
            "Bearer ",
            "abc.def.ghi",
            "Bearer a b",
        ] {
            let read = Credentials::read(
                SecurityMode::Development,
                &headers(&[("authorization", value)]),
                None,
            );
            assert!(
                matches!(read, Credentials::MalformedAuthorization),
                "{value}: {read:?}"
            );
        }
    }

    #[test]
    fn a_certificate_counts_when_there_is_no_token() {
        let read = Credentials::read(SecurityMode::Production, &headers(&DEV), Some(&certified()));
        assert!(matches!(read, Credentials::Certificate(_)), "{read:?}");
    }

    #[test]
    fn development_metadata_counts_only_in_development_mode() {
        let read = Credentials::read(SecurityMode::Development, &headers(&DEV), None);
        let Credentials::Development(Ok(caller)) = read else {
            panic!("not a development caller: {read:?}");
        };
        assert_eq!(caller.authentication, Authentication::Development);

        let read = Credentials::read(SecurityMode::Production, &headers(&DEV), None);
        assert!(matches!(read, Credentials::DevelopmentRefused), "{read:?}");

        let partial = headers(&[(TENANT_HEADER, "jc")]);
        let read = Credentials::read(SecurityMode::Development, &partial, None);
        assert!(matches!(read, Credentials::Development(Err(_))), "{read:?}");
    }

    #[test]
    fn nothing_is_missing_credentials_in_both_modes() {
        for mode in [SecurityMode::Production, SecurityMode::Development] {
            let read = Credentials::read(mode, &HeaderMap::new(), None);
            assert!(matches!(read, Credentials::Missing), "{read:?}");
        }
    }
}
