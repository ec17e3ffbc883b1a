//! Streaming one upload into the store while hashing it.
//!
//! The bytes go straight into a multipart upload of the staging object (`WriteMultipart`): it
//! buffers one part (5 MiB) at a time and sends parts while the client keeps streaming, so a
//! 20 MiB+ scan never sits in memory whole, needs no local temporary file that an S3 deployment
//! would have to provide space for, and is hashed (SHA-256) and counted on the way. Only a
//! complete upload moves to its content address, and that move always happens, even when the
//! content is stored already: it refreshes the object's modification time so that the sweep's
//! grace period protects a blob until the event referencing it is written.

use std::sync::Arc;

use object_store::path::Path;
use object_store::{ObjectStore, ObjectStoreExt, WriteMultipart};
use sha2::{Digest, Sha256};

use super::{BlobError, keys};

/// Parts sent concurrently per upload; a writer waits while more are in flight, which bounds
/// an upload's memory to about (this + 1) × 5 MiB.
const PARTS_IN_FLIGHT: usize = 2;

/// A blob as stored: its content address and size.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredBlob {
    /// The SHA-256 of the content, 64 lowercase hex characters.
    pub sha256: String,
    /// The size in bytes.
    pub size: u64,
}

/// An upload in progress. End it with [`BlobUpload::finish`] or [`BlobUpload::abort`]; one that
/// is dropped leaves at most an incomplete staging upload, which the sweep (local files) or the
/// bucket's lifecycle rule for incomplete multipart uploads (S3) removes.
pub struct BlobUpload {
    store: Arc<dyn ObjectStore>,
    tenant: String,
    staging: Path,
    /// `None` once the upload failed: further writes are refused.
    writer: Option<WriteMultipart>,
    hasher: Sha256,
    size: u64,
    max_bytes: u64,
}

impl BlobUpload {
    /// Starts the multipart upload of a new staging object; the tenant must have been checked.
    pub(crate) async fn begin(
        store: Arc<dyn ObjectStore>,
        tenant: &str,
        max_bytes: u64,
    ) -> Result<Self, BlobError> {
        let staging = keys::staging_path(tenant, uuid::Uuid::new_v4());
        let upload = store.put_multipart(&staging).await?;
        Ok(Self {
            store,
            tenant: tenant.to_owned(),
            staging,
            writer: Some(WriteMultipart::new(upload)),
            hasher: Sha256::new(),
            size: 0,
            max_bytes,
        })
    }

    /// Appends the next bytes. Past the size limit the upload is discarded and
    /// [`BlobError::TooLarge`] returned; after any error further writes are refused.
    pub async fn write(&mut self, chunk: &[u8]) -> Result<(), BlobError> {
        if self.writer.is_none() {
            return Err(BlobError::UploadClosed);
        }
        let size = self.size.saturating_add(chunk.len() as u64);
        if size > self.max_bytes {
            self.discard().await;
            return Err(BlobError::TooLarge {
                limit: self.max_bytes,
            });
        }
        let Some(writer) = self.writer.as_mut() else {
            return Err(BlobError::UploadClosed);
        };
        if let Err(error) = writer.wait_for_capacity(PARTS_IN_FLIGHT).await {
            self.discard().await;
            return Err(error.into());
        }
        writer.write(chunk);
        self.hasher.update(chunk);
        self.size = size;
        Ok(())
    }

    /// Completes the upload and moves it to its content address (replacing an identical object,
    /// which refreshes its modification time); the staging object is gone afterwards.
    pub async fn finish(mut self) -> Result<StoredBlob, BlobError> {
        let writer = self.writer.take().ok_or(BlobError::UploadClosed)?;
        // On error `finish` aborts the multipart upload itself: nothing is left behind.
        writer.finish().await?;
        let sha256 = hex::encode(self.hasher.finalize_reset());
        let content = keys::content_path(&self.tenant, &sha256);
        // On S3 a rename is a copy (a new object with a new modification time) and a delete;
        // on a file system it is an atomic rename of the freshly written file.
        if let Err(error) = self.store.rename(&self.staging, &content).await {
            remove_staging(&self.store, &self.staging).await;
            return Err(error.into());
        }
        Ok(StoredBlob {
            sha256,
            size: self.size,
        })
    }

    /// Abandons the upload and removes what was written.
    pub async fn abort(mut self) {
        self.discard().await;
    }

    /// Aborts the multipart upload (which removes its parts); the staging object itself only
    /// comes into being when an upload completes, so nothing else is left.
    async fn discard(&mut self) {
        if let Some(writer) = self.writer.take()
            && let Err(error) = writer.abort().await
        {
            tracing::warn!(error = %error, staging = %self.staging, "aborting a blob upload failed");
        }
    }
}

// A free function, not a method: a `&BlobUpload` held across an await would make the caller's
// future require `BlobUpload: Sync`, which the multipart writer inside is not.
async fn remove_staging(store: &Arc<dyn ObjectStore>, staging: &Path) {
    match store.delete(staging).await {
        Ok(()) | Err(object_store::Error::NotFound { .. }) => {}
        Err(error) => {
            tracing::warn!(error = %error, staging = %staging, "removing a staging blob failed");
        }
    }
}
