//! A test certificate authority (rcgen, ring): the CA, server certificates for loopback, client
//! certificates with a SPIFFE id for partners and services — and the broken ones an mTLS test
//! needs (self-signed, expired, not yet valid, wrong usage, wrong trust domain; "issued by
//! another CA" is any certificate of a second [`TestCa`]).
//!
//! Everything is PEM, in memory, with helpers to write files for a server's configuration and
//! to build a tonic client [`Channel`] that trusts this CA and presents a given client
//! certificate or none. Keys are generated per run: nothing here may ever be trusted outside a
//! test or a local demo.

use std::io;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::path::{Path, PathBuf};

use chrono::Datelike;
use rcgen::{
    BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, Issuer, KeyPair,
    KeyUsagePurpose, SanType, date_time_ymd,
};
use tonic::transport::{Certificate, Channel, ClientTlsConfig, Endpoint, Identity};

/// The name the server certificates are issued for, and clients expect.
pub const SERVER_NAME: &str = "localhost";

/// Why a certificate could not be made or written.
#[derive(Debug, thiserror::Error)]
pub enum CaError {
    /// rcgen refused the parameters.
    #[error("rcgen could not make the certificate")]
    Rcgen(#[from] rcgen::Error),
    /// A date out of range (never for the offsets used here).
    #[error("certificate validity out of range")]
    Date,
    /// A file could not be written.
    #[error("could not write a PEM file")]
    Io(#[from] io::Error),
}

/// A certificate and its private key, both PEM.
#[derive(Debug, Clone)]
pub struct IssuedCertificate {
    /// The certificate (PEM).
    pub cert_pem: String,
    /// Its private key (PEM, PKCS#8).
    pub key_pem: String,
}

/// Where [`IssuedCertificate::write`] put the certificate and its key.
#[derive(Debug, Clone)]
pub struct CertificateFiles {
    /// The certificate file.
    pub cert_file: PathBuf,
    /// The key file.
    pub key_file: PathBuf,
}

impl IssuedCertificate {
    /// Writes `<stem>.crt` and `<stem>.key` into `dir`.
    pub fn write(&self, dir: &Path, stem: &str) -> Result<CertificateFiles, CaError> {
        let cert_file = dir.join(format!("{stem}.crt"));
        let key_file = dir.join(format!("{stem}.key"));
        std::fs::write(&cert_file, &self.cert_pem)?;
        std::fs::write(&key_file, &self.key_pem)?;
        Ok(CertificateFiles {
            cert_file,
            key_file,
        })
    }

    /// The certificate and key as a tonic client identity.
    pub fn identity(&self) -> Identity {
        Identity::from_pem(&self.cert_pem, &self.key_pem)
    }
}

/// How a client certificate is made; [`Profile::valid`] is the good one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Profile {
    /// Days from today (UTC) when the certificate becomes valid (negative: in the past).
    pub not_before_days: i64,
    /// Days from today (UTC) when it stops being valid.
    pub not_after_days: i64,
    /// Extended key usage: `clientAuth` (good) or `serverAuth` only (wrong usage).
    pub client_auth: bool,
}

impl Profile {
    /// Valid since yesterday for 30 days, for client authentication.
    pub fn valid() -> Self {
        Self {
            not_before_days: -1,
            not_after_days: 30,
            client_auth: true,
        }
    }

    /// Expired since yesterday.
    pub fn expired() -> Self {
        Self {
            not_before_days: -30,
            not_after_days: -1,
            ..Self::valid()
        }
    }

    /// Valid only from the day after tomorrow.
    pub fn not_yet_valid() -> Self {
        Self {
            not_before_days: 2,
            not_after_days: 30,
            ..Self::valid()
        }
    }

    /// For servers only (`serverAuth`, no `clientAuth`).
    pub fn wrong_usage() -> Self {
        Self {
            client_auth: false,
            ..Self::valid()
        }
    }
}

/// A certificate authority for one SPIFFE trust domain.
pub struct TestCa {
    trust_domain: String,
    cert_pem: String,
    issuer: Issuer<'static, KeyPair>,
}

impl std::fmt::Debug for TestCa {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TestCa")
            .field("trust_domain", &self.trust_domain)
            .finish_non_exhaustive()
    }
}

impl TestCa {
    /// A new CA (fresh P-256 key) issuing SPIFFE ids in `trust_domain`.
    pub fn new(trust_domain: &str) -> Result<Self, CaError> {
        let key = KeyPair::generate()?;
        let mut params = CertificateParams::default();
        params
            .distinguished_name
            .push(DnType::CommonName, format!("test CA {trust_domain}"));
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        params.key_usages = vec![
            KeyUsagePurpose::KeyCertSign,
            KeyUsagePurpose::CrlSign,
            KeyUsagePurpose::DigitalSignature,
        ];
        set_validity(&mut params, -1, 365)?;
        let cert_pem = params.self_signed(&key)?.pem();
        Ok(Self {
            trust_domain: trust_domain.to_owned(),
            cert_pem,
            issuer: Issuer::new(params, key),
        })
    }

    /// The trust domain of the SPIFFE ids this CA issues.
    pub fn trust_domain(&self) -> &str {
        &self.trust_domain
    }

    /// The CA certificate (PEM): the server's `client_ca_file`, the client's trust anchor.
    pub fn cert_pem(&self) -> &str {
        &self.cert_pem
    }

    /// Writes the CA certificate to `dir/<stem>.crt`.
    pub fn write_cert(&self, dir: &Path, stem: &str) -> Result<PathBuf, CaError> {
        let path = dir.join(format!("{stem}.crt"));
        std::fs::write(&path, &self.cert_pem)?;
        Ok(path)
    }

    /// A server certificate for `localhost`, `127.0.0.1` and `::1`.
    pub fn server_certificate(&self) -> Result<IssuedCertificate, CaError> {
        let key = KeyPair::generate()?;
        let mut params = CertificateParams::new(vec![SERVER_NAME.to_owned()])?;
        params.subject_alt_names.extend([
            SanType::IpAddress(IpAddr::V4(Ipv4Addr::LOCALHOST)),
            SanType::IpAddress(IpAddr::V6(Ipv6Addr::LOCALHOST)),
        ]);
        params
            .distinguished_name
            .push(DnType::CommonName, SERVER_NAME);
        params.key_usages = vec![KeyUsagePurpose::DigitalSignature];
        params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
        set_validity(&mut params, -1, 30)?;
        let cert = params.signed_by(&key, &self.issuer)?;
        Ok(IssuedCertificate {
            cert_pem: cert.pem(),
            key_pem: key.serialize_pem(),
        })
    }

    /// The SPIFFE id of a partner system of `tenant` in this CA's trust domain.
    pub fn partner_id(&self, tenant: &str, name: &str) -> String {
        format!(
            "spiffe://{}/tenant/{tenant}/partner/{name}",
            self.trust_domain
        )
    }

    /// The SPIFFE id of a platform service acting for `tenant` in this CA's trust domain.
    pub fn service_id(&self, tenant: &str, name: &str) -> String {
        format!(
            "spiffe://{}/tenant/{tenant}/service/{name}",
            self.trust_domain
        )
    }

    /// A valid client certificate of a partner system of `tenant`.
    pub fn partner_certificate(
        &self,
        tenant: &str,
        name: &str,
    ) -> Result<IssuedCertificate, CaError> {
        self.client_certificate(&self.partner_id(tenant, name), Profile::valid())
    }

    /// A valid client certificate of a platform service acting for `tenant`.
    pub fn service_certificate(
        &self,
        tenant: &str,
        name: &str,
    ) -> Result<IssuedCertificate, CaError> {
        self.client_certificate(&self.service_id(tenant, name), Profile::valid())
    }

    /// A client certificate with the URI SAN `spiffe_id`, made as `profile` says.
    pub fn client_certificate(
        &self,
        spiffe_id: &str,
        profile: Profile,
    ) -> Result<IssuedCertificate, CaError> {
        let key = KeyPair::generate()?;
        let params = client_params(spiffe_id, profile)?;
        let cert = params.signed_by(&key, &self.issuer)?;
        Ok(IssuedCertificate {
            cert_pem: cert.pem(),
            key_pem: key.serialize_pem(),
        })
    }

    /// A partner certificate whose SPIFFE id names `other_domain` instead of this CA's
    /// trust domain (issued by this CA, so it passes the handshake).
    pub fn wrong_trust_domain_certificate(
        &self,
        other_domain: &str,
        tenant: &str,
        name: &str,
    ) -> Result<IssuedCertificate, CaError> {
        let id = format!("spiffe://{other_domain}/tenant/{tenant}/partner/{name}");
        self.client_certificate(&id, Profile::valid())
    }

    /// A partner certificate that signs itself (no CA at all).
    pub fn self_signed_certificate(
        &self,
        tenant: &str,
        name: &str,
    ) -> Result<IssuedCertificate, CaError> {
        let key = KeyPair::generate()?;
        let params = client_params(&self.partner_id(tenant, name), Profile::valid())?;
        let cert = params.self_signed(&key)?;
        Ok(IssuedCertificate {
            cert_pem: cert.pem(),
            key_pem: key.serialize_pem(),
        })
    }

    /// The TLS settings of a client that trusts this CA for `localhost` and presents `client`.
    pub fn client_tls(&self, client: Option<&IssuedCertificate>) -> ClientTlsConfig {
        let tls = ClientTlsConfig::new()
            .ca_certificate(Certificate::from_pem(&self.cert_pem))
            .domain_name(SERVER_NAME);
        match client {
            Some(client) => tls.identity(client.identity()),
            None => tls,
        }
    }

    /// An endpoint for `https://<address>` with [`Self::client_tls`] (connect lazily or not).
    pub fn endpoint(
        &self,
        address: SocketAddr,
        client: Option<&IssuedCertificate>,
    ) -> Result<Endpoint, tonic::transport::Error> {
        Endpoint::try_from(format!("https://{address}"))?.tls_config(self.client_tls(client))
    }

    /// A connected channel to `address` presenting `client` (or no certificate).
    ///
    /// With TLS 1.3 the server checks a client certificate after the client considers the
    /// handshake done: a refused certificate may surface only at the first call.
    pub async fn channel(
        &self,
        address: SocketAddr,
        client: Option<&IssuedCertificate>,
    ) -> Result<Channel, tonic::transport::Error> {
        self.endpoint(address, client)?.connect().await
    }
}

/// Parameters of a client certificate with one URI SAN.
fn client_params(spiffe_id: &str, profile: Profile) -> Result<CertificateParams, CaError> {
    let mut params = CertificateParams::default();
    params.subject_alt_names = vec![SanType::URI(spiffe_id.try_into()?)];
    params
        .distinguished_name
        .push(DnType::CommonName, "test client");
    params.key_usages = vec![KeyUsagePurpose::DigitalSignature];
    params.extended_key_usages = if profile.client_auth {
        vec![ExtendedKeyUsagePurpose::ClientAuth]
    } else {
        vec![ExtendedKeyUsagePurpose::ServerAuth]
    };
    set_validity(&mut params, profile.not_before_days, profile.not_after_days)?;
    Ok(params)
}

/// Sets the validity to midnight (UTC) of the days `from` and `to` days from today.
fn set_validity(params: &mut CertificateParams, from: i64, to: i64) -> Result<(), CaError> {
    let day = |offset: i64| {
        let date = chrono::Utc::now()
            .date_naive()
            .checked_add_signed(chrono::TimeDelta::try_days(offset).ok_or(CaError::Date)?)
            .ok_or(CaError::Date)?;
        let month = u8::try_from(date.month()).map_err(|_| CaError::Date)?;
        let day = u8::try_from(date.day()).map_err(|_| CaError::Date)?;
        Ok::<_, CaError>(date_time_ymd(date.year(), month, day))
    };
    params.not_before = day(from)?;
    params.not_after = day(to)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_ca_issues_pem_certificates_and_keys() {
        let ca = TestCa::new("jobcenter.test").expect("ca");
        assert!(ca.cert_pem().starts_with("-----BEGIN CERTIFICATE-----"));
        let partner = ca.partner_certificate("jc-essen", "fv").expect("partner");
        assert!(partner.cert_pem.starts_with("-----BEGIN CERTIFICATE-----"));
        assert!(partner.key_pem.contains("PRIVATE KEY"));
        assert_eq!(
            ca.partner_id("jc-essen", "fv"),
            "spiffe://jobcenter.test/tenant/jc-essen/partner/fv"
        );
        assert_eq!(
            ca.service_id("jc-essen", "case"),
            "spiffe://jobcenter.test/tenant/jc-essen/service/case"
        );
    }

    #[test]
    fn files_are_written_where_asked() {
        let dir = std::env::temp_dir().join(format!("test-ca-{}", uuid::Uuid::new_v4()));
        std::fs::create_dir_all(&dir).expect("dir");
        let ca = TestCa::new("jobcenter.test").expect("ca");
        let files = ca
            .server_certificate()
            .expect("server")
            .write(&dir, "server")
            .expect("write");
        assert!(files.cert_file.ends_with("server.crt"));
        assert!(
            std::fs::read_to_string(&files.key_file)
                .expect("key")
                .contains("PRIVATE KEY")
        );
        let ca_file = ca.write_cert(&dir, "ca").expect("write ca");
        assert_eq!(std::fs::read_to_string(ca_file).expect("ca"), ca.cert_pem());
        std::fs::remove_dir_all(dir).expect("clean up");
    }
}
