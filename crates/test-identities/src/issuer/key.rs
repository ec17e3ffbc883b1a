//! The development issuer's signing key: ECDSA P-256 (ES256), made by rcgen on ring.
//!
//! The key id is the key's RFC 7638 thumbprint, so a key loaded from disk keeps its `kid`
//! without a second file, and two different keys can never share one.

use std::io::Write;
use std::path::Path;
use std::sync::Arc;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::EncodingKey;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use super::IssuerError;

/// File name of the private key inside a key directory (PKCS#8 PEM, mode 0600).
pub const KEY_FILE: &str = "signing-key.pem";

/// An ES256 signing key with its public JWK. Cheap to clone.
#[derive(Clone)]
pub struct SigningKey(Arc<Material>);

struct Material {
    kid: String,
    encoding: EncodingKey,
    x: String,
    y: String,
    public_pem: String,
    private_pem: String,
}

impl std::fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SigningKey")
            .field("kid", &self.0.kid)
            .finish_non_exhaustive()
    }
}

impl SigningKey {
    /// A fresh random P-256 key.
    pub fn generate() -> Result<Self, IssuerError> {
        let pair = rcgen::KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256)
            .map_err(IssuerError::Key)?;
        Self::from_key_pair(&pair)
    }

    /// A key from its PKCS#8 PEM (as written by [`SigningKey::load_or_create`]).
    pub fn from_pkcs8_pem(pem: &str) -> Result<Self, IssuerError> {
        let pair = rcgen::KeyPair::from_pem(pem).map_err(IssuerError::Key)?;
        Self::from_key_pair(&pair)
    }

    /// The key in `dir`, made and written there (mode 0600) on first use.
    pub fn load_or_create(dir: &Path) -> Result<Self, IssuerError> {
        std::fs::create_dir_all(dir).map_err(IssuerError::Io)?;
        let path = dir.join(KEY_FILE);
        match std::fs::read_to_string(&path) {
            Ok(pem) => return Self::from_pkcs8_pem(&pem),
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => {}
            Err(error) => return Err(IssuerError::Io(error)),
        }
        let key = Self::generate()?;
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o600);
        }
        match options.open(&path) {
            Ok(mut file) => {
                file.write_all(key.0.private_pem.as_bytes())
                    .map_err(IssuerError::Io)?;
                Ok(key)
            }
            // Another process made it first: use theirs.
            Err(error) if error.kind() == std::io::ErrorKind::AlreadyExists => {
                let pem = std::fs::read_to_string(&path).map_err(IssuerError::Io)?;
                Self::from_pkcs8_pem(&pem)
            }
            Err(error) => Err(IssuerError::Io(error)),
        }
    }

    fn from_key_pair(pair: &rcgen::KeyPair) -> Result<Self, IssuerError> {
        if !pair.is_compatible(&rcgen::PKCS_ECDSA_P256_SHA256) {
            return Err(IssuerError::NotP256);
        }
        // An uncompressed SEC1 point: 0x04 || x (32 bytes) || y (32 bytes).
        let point = pair.public_key_raw();
        let (x, y) = match point {
            [0x04, rest @ ..] if rest.len() == 64 => rest.split_at(32),
            _ => return Err(IssuerError::NotP256),
        };
        let x = URL_SAFE_NO_PAD.encode(x);
        let y = URL_SAFE_NO_PAD.encode(y);
        // RFC 7638: the required members in lexicographic order, no whitespace.
        let canonical = format!(r#"{{"crv":"P-256","kty":"EC","x":"{x}","y":"{y}"}}"#);
        let kid = URL_SAFE_NO_PAD.encode(Sha256::digest(canonical.as_bytes()));
        Ok(Self(Arc::new(Material {
            kid,
            encoding: EncodingKey::from_ec_der(pair.serialized_der()),
            x,
            y,
            public_pem: pair.public_key_pem(),
            private_pem: pair.serialize_pem(),
        })))
    }

    /// The key id (`kid`): the RFC 7638 thumbprint of the public key.
    pub fn kid(&self) -> &str {
        &self.0.kid
    }

    /// The public key as a JWK (`use: sig`, `alg: ES256`).
    pub fn jwk(&self) -> Value {
        json!({
            "kty": "EC",
            "crv": "P-256",
            "x": self.0.x,
            "y": self.0.y,
            "kid": self.0.kid,
            "use": "sig",
            "alg": "ES256",
        })
    }

    /// The public key as SPKI PEM: what an HS256 confusion attack uses as its HMAC secret.
    pub fn public_key_pem(&self) -> &str {
        &self.0.public_pem
    }

    /// The private key for jsonwebtoken.
    pub(super) fn encoding_key(&self) -> &EncodingKey {
        &self.0.encoding
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_reloaded_from_its_pem_keeps_its_kid_and_jwk() {
        let made = SigningKey::generate().expect("key");
        let loaded = SigningKey::from_pkcs8_pem(&made.0.private_pem).expect("loaded");
        assert_eq!(made.kid(), loaded.kid());
        assert_eq!(made.jwk(), loaded.jwk());
    }

    #[test]
    fn different_keys_have_different_kids_and_p256_jwks() {
        let a = SigningKey::generate().expect("key");
        let b = SigningKey::generate().expect("key");
        assert_ne!(a.kid(), b.kid());
        let jwk = a.jwk();
        assert_eq!(jwk["crv"], "P-256");
        assert_eq!(jwk["kid"], a.kid());
        let x = URL_SAFE_NO_PAD
            .decode(jwk["x"].as_str().expect("x"))
            .expect("base64url");
        assert_eq!(x.len(), 32);
        assert!(a.public_key_pem().starts_with("-----BEGIN PUBLIC KEY-----"));
    }
}
