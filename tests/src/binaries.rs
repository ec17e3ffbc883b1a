//! Where the service binaries are, built fresh once per test process.
//!
//! A test binary lives in `<target>/<profile>/deps/`, so the services' binaries are in
//! `<target>/<profile>/`. Before the first test starts them, the harness runs
//! `cargo build -p intake -p case -p efile -p appointment -p notification -p jobcenterctl --bins`
//! (same profile) once, so they are never stale; `cargo test` has released the build lock by
//! the time tests run. With `JC_E2E_SKIP_BUILD=1` the binaries built beforehand are used (CI
//! builds them first).
//!
//! This crate is test-only, so reading the two variables cargo and CI hand to the test process
//! (`CARGO`, `JC_E2E_SKIP_BUILD`) here is the one exception to "no environment in libraries".

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use crate::HarnessError;

/// `<target>/<profile>`, where cargo puts the binaries of the profile this test was built with.
fn profile_dir() -> Result<PathBuf, HarnessError> {
    let exe = std::env::current_exe().map_err(HarnessError::Io)?;
    // <target>/<profile>/deps/<test>-<hash>
    exe.parent()
        .and_then(Path::parent)
        .map(Path::to_path_buf)
        .ok_or(HarnessError::Binaries(
            "the test binary is not in <target>/<profile>/deps",
        ))
}

fn build(dir: &Path) -> Result<(), HarnessError> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut command = std::process::Command::new(cargo);
    command.args([
        "build",
        "-p",
        "intake",
        "-p",
        "case",
        "-p",
        "efile",
        "-p",
        "appointment",
        "-p",
        "notification",
        "-p",
        "jobcenterctl",
        "--bins",
    ]);
    if dir.file_name().is_some_and(|name| name == "release") {
        command.arg("--release");
    }
    command.current_dir(env!("CARGO_MANIFEST_DIR"));
    let status = command.status().map_err(HarnessError::Io)?;
    if status.success() {
        Ok(())
    } else {
        Err(HarnessError::Binaries("cargo build of the services failed"))
    }
}

/// The directory holding the services' binaries and `jobcenterctl`, built once per test process.
///
/// Blocks while cargo builds: call it from a blocking context (see [`binary_dir`]).
pub fn binary_dir_blocking() -> Result<PathBuf, HarnessError> {
    static BUILT: OnceLock<Result<PathBuf, String>> = OnceLock::new();
    BUILT
        .get_or_init(|| {
            let dir = profile_dir().map_err(|e| e.to_string())?;
            if std::env::var_os("JC_E2E_SKIP_BUILD").is_none() {
                build(&dir).map_err(|e| e.to_string())?;
            }
            Ok(dir)
        })
        .clone()
        .map_err(HarnessError::Build)
}

/// [`binary_dir_blocking`] off the async runtime's worker threads.
pub async fn binary_dir() -> Result<PathBuf, HarnessError> {
    tokio::task::spawn_blocking(binary_dir_blocking)
        .await
        .map_err(|_| HarnessError::Binaries("the build task panicked"))?
}
