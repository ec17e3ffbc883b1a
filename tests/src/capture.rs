//! Everything a child process writes, kept whole: stdout and stderr, byte for byte.
//!
//! The harness reads a service's bound address from its log, and the personal-data test
//! searches all of it afterwards; both need the same complete capture, and a pipe that nobody
//! drains would block the process. Lines are also streamed as they arrive, for the start-up
//! wait.

use std::sync::{Arc, Mutex};

use tokio::io::{AsyncBufReadExt, AsyncRead, BufReader};
use tokio::process::Child;
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

/// The captured output of one process.
#[derive(Debug)]
pub struct LogCapture {
    bytes: Arc<Mutex<Vec<u8>>>,
    readers: Vec<JoinHandle<()>>,
}

impl LogCapture {
    /// Takes `child`'s piped stdout and stderr (whichever were piped) and keeps reading them
    /// until they close. Returns the capture and a stream of the lines as they arrive.
    pub fn attach(child: &mut Child) -> (LogCapture, mpsc::UnboundedReceiver<String>) {
        let bytes = Arc::new(Mutex::new(Vec::new()));
        let (lines, receiver) = mpsc::unbounded_channel();
        let mut readers = Vec::new();
        if let Some(stdout) = child.stdout.take() {
            readers.push(tokio::spawn(read_all(stdout, bytes.clone(), lines.clone())));
        }
        if let Some(stderr) = child.stderr.take() {
            readers.push(tokio::spawn(read_all(stderr, bytes.clone(), lines)));
        }
        (LogCapture { bytes, readers }, receiver)
    }

    /// Everything captured so far (invalid UTF-8 replaced).
    pub fn text(&self) -> String {
        self.bytes
            .lock()
            .map(|bytes| String::from_utf8_lossy(&bytes).into_owned())
            .unwrap_or_default()
    }

    /// Waits until both streams have closed (the process exited), so [`Self::text`] is complete.
    pub async fn finish(&mut self) {
        for reader in self.readers.drain(..) {
            let _ = reader.await;
        }
    }
}

async fn read_all(
    stream: impl AsyncRead + Unpin,
    bytes: Arc<Mutex<Vec<u8>>>,
    lines: mpsc::UnboundedSender<String>,
) {
    let mut reader = BufReader::new(stream);
    let mut line = Vec::new();
    loop {
        line.clear();
        match reader.read_until(b'\n', &mut line).await {
            Ok(0) | Err(_) => break,
            Ok(_) => {
                if let Ok(mut all) = bytes.lock() {
                    all.extend_from_slice(&line);
                }
                // Nobody listens once the service started; the capture goes on regardless.
                let _ = lines.send(String::from_utf8_lossy(&line).into_owned());
            }
        }
    }
}
