//! The bytes of a record are fixed: a record filed before this crate existed (when the writer
//! lived in the E-Akte) must come out identical, or the same sick note would be a new blob.

use text_pdf::{Line, render};

#[test]
fn a_one_page_record_has_the_bytes_it_always_had() {
    let pdf = render(&[
        Line::Heading("Arbeitsunfähigkeit (Online-Formular)".into()),
        Line::Blank,
        Line::Text("arbeitsunfähig vom 16.11.2026 bis 27.11.2026 (Straße)".into()),
    ]);
    assert_eq!(pdf, include_bytes!("golden/record.pdf"));
}
