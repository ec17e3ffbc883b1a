//! The bounds on the OCR processes, proved with a stand-in for Tesseract (a shell script) whose
//! behaviour the test controls: a timed-out process is killed, and no more processes run at once
//! than configured.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::time::Duration;

use sick_note_reader::{ReadError, Reader, ReaderConfig};

/// Writes an executable script standing in for `tesseract`.
fn fake_tesseract(dir: &Path, body: &str) -> PathBuf {
    use std::os::unix::fs::PermissionsExt;
    let path = dir.join("tesseract");
    std::fs::write(&path, format!("#!/bin/sh\n{body}\n")).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    path
}

const TSV_HEADER: &str = "level\\tpage_num\\tblock_num\\tpar_num\\tline_num\\tword_num\\tleft\\ttop\\twidth\\theight\\tconf\\ttext";

fn is_running(pid: u32) -> bool {
    // A killed child may linger as a zombie until reaped; that is not running.
    match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
        Ok(stat) => stat
            .rsplit(')')
            .next()
            .and_then(|rest| rest.split_whitespace().next())
            .is_some_and(|state| state != "Z"),
        Err(_) => false,
    }
}

#[tokio::test]
async fn a_timed_out_process_is_killed() {
    let dir = tempfile::tempdir().unwrap();
    let pid_file = dir.path().join("pid");
    let program = fake_tesseract(
        dir.path(),
        &format!("echo $$ > {}\nexec sleep 30", pid_file.display()),
    );
    let reader = Reader::new(ReaderConfig {
        tesseract: program,
        timeout: Duration::from_millis(500),
        ..ReaderConfig::default()
    });
    let error = reader.read(b"\x89PNG", "image/png").await.unwrap_err();
    assert!(matches!(error, ReadError::Timeout { .. }), "{error:?}");

    let pid: u32 = std::fs::read_to_string(&pid_file)
        .unwrap()
        .trim()
        .parse()
        .unwrap();
    let mut waited = Duration::ZERO;
    while is_running(pid) && waited < Duration::from_secs(5) {
        tokio::time::sleep(Duration::from_millis(20)).await;
        waited += Duration::from_millis(20);
    }
    assert!(!is_running(pid), "the stand-in (pid {pid}) still runs");
}

/// Runs `reads` reads at once through a reader allowing `max_concurrent`; returns whether two
/// stand-in processes ever ran at the same time (each holds a lock directory while it runs).
async fn overlapped(max_concurrent: usize, reads: usize) -> bool {
    let dir = tempfile::tempdir().unwrap();
    let lock = dir.path().join("running");
    let overlap = dir.path().join("overlap");
    let program = fake_tesseract(
        dir.path(),
        &format!(
            "mkdir {lock} 2>/dev/null || touch {overlap}\nsleep 0.3\nrmdir {lock} 2>/dev/null\nprintf '{TSV_HEADER}\\n'",
            lock = lock.display(),
            overlap = overlap.display(),
        ),
    );
    let reader = Reader::new(ReaderConfig {
        tesseract: program,
        max_concurrent,
        ..ReaderConfig::default()
    });
    let runs = (0..reads).map(|_| {
        let reader = reader.clone();
        tokio::spawn(async move { reader.read(b"\x89PNG", "image/png").await })
    });
    for run in runs.collect::<Vec<_>>() {
        let reading = run.await.unwrap().unwrap();
        assert_eq!(reading.confidence, 0, "the stand-in reads nothing");
    }
    overlap.exists()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_more_processes_run_at_once_than_configured() {
    assert!(!overlapped(1, 3).await, "one at a time");
    assert!(
        overlapped(3, 3).await,
        "the stand-in does detect overlapping runs"
    );
}

#[tokio::test]
async fn an_image_declaring_too_many_pixels_is_refused_before_any_process_runs() {
    let dir = tempfile::tempdir().unwrap();
    let ran = dir.path().join("ran");
    let program = fake_tesseract(
        dir.path(),
        &format!("touch {}\nprintf '{TSV_HEADER}\\n'", ran.display()),
    );
    let reader = Reader::new(ReaderConfig {
        tesseract: program,
        ..ReaderConfig::default()
    });
    // A PNG header declaring 40,000 x 40,000 pixels: a few bytes that would decode to gigabytes.
    let mut bomb = b"\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR".to_vec();
    bomb.extend_from_slice(&40_000u32.to_be_bytes());
    bomb.extend_from_slice(&40_000u32.to_be_bytes());
    bomb.extend_from_slice(&[8, 0, 0, 0, 0]);

    let error = reader.read(&bomb, "image/png").await.unwrap_err();
    assert!(
        matches!(
            error,
            ReadError::TooLarge {
                width: 40_000,
                height: 40_000
            }
        ),
        "{error:?}"
    );
    assert!(!ran.exists(), "Tesseract was started for the bomb");
}
