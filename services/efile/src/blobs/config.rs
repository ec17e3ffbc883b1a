//! The blob store's settings, and building the object store they describe.
//!
//! The local file system is the default so that development and tests need nothing else; a
//! provider runs S3-compatible storage and selects it with `backend = "s3"`. The S3 secret never
//! sits in the configuration in clear: the configuration names a file (a mounted Kubernetes
//! secret) or an environment variable that holds it. Every setting and its default is documented
//! in `docs/efile/blobs.md`.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use object_store::ObjectStore;
use object_store::aws::AmazonS3Builder;
use object_store::local::LocalFileSystem;
use serde::Deserialize;

use super::BlobError;

/// Which kind of storage holds the blobs.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum BlobBackend {
    /// A directory of the local file system (or a mounted volume). The default.
    #[default]
    Local,
    /// An S3-compatible object store.
    S3,
}

/// Where and how blobs are stored.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct BlobConfig {
    /// `local` or `s3`. Default `local`.
    pub backend: BlobBackend,
    /// The local backend's root directory, created if missing; relative paths are relative to
    /// the working directory. Default `.local/efile-blobs`.
    pub local_root: PathBuf,
    /// Whether the local backend syncs each blob and its directory to disk before an upload
    /// counts as stored (the event that references a blob must never outlive it). Default true.
    pub local_fsync: bool,
    /// The S3 backend's settings (used only with `backend = "s3"`).
    pub s3: S3Config,
}

impl Default for BlobConfig {
    fn default() -> Self {
        Self {
            backend: BlobBackend::Local,
            local_root: PathBuf::from(".local/efile-blobs"),
            local_fsync: true,
            s3: S3Config::default(),
        }
    }
}

/// An S3-compatible object store.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct S3Config {
    /// The service URL, e.g. `https://s3.provider.example`. Default none: AWS itself.
    pub endpoint: Option<String>,
    /// The bucket (must exist). Required.
    pub bucket: String,
    /// The region. Default `us-east-1` (what most S3-compatible servers accept).
    pub region: String,
    /// The access key id. Required.
    pub access_key_id: String,
    /// A file whose content (trailing newline ignored) is the secret access key.
    /// Default none. Exactly one of this and `secret_access_key_env` must be set.
    pub secret_access_key_file: Option<PathBuf>,
    /// The name of an environment variable that holds the secret access key. Default none.
    pub secret_access_key_env: Option<String>,
    /// Allow `http://` endpoints (local test servers only). Default false.
    pub allow_http: bool,
    /// Address the bucket as `https://<bucket>.<endpoint>` instead of `<endpoint>/<bucket>`.
    /// Default false (path style, which on-premises S3 servers expect).
    pub virtual_hosted_style: bool,
}

impl Default for S3Config {
    fn default() -> Self {
        Self {
            endpoint: None,
            bucket: String::new(),
            region: "us-east-1".to_owned(),
            access_key_id: String::new(),
            secret_access_key_file: None,
            secret_access_key_env: None,
            allow_http: false,
            virtual_hosted_style: false,
        }
    }
}

/// The object store a configuration describes, and the local root if it is a directory.
pub(crate) fn build(
    config: &BlobConfig,
) -> Result<(Arc<dyn ObjectStore>, Option<PathBuf>), BlobError> {
    match config.backend {
        BlobBackend::Local => {
            let root = &config.local_root;
            std::fs::create_dir_all(root).map_err(|source| BlobError::LocalRoot {
                path: root.clone(),
                source,
            })?;
            let store = LocalFileSystem::new_with_prefix(root)?.with_fsync(config.local_fsync);
            let absolute = std::fs::canonicalize(root).map_err(|source| BlobError::LocalRoot {
                path: root.clone(),
                source,
            })?;
            Ok((Arc::new(store), Some(absolute)))
        }
        BlobBackend::S3 => Ok((Arc::new(build_s3(&config.s3)?), None)),
    }
}

fn build_s3(config: &S3Config) -> Result<object_store::aws::AmazonS3, BlobError> {
    if config.bucket.is_empty() {
        return Err(BlobError::Config("s3.bucket is required".into()));
    }
    if config.access_key_id.is_empty() {
        return Err(BlobError::Config("s3.access_key_id is required".into()));
    }
    let secret = read_secret(config)?;
    // reqwest is built without a crypto provider of its own (so that aws-lc-rs stays out of
    // the tree) and takes the process default: make sure that is ring, as everywhere else
    // here. An error means a provider is installed already, which is what we need.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let mut builder = AmazonS3Builder::new()
        .with_bucket_name(&config.bucket)
        .with_region(&config.region)
        .with_access_key_id(&config.access_key_id)
        .with_secret_access_key(secret)
        .with_allow_http(config.allow_http)
        .with_virtual_hosted_style_request(config.virtual_hosted_style);
    if let Some(endpoint) = &config.endpoint {
        builder = builder.with_endpoint(endpoint);
    }
    Ok(builder.build()?)
}

/// Reads the secret access key from the one place the configuration names.
fn read_secret(config: &S3Config) -> Result<String, BlobError> {
    match (
        &config.secret_access_key_file,
        &config.secret_access_key_env,
    ) {
        (Some(path), None) => read_secret_file(path),
        (None, Some(name)) => match std::env::var(name) {
            Ok(value) if !value.is_empty() => Ok(value),
            _ => Err(BlobError::Config(format!(
                "environment variable {name} (s3.secret_access_key_env) is not set"
            ))),
        },
        (None, None) => Err(BlobError::Config(
            "one of s3.secret_access_key_file or s3.secret_access_key_env is required".into(),
        )),
        (Some(_), Some(_)) => Err(BlobError::Config(
            "set only one of s3.secret_access_key_file and s3.secret_access_key_env".into(),
        )),
    }
}

fn read_secret_file(path: &Path) -> Result<String, BlobError> {
    let text = std::fs::read_to_string(path).map_err(|source| BlobError::SecretFile {
        path: path.to_path_buf(),
        source,
    })?;
    let secret = text.trim_end_matches(['\r', '\n']);
    if secret.is_empty() {
        return Err(BlobError::Config(format!(
            "the secret access key file {} is empty",
            path.display()
        )));
    }
    Ok(secret.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s3_with_key_file(path: &Path) -> S3Config {
        S3Config {
            endpoint: Some("http://127.0.0.1:9".into()),
            bucket: "efile".into(),
            access_key_id: "id".into(),
            secret_access_key_file: Some(path.to_path_buf()),
            allow_http: true,
            ..S3Config::default()
        }
    }

    #[test]
    fn defaults_are_a_local_directory_synced_to_disk() {
        let config = BlobConfig::default();
        assert_eq!(config.backend, BlobBackend::Local);
        assert_eq!(config.local_root, PathBuf::from(".local/efile-blobs"));
        assert!(config.local_fsync);
        assert_eq!(config.s3.region, "us-east-1");
        assert!(!config.s3.allow_http);
    }

    #[test]
    fn unknown_settings_are_refused() {
        let parsed: Result<BlobConfig, _> =
            serde_json::from_str(r#"{"backend":"s3","s3":{"secret_access_key":"clear"}}"#);
        assert!(parsed.is_err());
    }

    #[test]
    fn the_secret_is_read_from_a_file_without_its_newline() {
        let dir = tempfile::tempdir().expect("tempdir");
        let file = dir.path().join("secret");
        std::fs::write(&file, "s3cr3t\n").expect("write");
        assert_eq!(
            read_secret(&s3_with_key_file(&file)).expect("secret"),
            "s3cr3t"
        );
        assert!(build_s3(&s3_with_key_file(&file)).is_ok());
    }

    #[test]
    fn a_missing_secret_file_is_an_error_naming_the_file() {
        let error = read_secret(&s3_with_key_file(Path::new("/nonexistent/secret")))
            .expect_err("missing file");
        assert!(matches!(error, BlobError::SecretFile { .. }), "{error:?}");
    }

    #[test]
    fn an_unset_secret_variable_is_an_error() {
        let config = S3Config {
            secret_access_key_file: None,
            secret_access_key_env: Some("JC_EFILE_TEST_NO_SUCH_VARIABLE_7F3A".into()),
            ..s3_with_key_file(Path::new("/unused"))
        };
        let error = read_secret(&config).expect_err("unset");
        assert!(
            error
                .to_string()
                .contains("JC_EFILE_TEST_NO_SUCH_VARIABLE_7F3A")
        );
    }

    #[test]
    fn s3_needs_a_bucket_a_key_id_and_exactly_one_secret_source() {
        let dir = tempfile::tempdir().expect("tempdir");
        let file = dir.path().join("secret");
        std::fs::write(&file, "s").expect("write");
        let base = s3_with_key_file(&file);
        let no_bucket = S3Config {
            bucket: String::new(),
            ..base.clone()
        };
        let no_id = S3Config {
            access_key_id: String::new(),
            ..base.clone()
        };
        let both = S3Config {
            secret_access_key_env: Some("X".into()),
            ..base.clone()
        };
        let neither = S3Config {
            secret_access_key_file: None,
            ..base
        };
        for config in [no_bucket, no_id, both, neither] {
            assert!(
                matches!(build_s3(&config), Err(BlobError::Config(_))),
                "{config:?}"
            );
        }
    }
}
