//! The rustls server configuration of the gRPC port, built from PEM files.
//!
//! One crypto provider everywhere: ring (never aws-lc-rs), passed explicitly so that no
//! process-wide default has to be installed. TLS 1.3 and 1.2 only, ALPN `h2` (gRPC needs
//! HTTP/2). Client certificates are verified by webpki against the partner CA: chain, validity
//! period and the `clientAuth` extended key usage. Unless `require_client_certificate` is set,
//! a client may connect without one (and then authenticates with a token).

use std::path::{Path, PathBuf};
use std::sync::Arc;

use rustls::RootCertStore;
use rustls::crypto::CryptoProvider;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use rustls::server::WebPkiClientVerifier;
use rustls::server::danger::ClientCertVerifier;

/// Why the TLS configuration could not be built. Names files, never their contents.
#[derive(Debug, thiserror::Error)]
pub enum TlsSetupError {
    /// A PEM file could not be read or holds no usable item.
    #[error("cannot read {what} from {}", path.display())]
    Pem {
        /// What the file should hold.
        what: &'static str,
        /// The configured path.
        path: PathBuf,
        #[source]
        source: rustls::pki_types::pem::Error,
    },
    /// A PEM file holds no certificate.
    #[error("{} holds no certificate", .0.display())]
    NoCertificate(PathBuf),
    /// A CA certificate was not accepted as a trust anchor.
    #[error("a CA certificate in {} is not a usable trust anchor", path.display())]
    TrustAnchor {
        /// The configured path.
        path: PathBuf,
        #[source]
        source: rustls::Error,
    },
    /// The client certificate verifier could not be built.
    #[error("the client certificate verifier could not be built")]
    Verifier(#[source] rustls::server::VerifierBuilderError),
    /// rustls refused the certificate, the key or their combination.
    #[error("the server certificate and key are not usable together")]
    Rustls(#[source] rustls::Error),
}

/// The files and choices the server's TLS is built from.
#[derive(Debug, Clone)]
pub struct TlsFiles<'a> {
    /// The server's certificate chain (PEM, leaf first).
    pub cert_file: &'a Path,
    /// The server's private key (PEM).
    pub key_file: &'a Path,
    /// The CA that issues client certificates, if client certificates are accepted.
    pub client_ca_file: Option<&'a Path>,
    /// Refuse handshakes without a client certificate.
    pub require_client_certificate: bool,
}

/// The ring crypto provider, the only one this platform uses.
pub fn crypto_provider() -> Arc<CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

/// Builds the rustls server configuration from `files`.
pub fn server_config(files: &TlsFiles<'_>) -> Result<Arc<rustls::ServerConfig>, TlsSetupError> {
    let provider = crypto_provider();
    let chain = read_certificates(files.cert_file, "the server certificate chain")?;
    let key =
        PrivateKeyDer::from_pem_file(files.key_file).map_err(|source| TlsSetupError::Pem {
            what: "the server private key",
            path: files.key_file.to_path_buf(),
            source,
        })?;
    let verifier = client_verifier(files, provider.clone())?;
    let mut config = rustls::ServerConfig::builder_with_provider(provider)
        .with_protocol_versions(&[&rustls::version::TLS13, &rustls::version::TLS12])
        .map_err(TlsSetupError::Rustls)?
        .with_client_cert_verifier(verifier)
        .with_single_cert(chain, key)
        .map_err(TlsSetupError::Rustls)?;
    config.alpn_protocols = vec![b"h2".to_vec()];
    Ok(Arc::new(config))
}

fn client_verifier(
    files: &TlsFiles<'_>,
    provider: Arc<CryptoProvider>,
) -> Result<Arc<dyn ClientCertVerifier>, TlsSetupError> {
    let Some(ca_file) = files.client_ca_file else {
        return Ok(WebPkiClientVerifier::no_client_auth());
    };
    let mut roots = RootCertStore::empty();
    for certificate in read_certificates(ca_file, "the client CA certificates")? {
        roots
            .add(certificate)
            .map_err(|source| TlsSetupError::TrustAnchor {
                path: ca_file.to_path_buf(),
                source,
            })?;
    }
    let builder = WebPkiClientVerifier::builder_with_provider(Arc::new(roots), provider);
    let builder = if files.require_client_certificate {
        builder
    } else {
        builder.allow_unauthenticated()
    };
    builder.build().map_err(TlsSetupError::Verifier)
}

fn read_certificates(
    path: &Path,
    what: &'static str,
) -> Result<Vec<CertificateDer<'static>>, TlsSetupError> {
    let pem_error = |source| TlsSetupError::Pem {
        what,
        path: path.to_path_buf(),
        source,
    };
    let certificates = CertificateDer::pem_file_iter(path)
        .map_err(pem_error)?
        .collect::<Result<Vec<_>, _>>()
        .map_err(pem_error)?;
    if certificates.is_empty() {
        return Err(TlsSetupError::NoCertificate(path.to_path_buf()));
    }
    Ok(certificates)
}
