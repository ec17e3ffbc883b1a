//! The server's TLS (rustls with ring) and client certificates (mTLS) → principal and tenant.
//!
//! - [`server_config`]: the rustls configuration from PEM files, client certificates verified
//!   against the partner CA.
//! - [`Acceptor`]: the accept loop with the handshake in our hands, so that failures are logged
//!   and counted and the verified certificate reaches the layers.
//! - [`ConnectionInfo`]: what a request's extensions say about its connection.
//! - [`caller_from_certificate`]: the SPIFFE id in a certificate → [`CallerContext`].
//!
//! Why not tonic's `ServerTlsConfig`: tonic drops connections whose handshake failed with only a
//! trace-level message, and exposes the peer's certificates but nothing computed from them. Our
//! own acceptor logs each failure with a reason, counts it, and maps the certificate to a caller
//! once per connection.
//!
//! [`CallerContext`]: crate::caller::CallerContext

mod connection;
mod incoming;
mod server_config;
mod spiffe;

pub use connection::{ClientCertificate, Connection, ConnectionInfo};
pub use incoming::{Acceptor, HANDSHAKE_RPC, HandshakeFailures};
pub use server_config::{TlsFiles, TlsSetupError, crypto_provider, server_config};
pub use spiffe::{
    CertificateError, InvalidTrustDomain, TrustDomain, caller_from_certificate,
    caller_from_spiffe_id,
};
