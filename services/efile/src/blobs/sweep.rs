//! Removing blobs that no event references, once they are old enough to be surely abandoned.
//!
//! A blob is written before the event that references it, so for a moment every new blob is
//! unreferenced: the grace period covers that moment (and a retried upload, which refreshes
//! the blob's modification time). The sweep lists every object, asks the caller whether each old
//! content object is referenced, deletes the old ones that are not and every old staging object,
//! and never touches anything younger than the grace period or any key outside the layout.
//!
//! Just before deleting a content object the sweep reads its modification time again, so an
//! identical upload finished while the sweep ran (which refreshes it) keeps it. What remains is
//! a window of one round trip between that check and the delete; a grace period of hours makes
//! an upload that is that slow to reference its blob a failed upload anyway.

use std::future::Future;
use std::path::{Path as FsPath, PathBuf};
use std::time::{Duration, SystemTime};

use chrono::{DateTime, Utc};
use futures::StreamExt;
use object_store::ObjectStoreExt;

use super::keys::{self, ObjectKind};
use super::{BlobError, BlobStore};

/// Any error of the caller's reference check.
pub type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// What one sweep saw and did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SweepReport {
    /// Objects listed.
    pub scanned: u64,
    /// Content objects deleted: old and unreferenced.
    pub content_deleted: u64,
    /// Abandoned uploads deleted: staging objects (and, on a file system, partial upload files)
    /// older than the grace period.
    pub staging_deleted: u64,
    /// Objects kept because they are younger than the grace period.
    pub kept_young: u64,
    /// Old content objects kept because an event references them.
    pub kept_referenced: u64,
    /// Objects whose key is not in the blob layout: never touched.
    pub unrecognised: u64,
}

/// Sweeps the whole store at `now`: see the module documentation. `is_referenced(tenant,
/// sha256)` answers whether any event of the tenant references that content; an error of it
/// ends the sweep (what was deleted until then stays deleted, nothing else is).
pub async fn sweep<F, Fut>(
    store: &BlobStore,
    grace: Duration,
    now: DateTime<Utc>,
    mut is_referenced: F,
) -> Result<SweepReport, BlobError>
where
    F: FnMut(String, String) -> Fut,
    Fut: Future<Output = Result<bool, BoxError>>,
{
    let cutoff = cutoff(now, grace);
    let objects = store.objects();
    let mut report = SweepReport::default();
    let mut listing = objects.list(None);
    while let Some(meta) = listing.next().await {
        let meta = meta?;
        report.scanned += 1;
        let kind = keys::classify(&meta.location);
        if kind == ObjectKind::Unrecognised {
            report.unrecognised += 1;
            continue;
        }
        if meta.last_modified >= cutoff {
            report.kept_young += 1;
            continue;
        }
        match kind {
            ObjectKind::Staging => {
                if delete_if_present(store, &meta.location).await? {
                    report.staging_deleted += 1;
                }
            }
            ObjectKind::Content { tenant, sha256 } => {
                if is_referenced(tenant, sha256)
                    .await
                    .map_err(BlobError::ReferenceCheck)?
                {
                    report.kept_referenced += 1;
                    continue;
                }
                // Refreshed by an identical upload since it was listed? Then it is young now.
                match objects.head(&meta.location).await {
                    Ok(current) if current.last_modified >= cutoff => report.kept_young += 1,
                    Ok(_) => {
                        if delete_if_present(store, &meta.location).await? {
                            report.content_deleted += 1;
                        }
                    }
                    Err(object_store::Error::NotFound { .. }) => {}
                    Err(error) => return Err(error.into()),
                }
            }
            ObjectKind::Unrecognised => {}
        }
    }
    if let Some(root) = store.local_root() {
        report.staging_deleted += remove_partial_uploads(root.to_path_buf(), cutoff).await?;
    }
    Ok(report)
}

/// The moment before which objects count as old; a grace period too long to represent
/// protects everything.
fn cutoff(now: DateTime<Utc>, grace: Duration) -> DateTime<Utc> {
    chrono::Duration::from_std(grace)
        .ok()
        .and_then(|grace| now.checked_sub_signed(grace))
        .unwrap_or(DateTime::<Utc>::MIN_UTC)
}

async fn delete_if_present(
    store: &BlobStore,
    location: &object_store::path::Path,
) -> Result<bool, BlobError> {
    match store.objects().delete(location).await {
        Ok(()) => Ok(true),
        Err(object_store::Error::NotFound { .. }) => Ok(false),
        Err(error) => Err(error.into()),
    }
}

/// A file system multipart upload writes to `<staging key>#<n>` until it completes; the object
/// store's listing hides such files, so an upload cut off by a crash is found here, in each
/// tenant's `staging` directory, and removed once it is older than the cutoff.
async fn remove_partial_uploads(root: PathBuf, cutoff: DateTime<Utc>) -> Result<u64, BlobError> {
    let cutoff = SystemTime::from(cutoff);
    tokio::task::spawn_blocking(move || remove_partial_uploads_blocking(&root, cutoff))
        .await
        .map_err(|source| BlobError::Store(object_store::Error::JoinError { source }))?
}

fn remove_partial_uploads_blocking(root: &FsPath, cutoff: SystemTime) -> Result<u64, BlobError> {
    let io_error = |path: &FsPath| {
        let path = path.to_path_buf();
        move |source| BlobError::LocalRoot { path, source }
    };
    let mut removed = 0;
    for tenant in std::fs::read_dir(root).map_err(io_error(root))? {
        let staging = tenant.map_err(io_error(root))?.path().join("staging");
        let Ok(entries) = std::fs::read_dir(&staging) else {
            continue;
        };
        for entry in entries {
            let entry = entry.map_err(io_error(&staging))?;
            let partial = entry.file_name().to_string_lossy().contains('#');
            let old = entry
                .metadata()
                .and_then(|m| m.modified())
                .is_ok_and(|modified| modified < cutoff);
            if partial && old {
                match std::fs::remove_file(entry.path()) {
                    Ok(()) => removed += 1,
                    Err(error) if error.kind() == std::io::ErrorKind::NotFound => {}
                    Err(error) => return Err(io_error(&entry.path())(error)),
                }
            }
        }
    }
    Ok(removed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cutoff_is_grace_before_now_and_saturates() {
        let now = Utc::now();
        assert_eq!(
            cutoff(now, Duration::from_secs(3600)),
            now - chrono::Duration::hours(1)
        );
        assert_eq!(
            cutoff(now, Duration::from_secs(u64::MAX)),
            DateTime::<Utc>::MIN_UTC
        );
    }
}
