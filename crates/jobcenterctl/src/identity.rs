//! The development identity sent with every call (`x-jc-tenant`, `x-jc-subject`, `x-jc-roles`).

use anyhow::Context;
use clap::Args;
use tonic::metadata::MetadataValue;

/// Who the caller is, in development mode.
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
}

impl Identity {
    /// Wraps a message in a request carrying this identity.
    pub fn request<T>(&self, message: T) -> anyhow::Result<tonic::Request<T>> {
        self.request_as(message, &self.subject, &self.roles)
    }

    /// Like [`Identity::request`] with another subject and roles in the same tenant.
    pub fn request_as<T>(
        &self,
        message: T,
        subject: &str,
        roles: &str,
    ) -> anyhow::Result<tonic::Request<T>> {
        let mut request = tonic::Request::new(message);
        let metadata = request.metadata_mut();
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
