//! `jobcenterctl vapid-key`: the notification service's VAPID key for Web Push, made once.
//!
//! Every browser subscription is bound to the public key it was made with, so the key must
//! outlive restarts: it is written once to a file (the raw P-256 scalar, base64url, readable by
//! its owner only) that the service names in `push.vapid_private_key_file`; a later run keeps
//! the file and prints the same public key.

use std::io::Write as _;
use std::path::Path;

use anyhow::Context;
use web_push::VapidKey;

/// Makes the key at `path` unless it exists; returns its public key (base64url), the
/// `applicationServerKey` browsers subscribe with.
pub fn ensure(path: &Path) -> anyhow::Result<String> {
    if path.exists() {
        let text =
            std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
        let key = VapidKey::from_base64url(&text)
            .with_context(|| format!("{} holds no VAPID private key", path.display()))?;
        return Ok(key.public_key_base64url());
    }
    if let Some(dir) = path.parent().filter(|dir| !dir.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    }
    let key = VapidKey::generate().context("making a VAPID key")?;
    let mut options = std::fs::OpenOptions::new();
    // create_new: never overwrite a key another run wrote meanwhile.
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt as _;
        options.mode(0o600);
    }
    let mut file = options
        .open(path)
        .with_context(|| format!("creating {}", path.display()))?;
    file.write_all(key.to_base64url_private().as_bytes())
        .with_context(|| format!("writing {}", path.display()))?;
    Ok(key.public_key_base64url())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_key_is_made_once_and_kept() {
        let dir = tempfile::tempdir().expect("dir");
        let path = dir.path().join("keys").join("vapid-private-key");
        let public = ensure(&path).expect("made");
        assert_eq!(public.len(), 87, "65 bytes in base64url: {public}");
        assert_eq!(ensure(&path).expect("kept"), public);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt as _;
            let mode = std::fs::metadata(&path).expect("file").permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }
}
