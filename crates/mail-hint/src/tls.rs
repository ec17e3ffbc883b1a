//! The TLS client for the relay: rustls with ring (the tree's one provider), trusting the
//! system's CAs and an optional extra CA file.

use std::path::Path;
use std::sync::Arc;

use rustls::RootCertStore;
use rustls::pki_types::CertificateDer;
use rustls::pki_types::pem::PemObject;
use tokio_rustls::TlsConnector;

use crate::error::MailError;

/// A connector trusting the system's CAs plus those in `ca_file`. Reads files, no network.
pub(crate) fn connector(ca_file: Option<&Path>) -> Result<TlsConnector, MailError> {
    let mut roots = RootCertStore::empty();
    // Unreadable system certificates are not fatal: an internal relay may rely on `ca_file`
    // alone (distroless images carry no CA bundle).
    roots.add_parsable_certificates(rustls_native_certs::load_native_certs().certs);
    if let Some(path) = ca_file {
        let pem = std::fs::read(path).map_err(|error| {
            MailError::invalid("ca_file", format!("cannot be read: {}", error.kind()))
        })?;
        let certs: Vec<CertificateDer<'static>> = CertificateDer::pem_slice_iter(&pem)
            .collect::<Result<_, _>>()
            .map_err(|_| MailError::invalid("ca_file", "not PEM certificates"))?;
        if certs.is_empty() {
            return Err(MailError::invalid("ca_file", "holds no certificate"));
        }
        for cert in certs {
            roots
                .add(cert)
                .map_err(|_| MailError::invalid("ca_file", "holds an unusable certificate"))?;
        }
    }
    if roots.is_empty() {
        return Err(MailError::invalid(
            "ca_file",
            "no trust anchors: the system has no CA certificates and none is configured",
        ));
    }
    let config = rustls::ClientConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .map_err(|error| MailError::invalid("security", format!("TLS set-up failed: {error}")))?
    .with_root_certificates(roots)
    .with_no_client_auth();
    Ok(TlsConnector::from(Arc::new(config)))
}
