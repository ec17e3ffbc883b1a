//! What production mode needs from the outside world, made in the test: a certificate
//! authority (server certificate for loopback, partner client certificates) and an OIDC issuer
//! with its JWKS on loopback, plus the settings that make a service trust both.

use std::net::SocketAddr;
use std::path::PathBuf;

use test_identities::ca::{CertificateFiles, IssuedCertificate, TestCa};
use test_identities::issuer::{DevIssuer, TokenBuilder};
use tonic::transport::Channel;

use crate::HarnessError;
use crate::service::{Service, Settings};

/// The SPIFFE trust domain of the test CA's client certificates.
pub const TRUST_DOMAIN: &str = "jobcenter.test";

/// A test CA and a test issuer, with the server's certificate files in a temporary directory.
/// The issuer serves while this lives.
#[derive(Debug)]
pub struct Identities {
    ca: TestCa,
    issuer: DevIssuer,
    server: CertificateFiles,
    ca_file: PathBuf,
    _dir: tempfile::TempDir,
}

impl Identities {
    /// A fresh CA, a server certificate for `localhost`/`127.0.0.1`, and an issuer on loopback.
    pub async fn new() -> Result<Identities, HarnessError> {
        let dir = tempfile::tempdir().map_err(HarnessError::Io)?;
        let ca = TestCa::new(TRUST_DOMAIN).map_err(HarnessError::identities)?;
        let server = ca
            .server_certificate()
            .and_then(|certificate| certificate.write(dir.path(), "server"))
            .map_err(HarnessError::identities)?;
        let ca_file = ca
            .write_cert(dir.path(), "partner-ca")
            .map_err(HarnessError::identities)?;
        let issuer = DevIssuer::start().await.map_err(HarnessError::identities)?;
        Ok(Identities {
            ca,
            issuer,
            server,
            ca_file,
            _dir: dir,
        })
    }

    /// The production settings of `service`: TLS with the test CA's server certificate, partner
    /// client certificates from the test CA (optional at the handshake, so token callers
    /// connect too), tokens of the test issuer for the service's audience, and a plaintext
    /// health port.
    pub fn settings(&self, service: Service) -> Settings {
        let path = |path: &PathBuf| path.display().to_string();
        Settings::new()
            .set("SERVER__MODE", "production")
            .set("SERVER__HEALTH_ADDR", "127.0.0.1:0")
            .set("SERVER__TLS__CERT_FILE", path(&self.server.cert_file))
            .set("SERVER__TLS__KEY_FILE", path(&self.server.key_file))
            .set("SERVER__TLS__CLIENT_CA_FILE", path(&self.ca_file))
            .set("SERVER__TLS__TRUST_DOMAIN", TRUST_DOMAIN)
            .set("SERVER__OIDC__ISSUER", self.issuer.issuer_url())
            .set("SERVER__OIDC__AUDIENCE", service.audience())
            // A rotated key is picked up at its first token, without waiting.
            .set("SERVER__OIDC__JWKS_MIN_REFETCH_MS", "0")
    }

    /// The test CA (partner certificates, client TLS settings).
    pub fn ca(&self) -> &TestCa {
        &self.ca
    }

    /// The test issuer.
    pub fn issuer(&self) -> &DevIssuer {
        &self.issuer
    }

    /// A valid token for both services: `tenant`, `subject`, realm `roles`.
    pub fn token(
        &self,
        tenant: &str,
        subject: &str,
        roles: &[&str],
    ) -> Result<String, HarnessError> {
        self.token_builder(tenant, subject, roles)
            .sign()
            .map_err(HarnessError::identities)
    }

    /// The builder of [`Self::token`], to change one thing before signing.
    pub fn token_builder(&self, tenant: &str, subject: &str, roles: &[&str]) -> TokenBuilder {
        self.issuer
            .token()
            .tenant(tenant)
            .subject(subject)
            .roles(roles)
    }

    /// A partner system's client certificate for `tenant`.
    pub fn partner_certificate(
        &self,
        tenant: &str,
        name: &str,
    ) -> Result<IssuedCertificate, HarnessError> {
        self.ca
            .partner_certificate(tenant, name)
            .map_err(HarnessError::identities)
    }

    /// A TLS channel to `address` trusting the test CA, presenting `client` or no certificate.
    pub async fn channel(
        &self,
        address: SocketAddr,
        client: Option<&IssuedCertificate>,
    ) -> Result<Channel, HarnessError> {
        self.ca
            .channel(address, client)
            .await
            .map_err(HarnessError::Connect)
    }
}
