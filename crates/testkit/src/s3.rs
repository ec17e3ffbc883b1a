//! A private S3-compatible server per test.
//!
//! The E-Akte stores blobs in S3-compatible storage at providers; its tests prove that backend
//! against a real S3 API, not a mock of our own. moto's server (PyPI `moto[server]`, installed
//! into `.local/venv` by deploy/local/setup.sh) speaks that API. It binds the port the kernel
//! picks (`-p 0`) and prints the address it listens on; we read that line from its log file,
//! so there is no race between choosing a free port and binding it. A missing server is an
//! error telling how to install it, never a silently skipped test.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::TestkitError;

/// moto accepts any credentials; these are what tests configure.
pub const ACCESS_KEY_ID: &str = "testing";
/// See [`ACCESS_KEY_ID`].
pub const SECRET_ACCESS_KEY: &str = "testing";
/// The bucket [`TestS3::start`] creates.
pub const BUCKET: &str = "jc-test";
/// The region moto creates buckets in by default.
pub const REGION: &str = "us-east-1";

/// A running S3-compatible server with one empty bucket ([`BUCKET`]), killed when dropped.
pub struct TestS3 {
    child: Child,
    endpoint: String,
    _dir: tempfile::TempDir,
}

/// Finds the S3 test server: `JC_S3_TEST_SERVER`, else the `moto_server` the project's set-up
/// script installs into `.local/venv/bin`.
pub fn s3_server_binary() -> Result<PathBuf, TestkitError> {
    if let Ok(path) = std::env::var("JC_S3_TEST_SERVER") {
        return Ok(PathBuf::from(path));
    }
    let local = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../.local/venv/bin/moto_server");
    if local.is_file() {
        return Ok(local);
    }
    Err(TestkitError::S3(
        "no S3 test server (moto_server) found: run deploy/local/setup.sh or set JC_S3_TEST_SERVER"
            .into(),
    ))
}

impl TestS3 {
    /// Starts the server on a port the kernel picks, waits until it listens and creates
    /// [`BUCKET`].
    pub async fn start() -> Result<Self, TestkitError> {
        let binary = s3_server_binary()?;
        let dir = tempfile::tempdir()?;
        let log = std::fs::File::create(dir.path().join("server.log"))?;
        let child = Command::new(&binary)
            .args(["-H", "127.0.0.1", "-p", "0"])
            .env("PYTHONUNBUFFERED", "1")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .map_err(|error| {
                TestkitError::S3(format!(
                    "cannot start {} ({error}): run deploy/local/setup.sh",
                    binary.display()
                ))
            })?;
        let mut server = Self {
            child,
            endpoint: String::new(),
            _dir: dir,
        };
        server.endpoint = server.wait_for_address().await?;
        server.create_bucket(BUCKET).await?;
        Ok(server)
    }

    /// The endpoint URL, e.g. `http://127.0.0.1:41234` (plain HTTP: allow it in the client).
    pub fn endpoint(&self) -> &str {
        &self.endpoint
    }

    /// Creates another empty bucket (path-style `PUT /<name>`; moto checks no signature).
    pub async fn create_bucket(&self, name: &str) -> Result<(), TestkitError> {
        match self.status("PUT", name).await? {
            200 => Ok(()),
            status => Err(TestkitError::S3(format!(
                "creating bucket {name} answered HTTP {status}"
            ))),
        }
    }

    /// Whether a bucket exists (`HEAD /<name>`).
    pub async fn bucket_exists(&self, name: &str) -> Result<bool, TestkitError> {
        Ok(self.status("HEAD", name).await? == 200)
    }

    /// How many multipart uploads of [`BUCKET`] were started and neither completed nor aborted
    /// (they are invisible to a listing of objects, but hold storage).
    pub async fn incomplete_uploads(&self) -> Result<usize, TestkitError> {
        let (status, body) = self.request("GET", &format!("{BUCKET}?uploads")).await?;
        if status != 200 {
            return Err(TestkitError::S3(format!(
                "listing multipart uploads answered HTTP {status}"
            )));
        }
        Ok(body.matches("<Upload>").count())
    }

    async fn status(&self, method: &str, path: &str) -> Result<u16, TestkitError> {
        Ok(self.request(method, path).await?.0)
    }

    /// Sends an unsigned, empty request for `/<path>`; returns the HTTP status and the response
    /// (headers and body) as text.
    async fn request(&self, method: &str, path: &str) -> Result<(u16, String), TestkitError> {
        let address = self.endpoint.trim_start_matches("http://").to_owned();
        let request = format!(
            "{method} /{path} HTTP/1.1\r\nHost: {address}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
        );
        let response = tokio::task::spawn_blocking(move || -> std::io::Result<Vec<u8>> {
            let mut stream = TcpStream::connect(&address)?;
            stream.set_read_timeout(Some(Duration::from_secs(10)))?;
            stream.write_all(request.as_bytes())?;
            let mut response = Vec::new();
            stream.read_to_end(&mut response)?;
            Ok(response)
        })
        .await
        .map_err(|error| TestkitError::S3(format!("{method} /{path}: {error}")))??;
        let response = String::from_utf8_lossy(&response).into_owned();
        let status_line = response.lines().next().unwrap_or_default();
        let status = status_line
            .split_whitespace()
            .nth(1)
            .and_then(|code| code.parse().ok())
            .ok_or_else(|| {
                TestkitError::S3(format!("{method} /{path} answered {status_line:?}"))
            })?;
        Ok((status, response))
    }

    /// Reads `Running on http://127.0.0.1:<port>` from the server's log.
    async fn wait_for_address(&mut self) -> Result<String, TestkitError> {
        let log = self._dir.path().join("server.log");
        let deadline = Instant::now() + Duration::from_secs(30);
        while Instant::now() < deadline {
            if let Some(status) = self.child.try_wait()? {
                let text = std::fs::read_to_string(&log).unwrap_or_default();
                return Err(TestkitError::S3(format!(
                    "S3 test server exited early ({status}); run deploy/local/setup.sh. Log:\n{text}"
                )));
            }
            let text = std::fs::read_to_string(&log).unwrap_or_default();
            if let Some(endpoint) = listening_address(&text) {
                return Ok(endpoint);
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        Err(TestkitError::S3(
            "S3 test server did not report its address within 30 s".into(),
        ))
    }
}

/// The URL in werkzeug's `* Running on http://127.0.0.1:41234` line.
fn listening_address(log: &str) -> Option<String> {
    log.lines().find_map(|line| {
        let url = line
            .split("Running on ")
            .nth(1)?
            .split_whitespace()
            .next()?;
        let port = url.rsplit(':').next()?.parse::<u16>().ok()?;
        (port != 0).then(|| url.to_owned())
    })
}

impl Drop for TestS3 {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_address_is_read_from_the_startup_line() {
        let log = "WARNING: This is a development server.\n * Running on http://127.0.0.1:35715\nPress CTRL+C to quit\n";
        assert_eq!(
            listening_address(log).as_deref(),
            Some("http://127.0.0.1:35715")
        );
        assert_eq!(listening_address("starting\n"), None);
    }

    #[tokio::test]
    async fn a_started_server_has_an_empty_bucket_and_accepts_another() {
        let s3 = TestS3::start().await.expect("start the S3 test server");
        assert!(s3.endpoint().starts_with("http://127.0.0.1:"));
        assert!(s3.bucket_exists(BUCKET).await.expect("head"));
        assert!(!s3.bucket_exists("second").await.expect("head"));
        s3.create_bucket("second").await.expect("second bucket");
        assert!(s3.bucket_exists("second").await.expect("head"));
        assert_eq!(s3.incomplete_uploads().await.expect("uploads"), 0);
    }
}
