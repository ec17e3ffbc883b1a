//! Where each blob lives in the object store, and what a listed key means.
//!
//! Content is addressed by its SHA-256 per tenant (`<tenant>/sha256/<first two hex>/<hex>`), so
//! identical content of one tenant is one object and a tenant's blobs never mix with another's.
//! An upload in progress writes to `<tenant>/staging/<uuid>` first: only a complete upload whose
//! hash is known can take its content address. The two-hex fan-out keeps directories small on a
//! file system. Tenant ids become path segments, so they are checked to be safe ones.

use object_store::path::Path;
use uuid::Uuid;

use super::BlobError;

/// The segment between tenant and fan-out for content objects.
const CONTENT: &str = "sha256";
/// The segment between tenant and upload id for uploads in progress.
const STAGING: &str = "staging";

/// Checks that a tenant id is a safe path segment: 1 to 64 of `[a-z0-9-]` (the platform's rule
/// for tenant ids, `platform::TenantId`).
pub(crate) fn check_tenant(tenant: &str) -> Result<(), BlobError> {
    let safe = !tenant.is_empty()
        && tenant.len() <= 64
        && tenant
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    if safe {
        Ok(())
    } else {
        Err(BlobError::InvalidTenant)
    }
}

/// Checks that a digest is 64 lowercase hex characters (a SHA-256 as [`super::StoredBlob`] gives it).
pub(crate) fn check_sha256(sha256: &str) -> Result<(), BlobError> {
    let valid = sha256.len() == 64
        && sha256
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
    if valid {
        Ok(())
    } else {
        Err(BlobError::InvalidDigest)
    }
}

/// The content address of a blob; both arguments must have been checked.
pub(crate) fn content_path(tenant: &str, sha256: &str) -> Path {
    Path::from(format!("{tenant}/{CONTENT}/{}/{sha256}", &sha256[..2]))
}

/// Where an upload in progress is written; the tenant must have been checked.
pub(crate) fn staging_path(tenant: &str, upload: Uuid) -> Path {
    Path::from(format!("{tenant}/{STAGING}/{upload}"))
}

/// What a listed object is, read from its key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum ObjectKind {
    /// A content object of `tenant` with this SHA-256.
    Content { tenant: String, sha256: String },
    /// An upload that was in progress (or abandoned).
    Staging,
    /// Anything else: not ours, never touched.
    Unrecognised,
}

/// Reads a listed key back into what it is. Keys that do not follow the layout exactly
/// (including a fan-out that does not match the digest) are [`ObjectKind::Unrecognised`].
pub(crate) fn classify(path: &Path) -> ObjectKind {
    let parts: Vec<_> = path.parts().collect();
    let parts: Vec<&str> = parts.iter().map(|p| p.as_ref()).collect();
    match parts.as_slice() {
        [tenant, CONTENT, fan_out, sha256]
            if check_tenant(tenant).is_ok()
                && check_sha256(sha256).is_ok()
                && sha256.starts_with(fan_out)
                && fan_out.len() == 2 =>
        {
            ObjectKind::Content {
                tenant: (*tenant).to_owned(),
                sha256: (*sha256).to_owned(),
            }
        }
        [tenant, STAGING, upload]
            if check_tenant(tenant).is_ok() && Uuid::parse_str(upload).is_ok() =>
        {
            ObjectKind::Staging
        }
        _ => ObjectKind::Unrecognised,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DIGEST: &str = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    #[test]
    fn tenant_ids_must_be_safe_path_segments() {
        for good in ["jc-koeln", "jobcenter-01", "a"] {
            assert!(check_tenant(good).is_ok(), "{good}");
        }
        assert!(
            check_tenant(&"a".repeat(64)).is_ok(),
            "the longest tenant id"
        );
        let too_long = "a".repeat(65);
        for bad in [
            "",
            "..",
            "JC",
            "jc/other",
            "jc_x",
            "jc koeln",
            "jc.x",
            too_long.as_str(),
        ] {
            assert!(check_tenant(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn digests_must_be_64_lowercase_hex() {
        assert!(check_sha256(DIGEST).is_ok());
        assert!(check_sha256(&DIGEST.to_uppercase()).is_err());
        assert!(check_sha256(&DIGEST[..63]).is_err());
        assert!(check_sha256("../../etc/passwd").is_err());
    }

    #[test]
    fn content_keys_fan_out_by_the_first_two_hex_digits() {
        assert_eq!(
            content_path("jc-a", DIGEST).as_ref(),
            format!("jc-a/sha256/e3/{DIGEST}")
        );
    }

    #[test]
    fn listed_keys_are_classified_by_the_layout() {
        assert_eq!(
            classify(&content_path("jc-a", DIGEST)),
            ObjectKind::Content {
                tenant: "jc-a".into(),
                sha256: DIGEST.into()
            }
        );
        assert_eq!(
            classify(&staging_path("jc-a", Uuid::new_v4())),
            ObjectKind::Staging
        );
        for other in [
            format!("jc-a/sha256/ff/{DIGEST}"),
            format!("jc-a/sha256/{DIGEST}"),
            "jc-a/staging/not-a-uuid".to_owned(),
            "README".to_owned(),
            format!("JC/sha256/e3/{DIGEST}"),
        ] {
            assert_eq!(
                classify(&Path::from(other.as_str())),
                ObjectKind::Unrecognised,
                "{other}"
            );
        }
    }
}
