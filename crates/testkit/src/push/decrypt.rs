//! The user agent's side of RFC 8291: decrypting an `aes128gcm` push message body.
//!
//! Written apart from the `web-push` crate on purpose, with other building blocks for the
//! key schedule (RustCrypto's `hkdf` where the sender uses ring's), so a message it can read
//! proves the sender interoperates with a browser, not merely agrees with itself.

use hkdf::Hkdf;
use p256::{PublicKey, SecretKey};
use ring::aead::{AES_128_GCM, Aad, LessSafeKey, Nonce, UnboundKey};
use sha2::Sha256;

/// salt (16) || rs (4) || idlen (1)
const FIXED_HEADER_LEN: usize = 21;
/// An uncompressed P-256 point: the only key id Web Push uses.
const POINT_LEN: usize = 65;
const TAG_LEN: usize = 16;

/// The user agent's keys, as a browser holds them for one subscription.
pub(crate) struct UaKeys {
    pub(crate) secret: SecretKey,
    pub(crate) public: [u8; POINT_LEN],
    pub(crate) auth: [u8; 16],
}

/// Decrypts `body`; the error says what was wrong with it.
pub(crate) fn decrypt(body: &[u8], keys: &UaKeys) -> Result<Vec<u8>, String> {
    let header = body
        .get(..FIXED_HEADER_LEN)
        .ok_or("body shorter than the aes128gcm header")?;
    let (salt, rest) = header.split_at(16);
    let record_size = u32::from_be_bytes([rest[0], rest[1], rest[2], rest[3]]) as usize;
    let id_len = usize::from(rest[4]);
    if id_len != POINT_LEN {
        return Err(format!(
            "key id of {id_len} bytes, expected a 65-byte P-256 point"
        ));
    }
    let key_id = body
        .get(FIXED_HEADER_LEN..FIXED_HEADER_LEN + id_len)
        .ok_or("body shorter than its key id")?;
    let record = &body[FIXED_HEADER_LEN + id_len..];
    // A push message is a single record (RFC 8291 §4).
    if record.len() > record_size || record.len() < TAG_LEN + 1 {
        return Err(format!(
            "record of {} bytes does not fit the record size {record_size}",
            record.len()
        ));
    }
    let as_public =
        PublicKey::from_sec1_bytes(key_id).map_err(|_| "key id is not a P-256 point")?;

    let shared = p256::ecdh::diffie_hellman(keys.secret.to_nonzero_scalar(), as_public.as_affine());
    let mut key_info = Vec::with_capacity(14 + 2 * POINT_LEN);
    key_info.extend_from_slice(b"WebPush: info\x00");
    key_info.extend_from_slice(&keys.public);
    key_info.extend_from_slice(key_id);
    let mut ikm = [0u8; 32];
    Hkdf::<Sha256>::new(Some(&keys.auth), shared.raw_secret_bytes())
        .expand(&key_info, &mut ikm)
        .map_err(|_| "HKDF expand of the IKM failed")?;
    let schedule = Hkdf::<Sha256>::new(Some(salt), &ikm);
    let mut cek = [0u8; 16];
    let mut nonce = [0u8; 12];
    schedule
        .expand(b"Content-Encoding: aes128gcm\x00", &mut cek)
        .map_err(|_| "HKDF expand of the CEK failed")?;
    schedule
        .expand(b"Content-Encoding: nonce\x00", &mut nonce)
        .map_err(|_| "HKDF expand of the nonce failed")?;

    let key = UnboundKey::new(&AES_128_GCM, &cek).map_err(|_| "bad content encryption key")?;
    let mut buffer = record.to_vec();
    let padded = LessSafeKey::new(key)
        .open_in_place(
            Nonce::assume_unique_for_key(nonce),
            Aad::empty(),
            &mut buffer,
        )
        .map_err(|_| "the record does not decrypt (wrong keys or altered body)")?;
    // RFC 8188 §2: data, then a delimiter (0x02 in the last record), then zero padding.
    let end = padded
        .iter()
        .rposition(|&byte| byte != 0)
        .ok_or("the record has no padding delimiter")?;
    if padded[end] != 0x02 {
        return Err(format!(
            "padding delimiter {:#04x}, expected 0x02 for the last record",
            padded[end]
        ));
    }
    Ok(padded[..end].to_vec())
}

#[cfg(test)]
mod tests {
    use base64::Engine as _;
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;

    use super::*;

    fn b64(text: &str) -> Vec<u8> {
        URL_SAFE_NO_PAD.decode(text).expect("base64url")
    }

    /// RFC 8291 §5 / Appendix A, read from the user agent's side.
    #[test]
    fn decrypts_the_rfc_8291_example() {
        let secret = SecretKey::from_slice(&b64("q1dXpw3UpT5VOmu_cf_v6ih07Aems3njxI-JWgLcM94"))
            .expect("ua private key");
        let keys = UaKeys {
            secret,
            public: b64("BCVxsr7N_eNgVRqvHtD0zTZsEc6-VV-JvLexhqUzORcxaOzi6-AYWXvTBHm4bjyPjs7Vd8pZGH6SRpkNtoIAiw4")
                .try_into()
                .expect("65 bytes"),
            auth: b64("BTBZMqHH6r4Tts7J_aSIgg").try_into().expect("16 bytes"),
        };
        let body = b64(concat!(
            "DGv6ra1nlYgDCS1FRnbzlwAAEABBBP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27ml",
            "mlMoZIIgDll6e3vCYLocInmYWAmS6TlzAC8wEqKK6PBru3jl7A_yl95bQpu6cVPT",
            "pK4Mqgkf1CXztLVBSt2Ks3oZwbuwXPXLWyouBWLVWGNWQexSgSxsj_Qulcy4a-fN",
        ));
        assert_eq!(
            decrypt(&body, &keys).expect("decrypts"),
            b"When I grow up, I want to be a watermelon"
        );
        let mut altered = body.clone();
        let last = altered.len() - 1;
        altered[last] ^= 1;
        assert!(decrypt(&altered, &keys).is_err());
    }
}
