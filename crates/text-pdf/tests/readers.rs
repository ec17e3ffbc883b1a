//! What a real PDF reader makes of the output: poppler's `pdfinfo` and `pdftotext` (installed by
//! deploy/local/setup.sh with the OCR tools) read the pages, the text and where it stands.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::process::Command;

use text_pdf::{Address, Line, render, render_letter};

/// Runs a poppler tool on `pdf` with `args` before the file name; its standard output.
fn poppler(tool: &str, args: &[&str], pdf: &[u8]) -> String {
    let dir = tempfile_dir();
    let path = dir.join("doc.pdf");
    std::fs::write(&path, pdf).expect("written");
    let out = Command::new(tool)
        .args(args)
        .arg(&path)
        .args(if tool == "pdftotext" {
            &["-"][..]
        } else {
            &[][..]
        })
        .output()
        .unwrap_or_else(|e| {
            panic!("{tool} runs (deploy/local/setup.sh installs poppler-utils): {e}")
        });
    assert!(
        out.status.success(),
        "{tool}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        out.stderr.is_empty(),
        "{tool} complains: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    std::fs::remove_dir_all(&dir).ok();
    String::from_utf8(out.stdout).expect("utf-8")
}

/// A fresh directory of this test process (no tempfile dependency in this crate).
fn tempfile_dir() -> std::path::PathBuf {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    let dir = std::env::temp_dir().join(format!(
        "text-pdf-{}-{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    ));
    std::fs::create_dir_all(&dir).expect("dir");
    dir
}

fn pages(pdf: &[u8]) -> usize {
    poppler("pdfinfo", &[], pdf)
        .lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .and_then(|n| n.trim().parse().ok())
        .expect("a page count")
}

fn paragraph() -> String {
    "Gegen diesen Bescheid kann innerhalb eines Monats nach Bekanntgabe Widerspruch erhoben \
     werden. Der Widerspruch ist schriftlich oder zur Niederschrift bei dem Jobcenter \
     einzulegen, das diesen Bescheid erlassen hat."
        .to_owned()
}

#[test]
fn a_reader_finds_the_text_with_its_umlauts_and_without_lost_words() {
    let pdf = render(&[
        Line::Heading("Bescheid über Leistungen".into()),
        Line::Blank,
        Line::Text(paragraph()),
        Line::Text("Łukasz Şahin, 5 € – „ok“".into()),
    ]);
    assert_eq!(pages(&pdf), 1);
    let text = poppler("pdftotext", &[], &pdf);
    assert!(text.contains("Bescheid über Leistungen"), "{text}");
    // The paragraph was broken into rows; all its words are there, in order.
    let words: Vec<&str> = text.split_whitespace().collect();
    let expected: Vec<String> = paragraph().split_whitespace().map(str::to_owned).collect();
    assert!(
        words
            .windows(expected.len())
            .any(|w| w == expected.as_slice()),
        "{text}"
    );
    assert!(text.contains("Lukasz Sahin, 5 € – „ok“"), "{text}");
}

#[test]
fn a_long_letter_runs_over_pages_and_numbers_them() {
    let mut lines = vec![Line::Heading("Bescheid".into())];
    for i in 1..=120 {
        lines.push(Line::Text(format!("Zeile {i}")));
    }
    let pdf = render_letter(None, &lines);
    assert_eq!(pages(&pdf), 3);
    let last = poppler("pdftotext", &["-f", "3", "-l", "3"], &pdf);
    assert!(last.contains("Zeile 120"), "{last}");
    assert!(last.contains("Seite 3 von 3"), "{last}");
    let first = poppler("pdftotext", &["-f", "1", "-l", "1"], &pdf);
    assert!(first.contains("Zeile 1\n") && !first.contains("Zeile 120"));
}

#[test]
fn the_address_stands_in_the_window_of_a_din_5008_envelope() {
    let address = Address::new(
        Some("Jobcenter Essen · Berliner Platz 10 · 45127 Essen"),
        &[
            "Frau",
            "Erika Mustermann",
            "Kettwiger Straße 1",
            "45127 Essen",
        ],
    )
    .expect("fits");
    let pdf = render_letter(
        Some(&address),
        &[Line::Text("Sehr geehrte Frau Mustermann,".into())],
    );
    // Word boxes in points from the top left corner.
    let boxes = poppler("pdftotext", &["-bbox"], &pdf);
    let window = (20.0 * MM, 45.0 * MM, 105.0 * MM, 90.0 * MM);
    for word in ["Jobcenter", "Erika", "Mustermann", "Kettwiger", "45127"] {
        let (x_min, y_min, x_max, y_max) = word_box(&boxes, word);
        assert!(
            x_min >= window.0 + 4.9 * MM
                && x_max <= window.2
                && y_min >= window.1
                && y_max <= window.3,
            "{word} at {x_min},{y_min}-{x_max},{y_max} is outside the window"
        );
    }
    // The return address above the recipient zone (17.7 mm from the field's top), the
    // recipient within it; the letter's text below the window.
    assert!(word_box(&boxes, "Jobcenter").3 <= 62.7 * MM);
    assert!(word_box(&boxes, "Frau").1 >= 62.7 * MM);
    assert!(word_box(&boxes, "geehrte").1 >= 90.0 * MM);
}

const MM: f64 = 72.0 / 25.4;

/// The first box of `word` in pdftotext's `-bbox` output: (xMin, yMin, xMax, yMax).
fn word_box(html: &str, word: &str) -> (f64, f64, f64, f64) {
    let line = html
        .lines()
        .find(|l| l.trim_start().starts_with("<word") && l.contains(&format!(">{word}</word>")))
        .unwrap_or_else(|| panic!("{word} not found in {html}"));
    let attr = |name: &str| -> f64 {
        let start = line.find(&format!("{name}=\"")).expect("attribute") + name.len() + 2;
        line[start..]
            .split('"')
            .next()
            .and_then(|v| v.parse().ok())
            .expect("a number")
    };
    (attr("xMin"), attr("yMin"), attr("xMax"), attr("yMax"))
}

#[test]
fn a_reader_accepts_the_file_as_is() {
    // pdfinfo fails or warns on broken cross-references or stream lengths.
    let address = Address::new(None, &["Erika Mustermann"]).expect("fits");
    for pdf in [
        render(&[]),
        render(&[Line::Text("x".repeat(5000))]),
        render_letter(Some(&address), &vec![Line::Text("Zeile".into()); 200]),
    ] {
        assert!(pages(&pdf) >= 1);
    }
}

#[test]
fn a_letter_counts_its_pages_as_a_reader_does() {
    let address = Address::new(None, &["Erika Mustermann"]).expect("fits");
    for lines in [1, 40, 200] {
        let document = text_pdf::letter(Some(&address), &vec![Line::Text("Zeile".into()); lines]);
        assert_eq!(document.pages, pages(&document.bytes), "{lines} lines");
    }
}
