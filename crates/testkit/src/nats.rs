//! A private nats-server with JetStream per test.
//!
//! Tests must not share the machine's NATS (it may be old, and shared streams make tests depend on
//! each other). The server listens on a port the kernel picks (`-p -1`) and reports it in a ports
//! file, so there is no race between choosing a free port and binding it.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::TestkitError;

/// The oldest nats-server whose JetStream semantics the platform relies on.
const MIN_MINOR_VERSION: u32 = 10;

/// A running nats-server, killed when dropped.
pub struct TestNats {
    child: Child,
    url: String,
    _dir: tempfile::TempDir,
}

/// Finds a current nats-server: `JC_NATS_SERVER`, then the one the project's set-up script installs
/// (`.local/venv/bin/nats-server`), then any on `PATH` that is at least 2.10.
pub fn nats_server_binary() -> Result<PathBuf, TestkitError> {
    if let Ok(path) = std::env::var("JC_NATS_SERVER") {
        return Ok(PathBuf::from(path));
    }
    let repo = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let local = repo.join(".local/venv/bin/nats-server");
    if local.is_file() {
        return Ok(local);
    }
    let path = std::env::var_os("PATH").unwrap_or_default();
    for dir in std::env::split_paths(&path) {
        let candidate = dir.join("nats-server");
        if candidate.is_file() && is_current(&candidate) {
            return Ok(candidate);
        }
    }
    Err(TestkitError::Nats(
        "no nats-server >= 2.10 found: run deploy/local/setup.sh or set JC_NATS_SERVER".into(),
    ))
}

fn is_current(binary: &Path) -> bool {
    let Ok(output) = Command::new(binary).arg("--version").output() else {
        return false;
    };
    // "nats-server: v2.15.1"
    let text = String::from_utf8_lossy(&output.stdout);
    let version = text.trim().rsplit('v').next().unwrap_or_default();
    let mut parts = version.split('.').map(|p| p.parse::<u32>().unwrap_or(0));
    let (major, minor) = (parts.next().unwrap_or(0), parts.next().unwrap_or(0));
    major > 2 || (major == 2 && minor >= MIN_MINOR_VERSION)
}

impl TestNats {
    /// Starts a nats-server with JetStream in a temporary directory and waits until it listens.
    pub async fn start() -> Result<Self, TestkitError> {
        let binary = nats_server_binary()?;
        let dir = tempfile::tempdir()?;
        let child = Command::new(&binary)
            .args(["-a", "127.0.0.1", "-p", "-1", "-js", "-sd"])
            .arg(dir.path().join("jetstream"))
            .arg("--ports_file_dir")
            .arg(dir.path())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()?;
        let mut nats = Self {
            child,
            url: String::new(),
            _dir: dir,
        };
        nats.url = nats.wait_for_ports_file().await?;
        Ok(nats)
    }

    /// The client URL, e.g. `nats://127.0.0.1:41234`.
    pub fn url(&self) -> &str {
        &self.url
    }

    async fn wait_for_ports_file(&mut self) -> Result<String, TestkitError> {
        let file = self
            ._dir
            .path()
            .join(format!("nats-server_{}.ports", self.child.id()));
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            if let Some(status) = self.child.try_wait()? {
                return Err(TestkitError::Nats(format!(
                    "nats-server exited early: {status}"
                )));
            }
            if let Ok(text) = std::fs::read_to_string(&file)
                && let Ok(ports) = serde_json::from_str::<serde_json::Value>(&text)
                && let Some(url) = ports["nats"][0].as_str()
            {
                return Ok(url.to_owned());
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        Err(TestkitError::Nats(
            "nats-server did not report its port within 10 s".into(),
        ))
    }
}

impl Drop for TestNats {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
