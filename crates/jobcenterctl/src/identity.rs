//! Who the CLI calls as: an access token (`authorization: Bearer`), a token minted per call by
//! the local development issuer, or a development identity (`x-jc-tenant`, `x-jc-subject`,
//! `x-jc-roles`) for services run with development identities enabled.

use std::path::PathBuf;

use anyhow::Context;
use clap::Args;
use tonic::metadata::MetadataValue;

use crate::dev_issuer::{self, TokenRequest};
use test_identities::issuer::DEFAULT_AUDIENCES;

/// Lifetime of the tokens minted per call with `--dev-issuer-dir`, in seconds.
const MINTED_TTL_SECS: u64 = 300;

/// Who the caller is.
#[derive(Args, Clone)]
pub struct Identity {
    /// Tenant (jobcenter) to act in.
    #[arg(
        long,
        env = "JC_TENANT",
        default_value = "jc-musterstadt",
        global = true
    )]
    pub tenant: String,
    /// Subject (user id) to act as.
    #[arg(
        long,
        env = "JC_SUBJECT",
        default_value = "caseworker-1",
        global = true
    )]
    pub subject: String,
    /// Roles, comma separated.
    #[arg(long, env = "JC_ROLES", default_value = "caseworker", global = true)]
    pub roles: String,
    /// Access token sent as `authorization: Bearer <token>` instead of the development identity
    /// (its tenant, subject and roles then come from the token alone).
    #[arg(
        long,
        env = "JC_TOKEN",
        global = true,
        hide_env_values = true,
        conflicts_with = "dev_issuer_dir"
    )]
    pub token: Option<String>,
    /// Sign a token per call with the development issuer in this directory, for --tenant,
    /// --subject and --roles (see `dev-issuer serve`).
    #[arg(long, env = "JC_DEV_ISSUER_DIR", global = true)]
    pub dev_issuer_dir: Option<PathBuf>,
}

impl Identity {
    /// Wraps a message in a request carrying this identity.
    pub fn request<T>(&self, message: T) -> anyhow::Result<tonic::Request<T>> {
        self.request_as(message, &self.subject, &self.roles)
    }

    /// Like [`Identity::request`] with another subject and roles in the same tenant
    /// (ignored with `--token`: a token speaks for one caller only).
    pub fn request_as<T>(
        &self,
        message: T,
        subject: &str,
        roles: &str,
    ) -> anyhow::Result<tonic::Request<T>> {
        let mut request = tonic::Request::new(message);
        let metadata = request.metadata_mut();
        let bearer = match (&self.token, &self.dev_issuer_dir) {
            (Some(token), _) => Some(token.trim().to_owned()),
            (None, Some(dir)) => {
                let audiences = DEFAULT_AUDIENCES.map(str::to_owned);
                Some(dev_issuer::token(
                    dir,
                    &TokenRequest {
                        tenant: &self.tenant,
                        subject,
                        roles,
                        audiences: &audiences,
                        ttl_secs: MINTED_TTL_SECS,
                        issuer: None,
                    },
                )?)
            }
            (None, None) => None,
        };
        if let Some(token) = bearer {
            // The error names the header, never the token.
            let value: MetadataValue<_> = format!("Bearer {token}")
                .parse()
                .context("the token is not valid in an authorization header")?;
            metadata.insert("authorization", value);
            return Ok(request);
        }
        for (key, value) in [
            ("x-jc-tenant", self.tenant.as_str()),
            ("x-jc-subject", subject),
            ("x-jc-roles", roles),
        ] {
            let value: MetadataValue<_> = value
                .parse()
                .with_context(|| format!("{key} is not valid metadata"))?;
            metadata.insert(key, value);
        }
        Ok(request)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn identity(token: Option<&str>) -> Identity {
        Identity {
            tenant: "jc-a".into(),
            subject: "cw-1".into(),
            roles: "caseworker".into(),
            token: token.map(str::to_owned),
            dev_issuer_dir: None,
        }
    }

    #[test]
    fn a_token_is_sent_as_bearer_without_development_metadata() {
        let request = identity(Some("aaa.bbb.ccc\n"))
            .request(())
            .expect("request");
        let metadata = request.metadata();
        assert_eq!(
            metadata.get("authorization").and_then(|v| v.to_str().ok()),
            Some("Bearer aaa.bbb.ccc")
        );
        assert!(metadata.get("x-jc-tenant").is_none());
        assert!(metadata.get("x-jc-roles").is_none());
    }

    #[test]
    fn without_a_token_the_development_identity_is_sent() {
        let request = identity(None)
            .request_as((), "applicant-1", "applicant")
            .expect("request");
        let metadata = request.metadata();
        assert!(metadata.get("authorization").is_none());
        assert_eq!(
            metadata.get("x-jc-tenant").map(|v| v.as_bytes()),
            Some(&b"jc-a"[..])
        );
        assert_eq!(
            metadata.get("x-jc-subject").map(|v| v.as_bytes()),
            Some(&b"applicant-1"[..])
        );
    }

    #[test]
    fn with_an_issuer_directory_each_call_gets_a_token_for_its_subject_and_roles() {
        use base64::Engine;
        let dir = tempfile::tempdir().expect("temp dir");
        test_identities::issuer::SigningKey::load_or_create(dir.path()).expect("key");
        std::fs::write(
            dir.path().join(dev_issuer::ISSUER_URL_FILE),
            "http://127.0.0.1:1",
        )
        .expect("url");
        let identity = Identity {
            dev_issuer_dir: Some(dir.path().to_path_buf()),
            ..identity(None)
        };
        let request = identity
            .request_as((), "applicant-9", "applicant")
            .expect("request");
        let metadata = request.metadata();
        assert!(metadata.get("x-jc-subject").is_none());
        let bearer = metadata
            .get("authorization")
            .and_then(|v| v.to_str().ok())
            .expect("authorization");
        let token = bearer.strip_prefix("Bearer ").expect("bearer");
        let payload = token.split('.').nth(1).expect("payload");
        let claims: serde_json::Value = serde_json::from_slice(
            &base64::engine::general_purpose::URL_SAFE_NO_PAD
                .decode(payload)
                .expect("base64url"),
        )
        .expect("json");
        assert_eq!(claims["sub"], "applicant-9");
        assert_eq!(claims["tenant"], "jc-a");
        assert_eq!(claims["iss"], "http://127.0.0.1:1");
        assert_eq!(claims["realm_access"]["roles"][0], "applicant");
    }

    #[test]
    fn a_token_that_cannot_be_a_header_is_refused_without_echoing_it() {
        let error = identity(Some("secret\u{7f}token"))
            .request(())
            .expect_err("invalid header value");
        assert!(!format!("{error:#}").contains("secret"));
    }
}
