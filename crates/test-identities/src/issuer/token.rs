//! Tokens in Keycloak's layout, valid ones and the forgeries a validator must refuse.
//!
//! A [`TokenBuilder`] starts from a valid access token as Keycloak issues it (realm roles in
//! `realm_access.roles` next to Keycloak's own `offline_access`, `uma_authorization` and
//! `default-roles-*`, client roles in `resource_access.<client>.roles`, `typ: Bearer`,
//! `azp`), and every method changes one thing: a claim, the lifetime, the key, the header.
//! [`Forgery`] makes the tokens an attacker would try.

use std::time::{SystemTime, UNIX_EPOCH};

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde_json::{Map, Value, json};

use super::IssuerError;
use super::key::SigningKey;

/// The audiences a token names unless told otherwise: every service of the platform.
pub const DEFAULT_AUDIENCES: [&str; 5] = [
    "jobcenter-intake",
    "jobcenter-case",
    "jobcenter-efile",
    "jobcenter-appointment",
    "jobcenter-notification",
];
/// Lifetime of a token unless told otherwise, in seconds.
pub const DEFAULT_TTL_SECS: i64 = 300;
/// Realm roles every Keycloak token carries besides the application's.
pub const KEYCLOAK_DEFAULT_ROLES: [&str; 3] = [
    "offline_access",
    "uma_authorization",
    "default-roles-jobcenter",
];

/// A token an attacker would try; each must be refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Forgery {
    /// `alg: none` and an empty signature.
    AlgNone,
    /// `alg: HS256`, signed with the issuer's public key PEM as the HMAC secret (the
    /// RS/ES→HS confusion attack).
    Hs256WithPublicKey,
    /// A well-formed signature of other content (the header and payload were changed after
    /// signing).
    BadSignature,
    /// Signed by another key that claims the issuer's `kid`.
    SignedByOtherKey,
    /// Signed by the issuer's key, but naming a key id the JWKS does not hold.
    UnknownKeyId,
    /// Signed with ES256, but the header claims this algorithm (e.g. `ES384`, `RS256`).
    HeaderAlgorithm(&'static str),
}

/// Which `kid` the header names.
#[derive(Debug, Clone)]
enum KeyId {
    OfKey,
    Named(String),
    Absent,
}

/// Builds one token. Start with `DevIssuer::token` or [`TokenBuilder::new`].
#[derive(Debug, Clone)]
pub struct TokenBuilder {
    key: SigningKey,
    kid: KeyId,
    typ: Option<String>,
    claims: Map<String, Value>,
}

fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |elapsed| elapsed.as_secs() as i64)
}

impl TokenBuilder {
    /// A valid token of `issuer_url`, signed by `key`: tenant `jc-test`, subject `test-user`,
    /// realm role `caseworker`, audiences [`DEFAULT_AUDIENCES`], client `jobcenter-web`,
    /// lifetime [`DEFAULT_TTL_SECS`].
    pub fn new(issuer_url: &str, key: SigningKey) -> Self {
        let now = now();
        let claims = json!({
            "exp": now + DEFAULT_TTL_SECS,
            "iat": now,
            "jti": uuid::Uuid::new_v4().to_string(),
            "iss": issuer_url,
            "aud": DEFAULT_AUDIENCES,
            "sub": "test-user",
            "typ": "Bearer",
            "azp": "jobcenter-web",
            "scope": "openid profile",
            "tenant": "jc-test",
            "realm_access": { "roles": realm_roles(&["caseworker"]) },
            "resource_access": {
                "account": { "roles": ["manage-account", "view-profile"] }
            },
        });
        let Value::Object(claims) = claims else {
            unreachable!("a json! object literal is an object")
        };
        Self {
            key,
            kid: KeyId::OfKey,
            typ: Some("JWT".to_owned()),
            claims,
        }
    }

    /// Sets the tenant claim (`tenant`).
    pub fn tenant(self, tenant: &str) -> Self {
        self.claim("tenant", json!(tenant))
    }

    /// Removes the tenant claim.
    pub fn without_tenant(self) -> Self {
        self.remove_claim("tenant")
    }

    /// Sets `sub`.
    pub fn subject(self, subject: &str) -> Self {
        self.claim("sub", json!(subject))
    }

    /// Removes `sub`.
    pub fn without_subject(self) -> Self {
        self.remove_claim("sub")
    }

    /// Sets the realm roles (`realm_access.roles`); Keycloak's default roles stay beside them.
    pub fn roles(self, roles: &[&str]) -> Self {
        self.claim("realm_access", json!({ "roles": realm_roles(roles) }))
    }

    /// Sets the roles of `client` (`resource_access.<client>.roles`).
    pub fn client_roles(mut self, client: &str, roles: &[&str]) -> Self {
        let access = self
            .claims
            .entry("resource_access")
            .or_insert_with(|| json!({}));
        if let Value::Object(access) = access {
            access.insert(client.to_owned(), json!({ "roles": roles }));
        }
        self
    }

    /// Sets `aud` to one audience (a string, as Keycloak writes a single audience).
    pub fn audience(self, audience: &str) -> Self {
        self.claim("aud", json!(audience))
    }

    /// Sets `aud` to several audiences.
    pub fn audiences(self, audiences: &[&str]) -> Self {
        self.claim("aud", json!(audiences))
    }

    /// Sets `iss` (another issuer's tokens).
    pub fn issuer(self, issuer: &str) -> Self {
        self.claim("iss", json!(issuer))
    }

    /// Sets `azp`, the client the token was issued to.
    pub fn authorized_party(self, client: &str) -> Self {
        self.claim("azp", json!(client))
    }

    /// `exp` this many seconds from now (negative: already expired).
    pub fn expires_in(self, secs: i64) -> Self {
        self.claim("exp", json!(now() + secs))
    }

    /// Removes `exp`.
    pub fn without_expiry(self) -> Self {
        self.remove_claim("exp")
    }

    /// `nbf` this many seconds from now (positive: not yet valid).
    pub fn not_before_in(self, secs: i64) -> Self {
        self.claim("nbf", json!(now() + secs))
    }

    /// Sets any top-level claim.
    pub fn claim(mut self, name: &str, value: Value) -> Self {
        self.claims.insert(name.to_owned(), value);
        self
    }

    /// Removes a top-level claim.
    pub fn remove_claim(mut self, name: &str) -> Self {
        self.claims.remove(name);
        self
    }

    /// Signs with `key` instead (e.g. an old key after a rotation).
    pub fn signed_with(mut self, key: &SigningKey) -> Self {
        self.key = key.clone();
        self
    }

    /// Names this `kid` in the header instead of the signing key's.
    pub fn key_id(mut self, kid: &str) -> Self {
        self.kid = KeyId::Named(kid.to_owned());
        self
    }

    /// Names no `kid` in the header.
    pub fn without_key_id(mut self) -> Self {
        self.kid = KeyId::Absent;
        self
    }

    /// Sets the header's `typ` (default `JWT`).
    pub fn header_type(mut self, typ: &str) -> Self {
        self.typ = Some(typ.to_owned());
        self
    }

    /// The claims as they will be signed.
    pub fn claims(&self) -> &Map<String, Value> {
        &self.claims
    }

    fn kid(&self) -> Option<String> {
        match &self.kid {
            KeyId::OfKey => Some(self.key.kid().to_owned()),
            KeyId::Named(kid) => Some(kid.clone()),
            KeyId::Absent => None,
        }
    }

    /// The signed token (ES256).
    pub fn sign(&self) -> Result<String, IssuerError> {
        let mut header = Header::new(Algorithm::ES256);
        header.typ = self.typ.clone();
        header.kid = self.kid();
        jsonwebtoken::encode(&header, &self.claims, self.key.encoding_key())
            .map_err(IssuerError::Sign)
    }

    /// The token with `forgery` applied.
    pub fn forge(&self, forgery: Forgery) -> Result<String, IssuerError> {
        match forgery {
            Forgery::AlgNone => {
                let header = self.raw_header("none");
                Ok(format!(
                    "{}.{}.",
                    encode_part(&header)?,
                    encode_part(&self.claims)?
                ))
            }
            Forgery::Hs256WithPublicKey => {
                let mut header = Header::new(Algorithm::HS256);
                header.kid = self.kid();
                let secret = EncodingKey::from_secret(self.key.public_key_pem().as_bytes());
                jsonwebtoken::encode(&header, &self.claims, &secret).map_err(IssuerError::Sign)
            }
            Forgery::BadSignature => {
                let token = self.sign()?;
                let other = self
                    .clone()
                    .claim("jti", json!(uuid::Uuid::new_v4().to_string()))
                    .sign()?;
                let (content, _) = token.rsplit_once('.').ok_or(IssuerError::Shape)?;
                let (_, signature) = other.rsplit_once('.').ok_or(IssuerError::Shape)?;
                Ok(format!("{content}.{signature}"))
            }
            Forgery::SignedByOtherKey => {
                let kid = self.kid().unwrap_or_default();
                self.clone()
                    .signed_with(&SigningKey::generate()?)
                    .key_id(&kid)
                    .sign()
            }
            Forgery::UnknownKeyId => self
                .clone()
                .key_id(&format!("unknown-{}", uuid::Uuid::new_v4()))
                .sign(),
            Forgery::HeaderAlgorithm(alg) => {
                let header = self.raw_header(alg);
                let message = format!("{}.{}", encode_part(&header)?, encode_part(&self.claims)?);
                let signature = jsonwebtoken::crypto::sign(
                    message.as_bytes(),
                    self.key.encoding_key(),
                    Algorithm::ES256,
                )
                .map_err(IssuerError::Sign)?;
                Ok(format!("{message}.{signature}"))
            }
        }
    }

    /// A header with any `alg` string, which jsonwebtoken's `Header` cannot hold (`none`).
    fn raw_header(&self, alg: &str) -> Value {
        let mut header = json!({ "alg": alg });
        if let Some(typ) = &self.typ {
            header["typ"] = json!(typ);
        }
        if let Some(kid) = self.kid() {
            header["kid"] = json!(kid);
        }
        header
    }
}

fn realm_roles(roles: &[&str]) -> Vec<String> {
    roles
        .iter()
        .chain(KEYCLOAK_DEFAULT_ROLES.iter())
        .map(|role| (*role).to_owned())
        .collect()
}

fn encode_part(value: &impl serde::Serialize) -> Result<String, IssuerError> {
    let json = serde_json::to_vec(value).map_err(IssuerError::Json)?;
    Ok(URL_SAFE_NO_PAD.encode(json))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decode_part(part: &str) -> Value {
        serde_json::from_slice(&URL_SAFE_NO_PAD.decode(part).expect("base64url")).expect("json")
    }

    fn parts(token: &str) -> Vec<&str> {
        token.split('.').collect()
    }

    #[test]
    fn a_default_token_has_keycloaks_layout() {
        let key = SigningKey::generate().expect("key");
        let token = TokenBuilder::new("http://127.0.0.1:1/realms/jc", key.clone())
            .tenant("jc-a")
            .roles(&["auditor"])
            .client_roles("jobcenter-case", &["team-lead"])
            .sign()
            .expect("signed");
        let parts = parts(&token);
        assert_eq!(parts.len(), 3);
        let header = decode_part(parts[0]);
        assert_eq!(header["alg"], "ES256");
        assert_eq!(header["kid"], key.kid());
        let claims = decode_part(parts[1]);
        assert_eq!(claims["tenant"], "jc-a");
        assert_eq!(claims["typ"], "Bearer");
        assert_eq!(claims["realm_access"]["roles"][0], "auditor");
        assert_eq!(claims["realm_access"]["roles"][1], "offline_access");
        assert_eq!(
            claims["resource_access"]["jobcenter-case"]["roles"],
            json!(["team-lead"])
        );
        assert!(claims["exp"].as_i64().expect("exp") > now());
    }

    #[test]
    fn forgeries_have_the_promised_headers_and_signatures() {
        let key = SigningKey::generate().expect("key");
        let builder = TokenBuilder::new("http://127.0.0.1:1", key.clone());
        let valid = builder.sign().expect("valid");

        let none = builder.forge(Forgery::AlgNone).expect("none");
        assert_eq!(decode_part(parts(&none)[0])["alg"], "none");
        assert!(none.ends_with('.'));

        let hs = builder.forge(Forgery::Hs256WithPublicKey).expect("hs256");
        assert_eq!(decode_part(parts(&hs)[0])["alg"], "HS256");

        let bad = builder.forge(Forgery::BadSignature).expect("bad");
        assert_eq!(parts(&bad)[..2], parts(&valid)[..2]);
        assert_ne!(parts(&bad)[2], parts(&valid)[2]);

        let other = builder.forge(Forgery::SignedByOtherKey).expect("other");
        assert_eq!(decode_part(parts(&other)[0])["kid"], key.kid());

        let unknown = builder.forge(Forgery::UnknownKeyId).expect("unknown");
        assert_ne!(decode_part(parts(&unknown)[0])["kid"], key.kid());

        let es384 = builder
            .forge(Forgery::HeaderAlgorithm("ES384"))
            .expect("es384");
        assert_eq!(decode_part(parts(&es384)[0])["alg"], "ES384");
    }
}
