//! The token's JOSE header, read before any key is chosen.
//!
//! jsonwebtoken's own header type cannot even represent `alg: none`, so a token carrying it
//! would fail as "malformed"; reading the header here lets the validator refuse it for what it
//! is (an algorithm not allowed) and check `typ` and `crit` too.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::Algorithm;
use serde::Deserialize;

use super::error::TokenError;

/// Largest token accepted, in bytes: Keycloak tokens with many roles stay far below, and a cap
/// bounds the base64 and JSON work an anonymous caller can cause.
pub const MAX_TOKEN_BYTES: usize = 16 * 1024;

/// The header fields the validator looks at.
#[derive(Debug, Deserialize)]
struct RawHeader {
    alg: String,
    #[serde(default)]
    kid: Option<String>,
    #[serde(default)]
    typ: Option<String>,
    #[serde(default)]
    crit: Option<serde_json::Value>,
}

/// A header whose algorithm is on the allow-list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenHeader {
    /// The signature algorithm.
    pub alg: Algorithm,
    /// The signing key's id, if named.
    pub kid: Option<String>,
}

/// Reads the header of `token` and checks its shape, `alg` against `allowed`, `typ` and `crit`.
pub fn read(token: &str, allowed: &[Algorithm]) -> Result<TokenHeader, TokenError> {
    if token.len() > MAX_TOKEN_BYTES || !token.is_ascii() {
        return Err(TokenError::Malformed);
    }
    let mut parts = token.split('.');
    let (Some(header), Some(_payload), Some(_signature), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(TokenError::Malformed);
    };
    let bytes = URL_SAFE_NO_PAD
        .decode(header)
        .map_err(|_| TokenError::Malformed)?;
    let raw: RawHeader = serde_json::from_slice(&bytes).map_err(|_| TokenError::Malformed)?;

    // `none`, HMAC and anything unknown never reach a key: only listed names parse.
    let alg = raw
        .alg
        .parse::<Algorithm>()
        .ok()
        .filter(|alg| allowed.contains(alg))
        .ok_or(TokenError::AlgorithmNotAllowed)?;
    // RFC 7515 §4.1.11: extensions marked critical must be understood; this validator knows none.
    if raw.crit.is_some() {
        return Err(TokenError::Malformed);
    }
    if let Some(typ) = &raw.typ
        && !is_access_token_type(typ)
    {
        return Err(TokenError::WrongTokenType);
    }
    Ok(TokenHeader { alg, kid: raw.kid })
}

/// `JWT` (Keycloak, most issuers) or `at+jwt` (RFC 9068), with or without `application/`.
fn is_access_token_type(typ: &str) -> bool {
    let typ = typ.to_ascii_lowercase();
    let typ = typ.strip_prefix("application/").unwrap_or(&typ);
    typ == "jwt" || typ == "at+jwt"
}

#[cfg(test)]
mod tests {
    use super::*;

    fn token(header: &str) -> String {
        format!("{}.e30.c2ln", URL_SAFE_NO_PAD.encode(header))
    }

    const ALLOWED: [Algorithm; 2] = [Algorithm::RS256, Algorithm::ES256];

    #[test]
    fn an_allowed_header_is_read_with_its_key_id() {
        let header = read(
            &token(r#"{"alg":"ES256","typ":"JWT","kid":"k1"}"#),
            &ALLOWED,
        )
        .expect("valid");
        assert_eq!(header.alg, Algorithm::ES256);
        assert_eq!(header.kid.as_deref(), Some("k1"));
        assert!(read(&token(r#"{"alg":"RS256","typ":"at+jwt"}"#), &ALLOWED).is_ok());
    }

    #[test]
    fn none_hmac_and_unlisted_algorithms_are_not_allowed() {
        for alg in ["none", "None", "HS256", "PS256", "ES512", ""] {
            assert!(
                matches!(
                    read(&token(&format!(r#"{{"alg":"{alg}"}}"#)), &ALLOWED),
                    Err(TokenError::AlgorithmNotAllowed)
                ),
                "{alg}"
            );
        }
    }

    #[test]
    fn shapes_other_than_a_compact_jws_are_malformed() {
        let oversized = format!(
            "{}.{}.x",
            token(r#"{"alg":"ES256"}"#),
            "a".repeat(MAX_TOKEN_BYTES)
        );
        for bad in [
            String::new(),
            "a.b".to_owned(),
            "a.b.c.d".to_owned(),
            "!!!.e30.x".to_owned(),
            token("not json"),
            token(r#"{"typ":"JWT"}"#),
            token(r#"{"alg":"ES256","crit":["exp"]}"#),
            oversized,
        ] {
            assert!(
                matches!(read(&bad, &ALLOWED), Err(TokenError::Malformed)),
                "{bad:.40}"
            );
        }
    }

    #[test]
    fn other_token_types_are_refused() {
        assert!(matches!(
            read(&token(r#"{"alg":"ES256","typ":"logout+jwt"}"#), &ALLOWED),
            Err(TokenError::WrongTokenType)
        ));
    }
}
