//! The xdomea message: writing it, and reading back which files it names.
//!
//! quick-xml writes the structure (and is already in the dependency tree through the S3
//! client); text goes through [`escape_text`], which escapes all five markup characters and
//! replaces what XML 1.0 cannot carry at all (control characters), so no metadata, however it
//! was typed, can break the document. Element order follows the xdomea 3.1 schema's sequences.

use std::io::Write;

use chrono::SecondsFormat;
use quick_xml::Writer;
use quick_xml::events::{BytesDecl, BytesStart, BytesText, Event};

use crate::names::{self, extension};
use crate::{CaseFileExport, ExportDocument, ExportError, MESSAGE_TYPE, XDOMEA_NAMESPACE};

type XmlResult = std::io::Result<()>;

/// The xdomea code of the message type `Abgabe.Abgabe.0401`.
const MESSAGE_CODE: &str = "0401";
/// What the receiver is called when the export names none (Empfaenger is mandatory).
const UNKNOWN_RECEIVER: &str = "nicht angegeben";
/// The sending product.
const PRODUCT: &str = "jobcenter platform E-Akte";

/// The message for `export`, whose documents' contents are at `paths` (same order).
pub(crate) fn write_message(
    export: &CaseFileExport,
    receiver: Option<&str>,
    paths: &[String],
) -> Result<Vec<u8>, ExportError> {
    let mut writer = Writer::new_with_indent(Vec::new(), b' ', 2);
    writer.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))?;
    let root = format!("xdomea:{MESSAGE_TYPE}");
    writer
        .create_element(root.as_str())
        .with_attribute(("xmlns:xdomea", XDOMEA_NAMESPACE))
        .write_inner_content(|w| {
            head(w, export, receiver)?;
            element(w, "Schriftgutobjekt", |w| case_file(w, export, paths))
        })?;
    let mut xml = writer.into_inner();
    xml.write_all(b"\n")?;
    Ok(xml)
}

/// The Kopf: process, type, time, sender, receiver, system, confirmations wanted.
fn head<W: Write>(w: &mut Writer<W>, export: &CaseFileExport, receiver: Option<&str>) -> XmlResult {
    element(w, "Kopf", |w| {
        text(w, "ProzessID", &export.process_id.to_string())?;
        element(w, "Nachrichtentyp", |w| code(w, MESSAGE_CODE))?;
        text(
            w,
            "Erstellungszeitpunkt",
            &export.created_at.to_rfc3339_opts(SecondsFormat::Secs, true),
        )?;
        element(w, "Absender", |w| institution(w, &export.sender))?;
        element(w, "Empfaenger", |w| {
            institution(w, receiver.unwrap_or(UNKNOWN_RECEIVER))
        })?;
        element(w, "SendendesSystem", |w| {
            text(w, "InstanzID", &export.tenant)?;
            text(w, "Produktname", PRODUCT)?;
            text(w, "Version", env!("CARGO_PKG_VERSION"))
        })?;
        text(w, "Importbestaetigung", "1")?;
        text(w, "Empfangsbestaetigung", "1")
    })
}

/// The case as Akte → Vorgang → Dokumente.
fn case_file<W: Write>(w: &mut Writer<W>, export: &CaseFileExport, paths: &[String]) -> XmlResult {
    let tenant = &export.tenant;
    let case = &export.case_id;
    element(w, "Akte", |w| {
        identification(w, &names::file_uuid(tenant, case).to_string())?;
        general(w, &format!("Fallakte {case}"), case, None)?;
        element(w, "Akteninhalt", |w| {
            element(w, "Vorgang", |w| {
                identification(w, &names::matter_uuid(tenant, case).to_string())?;
                general(w, "E-Akte", case, None)?;
                for (document, path) in export.documents.iter().zip(paths) {
                    dokument(w, tenant, document, path)?;
                }
                Ok(())
            })
        })
    })
}

fn dokument<W: Write>(
    w: &mut Writer<W>,
    tenant: &str,
    document: &ExportDocument,
    path: &str,
) -> XmlResult {
    element(w, "Dokument", |w| {
        identification(
            w,
            &names::document_uuid(tenant, &document.document_id).to_string(),
        )?;
        let mut remark = format!("Eingangskanal: {}", document.channel);
        if !document.tags.is_empty() {
            remark.push_str("; Schlagworte: ");
            remark.push_str(&document.tags.join(", "));
        }
        general(w, &document.title, &document.document_id, Some(&remark))?;
        // xs:date: the legal day of receipt, in Germany's time zone.
        let day = document
            .received_at
            .with_timezone(&chrono_tz::Europe::Berlin)
            .format("%Y-%m-%d")
            .to_string();
        text(w, "Posteingangsdatum", &day)?;
        text(w, "Typ", &document.document_type)?;
        element(w, "Version", |w| {
            text(w, "Nummer", &document.version.to_string())?;
            element(w, "Format", |w| {
                element(w, "Name", |w| code(w, extension(&document.media_type)))?;
                text(w, "Version", "")?;
                element(w, "Primaerdokument", |w| {
                    text(w, "Dateiname", path)?;
                    text(w, "DateinameOriginal", &document.file_name)
                })
            })
        })
    })
}

fn identification<W: Write>(w: &mut Writer<W>, id: &str) -> XmlResult {
    element(w, "Identifikation", |w| text(w, "ID", id))
}

fn general<W: Write>(
    w: &mut Writer<W>,
    subject: &str,
    reference: &str,
    remark: Option<&str>,
) -> XmlResult {
    element(w, "AllgemeineMetadaten", |w| {
        text(w, "Betreff", subject)?;
        text(w, "Kennzeichen", reference)?;
        match remark {
            Some(remark) => text(w, "Bemerkung", remark),
            None => Ok(()),
        }
    })
}

fn institution<W: Write>(w: &mut Writer<W>, name: &str) -> XmlResult {
    element(w, "Institution", |w| text(w, "Name", name))
}

/// An XÖV code value: an unqualified `code` child.
fn code<W: Write>(w: &mut Writer<W>, value: &str) -> XmlResult {
    w.create_element("code")
        .write_text_content(BytesText::from_escaped(escape_text(value)))?;
    Ok(())
}

/// `<xdomea:name>` around what `inner` writes.
fn element<W: Write>(
    w: &mut Writer<W>,
    name: &str,
    inner: impl FnOnce(&mut Writer<W>) -> XmlResult,
) -> XmlResult {
    w.create_element(format!("xdomea:{name}").as_str())
        .write_inner_content(inner)?;
    Ok(())
}

/// `<xdomea:name>value</xdomea:name>`, escaped.
fn text<W: Write>(w: &mut Writer<W>, name: &str, value: &str) -> XmlResult {
    w.create_element(format!("xdomea:{name}").as_str())
        .write_text_content(BytesText::from_escaped(escape_text(value)))?;
    Ok(())
}

/// Escapes text content: the five markup characters as entities, carriage returns as a
/// character reference (a parser would turn a literal one into a newline), and characters XML
/// 1.0 forbids even as references (other control characters, U+FFFE, U+FFFF) as U+FFFD.
pub(crate) fn escape_text(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    for ch in raw.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\r' => out.push_str("&#13;"),
            '\t' | '\n' => out.push(ch),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

/// The `Dateiname` of every primary document the message names, in order.
pub(crate) fn primary_file_names(xml: &[u8]) -> Result<Vec<String>, ExportError> {
    let mut reader = quick_xml::Reader::from_reader(xml);
    let mut buf = Vec::new();
    let mut names = Vec::new();
    let mut in_file_name = false;
    loop {
        match reader.read_event_into(&mut buf)? {
            Event::Start(start) => in_file_name = is_file_name(&start),
            Event::Text(text) if in_file_name => {
                let name = text.decode().map_err(quick_xml::Error::from)?;
                names.push(name.into_owned());
            }
            Event::End(_) => in_file_name = false,
            Event::Eof => return Ok(names),
            _ => {}
        }
        buf.clear();
    }
}

fn is_file_name(start: &BytesStart<'_>) -> bool {
    start.local_name().as_ref() == b"Dateiname"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_characters_are_escaped_and_forbidden_ones_replaced() {
        assert_eq!(
            escape_text(r#"<a href="x">Tom & 'Jerry'</a>"#),
            "&lt;a href=&quot;x&quot;&gt;Tom &amp; &apos;Jerry&apos;&lt;/a&gt;"
        );
        assert_eq!(escape_text("a\r\nb\tc"), "a&#13;\nb\tc");
        assert_eq!(escape_text("bell\u{7}nul\u{0}"), "bell\u{FFFD}nul\u{FFFD}");
        assert_eq!(escape_text("Grüße ✓"), "Grüße ✓");
    }
}
