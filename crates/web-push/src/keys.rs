//! P-256 private keys given as raw scalars: parsing, generating, and deriving public points.
//!
//! ring keeps private keys opaque: it cannot derive the public point of a stored VAPID scalar,
//! and its agreement keys are ephemeral-only, generated inside ring and never built from given
//! bytes. Both are needed here (a configured VAPID key; the RFC 8291 example's fixed sender
//! key), so this module uses the `p256` crate for exactly these steps.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use p256::SecretKey;
use p256::elliptic_curve::sec1::ToEncodedPoint as _;
use ring::rand::{SecureRandom, SystemRandom};

/// Length of a P-256 private scalar.
pub const SCALAR_LEN: usize = 32;
/// Length of an uncompressed P-256 point (`0x04 || x || y`).
pub const POINT_LEN: usize = 65;

/// How often a random scalar is drawn before giving up. A draw is out of range with a
/// probability of about 2^-32, so a second failure already means a broken generator.
const RANDOM_ATTEMPTS: usize = 4;

/// Why a private key cannot be used.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum KeyError {
    /// The text is not base64url.
    #[error("the private key is not base64url")]
    NotBase64Url,
    /// The key is not 32 bytes long.
    #[error("the private key is not {SCALAR_LEN} bytes long")]
    Length,
    /// The bytes are zero or not below the group order.
    #[error("the private key is not a valid P-256 scalar")]
    Scalar,
    /// The system's random generator failed.
    #[error("the system random generator failed")]
    Random,
    /// ring refused the key pair (cannot happen for a valid scalar and its own public point).
    #[error("the key pair was refused")]
    Rejected,
}

/// Decodes base64url with or without padding (browsers and tools emit both).
pub(crate) fn decode_base64url(text: &str) -> Option<Vec<u8>> {
    URL_SAFE_NO_PAD.decode(text.trim_end_matches('=')).ok()
}

/// Encodes base64url without padding, as Web Push and JWTs use it.
pub(crate) fn encode_base64url(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

/// A secret key from exactly 32 bytes (`p256` alone would also accept and left-pad shorter
/// slices, hiding a truncated configuration value).
pub(crate) fn secret_from_scalar(bytes: &[u8]) -> Result<SecretKey, KeyError> {
    if bytes.len() != SCALAR_LEN {
        return Err(KeyError::Length);
    }
    SecretKey::from_slice(bytes).map_err(|_| KeyError::Scalar)
}

/// The uncompressed public point of `secret`.
pub(crate) fn public_point(secret: &SecretKey) -> [u8; POINT_LEN] {
    let encoded = secret.public_key().to_encoded_point(false);
    let mut point = [0u8; POINT_LEN];
    point.copy_from_slice(encoded.as_bytes());
    point
}

/// A fresh secret key from the system's random generator.
pub(crate) fn random_secret() -> Result<SecretKey, KeyError> {
    let rng = SystemRandom::new();
    for _ in 0..RANDOM_ATTEMPTS {
        let mut bytes = [0u8; SCALAR_LEN];
        rng.fill(&mut bytes).map_err(|_| KeyError::Random)?;
        if let Ok(secret) = SecretKey::from_slice(&bytes) {
            return Ok(secret);
        }
    }
    Err(KeyError::Random)
}

/// `N` random bytes from the system's random generator.
pub(crate) fn random_bytes<const N: usize>() -> Result<[u8; N], KeyError> {
    let mut bytes = [0u8; N];
    SystemRandom::new()
        .fill(&mut bytes)
        .map_err(|_| KeyError::Random)?;
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_scalar_must_be_exactly_32_bytes() {
        assert_eq!(secret_from_scalar(&[1u8; 31]).err(), Some(KeyError::Length));
        assert_eq!(secret_from_scalar(&[1u8; 33]).err(), Some(KeyError::Length));
    }

    #[test]
    fn zero_is_not_a_scalar() {
        assert_eq!(secret_from_scalar(&[0u8; 32]).err(), Some(KeyError::Scalar));
    }

    #[test]
    fn the_rfc_8291_sender_key_derives_its_published_public_point() {
        let scalar = decode_base64url("yfWPiYE-n46HLnH0KqZOF1fJJU3MYrct3AELtAQ-oRw").expect("b64");
        let secret = secret_from_scalar(&scalar).expect("scalar");
        assert_eq!(
            encode_base64url(&public_point(&secret)),
            "BP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27mlmlMoZIIgDll6e3vCYLocInmYWAmS6TlzAC8wEqKK6PBru3jl7A8"
        );
    }

    #[test]
    fn padded_and_unpadded_base64url_decode_alike() {
        assert_eq!(decode_base64url("AQI="), decode_base64url("AQI"));
        assert_eq!(decode_base64url("AQ+/"), None);
    }
}
