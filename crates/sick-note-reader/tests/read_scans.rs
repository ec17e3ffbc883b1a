//! Reading scans the tests render themselves, with the real Tesseract and pdftoppm.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::{Duration, Instant};

use chrono::NaiveDate;
use sick_note_reader::{Certificate, ReadError, Reader, ReaderConfig, Reading};
use testkit::scan::{ScanFormat, SickNoteScan, render_sick_note, render_sick_note_pdf};

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn scan(first: bool) -> SickNoteScan {
    SickNoteScan::standard(
        "Musterfrau",
        "Erika",
        day(1985, 4, 12),
        day(2026, 11, 16),
        day(2026, 11, 27),
        day(2026, 11, 16),
        first,
    )
}

fn reader() -> Reader {
    Reader::new(ReaderConfig::default())
}

async fn read(scan: &SickNoteScan) -> Reading {
    let bytes = render_sick_note(scan).unwrap();
    let started = Instant::now();
    let reading = reader()
        .read(&bytes, scan.format.media_type())
        .await
        .unwrap();
    eprintln!(
        "{:?} blur {}: read in {:?}, confidence {}, doubts {:?}",
        scan.format,
        scan.blur,
        started.elapsed(),
        reading.confidence,
        reading.doubts
    );
    reading
}

fn assert_complete(reading: &Reading, certificate: Certificate) {
    assert_eq!(reading.family_name.as_deref(), Some("Musterfrau"));
    assert_eq!(reading.given_name.as_deref(), Some("Erika"));
    assert_eq!(reading.birth_date, Some(day(1985, 4, 12)));
    assert_eq!(reading.incapacity_from, Some(day(2026, 11, 16)));
    assert_eq!(reading.incapacity_until, Some(day(2026, 11, 27)));
    assert_eq!(reading.issued_on, Some(day(2026, 11, 16)));
    assert_eq!(reading.certificate, certificate);
    assert!(
        reading.confidence >= 80,
        "confidence {}",
        reading.confidence
    );
    assert!(reading.doubts.is_empty(), "{:?}", reading.doubts);
    assert!(reading.is_sure());
}

#[tokio::test]
async fn clear_png_is_read_completely_with_high_confidence_and_without_its_diagnosis() {
    let reading = read(&scan(true).with_line("Diagnose: J06.9 G")).await;
    assert_complete(&reading, Certificate::First);
    assert!(!format!("{reading:?}").contains("J06"));
}

#[tokio::test]
async fn jpeg_and_tiff_scans_are_read_like_png() {
    let reading = read(&scan(false).with_format(ScanFormat::Jpeg)).await;
    assert_complete(&reading, Certificate::FollowUp);
    let reading = read(&scan(true).with_format(ScanFormat::Tiff)).await;
    assert_complete(&reading, Certificate::First);
}

#[tokio::test]
async fn pdf_scan_is_rendered_and_read() {
    let reading = read(&scan(true).with_format(ScanFormat::Pdf)).await;
    assert_complete(&reading, Certificate::First);
}

#[tokio::test]
async fn only_the_first_two_pdf_pages_are_read() {
    let cover = SickNoteScan::from_lines(["Anschreiben an das Jobcenter"]);
    let second = render_sick_note_pdf(&[cover.clone(), scan(true)]).unwrap();
    let reading = reader().read(&second, "application/pdf").await.unwrap();
    assert_complete(&reading, Certificate::First);

    let third = render_sick_note_pdf(&[cover.clone(), cover, scan(true)]).unwrap();
    let reading = reader().read(&third, "application/pdf").await.unwrap();
    assert_eq!(reading.incapacity_from, None);
    assert_eq!(reading.confidence, 0);
}

#[tokio::test]
async fn softly_blurred_scan_is_still_read() {
    let reading = read(&scan(true).with_blur(2.0)).await;
    assert_complete(&reading, Certificate::First);
}

#[tokio::test]
async fn heavily_blurred_scans_are_unsure_and_say_why() {
    // Beyond a blur of about 4 (12 pt text, 300 dpi) the labels are lost; at 8 all text is.
    for blur in [5.0, 8.0] {
        let reading = read(&scan(true).with_blur(blur)).await;
        let required_missing = reading.family_name.is_none()
            || reading.incapacity_from.is_none()
            || reading.incapacity_until.is_none();
        assert!(
            reading.confidence < 50 || required_missing,
            "blur {blur}: {reading:?}"
        );
        assert!(!reading.doubts.is_empty(), "blur {blur}");
        assert!(!reading.is_sure());
    }
}

#[tokio::test]
async fn a_tiny_timeout_ends_the_read_with_timeout() {
    let bytes = render_sick_note(&scan(true)).unwrap();
    let reader = Reader::new(ReaderConfig {
        timeout: Duration::from_millis(1),
        ..ReaderConfig::default()
    });
    let started = Instant::now();
    let error = reader.read(&bytes, "image/png").await.unwrap_err();
    assert!(
        matches!(error, ReadError::Timeout { after } if after == Duration::from_millis(1)),
        "{error:?}"
    );
    assert!(started.elapsed() < Duration::from_millis(500));
}

#[tokio::test]
async fn check_passes_with_german_data_installed() {
    reader().check().await.unwrap();
}

#[tokio::test]
async fn check_names_a_missing_language() {
    let reader = Reader::new(ReaderConfig {
        language: "deu+xyz".to_owned(),
        ..ReaderConfig::default()
    });
    match reader.check().await {
        Err(ReadError::LanguageMissing {
            language,
            installed,
        }) => {
            assert_eq!(language, "deu+xyz");
            assert!(installed.contains("deu"), "{installed}");
        }
        other => panic!("expected LanguageMissing, got {other:?}"),
    }
}

#[tokio::test]
async fn a_missing_program_fails_clearly() {
    let reader = Reader::new(ReaderConfig {
        tesseract: "/nonexistent/tesseract".into(),
        ..ReaderConfig::default()
    });
    let error = reader.check().await.unwrap_err();
    assert!(matches!(error, ReadError::Spawn { .. }), "{error:?}");
    assert_eq!(
        error.to_string(),
        "/nonexistent/tesseract could not be started"
    );
}

#[tokio::test]
async fn bytes_that_are_no_image_fail_and_other_media_types_are_refused() {
    let error = reader().read(b"not a png", "image/png").await.unwrap_err();
    assert!(matches!(error, ReadError::Failed { .. }), "{error:?}");
    let error = reader()
        .read(b"not a pdf", "application/pdf")
        .await
        .unwrap_err();
    assert!(matches!(error, ReadError::Failed { .. }), "{error:?}");
    let error = reader().read(b"GIF89a", "image/gif").await.unwrap_err();
    assert!(
        matches!(error, ReadError::UnsupportedMediaType(_)),
        "{error:?}"
    );
}

#[tokio::test]
async fn a_closed_reader_reads_nothing() {
    let reader = reader();
    reader.close();
    let error = reader.read(b"", "image/png").await.unwrap_err();
    assert!(matches!(error, ReadError::Closed), "{error:?}");
}
