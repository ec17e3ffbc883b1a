//! The E-Akte's blob store: document content, stored once per tenant and content.
//!
//! Content lives in an object store (`object_store`): a local directory by default, an
//! S3-compatible service by configuration ([`BlobConfig`], `docs/efile/blobs.md`). Each blob's
//! key is its SHA-256 under its tenant, so identical content is one object; uploads stream into
//! a staging object while they are hashed and move to their content address when complete
//! ([`BlobUpload`]). The service writes a blob before the event that references it, and
//! [`sweep::sweep`] removes blobs no event references once a grace period has passed.
//!
//! Tenant ids are path segments here and are checked (`[a-z0-9-]`); digests are checked to be
//! hex, so no caller input can reach outside its tenant's keys.

mod config;
mod error;
mod keys;
mod reader;
pub mod sweep;
mod upload;

use std::path::{Path as FsPath, PathBuf};
use std::sync::Arc;

use chrono::{DateTime, Utc};
use object_store::{ObjectStore, ObjectStoreExt};

pub use config::{BlobBackend, BlobConfig, S3Config};
pub use error::BlobError;
pub use reader::BlobReader;
pub use sweep::{BoxError, SweepReport};
pub use upload::{BlobUpload, StoredBlob};

/// Content-addressed blob storage per tenant. Cheap to clone (one shared client).
#[derive(Clone)]
pub struct BlobStore {
    objects: Arc<dyn ObjectStore>,
    /// The root directory when the backend is the local file system.
    local_root: Option<PathBuf>,
}

impl std::fmt::Debug for BlobStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The backend's own Debug output may include credentials: show only what it is.
        f.debug_struct("BlobStore")
            .field("backend", &self.objects.to_string())
            .finish_non_exhaustive()
    }
}

impl BlobStore {
    /// Opens the store the configuration describes (creating the local root directory if
    /// needed). Does not contact an S3 service: a wrong endpoint or key shows on first use.
    pub fn from_config(config: &BlobConfig) -> Result<Self, BlobError> {
        let (objects, local_root) = config::build(config)?;
        Ok(Self {
            objects,
            local_root,
        })
    }

    /// Starts an upload of at most `max_bytes` for the tenant.
    pub async fn begin_upload(
        &self,
        tenant: &str,
        max_bytes: u64,
    ) -> Result<BlobUpload, BlobError> {
        keys::check_tenant(tenant)?;
        BlobUpload::begin(Arc::clone(&self.objects), tenant, max_bytes).await
    }

    /// Opens the tenant's blob with this SHA-256 for reading ([`BlobError::NotFound`] if absent).
    pub async fn open(&self, tenant: &str, sha256: &str) -> Result<BlobReader, BlobError> {
        let path = checked_content_path(tenant, sha256)?;
        Ok(BlobReader::new(self.objects.get(&path).await?))
    }

    /// Deletes the tenant's blob with this SHA-256. Deleting a blob that is not there succeeds,
    /// so a deletion run cut off halfway can simply run again.
    pub async fn delete(&self, tenant: &str, sha256: &str) -> Result<(), BlobError> {
        let path = checked_content_path(tenant, sha256)?;
        match self.objects.delete(&path).await {
            Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(()),
            Err(error) => Err(error.into()),
        }
    }

    /// When the tenant's blob with this SHA-256 was last written, or `None` if it is absent.
    pub async fn last_modified(
        &self,
        tenant: &str,
        sha256: &str,
    ) -> Result<Option<DateTime<Utc>>, BlobError> {
        let path = checked_content_path(tenant, sha256)?;
        match self.objects.head(&path).await {
            Ok(meta) => Ok(Some(meta.last_modified)),
            Err(object_store::Error::NotFound { .. }) => Ok(None),
            Err(error) => Err(error.into()),
        }
    }

    /// The underlying object store (for the sweep).
    fn objects(&self) -> &Arc<dyn ObjectStore> {
        &self.objects
    }

    /// The root directory of a local backend (for the sweep's partial-upload clean-up).
    fn local_root(&self) -> Option<&FsPath> {
        self.local_root.as_deref()
    }
}

fn checked_content_path(tenant: &str, sha256: &str) -> Result<object_store::path::Path, BlobError> {
    keys::check_tenant(tenant)?;
    keys::check_sha256(sha256)?;
    Ok(keys::content_path(tenant, sha256))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn assert_send<T: Send>(_: &T) {}

    /// The service drives uploads from tonic handlers, whose futures must be `Send`.
    #[test]
    fn upload_and_read_futures_can_move_between_threads() {
        let dir = tempfile::tempdir().expect("tempdir");
        let store = BlobStore::from_config(&BlobConfig {
            local_root: dir.path().to_path_buf(),
            ..BlobConfig::default()
        })
        .expect("store");
        assert_send(&store.begin_upload("jc-a", 1));
        assert_send(&store.open("jc-a", "00"));
        assert_send(&async {
            let mut upload = store.begin_upload("jc-a", 1).await?;
            upload.write(b"x").await?;
            upload.finish().await
        });
        assert_send(&async {
            if let Ok(upload) = store.begin_upload("jc-a", 1).await {
                upload.abort().await;
            }
        });
        assert_send(&async {
            let mut reader = store.open("jc-a", "00").await?;
            reader.next_chunk().await
        });
        assert_send(&sweep::sweep(
            &store,
            std::time::Duration::ZERO,
            Utc::now(),
            |_, _| std::future::ready(Ok::<bool, BoxError>(true)),
        ));
    }
}
