//! VAPID (RFC 8292): the application server identifies itself to push services.
//!
//! Every request carries `Authorization: vapid t=<JWT>, k=<public key>`. The JWT is signed
//! with ES256 by the server's P-256 key and names the push service's origin (`aud`), an expiry
//! (`exp`, at most 24 hours ahead) and a contact (`sub`). A browser subscribed with the same
//! public key as `applicationServerKey`, so the push service accepts messages for the
//! subscription only from the holder of this key.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use p256::SecretKey;
use ring::rand::SystemRandom;
use ring::signature::{ECDSA_P256_SHA256_FIXED_SIGNING, EcdsaKeyPair};
use serde_json::json;

use crate::keys::{
    KeyError, POINT_LEN, decode_base64url, encode_base64url, public_point, random_secret,
    secret_from_scalar,
};

/// How long a VAPID token is valid. RFC 8292 allows at most 24 hours; half of that leaves
/// room for clock skew between us and the push service.
pub const TOKEN_LIFETIME: Duration = Duration::from_secs(12 * 60 * 60);

/// The JWS header of every VAPID token.
const JWT_HEADER: &str = r#"{"typ":"JWT","alg":"ES256"}"#;

/// The application server's P-256 key pair.
pub struct VapidKey {
    /// Kept to give the private key back out ([`VapidKey::to_base64url_private`]); zeroised
    /// on drop by `p256`.
    secret: SecretKey,
    pair: EcdsaKeyPair,
    public: [u8; POINT_LEN],
}

impl std::fmt::Debug for VapidKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("VapidKey")
            .field("public", &self.public_key_base64url())
            .finish_non_exhaustive()
    }
}

impl VapidKey {
    /// The key from its private scalar in base64url (32 bytes, padding optional): the usual
    /// VAPID private key format, e.g. from `web-push generate-vapid-keys`.
    pub fn from_base64url(private: &str) -> Result<Self, KeyError> {
        let bytes = decode_base64url(private.trim()).ok_or(KeyError::NotBase64Url)?;
        Self::from_secret(secret_from_scalar(&bytes)?)
    }

    /// A fresh random key (for local runs and tests; production keys are configured, since
    /// every browser subscription is bound to the key it was made with).
    pub fn generate() -> Result<Self, KeyError> {
        Self::from_secret(random_secret()?)
    }

    fn from_secret(secret: SecretKey) -> Result<Self, KeyError> {
        let public = public_point(&secret);
        let pair = EcdsaKeyPair::from_private_key_and_public_key(
            &ECDSA_P256_SHA256_FIXED_SIGNING,
            &secret.to_bytes(),
            &public,
            &SystemRandom::new(),
        )
        .map_err(|_| KeyError::Rejected)?;
        Ok(Self {
            secret,
            pair,
            public,
        })
    }

    /// The private scalar in base64url without padding (to store a generated key).
    pub fn to_base64url_private(&self) -> String {
        encode_base64url(&self.secret.to_bytes())
    }

    /// The public key: the uncompressed point (65 bytes).
    pub fn public_key(&self) -> &[u8; POINT_LEN] {
        &self.public
    }

    /// The public key in base64url without padding: the browser's `applicationServerKey`
    /// and the `k=` parameter of the VAPID header.
    pub fn public_key_base64url(&self) -> String {
        encode_base64url(&self.public)
    }

    /// The `Authorization` header value for a push service at `audience` (its origin,
    /// `scheme://host[:port]`), valid until `expires_at` (seconds since the Unix epoch).
    pub fn authorization(
        &self,
        audience: &str,
        subject: &str,
        expires_at: u64,
    ) -> Result<String, KeyError> {
        let token = self.token(audience, subject, expires_at)?;
        Ok(format!(
            "vapid t={token}, k={}",
            self.public_key_base64url()
        ))
    }

    /// The signed JWT (`header.claims.signature`, each part base64url).
    pub fn token(
        &self,
        audience: &str,
        subject: &str,
        expires_at: u64,
    ) -> Result<String, KeyError> {
        let claims = json!({ "aud": audience, "exp": expires_at, "sub": subject });
        let signing_input = format!(
            "{}.{}",
            encode_base64url(JWT_HEADER.as_bytes()),
            encode_base64url(claims.to_string().as_bytes())
        );
        // The FIXED variant gives r || s (64 bytes), the JWS form of an ES256 signature.
        let signature = self
            .pair
            .sign(&SystemRandom::new(), signing_input.as_bytes())
            .map_err(|_| KeyError::Random)?;
        Ok(format!(
            "{signing_input}.{}",
            encode_base64url(signature.as_ref())
        ))
    }
}

/// The expiry for a token made now: [`TOKEN_LIFETIME`] from the system clock.
pub fn expiry_from_now() -> u64 {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or(Duration::ZERO);
    (now + TOKEN_LIFETIME).as_secs()
}

/// Whether `subject` is a contact RFC 8292 accepts: a `mailto:` or an `https:` URI.
pub fn is_valid_subject(subject: &str) -> bool {
    let rest = subject
        .strip_prefix("mailto:")
        .or_else(|| subject.strip_prefix("https://"));
    matches!(rest, Some(rest) if !rest.is_empty() && !rest.contains(char::is_whitespace))
}

#[cfg(test)]
mod tests {
    use ring::signature::{ECDSA_P256_SHA256_FIXED, UnparsedPublicKey};
    use serde_json::Value;

    use super::*;

    fn decode_json(part: &str) -> Value {
        serde_json::from_slice(&decode_base64url(part).expect("base64url")).expect("json")
    }

    #[test]
    fn the_token_has_es256_header_and_the_claims_and_verifies_with_the_public_key() {
        let key = VapidKey::generate().expect("key");
        let token = key
            .token(
                "https://push.example.net",
                "mailto:ops@example.org",
                1_700_000_000,
            )
            .expect("token");
        let parts: Vec<&str> = token.split('.').collect();
        assert_eq!(parts.len(), 3);
        assert_eq!(decode_json(parts[0]), json!({"typ": "JWT", "alg": "ES256"}));
        assert_eq!(
            decode_json(parts[1]),
            json!({"aud": "https://push.example.net", "exp": 1_700_000_000u64, "sub": "mailto:ops@example.org"})
        );
        let signature = decode_base64url(parts[2]).expect("signature");
        assert_eq!(signature.len(), 64);
        let signed = format!("{}.{}", parts[0], parts[1]);
        UnparsedPublicKey::new(&ECDSA_P256_SHA256_FIXED, key.public_key())
            .verify(signed.as_bytes(), &signature)
            .expect("signature verifies");
        // A changed claim no longer verifies.
        let forged = format!("{}.{}", parts[0], encode_base64url(b"{\"aud\":\"x\"}"));
        assert!(
            UnparsedPublicKey::new(&ECDSA_P256_SHA256_FIXED, key.public_key())
                .verify(forged.as_bytes(), &signature)
                .is_err()
        );
    }

    #[test]
    fn the_authorization_header_carries_token_and_public_key() {
        let key = VapidKey::generate().expect("key");
        let header = key
            .authorization("https://push.example.net", "mailto:ops@example.org", 1)
            .expect("header");
        let rest = header.strip_prefix("vapid t=").expect("scheme");
        let (token, k) = rest.split_once(", k=").expect("k");
        assert_eq!(token.split('.').count(), 3);
        assert_eq!(k, key.public_key_base64url());
    }

    #[test]
    fn a_private_key_round_trips_through_base64url() {
        let key = VapidKey::generate().expect("key");
        let again = VapidKey::from_base64url(&key.to_base64url_private()).expect("parse");
        assert_eq!(again.public_key(), key.public_key());
        assert_eq!(key.public_key()[0], 0x04);
    }

    #[test]
    fn a_bad_private_key_is_refused_with_its_reason() {
        assert_eq!(
            VapidKey::from_base64url("not base64!").err(),
            Some(KeyError::NotBase64Url)
        );
        assert_eq!(
            VapidKey::from_base64url("AQID").err(),
            Some(KeyError::Length)
        );
    }

    #[test]
    fn the_debug_form_shows_no_private_key() {
        let key = VapidKey::generate().expect("key");
        let debug = format!("{key:?}");
        assert!(!debug.contains(&key.to_base64url_private()));
        assert!(debug.contains(&key.public_key_base64url()));
    }

    #[test]
    fn subjects_are_mailto_or_https() {
        assert!(is_valid_subject("mailto:push@jobcenter.example"));
        assert!(is_valid_subject("https://jobcenter.example/contact"));
        assert!(!is_valid_subject("mailto:"));
        assert!(!is_valid_subject("http://jobcenter.example"));
        assert!(!is_valid_subject("push@jobcenter.example"));
    }

    #[test]
    fn tokens_expire_twelve_hours_from_now() {
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .expect("clock")
            .as_secs();
        let expiry = expiry_from_now();
        assert!(expiry >= now + 12 * 3600 && expiry <= now + 12 * 3600 + 5);
    }
}
