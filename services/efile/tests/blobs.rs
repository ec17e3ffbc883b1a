//! The blob store against real backends: a temporary directory, and a real S3-compatible server
//! (moto, started per test by testkit). Each behaviour is proved on both.

use std::collections::HashSet;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::Utc;
use efile::blobs::sweep::{BoxError, sweep};
use efile::blobs::{BlobBackend, BlobConfig, BlobError, BlobStore, S3Config, StoredBlob};
use futures::TryStreamExt;
use object_store::path::Path;
use object_store::{ObjectStore, ObjectStoreExt, PutPayload};
use sha2::{Digest, Sha256};
use testkit::s3::TestS3;

const TENANT: &str = "jc-test";
const MIB: usize = 1024 * 1024;

/// A blob store, a raw client on the same storage (to look behind the store's back), and what
/// keeps the storage alive.
struct Backend {
    store: BlobStore,
    raw: Arc<dyn ObjectStore>,
    local_root: Option<std::path::PathBuf>,
    _dir: tempfile::TempDir,
    s3: Option<TestS3>,
}

async fn local() -> Backend {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path().join("blobs");
    let config = BlobConfig {
        backend: BlobBackend::Local,
        local_root: root.clone(),
        ..BlobConfig::default()
    };
    let store = BlobStore::from_config(&config).expect("local store");
    let raw = object_store::local::LocalFileSystem::new_with_prefix(&root).expect("raw client");
    Backend {
        store,
        raw: Arc::new(raw),
        local_root: Some(root),
        _dir: dir,
        s3: None,
    }
}

async fn s3() -> Backend {
    let s3 = TestS3::start()
        .await
        .expect("the S3 test server must run (install it with deploy/local/setup.sh)");
    let dir = tempfile::tempdir().expect("tempdir");
    let secret = dir.path().join("s3-secret");
    std::fs::write(&secret, format!("{}\n", testkit::s3::SECRET_ACCESS_KEY)).expect("secret");
    let config = BlobConfig {
        backend: BlobBackend::S3,
        s3: S3Config {
            endpoint: Some(s3.endpoint().to_owned()),
            bucket: testkit::s3::BUCKET.to_owned(),
            region: testkit::s3::REGION.to_owned(),
            access_key_id: testkit::s3::ACCESS_KEY_ID.to_owned(),
            secret_access_key_file: Some(secret),
            allow_http: true,
            ..S3Config::default()
        },
        ..BlobConfig::default()
    };
    let store = BlobStore::from_config(&config).expect("s3 store");
    let raw = object_store::aws::AmazonS3Builder::new()
        .with_endpoint(s3.endpoint())
        .with_bucket_name(testkit::s3::BUCKET)
        .with_region(testkit::s3::REGION)
        .with_access_key_id(testkit::s3::ACCESS_KEY_ID)
        .with_secret_access_key(testkit::s3::SECRET_ACCESS_KEY)
        .with_allow_http(true)
        .build()
        .expect("raw client");
    Backend {
        store,
        raw: Arc::new(raw),
        local_root: None,
        _dir: dir,
        s3: Some(s3),
    }
}

/// Deterministic, incompressible-looking bytes.
fn content(len: usize, seed: u8) -> Vec<u8> {
    let mut state = u32::from(seed) | 0x9e37_0000;
    (0..len)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            state as u8
        })
        .collect()
}

async fn upload(store: &BlobStore, tenant: &str, bytes: &[u8], chunk: usize) -> StoredBlob {
    let mut upload = store
        .begin_upload(tenant, bytes.len() as u64)
        .await
        .expect("begin");
    for piece in bytes.chunks(chunk) {
        upload.write(piece).await.expect("write");
    }
    upload.finish().await.expect("finish")
}

async fn read_all(store: &BlobStore, tenant: &str, sha256: &str) -> Vec<u8> {
    let mut reader = store.open(tenant, sha256).await.expect("open");
    let mut bytes = Vec::new();
    while let Some(chunk) = reader.next_chunk().await.expect("chunk") {
        bytes.extend_from_slice(&chunk);
    }
    bytes
}

async fn keys(raw: &Arc<dyn ObjectStore>, prefix: &str) -> Vec<String> {
    let prefix = Path::from(prefix);
    let mut keys: Vec<String> = raw
        .list(Some(&prefix))
        .map_ok(|meta| meta.location.to_string())
        .try_collect()
        .await
        .expect("list");
    keys.sort();
    keys
}

/// No partial upload files (`<key>#<n>`) left in a local root.
fn partial_files(root: &std::path::Path) -> Vec<String> {
    let mut found = Vec::new();
    let mut dirs = vec![root.to_path_buf()];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).expect("read_dir").flatten() {
            let path = entry.path();
            if path.is_dir() {
                dirs.push(path);
            } else if entry.file_name().to_string_lossy().contains('#') {
                found.push(path.display().to_string());
            }
        }
    }
    found
}

/// Nothing of an unfinished upload is left: no partial file (local), no incomplete multipart
/// upload (S3).
async fn assert_no_partial_uploads(backend: &Backend) {
    if let Some(root) = &backend.local_root {
        assert_eq!(partial_files(root), Vec::<String>::new());
    }
    if let Some(s3) = &backend.s3 {
        assert_eq!(s3.incomplete_uploads().await.expect("list uploads"), 0);
    }
}

// ---- round trip -------------------------------------------------------------------------

async fn a_multi_part_upload_reads_back_with_its_hash_and_size(backend: Backend) {
    // 11 MiB in 256 KiB chunks: three 5 MiB-or-less parts on S3.
    let bytes = content(11 * MIB + 17, 1);
    let stored = upload(&backend.store, TENANT, &bytes, 256 * 1024).await;
    assert_eq!(stored.sha256, hex::encode(Sha256::digest(&bytes)));
    assert_eq!(stored.size, bytes.len() as u64);
    let reader = backend
        .store
        .open(TENANT, &stored.sha256)
        .await
        .expect("open");
    assert_eq!(reader.size(), bytes.len() as u64);
    assert!(read_all(&backend.store, TENANT, &stored.sha256).await == bytes);
    assert_eq!(
        keys(&backend.raw, TENANT).await,
        vec![format!(
            "{TENANT}/sha256/{}/{}",
            &stored.sha256[..2],
            stored.sha256
        )],
        "only the content object remains, no staging"
    );
}

#[tokio::test]
async fn local_multi_part_upload_reads_back_with_its_hash_and_size() {
    a_multi_part_upload_reads_back_with_its_hash_and_size(local().await).await;
}

#[tokio::test]
async fn s3_multi_part_upload_reads_back_with_its_hash_and_size() {
    a_multi_part_upload_reads_back_with_its_hash_and_size(s3().await).await;
}

async fn an_empty_upload_is_stored_as_the_empty_blob(backend: Backend) {
    let upload = backend.store.begin_upload(TENANT, 10).await.expect("begin");
    let stored = upload.finish().await.expect("finish");
    assert_eq!(stored.sha256, hex::encode(Sha256::digest([])));
    assert_eq!(stored.size, 0);
    assert!(
        read_all(&backend.store, TENANT, &stored.sha256)
            .await
            .is_empty()
    );
}

#[tokio::test]
async fn local_empty_upload_is_stored_as_the_empty_blob() {
    an_empty_upload_is_stored_as_the_empty_blob(local().await).await;
}

#[tokio::test]
async fn s3_empty_upload_is_stored_as_the_empty_blob() {
    an_empty_upload_is_stored_as_the_empty_blob(s3().await).await;
}

// ---- size limit -------------------------------------------------------------------------

async fn one_byte_over_the_limit_is_refused_and_leaves_nothing(backend: Backend) {
    let limit = 6 * MIB as u64;
    let bytes = content(limit as usize + 1, 2);

    // Exactly at the limit is fine.
    let mut upload = backend
        .store
        .begin_upload(TENANT, limit)
        .await
        .expect("begin");
    upload
        .write(&bytes[..limit as usize])
        .await
        .expect("at the limit");
    let stored = upload.finish().await.expect("finish");
    backend
        .store
        .delete(TENANT, &stored.sha256)
        .await
        .expect("delete");

    // One byte more is refused, after a full part was already sent.
    let mut upload = backend
        .store
        .begin_upload(TENANT, limit)
        .await
        .expect("begin");
    let mut refused = None;
    for piece in bytes.chunks(MIB) {
        if let Err(error) = upload.write(piece).await {
            refused = Some(error);
            break;
        }
    }
    assert!(
        matches!(refused, Some(BlobError::TooLarge { limit: l }) if l == limit),
        "{refused:?}"
    );
    // The upload stays refused.
    assert!(matches!(
        upload.write(b"x").await,
        Err(BlobError::UploadClosed)
    ));
    assert!(matches!(
        upload.finish().await,
        Err(BlobError::UploadClosed)
    ));
    assert_eq!(keys(&backend.raw, TENANT).await, Vec::<String>::new());
    assert_no_partial_uploads(&backend).await;
}

#[tokio::test]
async fn local_one_byte_over_the_limit_is_refused_and_leaves_nothing() {
    one_byte_over_the_limit_is_refused_and_leaves_nothing(local().await).await;
}

#[tokio::test]
async fn s3_one_byte_over_the_limit_is_refused_and_leaves_nothing() {
    one_byte_over_the_limit_is_refused_and_leaves_nothing(s3().await).await;
}

async fn an_aborted_upload_leaves_nothing(backend: Backend) {
    let mut upload = backend
        .store
        .begin_upload(TENANT, 100 * MIB as u64)
        .await
        .expect("begin");
    upload.write(&content(7 * MIB, 3)).await.expect("write");
    if let Some(s3) = &backend.s3 {
        // The check below can see a multipart upload: here is one.
        assert_eq!(s3.incomplete_uploads().await.expect("list uploads"), 1);
    }
    upload.abort().await;
    assert_eq!(keys(&backend.raw, TENANT).await, Vec::<String>::new());
    assert_no_partial_uploads(&backend).await;
}

#[tokio::test]
async fn local_aborted_upload_leaves_nothing() {
    an_aborted_upload_leaves_nothing(local().await).await;
}

#[tokio::test]
async fn s3_aborted_upload_leaves_nothing() {
    an_aborted_upload_leaves_nothing(s3().await).await;
}

// ---- content addressing -----------------------------------------------------------------

async fn identical_content_is_one_object_whose_time_is_refreshed(backend: Backend) {
    let bytes = content(300 * 1024, 4);
    let first = upload(&backend.store, TENANT, &bytes, 64 * 1024).await;
    let first_time = backend
        .store
        .last_modified(TENANT, &first.sha256)
        .await
        .expect("head")
        .expect("present");
    // S3 reports modification times in whole seconds.
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let second = upload(&backend.store, TENANT, &bytes, 100_000).await;
    assert_eq!(first, second);
    let second_time = backend
        .store
        .last_modified(TENANT, &second.sha256)
        .await
        .expect("head")
        .expect("present");
    assert!(second_time > first_time, "{first_time} then {second_time}");
    assert_eq!(keys(&backend.raw, TENANT).await.len(), 1);
    assert!(read_all(&backend.store, TENANT, &first.sha256).await == bytes);
}

#[tokio::test]
async fn local_identical_content_is_one_object_whose_time_is_refreshed() {
    identical_content_is_one_object_whose_time_is_refreshed(local().await).await;
}

#[tokio::test]
async fn s3_identical_content_is_one_object_whose_time_is_refreshed() {
    identical_content_is_one_object_whose_time_is_refreshed(s3().await).await;
}

async fn tenants_see_only_their_own_blobs(backend: Backend) {
    let stored = upload(&backend.store, "jc-a", b"%PDF-1.7 a", 4).await;
    assert!(matches!(
        backend.store.open("jc-b", &stored.sha256).await,
        Err(BlobError::NotFound)
    ));
    assert_eq!(
        backend
            .store
            .last_modified("jc-b", &stored.sha256)
            .await
            .expect("head"),
        None
    );
    for bad in ["", "JC-A", "../jc-a", "jc-a/sha256"] {
        assert!(matches!(
            backend.store.begin_upload(bad, 10).await,
            Err(BlobError::InvalidTenant)
        ));
        assert!(matches!(
            backend.store.open(bad, &stored.sha256).await,
            Err(BlobError::InvalidTenant)
        ));
    }
    assert!(matches!(
        backend.store.open("jc-a", "../../etc/passwd").await,
        Err(BlobError::InvalidDigest)
    ));
}

#[tokio::test]
async fn local_tenants_see_only_their_own_blobs() {
    tenants_see_only_their_own_blobs(local().await).await;
}

#[tokio::test]
async fn s3_tenants_see_only_their_own_blobs() {
    tenants_see_only_their_own_blobs(s3().await).await;
}

async fn a_deleted_blob_is_gone_and_deleting_again_succeeds(backend: Backend) {
    let stored = upload(&backend.store, TENANT, b"II*\0 tiff", 3).await;
    backend
        .store
        .delete(TENANT, &stored.sha256)
        .await
        .expect("delete");
    assert!(matches!(
        backend.store.open(TENANT, &stored.sha256).await,
        Err(BlobError::NotFound)
    ));
    assert_eq!(
        backend
            .store
            .last_modified(TENANT, &stored.sha256)
            .await
            .expect("head"),
        None
    );
    backend
        .store
        .delete(TENANT, &stored.sha256)
        .await
        .expect("delete again");
    assert_eq!(keys(&backend.raw, TENANT).await, Vec::<String>::new());
}

#[tokio::test]
async fn local_deleted_blob_is_gone_and_deleting_again_succeeds() {
    a_deleted_blob_is_gone_and_deleting_again_succeeds(local().await).await;
}

#[tokio::test]
async fn s3_deleted_blob_is_gone_and_deleting_again_succeeds() {
    a_deleted_blob_is_gone_and_deleting_again_succeeds(s3().await).await;
}

// ---- sweep ------------------------------------------------------------------------------

/// What a reference check was asked: (tenant, sha256) pairs.
type Asked = Arc<Mutex<Vec<(String, String)>>>;

/// A reference check that answers from a set and records what it was asked.
fn references(
    referenced: HashSet<String>,
) -> (
    Asked,
    impl FnMut(String, String) -> std::future::Ready<Result<bool, BoxError>>,
) {
    let asked = Asked::default();
    let log = Arc::clone(&asked);
    let check = move |tenant: String, sha256: String| {
        let answer = referenced.contains(&sha256);
        log.lock().expect("lock").push((tenant, sha256));
        std::future::ready(Ok(answer))
    };
    (asked, check)
}

async fn sweep_keeps_young_and_referenced_and_removes_old_unreferenced(backend: Backend) {
    let kept = upload(&backend.store, TENANT, b"referenced content", 5).await;
    let orphan = upload(&backend.store, TENANT, b"orphaned content", 5).await;
    // An upload that completed but was never moved (a crash between the two steps), and a key
    // that is not ours.
    let abandoned = format!("{TENANT}/staging/{}", uuid::Uuid::new_v4());
    backend
        .raw
        .put(
            &Path::from(abandoned.as_str()),
            PutPayload::from_static(b"half"),
        )
        .await
        .expect("put staging");
    backend
        .raw
        .put(
            &Path::from("notes/readme.txt"),
            PutPayload::from_static(b"keep"),
        )
        .await
        .expect("put other");
    let grace = Duration::from_secs(3600);

    // Now everything is younger than the grace period: nothing is deleted, nobody is asked.
    let (asked, check) = references(HashSet::from([kept.sha256.clone()]));
    let report = sweep(&backend.store, grace, Utc::now(), check)
        .await
        .expect("sweep");
    assert_eq!(report.scanned, 4);
    assert_eq!(report.kept_young, 3);
    assert_eq!(report.unrecognised, 1);
    assert_eq!(report.content_deleted + report.staging_deleted, 0);
    assert!(asked.lock().expect("lock").is_empty());

    // Two hours later everything is old: the orphan and the staging object go.
    let later = Utc::now() + chrono::Duration::hours(2);
    let (asked, check) = references(HashSet::from([kept.sha256.clone()]));
    let report = sweep(&backend.store, grace, later, check)
        .await
        .expect("sweep");
    assert_eq!(report.content_deleted, 1, "{report:?}");
    assert_eq!(report.staging_deleted, 1, "{report:?}");
    assert_eq!(report.kept_referenced, 1, "{report:?}");
    assert_eq!(report.unrecognised, 1, "{report:?}");
    let mut asked = asked.lock().expect("lock").clone();
    asked.sort();
    let mut expected = vec![
        (TENANT.to_owned(), kept.sha256.clone()),
        (TENANT.to_owned(), orphan.sha256.clone()),
    ];
    expected.sort();
    assert_eq!(asked, expected);

    let mut remaining = keys(&backend.raw, "").await;
    remaining.sort();
    let mut expected = vec![
        "notes/readme.txt".to_owned(),
        format!("{TENANT}/sha256/{}/{}", &kept.sha256[..2], kept.sha256),
    ];
    expected.sort();
    assert_eq!(remaining, expected);
    assert!(matches!(
        backend.store.open(TENANT, &orphan.sha256).await,
        Err(BlobError::NotFound)
    ));
}

#[tokio::test]
async fn local_sweep_keeps_young_and_referenced_and_removes_old_unreferenced() {
    sweep_keeps_young_and_referenced_and_removes_old_unreferenced(local().await).await;
}

#[tokio::test]
async fn s3_sweep_keeps_young_and_referenced_and_removes_old_unreferenced() {
    sweep_keeps_young_and_referenced_and_removes_old_unreferenced(s3().await).await;
}

async fn a_failing_reference_check_ends_the_sweep_without_deleting(backend: Backend) {
    let stored = upload(&backend.store, TENANT, b"maybe referenced", 4).await;
    let later = Utc::now() + chrono::Duration::hours(2);
    let result = sweep(&backend.store, Duration::from_secs(60), later, |_, _| {
        std::future::ready(Err::<bool, BoxError>("database down".into()))
    })
    .await;
    assert!(
        matches!(result, Err(BlobError::ReferenceCheck(_))),
        "{result:?}"
    );
    assert!(
        backend
            .store
            .last_modified(TENANT, &stored.sha256)
            .await
            .expect("head")
            .is_some()
    );
}

#[tokio::test]
async fn local_failing_reference_check_ends_the_sweep_without_deleting() {
    a_failing_reference_check_ends_the_sweep_without_deleting(local().await).await;
}

#[tokio::test]
async fn s3_failing_reference_check_ends_the_sweep_without_deleting() {
    a_failing_reference_check_ends_the_sweep_without_deleting(s3().await).await;
}

#[tokio::test]
async fn local_sweep_removes_partial_upload_files_left_by_a_crash() {
    let backend = local().await;
    let root = backend.local_root.clone().expect("local root");
    let staging = root.join(TENANT).join("staging");
    std::fs::create_dir_all(&staging).expect("mkdir");
    let old = staging.join(format!("{}#1", uuid::Uuid::new_v4()));
    let young = staging.join(format!("{}#1", uuid::Uuid::new_v4()));
    std::fs::write(&old, b"cut off").expect("write");
    std::fs::write(&young, b"in progress").expect("write");
    let two_hours_ago = std::time::SystemTime::now() - Duration::from_secs(7200);
    std::fs::File::options()
        .write(true)
        .open(&old)
        .expect("open")
        .set_modified(two_hours_ago)
        .expect("set mtime");

    let report = sweep(
        &backend.store,
        Duration::from_secs(3600),
        Utc::now(),
        |_, _| std::future::ready(Ok::<bool, BoxError>(false)),
    )
    .await
    .expect("sweep");
    assert_eq!(report.staging_deleted, 1, "{report:?}");
    assert!(!old.exists());
    assert!(young.exists());
}
