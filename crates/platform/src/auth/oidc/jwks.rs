//! The issuer's JWKS turned into verification keys, each with the algorithms it may verify.
//!
//! Only asymmetric signature keys are kept: a symmetric (`oct`) key in a JWKS is never used,
//! whatever the token says, which closes the classic RS256→HS256 confusion. Keys for
//! encryption (`use: enc`), unknown key types and weak RSA keys are skipped one by one, so that
//! one odd entry (Keycloak publishes an `RSA-OAEP` encryption key) does not spoil the set.

use base64::Engine;
use base64::engine::DecodePaddingMode;
use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig};
use jsonwebtoken::{Algorithm, DecodingKey};
use serde::Deserialize;

use super::error::JwksError;

/// Smallest RSA modulus accepted, in bytes (2048 bits).
const MIN_RSA_MODULUS_BYTES: usize = 256;

/// base64url as JWKs use it; padding tolerated because some issuers add it.
const B64URL: GeneralPurpose = GeneralPurpose::new(
    &base64::alphabet::URL_SAFE,
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

/// One usable verification key.
#[derive(Clone)]
pub struct VerifyingKey {
    /// The key's id (`kid`), if it has one.
    pub kid: Option<String>,
    /// The public key.
    pub key: DecodingKey,
    /// Algorithms this key may verify: those of its type (or its `alg`) that are allowed.
    pub algorithms: Vec<Algorithm>,
}

impl std::fmt::Debug for VerifyingKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("VerifyingKey")
            .field("kid", &self.kid)
            .field("algorithms", &self.algorithms)
            .finish_non_exhaustive()
    }
}

/// The usable keys of one JWKS.
#[derive(Debug, Clone, Default)]
pub struct KeySet {
    keys: Vec<VerifyingKey>,
}

/// The outcome of looking a token's `kid` up.
#[derive(Debug)]
pub enum Lookup<'a> {
    /// The key to verify with.
    Found(&'a VerifyingKey),
    /// No key has that id (a refetch may help).
    Unknown,
    /// The token names no key and the set holds several: refused rather than tried in turn.
    Ambiguous,
}

#[derive(Deserialize)]
struct RawSet {
    keys: Vec<serde_json::Value>,
}

/// The JWK members used here; others (x5c, x5t, ...) are ignored.
#[derive(Deserialize)]
struct RawKey {
    kty: String,
    #[serde(default)]
    kid: Option<String>,
    #[serde(default, rename = "use")]
    key_use: Option<String>,
    #[serde(default)]
    key_ops: Option<Vec<String>>,
    #[serde(default)]
    alg: Option<String>,
    #[serde(default)]
    crv: Option<String>,
    #[serde(default)]
    n: Option<String>,
    #[serde(default)]
    e: Option<String>,
    #[serde(default)]
    x: Option<String>,
    #[serde(default)]
    y: Option<String>,
}

impl KeySet {
    /// Parses a JWKS document, keeping the keys usable with `allowed` algorithms.
    /// A document with no usable key is an error: an issuer always publishes one.
    pub fn parse(body: &[u8], allowed: &[Algorithm]) -> Result<Self, JwksError> {
        let raw: RawSet =
            serde_json::from_slice(body).map_err(|error| JwksError::Json("JWKS", error))?;
        let keys: Vec<VerifyingKey> = raw
            .keys
            .into_iter()
            .filter_map(|value| serde_json::from_value::<RawKey>(value).ok())
            .filter_map(|raw| usable_key(raw, allowed))
            .collect();
        if keys.is_empty() {
            return Err(JwksError::NoUsableKey);
        }
        Ok(Self { keys })
    }

    /// The key a token with `kid` (or none) is to be verified with.
    pub fn find(&self, kid: Option<&str>) -> Lookup<'_> {
        match kid {
            Some(kid) => self
                .keys
                .iter()
                .find(|key| key.kid.as_deref() == Some(kid))
                .map_or(Lookup::Unknown, Lookup::Found),
            None => match self.keys.as_slice() {
                [only] => Lookup::Found(only),
                _ => Lookup::Ambiguous,
            },
        }
    }

    /// How many usable keys the set holds.
    pub fn len(&self) -> usize {
        self.keys.len()
    }
}

/// The verification key for `raw`, or `None` if it must not or cannot be used.
fn usable_key(raw: RawKey, allowed: &[Algorithm]) -> Option<VerifyingKey> {
    if raw
        .key_use
        .as_deref()
        .is_some_and(|key_use| key_use != "sig")
    {
        return None;
    }
    if raw
        .key_ops
        .as_ref()
        .is_some_and(|ops| !ops.iter().any(|op| op == "verify"))
    {
        return None;
    }
    let (key, family): (DecodingKey, &[Algorithm]) = match raw.kty.as_str() {
        "RSA" => {
            let n = decode(raw.n.as_deref()?)?;
            let e = decode(raw.e.as_deref()?)?;
            let modulus = n.strip_prefix(&[0]).unwrap_or(&n);
            if modulus.len() < MIN_RSA_MODULUS_BYTES || e.is_empty() || e.len() > 8 {
                return None;
            }
            (
                DecodingKey::from_rsa_raw_components(&n, &e),
                &[
                    Algorithm::RS256,
                    Algorithm::RS384,
                    Algorithm::RS512,
                    Algorithm::PS256,
                    Algorithm::PS384,
                    Algorithm::PS512,
                ],
            )
        }
        "EC" => {
            let (size, algorithm) = match raw.crv.as_deref()? {
                "P-256" => (32, Algorithm::ES256),
                "P-384" => (48, Algorithm::ES384),
                _ => return None,
            };
            let x = raw.x.as_deref()?;
            let y = raw.y.as_deref()?;
            if decode(x)?.len() != size || decode(y)?.len() != size {
                return None;
            }
            let key = DecodingKey::from_ec_components(x, y).ok()?;
            let family: &[Algorithm] = match algorithm {
                Algorithm::ES256 => &[Algorithm::ES256],
                _ => &[Algorithm::ES384],
            };
            (key, family)
        }
        "OKP" => {
            if raw.crv.as_deref()? != "Ed25519" {
                return None;
            }
            let x = raw.x.as_deref()?;
            if decode(x)?.len() != 32 {
                return None;
            }
            (
                DecodingKey::from_ed_components(x).ok()?,
                &[Algorithm::EdDSA],
            )
        }
        // `oct` (symmetric) and anything else: never a verification key here.
        _ => return None,
    };
    // A key that declares its algorithm may verify only that one (RFC 7517 §4.4).
    let declared = match raw.alg.as_deref() {
        None => None,
        Some("Ed25519") => Some(Algorithm::EdDSA),
        Some(name) => Some(name.parse::<Algorithm>().ok()?),
    };
    let algorithms: Vec<Algorithm> = family
        .iter()
        .copied()
        .filter(|alg| allowed.contains(alg))
        .filter(|alg| declared.is_none_or(|declared| declared == *alg))
        .collect();
    if algorithms.is_empty() {
        return None;
    }
    Some(VerifyingKey {
        kid: raw.kid,
        key,
        algorithms,
    })
}

fn decode(text: &str) -> Option<Vec<u8>> {
    B64URL.decode(text).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use base64::engine::general_purpose;
    use serde_json::json;

    const ALL: [Algorithm; 4] = [
        Algorithm::RS256,
        Algorithm::PS256,
        Algorithm::ES256,
        Algorithm::EdDSA,
    ];

    fn b64(bytes: &[u8]) -> String {
        general_purpose::URL_SAFE_NO_PAD.encode(bytes)
    }

    fn ec_key(kid: &str) -> serde_json::Value {
        json!({ "kty": "EC", "crv": "P-256", "kid": kid, "use": "sig",
                "x": b64(&[1; 32]), "y": b64(&[2; 32]) })
    }

    fn rsa_key(kid: &str, bits: usize) -> serde_json::Value {
        json!({ "kty": "RSA", "kid": kid, "alg": "RS256",
                "n": b64(&vec![0xC5; bits / 8]), "e": b64(&[1, 0, 1]) })
    }

    fn parse(keys: serde_json::Value) -> Result<KeySet, JwksError> {
        KeySet::parse(json!({ "keys": keys }).to_string().as_bytes(), &ALL)
    }

    #[test]
    fn symmetric_encryption_weak_and_unknown_keys_are_skipped() {
        let set = parse(json!([
            { "kty": "oct", "kid": "hmac", "k": b64(b"secret") },
            { "kty": "RSA", "kid": "enc", "use": "enc", "alg": "RSA-OAEP",
              "n": b64(&[0xC5; 256]), "e": b64(&[1, 0, 1]) },
            rsa_key("weak", 1024),
            { "kty": "EC", "crv": "secp256k1", "kid": "k1", "x": b64(&[1; 32]), "y": b64(&[2; 32]) },
            { "kty": "EC", "crv": "P-256", "kid": "short", "x": b64(&[1; 31]), "y": b64(&[2; 32]) },
            { "kty": "EC", "crv": "P-256", "kid": "wrong-alg", "alg": "ES384",
              "x": b64(&[1; 32]), "y": b64(&[2; 32]) },
            { "kty": "EC", "crv": "P-256", "kid": "sign-only", "key_ops": ["sign"],
              "x": b64(&[1; 32]), "y": b64(&[2; 32]) },
            { "not": "a jwk" },
            rsa_key("rsa", 2048),
            ec_key("ec"),
        ]))
        .expect("usable keys left");
        assert_eq!(set.len(), 2);
        assert!(matches!(set.find(Some("hmac")), Lookup::Unknown));
        assert!(matches!(set.find(Some("enc")), Lookup::Unknown));
        assert!(matches!(set.find(Some("weak")), Lookup::Unknown));
        let Lookup::Found(rsa) = set.find(Some("rsa")) else {
            panic!("rsa key expected");
        };
        // `alg: RS256` on the key narrows the RSA family to that one algorithm.
        assert_eq!(rsa.algorithms, [Algorithm::RS256]);
        let Lookup::Found(ec) = set.find(Some("ec")) else {
            panic!("ec key expected");
        };
        assert_eq!(ec.algorithms, [Algorithm::ES256]);
    }

    #[test]
    fn an_rsa_key_without_alg_may_verify_the_allowed_rsa_algorithms() {
        let mut key = rsa_key("rsa", 2048);
        key.as_object_mut().map(|object| object.remove("alg"));
        let set = parse(json!([key])).expect("usable");
        let Lookup::Found(found) = set.find(Some("rsa")) else {
            panic!("rsa key expected");
        };
        assert_eq!(found.algorithms, [Algorithm::RS256, Algorithm::PS256]);
    }

    #[test]
    fn a_token_without_kid_needs_a_single_key_set() {
        let one = parse(json!([ec_key("a")])).expect("usable");
        assert!(matches!(one.find(None), Lookup::Found(_)));
        let two = parse(json!([ec_key("a"), ec_key("b")])).expect("usable");
        assert!(matches!(two.find(None), Lookup::Ambiguous));
        assert!(matches!(two.find(Some("b")), Lookup::Found(_)));
    }

    #[test]
    fn a_set_without_usable_keys_or_json_is_an_error() {
        assert!(matches!(
            parse(json!([{ "kty": "oct", "k": "c2VjcmV0" }])),
            Err(JwksError::NoUsableKey)
        ));
        assert!(matches!(
            KeySet::parse(b"<html>", &ALL),
            Err(JwksError::Json(..))
        ));
    }
}
