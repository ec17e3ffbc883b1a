//! What can go wrong with blobs, typed so the service can map each case to a gRPC code.

use std::path::PathBuf;

/// A failure of the blob store.
#[derive(Debug, thiserror::Error)]
pub enum BlobError {
    /// No blob with this digest exists for the tenant (NOT_FOUND for a download).
    #[error("blob not found")]
    NotFound,
    /// The upload passed its size limit; what was written so far is removed.
    #[error("upload exceeds the limit of {limit} bytes")]
    TooLarge {
        /// The limit in bytes.
        limit: u64,
    },
    /// The tenant id is not a safe path segment (`[a-z0-9-]`, 1 to 64 characters).
    #[error("tenant id is not a valid blob key segment")]
    InvalidTenant,
    /// The digest is not 64 lowercase hex characters.
    #[error("digest is not a lowercase hex SHA-256")]
    InvalidDigest,
    /// The upload was already ended by an earlier failure.
    #[error("upload already ended")]
    UploadClosed,
    /// A setting is missing or contradicts another.
    #[error("invalid blob store configuration: {0}")]
    Config(String),
    /// The S3 secret access key file could not be read.
    #[error("cannot read the S3 secret access key from {path}")]
    SecretFile {
        /// The configured file.
        path: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// The local root directory could not be created.
    #[error("cannot create the blob directory {path}")]
    LocalRoot {
        /// The configured root.
        path: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// The sweep's reference check failed; nothing more was deleted.
    #[error("checking whether a blob is referenced failed")]
    ReferenceCheck(#[source] crate::blobs::sweep::BoxError),
    /// The object store failed (I/O, network, the S3 service).
    #[error("blob store operation failed")]
    Store(#[source] object_store::Error),
}

impl From<object_store::Error> for BlobError {
    fn from(error: object_store::Error) -> Self {
        match error {
            object_store::Error::NotFound { .. } => BlobError::NotFound,
            other => BlobError::Store(other),
        }
    }
}
