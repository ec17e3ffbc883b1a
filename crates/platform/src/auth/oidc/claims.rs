//! From a verified token's claims to a [`CallerContext`]: tenant, roles, subject and client,
//! found by configurable dotted claim paths (Keycloak nests roles in `realm_access.roles` and
//! `resource_access.<client>.roles`).
//!
//! Runs only on claims whose signature, issuer, audience and lifetime were already checked.

use serde_json::{Map, Value};

use super::error::TokenError;
use crate::caller::{Authentication, CallerContext, Role, TenantId};

/// The placeholder segment in a claim path that stands for the configured audience.
pub const AUDIENCE_PLACEHOLDER: &str = "{audience}";

/// A claim's location: object keys from the top of the payload, e.g. `realm_access.roles`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClaimPath(Vec<String>);

impl ClaimPath {
    /// Splits `text` at dots; a segment `{audience}` becomes `audience` verbatim (a client id
    /// may itself contain dots). `None` for an empty path or an empty segment.
    pub fn parse(text: &str, audience: &str) -> Option<Self> {
        let text = text.trim();
        if text.is_empty() {
            return None;
        }
        let mut segments = Vec::new();
        for segment in text.split('.') {
            if segment.is_empty() {
                return None;
            }
            if segment == AUDIENCE_PLACEHOLDER {
                segments.push(audience.to_owned());
            } else {
                segments.push(segment.to_owned());
            }
        }
        Some(Self(segments))
    }

    /// The keys of the path, outermost first.
    #[cfg(test)]
    pub fn segments(&self) -> &[String] {
        &self.0
    }

    /// The value at this path in `claims`, if every step is an object holding the key.
    pub fn find<'a>(&self, claims: &'a Map<String, Value>) -> Option<&'a Value> {
        let (first, rest) = self.0.split_first()?;
        let mut value = claims.get(first)?;
        for key in rest {
            value = value.as_object()?.get(key)?;
        }
        Some(value)
    }
}

/// Where the caller's attributes are in the claims.
#[derive(Debug, Clone)]
pub struct ClaimMapping {
    /// Path of the tenant id.
    pub tenant: ClaimPath,
    /// Paths of role lists (or single role names).
    pub roles: Vec<ClaimPath>,
    /// Path of the client id.
    pub client: ClaimPath,
}

/// Fallback claim for the client when the configured one is absent (client credentials grant).
const CLIENT_ID_CLAIM: &str = "client_id";
/// The client recorded when a token names none.
const UNKNOWN_CLIENT: &str = "unknown";

impl ClaimMapping {
    /// The caller described by verified `claims`.
    pub fn caller(&self, claims: &Map<String, Value>) -> Result<CallerContext, TokenError> {
        let tenant_id = self.tenant(claims)?;
        let subject = match claims.get("sub") {
            None | Some(Value::Null) => return Err(TokenError::MissingSubject),
            Some(Value::String(sub)) if is_visible_ascii(sub) => sub.clone(),
            Some(_) => return Err(TokenError::InvalidSubject),
        };
        let roles = self.roles(claims)?;
        let client = self.client(claims)?;
        Ok(CallerContext {
            tenant_id,
            subject,
            roles,
            client,
            authentication: Authentication::Token,
        })
    }

    /// A string, or an array holding exactly one string (Keycloak's multivalued attribute
    /// mapper); several tenants in one token are refused rather than picked from.
    fn tenant(&self, claims: &Map<String, Value>) -> Result<TenantId, TokenError> {
        let text = match self.tenant.find(claims) {
            None | Some(Value::Null) => return Err(TokenError::MissingTenant),
            Some(Value::String(text)) => text.as_str(),
            Some(Value::Array(items)) => match items.as_slice() {
                [] => return Err(TokenError::MissingTenant),
                [Value::String(text)] => text.as_str(),
                _ => return Err(TokenError::InvalidTenant),
            },
            Some(_) => return Err(TokenError::InvalidTenant),
        };
        TenantId::parse(text).map_err(|_| TokenError::InvalidTenant)
    }

    /// Known roles from every role claim, in order of first appearance, without duplicates.
    /// Names this platform does not know (`offline_access`, `default-roles-<realm>`,
    /// `uma_authorization`, other applications' roles) are ignored.
    fn roles(&self, claims: &Map<String, Value>) -> Result<Vec<Role>, TokenError> {
        let mut roles = Vec::new();
        for path in &self.roles {
            let names: Vec<&str> = match path.find(claims) {
                Some(Value::Array(items)) => items.iter().filter_map(Value::as_str).collect(),
                Some(Value::String(name)) => vec![name.as_str()],
                _ => continue,
            };
            for role in names
                .into_iter()
                .filter_map(|name| name.parse::<Role>().ok())
            {
                if !roles.contains(&role) {
                    roles.push(role);
                }
            }
        }
        if roles.is_empty() {
            Err(TokenError::NoKnownRole)
        } else {
            Ok(roles)
        }
    }

    /// The configured client claim, else `client_id`, else `unknown`.
    fn client(&self, claims: &Map<String, Value>) -> Result<String, TokenError> {
        let value = self
            .client
            .find(claims)
            .filter(|value| !value.is_null())
            .or_else(|| claims.get(CLIENT_ID_CLAIM).filter(|value| !value.is_null()));
        match value {
            None => Ok(UNKNOWN_CLIENT.to_owned()),
            Some(Value::String(client)) if is_visible_ascii(client) => Ok(client.clone()),
            Some(_) => Err(TokenError::InvalidClient),
        }
    }
}

/// 1 to 128 visible ASCII characters, as for development subjects.
fn is_visible_ascii(text: &str) -> bool {
    (1..=128).contains(&text.len()) && text.bytes().all(|b| b.is_ascii_graphic())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn mapping() -> ClaimMapping {
        let path = |text| ClaimPath::parse(text, "jobcenter.case").expect("valid path");
        ClaimMapping {
            tenant: path("tenant"),
            roles: vec![
                path("realm_access.roles"),
                path("resource_access.{audience}.roles"),
            ],
            client: path("azp"),
        }
    }

    fn claims(value: Value) -> Map<String, Value> {
        match value {
            Value::Object(map) => map,
            _ => panic!("claims must be an object"),
        }
    }

    #[test]
    fn claim_paths_split_at_dots_and_keep_the_audience_whole() {
        let path =
            ClaimPath::parse("resource_access.{audience}.roles", "jobcenter.case").expect("valid");
        assert_eq!(
            path.segments(),
            ["resource_access", "jobcenter.case", "roles"]
        );
        for bad in ["", " ", ".", "a.", ".a", "a..b"] {
            assert!(ClaimPath::parse(bad, "aud").is_none(), "{bad:?}");
        }
    }

    #[test]
    fn find_walks_nested_objects_only() {
        let claims = claims(json!({
            "realm_access": { "roles": ["caseworker"] },
            "flat": "x",
            "resource_access": { "jobcenter.case": { "roles": ["auditor"] } }
        }));
        let path = |text| ClaimPath::parse(text, "jobcenter.case").expect("valid");
        assert_eq!(
            path("realm_access.roles").find(&claims),
            Some(&json!(["caseworker"]))
        );
        assert_eq!(
            path("resource_access.{audience}.roles").find(&claims),
            Some(&json!(["auditor"]))
        );
        assert_eq!(path("flat.deeper").find(&claims), None);
        assert_eq!(path("missing").find(&claims), None);
    }

    #[test]
    fn keycloak_claims_become_a_caller_with_known_roles_only() {
        let caller = mapping()
            .caller(&claims(json!({
                "sub": "0b5c7a8e-1f6d-4a43-9d1c-2c9f4f3a7e11",
                "tenant": "jc-koeln",
                "azp": "jobcenter-web",
                "realm_access": { "roles": ["offline_access", "default-roles-jc", "caseworker"] },
                "resource_access": {
                    "jobcenter.case": { "roles": ["team_lead", "caseworker"] },
                    "account": { "roles": ["auditor"] }
                }
            })))
            .expect("valid caller");
        assert_eq!(caller.tenant_id.as_str(), "jc-koeln");
        assert_eq!(caller.subject, "0b5c7a8e-1f6d-4a43-9d1c-2c9f4f3a7e11");
        // The `account` client's roles are not this service's: not read.
        assert_eq!(caller.roles, [Role::Caseworker, Role::TeamLead]);
        assert_eq!(caller.client, "jobcenter-web");
        assert_eq!(caller.authentication, Authentication::Token);
    }

    #[test]
    fn the_client_falls_back_to_client_id_then_unknown() {
        let base = json!({ "sub": "s", "tenant": "jc", "realm_access": { "roles": ["auditor"] } });
        let mut with_client_id = claims(base.clone());
        with_client_id.insert("client_id".into(), json!("partner-portal"));
        assert_eq!(
            mapping().caller(&with_client_id).expect("valid").client,
            "partner-portal"
        );
        assert_eq!(
            mapping()
                .caller(&claims(base.clone()))
                .expect("valid")
                .client,
            "unknown"
        );
        let mut bad = claims(base);
        bad.insert("azp".into(), json!("client with spaces"));
        assert!(matches!(
            mapping().caller(&bad),
            Err(TokenError::InvalidClient)
        ));
    }

    #[test]
    fn tenant_subject_and_roles_are_required_and_validated() {
        let cases = [
            (
                json!({ "sub": "s", "realm_access": { "roles": ["auditor"] } }),
                "token_missing_tenant",
            ),
            (
                json!({ "sub": "s", "tenant": "JC Köln", "realm_access": { "roles": ["auditor"] } }),
                "token_invalid_tenant",
            ),
            (
                json!({ "sub": "s", "tenant": ["jc-a", "jc-b"], "realm_access": { "roles": ["auditor"] } }),
                "token_invalid_tenant",
            ),
            (
                json!({ "sub": "s", "tenant": 7, "realm_access": { "roles": ["auditor"] } }),
                "token_invalid_tenant",
            ),
            (
                json!({ "tenant": "jc", "realm_access": { "roles": ["auditor"] } }),
                "token_missing_subject",
            ),
            (
                json!({ "sub": "a b", "tenant": "jc", "realm_access": { "roles": ["auditor"] } }),
                "token_invalid_subject",
            ),
            (
                json!({ "sub": "x".repeat(129), "tenant": "jc", "realm_access": { "roles": ["auditor"] } }),
                "token_invalid_subject",
            ),
            (
                json!({ "sub": "s", "tenant": "jc", "realm_access": { "roles": ["offline_access"] } }),
                "token_no_known_role",
            ),
            (json!({ "sub": "s", "tenant": "jc" }), "token_no_known_role"),
        ];
        for (value, reason) in cases {
            let result = mapping().caller(&claims(value.clone()));
            assert_eq!(
                result.map_err(|error| error.reason()).err(),
                Some(reason),
                "{value}"
            );
        }
    }

    #[test]
    fn a_single_tenant_in_an_array_and_a_single_role_string_are_accepted() {
        let caller = mapping()
            .caller(&claims(json!({
                "sub": "s", "tenant": ["jc-a"], "realm_access": { "roles": "applicant" }
            })))
            .expect("valid");
        assert_eq!(caller.tenant_id.as_str(), "jc-a");
        assert_eq!(caller.roles, [Role::Applicant]);
    }
}
