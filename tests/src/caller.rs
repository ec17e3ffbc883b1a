//! Who a test call is made as: a development identity (metadata trusted only in development
//! mode), a bearer token, or nobody. A client certificate is a property of the channel, not of
//! the call, so it is chosen where the channel is made.

use platform::caller::{ROLES_HEADER, SUBJECT_HEADER, TENANT_HEADER};
use tonic::Request;
use tonic::metadata::{MetadataMap, MetadataValue};

/// The credentials a call carries in its metadata.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Caller {
    /// `x-jc-tenant`, `x-jc-subject`, `x-jc-roles` (comma separated).
    Development {
        /// The tenant id.
        tenant: String,
        /// The subject.
        subject: String,
        /// The roles, comma separated.
        roles: String,
    },
    /// `authorization: Bearer <token>`.
    Token(String),
    /// No credentials at all (a client certificate may still identify the caller).
    Anonymous,
}

impl Caller {
    /// A development identity.
    pub fn dev(tenant: &str, subject: &str, roles: &str) -> Caller {
        Caller::Development {
            tenant: tenant.to_owned(),
            subject: subject.to_owned(),
            roles: roles.to_owned(),
        }
    }

    /// A bearer token.
    pub fn token(token: impl Into<String>) -> Caller {
        Caller::Token(token.into())
    }

    /// Adds the credentials to `metadata`. Values that are not valid metadata are left out, so
    /// the call goes without them and the server answers for the missing credentials.
    pub fn apply(&self, metadata: &mut MetadataMap) {
        match self {
            Caller::Development {
                tenant,
                subject,
                roles,
            } => {
                for (key, value) in [
                    (TENANT_HEADER, tenant),
                    (SUBJECT_HEADER, subject),
                    (ROLES_HEADER, roles),
                ] {
                    if let Ok(value) = MetadataValue::try_from(value.as_str()) {
                        metadata.insert(key, value);
                    }
                }
            }
            Caller::Token(token) => {
                if let Ok(value) = MetadataValue::try_from(format!("Bearer {token}")) {
                    metadata.insert("authorization", value);
                }
            }
            Caller::Anonymous => {}
        }
    }

    /// `message` as a request made by this caller.
    pub fn request<T>(&self, message: T) -> Request<T> {
        let mut request = Request::new(message);
        self.apply(request.metadata_mut());
        request
    }
}
