//! Message encryption for Web Push (RFC 8291) in the `aes128gcm` content coding (RFC 8188).
//!
//! The push service only relays ciphertext: the message is encrypted for the browser's key.
//! An ephemeral P-256 key of ours and the browser's key agree on a secret; HKDF-SHA-256 mixes
//! in the browser's auth secret and then a random salt to derive the AES-128-GCM key and
//! nonce; the body is one record with the header `salt || rs || idlen || our public key`.
//!
//! [`encrypt_with`] is the pure core (given ephemeral key and salt), which the RFC 8291
//! example reproduces byte for byte; [`encrypt`] draws both at random.

use p256::SecretKey;
use ring::aead::{AES_128_GCM, Aad, LessSafeKey, Nonce, UnboundKey};
use ring::hkdf::{HKDF_SHA256, KeyType, Salt};

use crate::keys::{
    KeyError, POINT_LEN, public_point, random_bytes, random_secret, secret_from_scalar,
};
use crate::subscription::Subscription;

/// The record size written into the header (RFC 8291 §4: 4096).
pub const RECORD_SIZE: u32 = 4096;
/// Length of the random salt.
pub const SALT_LEN: usize = 16;
/// The largest payload a push message carries: 4096 bytes of body less the 86-byte header,
/// the 16-byte tag and the 1-byte padding delimiter (RFC 8291 §4).
pub const MAX_PAYLOAD_LEN: usize = 3993;

/// Length of the content-coding header: salt, record size, key id length, key id.
const HEADER_LEN: usize = SALT_LEN + 4 + 1 + POINT_LEN;
/// AES-128-GCM tag length.
const TAG_LEN: usize = 16;
/// Marks the last (here: only) record; no further padding follows.
const LAST_RECORD_DELIMITER: u8 = 0x02;

const KEY_INFO_PREFIX: &[u8] = b"WebPush: info\0";
const CEK_INFO: &[u8] = b"Content-Encoding: aes128gcm\0";
const NONCE_INFO: &[u8] = b"Content-Encoding: nonce\0";

/// Why a payload cannot be encrypted.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum EncryptError {
    /// The payload exceeds [`MAX_PAYLOAD_LEN`].
    #[error("payload of {len} bytes exceeds the {MAX_PAYLOAD_LEN} bytes a push message carries")]
    TooLarge {
        /// The payload's length.
        len: usize,
    },
    /// No random key or salt could be drawn.
    #[error("no random ephemeral key or salt")]
    Random,
    /// Key derivation or sealing failed (cannot happen with valid inputs).
    #[error("key derivation or encryption failed")]
    Crypto,
}

/// The application server's ephemeral key for one message (the RFC's `as_private`).
pub struct EphemeralKey {
    secret: SecretKey,
    public: [u8; POINT_LEN],
}

impl std::fmt::Debug for EphemeralKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EphemeralKey").finish_non_exhaustive()
    }
}

impl EphemeralKey {
    /// The key of a given private scalar (32 bytes): for test vectors.
    pub fn from_scalar(scalar: &[u8]) -> Result<Self, KeyError> {
        Ok(Self::from_secret(secret_from_scalar(scalar)?))
    }

    /// A fresh random key.
    pub fn generate() -> Result<Self, KeyError> {
        Ok(Self::from_secret(random_secret()?))
    }

    fn from_secret(secret: SecretKey) -> Self {
        let public = public_point(&secret);
        Self { secret, public }
    }

    /// The public point (`as_public`), sent in the header's key id.
    pub fn public_key(&self) -> &[u8; POINT_LEN] {
        &self.public
    }
}

/// Encrypts `payload` for `subscription` with a fresh ephemeral key and salt.
pub fn encrypt(payload: &[u8], subscription: &Subscription) -> Result<Vec<u8>, EncryptError> {
    check_len(payload)?;
    let ephemeral = EphemeralKey::generate().map_err(|_| EncryptError::Random)?;
    let salt = random_bytes::<SALT_LEN>().map_err(|_| EncryptError::Random)?;
    encrypt_with(payload, subscription, &ephemeral, &salt)
}

/// Encrypts `payload` for `subscription` with the given ephemeral key and salt: the whole
/// request body (header and the single record).
pub fn encrypt_with(
    payload: &[u8],
    subscription: &Subscription,
    ephemeral: &EphemeralKey,
    salt: &[u8; SALT_LEN],
) -> Result<Vec<u8>, EncryptError> {
    check_len(payload)?;
    // RFC 8291 §3.3: ecdh_secret, then IKM bound to both public keys and the auth secret.
    let shared = p256::ecdh::diffie_hellman(
        ephemeral.secret.to_nonzero_scalar(),
        subscription.ua_public().as_affine(),
    );
    let mut ikm = [0u8; 32];
    Salt::new(HKDF_SHA256, subscription.auth())
        .extract(shared.raw_secret_bytes())
        .expand(
            &[KEY_INFO_PREFIX, subscription.p256dh(), &ephemeral.public],
            Len(ikm.len()),
        )
        .and_then(|okm| okm.fill(&mut ikm))
        .map_err(|_| EncryptError::Crypto)?;

    // RFC 8188 §2.2–2.3: content-encryption key and nonce from the salt.
    let prk = Salt::new(HKDF_SHA256, salt).extract(&ikm);
    let mut cek = [0u8; 16];
    let mut nonce = [0u8; 12];
    prk.expand(&[CEK_INFO], Len(cek.len()))
        .and_then(|okm| okm.fill(&mut cek))
        .map_err(|_| EncryptError::Crypto)?;
    prk.expand(&[NONCE_INFO], Len(nonce.len()))
        .and_then(|okm| okm.fill(&mut nonce))
        .map_err(|_| EncryptError::Crypto)?;

    let mut body = Vec::with_capacity(HEADER_LEN + payload.len() + 1 + TAG_LEN);
    body.extend_from_slice(salt);
    body.extend_from_slice(&RECORD_SIZE.to_be_bytes());
    // The key id is our public point; its length always fits in the one-byte field.
    body.push(POINT_LEN as u8);
    body.extend_from_slice(&ephemeral.public);

    let mut record = Vec::with_capacity(payload.len() + 1 + TAG_LEN);
    record.extend_from_slice(payload);
    record.push(LAST_RECORD_DELIMITER);
    let key = UnboundKey::new(&AES_128_GCM, &cek).map_err(|_| EncryptError::Crypto)?;
    // One record per key: the nonce is used once (the sequence number 0 leaves it as is).
    LessSafeKey::new(key)
        .seal_in_place_append_tag(
            Nonce::assume_unique_for_key(nonce),
            Aad::empty(),
            &mut record,
        )
        .map_err(|_| EncryptError::Crypto)?;
    body.extend_from_slice(&record);
    Ok(body)
}

fn check_len(payload: &[u8]) -> Result<(), EncryptError> {
    if payload.len() > MAX_PAYLOAD_LEN {
        return Err(EncryptError::TooLarge { len: payload.len() });
    }
    Ok(())
}

/// An HKDF output length for ring.
struct Len(usize);

impl KeyType for Len {
    fn len(&self) -> usize {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::keys::{decode_base64url, encode_base64url};
    use crate::subscription::EndpointPolicy;

    // RFC 8291 §5 and Appendix A.
    const PLAINTEXT: &[u8] = b"When I grow up, I want to be a watermelon";
    const UA_PUBLIC: &str =
        "BCVxsr7N_eNgVRqvHtD0zTZsEc6-VV-JvLexhqUzORcxaOzi6-AYWXvTBHm4bjyPjs7Vd8pZGH6SRpkNtoIAiw4";
    const AUTH_SECRET: &str = "BTBZMqHH6r4Tts7J_aSIgg";
    const AS_PRIVATE: &str = "yfWPiYE-n46HLnH0KqZOF1fJJU3MYrct3AELtAQ-oRw";
    const AS_PUBLIC: &str =
        "BP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27mlmlMoZIIgDll6e3vCYLocInmYWAmS6TlzAC8wEqKK6PBru3jl7A8";
    const SALT: &str = "DGv6ra1nlYgDCS1FRnbzlw";
    const BODY: &str = concat!(
        "DGv6ra1nlYgDCS1FRnbzlwAAEABBBP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27ml",
        "mlMoZIIgDll6e3vCYLocInmYWAmS6TlzAC8wEqKK6PBru3jl7A_yl95bQpu6cVPT",
        "pK4Mqgkf1CXztLVBSt2Ks3oZwbuwXPXLWyouBWLVWGNWQexSgSxsj_Qulcy4a-fN",
    );

    fn rfc_subscription() -> Subscription {
        Subscription::new(
            "https://push.example.net/push/JzLQ3raZJfFBR0aqvOMsLrt54w4rJUsV",
            UA_PUBLIC,
            AUTH_SECRET,
            EndpointPolicy::HttpsOnly,
        )
        .expect("RFC subscription")
    }

    #[test]
    fn reproduces_the_rfc_8291_example_byte_for_byte() {
        let ephemeral =
            EphemeralKey::from_scalar(&decode_base64url(AS_PRIVATE).expect("b64")).expect("key");
        assert_eq!(encode_base64url(ephemeral.public_key()), AS_PUBLIC);
        let salt: [u8; SALT_LEN] = decode_base64url(SALT)
            .expect("b64")
            .try_into()
            .expect("16 bytes");
        let body =
            encrypt_with(PLAINTEXT, &rfc_subscription(), &ephemeral, &salt).expect("encrypt");
        assert_eq!(encode_base64url(&body), BODY);
    }

    #[test]
    fn random_encryption_has_the_header_layout_and_differs_each_time() {
        let sub = rfc_subscription();
        let first = encrypt(PLAINTEXT, &sub).expect("encrypt");
        let second = encrypt(PLAINTEXT, &sub).expect("encrypt");
        assert_ne!(first, second);
        assert_eq!(first.len(), HEADER_LEN + PLAINTEXT.len() + 1 + TAG_LEN);
        assert_eq!(&first[16..20], &4096u32.to_be_bytes());
        assert_eq!(first[20], 65);
        assert_eq!(first[21], 0x04);
    }

    #[test]
    fn the_largest_payload_fits_4096_bytes_and_one_more_is_refused() {
        let sub = rfc_subscription();
        let body = encrypt(&[b'x'; MAX_PAYLOAD_LEN], &sub).expect("fits");
        assert_eq!(body.len(), 4096);
        assert_eq!(
            encrypt(&[b'x'; MAX_PAYLOAD_LEN + 1], &sub),
            Err(EncryptError::TooLarge {
                len: MAX_PAYLOAD_LEN + 1
            })
        );
    }
}
