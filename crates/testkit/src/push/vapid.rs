//! Checking a VAPID `Authorization` header (RFC 8292) as a push service does.
//!
//! The JWT is verified with `jsonwebtoken` (RustCrypto's ECDSA), not with the sender's
//! ring-based code: the key is the header's `k=`, the audience must be this endpoint's origin,
//! the expiry at most 24 hours ahead, and the contact a `mailto:` or `https:` URI.

use std::time::{SystemTime, UNIX_EPOCH};

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use serde_json::Value;

/// RFC 8292 §2: a push service rejects an `exp` more than 24 hours ahead.
const MAX_LIFETIME_SECS: u64 = 24 * 60 * 60;

/// Who signed a request: the JWT's `sub` and the `k=` public key (base64url).
pub(crate) struct Signer {
    pub(crate) subject: String,
    pub(crate) key: String,
}

/// Verifies `header` for a push service at `audience`.
pub(crate) fn verify(header: Option<&str>, audience: &str) -> Result<Signer, String> {
    let header = header.ok_or("no Authorization header")?;
    let (scheme, params) = header
        .split_once(' ')
        .ok_or("Authorization has no parameters")?;
    if !scheme.eq_ignore_ascii_case("vapid") {
        return Err(format!("Authorization scheme {scheme:?}, expected vapid"));
    }
    let mut token = None;
    let mut key = None;
    for param in params.split(',') {
        match param.trim().split_once('=') {
            Some(("t", value)) => token = Some(value.trim()),
            Some(("k", value)) => key = Some(value.trim()),
            _ => return Err(format!("unexpected Authorization parameter {param:?}")),
        }
    }
    let token = token.ok_or("no t= (token) in Authorization")?;
    let key = key.ok_or("no k= (public key) in Authorization")?;
    let point = URL_SAFE_NO_PAD
        .decode(key)
        .map_err(|_| "k= is not base64url without padding")?;
    if point.len() != 65 || point[0] != 0x04 {
        return Err("k= is not an uncompressed P-256 point".into());
    }
    let x = URL_SAFE_NO_PAD.encode(&point[1..33]);
    let y = URL_SAFE_NO_PAD.encode(&point[33..65]);
    let decoding = DecodingKey::from_ec_components(&x, &y).map_err(|e| format!("k=: {e}"))?;

    let mut validation = Validation::new(Algorithm::ES256);
    validation.set_audience(&[audience]);
    validation.set_required_spec_claims(&["exp", "aud", "sub"]);
    let claims = jsonwebtoken::decode::<Value>(token, &decoding, &validation)
        .map_err(|e| format!("VAPID token refused: {e}"))?
        .claims;

    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_err(|_| "clock before 1970")?
        .as_secs();
    let exp = claims["exp"].as_u64().ok_or("exp is not a number")?;
    if exp > now + MAX_LIFETIME_SECS {
        return Err(format!("exp is {} s ahead, more than 24 hours", exp - now));
    }
    let subject = claims["sub"].as_str().ok_or("sub is not a string")?;
    if !(subject.starts_with("mailto:") || subject.starts_with("https://")) {
        return Err(format!("sub {subject:?} is neither mailto: nor https:"));
    }
    Ok(Signer {
        subject: subject.to_owned(),
        key: key.to_owned(),
    })
}
