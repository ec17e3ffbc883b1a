//! Identities for tests and local runs, never for production: a small OIDC issuer with its own
//! keys and a JWKS served on loopback ([`issuer`]), and a certificate authority for server and
//! client certificates, including deliberately broken ones ([`ca`]).

pub mod ca;
pub mod issuer;
