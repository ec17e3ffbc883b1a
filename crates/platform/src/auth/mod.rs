//! Authentication: who is calling, proven by an OIDC access token or a client certificate
//! (or, in development mode only, by development identity metadata).
//!
//! - [`oidc`]: access tokens (JWT) validated against the issuer's JWKS.
//! - [`tls`]: the server's TLS configuration and client certificates (mTLS) → principal and tenant.
//! - [`credentials`]: which credential of a call counts.
//! - [`layer`]: the tower layer that turns credentials into a [`crate::CallerContext`] in the
//!   request extensions, or refuses the call and records the refusal.

pub mod credentials;
pub mod layer;
pub mod oidc;
pub mod tls;

pub use layer::{AuthenticationLayer, is_exempt};
