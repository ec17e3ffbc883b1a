//! Client certificate → caller: the SPIFFE id in the certificate's URI SAN names the tenant and
//! the principal.
//!
//! rustls has already checked the chain to the partner CA, the validity period and the
//! `clientAuth` usage; this module only reads *who* the certificate stands for. The layout is
//!
//! - `spiffe://<trust_domain>/tenant/<tenant>/partner/<name>` → role `partner-system`,
//! - `spiffe://<trust_domain>/tenant/<tenant>/service/<name>` → role `service`,
//!
//! with the principal `partner/<name>` or `service/<name>` as subject and client. Anything else
//! is refused: no URI SAN, several (the SPIFFE X.509-SVID profile allows exactly one), another
//! trust domain, another path, an invalid tenant or name.

use std::fmt;

use x509_parser::extensions::GeneralName;
use x509_parser::prelude::{FromDer, X509Certificate};

use crate::caller::{Authentication, CallerContext, Role, TenantId};

/// Why a verified client certificate names no acceptable caller. Messages never contain
/// values from the certificate.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CertificateError {
    /// The certificate could not be parsed (rustls accepted it, so this is unexpected).
    #[error("the client certificate could not be parsed")]
    Unparsable,
    /// The certificate carries no URI SAN.
    #[error("the client certificate has no URI subject alternative name")]
    NoIdentity,
    /// The certificate carries more than one URI SAN.
    #[error("the client certificate has more than one URI subject alternative name")]
    AmbiguousIdentity,
    /// The URI SAN is not a SPIFFE id of the configured trust domain.
    #[error("the client certificate's SPIFFE id is not of the configured trust domain")]
    WrongTrustDomain,
    /// The SPIFFE id's path is not `/tenant/<tenant>/{partner,service}/<name>`.
    #[error("the client certificate's SPIFFE id has an unknown layout")]
    UnknownLayout,
    /// The tenant in the SPIFFE id is not a valid tenant id.
    #[error("the client certificate names an invalid tenant")]
    InvalidTenant,
    /// The partner or service name is not 1 to 64 characters of `a-z`, `0-9`, `.`, `_`, `-`.
    #[error("the client certificate names an invalid principal")]
    InvalidPrincipal,
}

impl CertificateError {
    /// A fixed, content-free code for the read-access log, e.g. `certificate_wrong_trust_domain`.
    pub fn reason(&self) -> &'static str {
        match self {
            CertificateError::Unparsable => "certificate_unparsable",
            CertificateError::NoIdentity => "certificate_no_identity",
            CertificateError::AmbiguousIdentity => "certificate_ambiguous_identity",
            CertificateError::WrongTrustDomain => "certificate_wrong_trust_domain",
            CertificateError::UnknownLayout => "certificate_unknown_layout",
            CertificateError::InvalidTenant => "certificate_invalid_tenant",
            CertificateError::InvalidPrincipal => "certificate_invalid_principal",
        }
    }
}

/// A SPIFFE trust domain: 1 to 255 characters of `a-z`, `0-9`, `.`, `_` and `-`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct TrustDomain(String);

/// The configured trust domain is not a valid SPIFFE trust domain.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("a trust domain must be 1 to 255 characters of a-z, 0-9, '.', '_' and '-'")]
pub struct InvalidTrustDomain;

impl TrustDomain {
    /// Validates `value` as a trust domain (lowercase, as the SPIFFE specification requires).
    pub fn parse(value: &str) -> Result<Self, InvalidTrustDomain> {
        let valid = (1..=255).contains(&value.len())
            && value.bytes().all(|b| {
                b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'.' | b'_' | b'-')
            });
        if valid {
            Ok(Self(value.to_owned()))
        } else {
            Err(InvalidTrustDomain)
        }
    }

    /// The trust domain as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for TrustDomain {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The caller a verified client certificate (DER, the leaf) stands for.
pub fn caller_from_certificate(
    der: &[u8],
    trust_domain: &TrustDomain,
) -> Result<CallerContext, CertificateError> {
    let (_, certificate) =
        X509Certificate::from_der(der).map_err(|_| CertificateError::Unparsable)?;
    let names = certificate
        .subject_alternative_name()
        .map_err(|_| CertificateError::Unparsable)?;
    let mut uris = names
        .iter()
        .flat_map(|extension| extension.value.general_names.iter())
        .filter_map(|name| match name {
            GeneralName::URI(uri) => Some(*uri),
            _ => None,
        });
    let uri = uris.next().ok_or(CertificateError::NoIdentity)?;
    if uris.next().is_some() {
        return Err(CertificateError::AmbiguousIdentity);
    }
    caller_from_spiffe_id(uri, trust_domain)
}

/// The caller a SPIFFE id stands for (see the module documentation for the layout).
pub fn caller_from_spiffe_id(
    uri: &str,
    trust_domain: &TrustDomain,
) -> Result<CallerContext, CertificateError> {
    let rest = uri
        .strip_prefix("spiffe://")
        .ok_or(CertificateError::WrongTrustDomain)?;
    let (domain, path) = rest.split_once('/').unwrap_or((rest, ""));
    if domain != trust_domain.as_str() {
        return Err(CertificateError::WrongTrustDomain);
    }
    let segments: Vec<&str> = path.split('/').collect();
    let [tenant_key, tenant, kind, name] = segments.as_slice() else {
        return Err(CertificateError::UnknownLayout);
    };
    if *tenant_key != "tenant" {
        return Err(CertificateError::UnknownLayout);
    }
    let role = match *kind {
        "partner" => Role::PartnerSystem,
        "service" => Role::Service,
        _ => return Err(CertificateError::UnknownLayout),
    };
    let tenant_id = TenantId::parse(tenant).map_err(|_| CertificateError::InvalidTenant)?;
    let valid_name = (1..=64).contains(&name.len())
        && name.bytes().all(|b| {
            b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'.' | b'_' | b'-')
        });
    if !valid_name {
        return Err(CertificateError::InvalidPrincipal);
    }
    let principal = format!("{kind}/{name}");
    Ok(CallerContext {
        tenant_id,
        subject: principal.clone(),
        roles: vec![role],
        client: principal,
        authentication: Authentication::Certificate,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn domain() -> TrustDomain {
        TrustDomain::parse("jobcenter.test").expect("valid")
    }

    #[test]
    fn partner_and_service_ids_map_to_their_roles_and_principals() {
        let partner = caller_from_spiffe_id(
            "spiffe://jobcenter.test/tenant/jc-essen/partner/fv-1",
            &domain(),
        )
        .expect("partner");
        assert_eq!(partner.tenant_id.as_str(), "jc-essen");
        assert_eq!(partner.roles, vec![Role::PartnerSystem]);
        assert_eq!(partner.subject, "partner/fv-1");
        assert_eq!(partner.client, "partner/fv-1");
        assert_eq!(partner.authentication, Authentication::Certificate);

        let service = caller_from_spiffe_id(
            "spiffe://jobcenter.test/tenant/jc-essen/service/case",
            &domain(),
        )
        .expect("service");
        assert_eq!(service.roles, vec![Role::Service]);
        assert_eq!(service.subject, "service/case");
    }

    #[test]
    fn ids_of_other_layouts_domains_tenants_or_names_are_refused() {
        let cases = [
            (
                "https://jobcenter.test/tenant/jc/partner/a",
                CertificateError::WrongTrustDomain,
            ),
            (
                "spiffe://other.test/tenant/jc/partner/a",
                CertificateError::WrongTrustDomain,
            ),
            (
                "spiffe://jobcenter.test.evil/tenant/jc/partner/a",
                CertificateError::WrongTrustDomain,
            ),
            ("spiffe://jobcenter.test", CertificateError::UnknownLayout),
            (
                "spiffe://jobcenter.test/tenant/jc/partner",
                CertificateError::UnknownLayout,
            ),
            (
                "spiffe://jobcenter.test/tenant/jc/partner/a/b",
                CertificateError::UnknownLayout,
            ),
            (
                "spiffe://jobcenter.test/tenant/jc/operator/a",
                CertificateError::UnknownLayout,
            ),
            (
                "spiffe://jobcenter.test/tenants/jc/partner/a",
                CertificateError::UnknownLayout,
            ),
            (
                "spiffe://jobcenter.test/tenant/JC/partner/a",
                CertificateError::InvalidTenant,
            ),
            (
                "spiffe://jobcenter.test/tenant//partner/a",
                CertificateError::InvalidTenant,
            ),
            (
                "spiffe://jobcenter.test/tenant/jc/partner/",
                CertificateError::InvalidPrincipal,
            ),
            (
                "spiffe://jobcenter.test/tenant/jc/partner/A%20b",
                CertificateError::InvalidPrincipal,
            ),
        ];
        for (uri, expected) in cases {
            assert_eq!(
                caller_from_spiffe_id(uri, &domain()).map(|c| c.subject),
                Err(expected),
                "{uri}"
            );
        }
    }

    #[test]
    fn trust_domains_are_lowercase_names() {
        assert!(TrustDomain::parse("jobcenter.example-1_a").is_ok());
        for bad in ["", "Jobcenter", "a/b", "a:1", &"a".repeat(256)] {
            assert_eq!(TrustDomain::parse(bad), Err(InvalidTrustDomain), "{bad}");
        }
    }

    #[test]
    fn garbage_is_not_a_certificate() {
        assert_eq!(
            caller_from_certificate(b"not a certificate", &domain()).map(|c| c.subject),
            Err(CertificateError::Unparsable)
        );
    }
}
