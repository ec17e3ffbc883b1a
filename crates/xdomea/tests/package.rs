//! Packages written, read back and checked independently: the ZIP entries with the `zip`
//! crate, the xdomea message with a strict XML parser (roxmltree).

use std::io::{Cursor, Read, Write};

use chrono::{TimeZone, Utc};
use sha2::{Digest, Sha256};
use uuid::Uuid;
use xdomea::{
    CaseFileExport, ExportDocument, ExportError, MANIFEST_FILE, PackageWriter, message_file_name,
    read_package,
};

const NS: &str = xdomea::XDOMEA_NAMESPACE;

fn document(id: &str, title: &str, media_type: &str, bytes: &[u8]) -> ExportDocument {
    ExportDocument {
        document_id: id.to_owned(),
        title: title.to_owned(),
        document_type: "sick_note".to_owned(),
        tags: vec!["au".to_owned(), "eingang".to_owned()],
        channel: "portal".to_owned(),
        received_at: Utc
            .with_ymd_and_hms(2025, 3, 31, 22, 30, 0)
            .single()
            .expect("time"),
        version: 1,
        media_type: media_type.to_owned(),
        file_name: "scan.pdf".to_owned(),
        sha256: hex::encode(Sha256::digest(bytes)),
        size: bytes.len() as u64,
    }
}

/// Three documents of different types with their contents.
fn case_file() -> (CaseFileExport, Vec<Vec<u8>>) {
    let contents = vec![
        b"%PDF-1.7\n sick note \x00\x01\x02".to_vec(),
        b"\x89PNG\r\n\x1a\n payslip".to_vec(),
        (0..70_000u32).map(|i| (i % 251) as u8).collect::<Vec<u8>>(),
    ];
    let documents = vec![
        document(
            "0b6c2a52-4f43-4d0e-9a53-6f0f1d2f7a10",
            "Arbeitsunfähigkeitsbescheinigung",
            "application/pdf",
            &contents[0],
        ),
        document(
            "6f1c3d1e-8f0a-4a7b-9d2e-2b1f0c3e4d5a",
            "Lohnabrechnung März",
            "image/png",
            &contents[1],
        ),
        ExportDocument {
            version: 2,
            ..document(
                "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d",
                "Kontoauszug",
                "image/jpeg",
                &contents[2],
            )
        },
    ];
    let export = CaseFileExport {
        process_id: Uuid::parse_str("1d6b1f2c-3a4e-4b5c-9d6e-7f8a9b0c1d2e").expect("uuid"),
        case_id: "case-4711".to_owned(),
        tenant: "jc-koeln".to_owned(),
        sender: "Jobcenter Köln".to_owned(),
        created_at: Utc
            .with_ymd_and_hms(2025, 4, 2, 9, 15, 30)
            .single()
            .expect("time"),
        documents,
    };
    (export, contents)
}

fn write(export: &CaseFileExport, contents: &[Vec<u8>]) -> Vec<u8> {
    let mut writer = PackageWriter::new(Cursor::new(Vec::new()), export).expect("new");
    for (document, bytes) in export.documents.iter().zip(contents) {
        writer.add_document(document, bytes).expect("add");
    }
    writer.finish().expect("finish").into_inner()
}

/// Every entry of a ZIP, read with the zip crate directly.
fn entries(zip: &[u8]) -> Vec<(String, Vec<u8>)> {
    let mut archive = zip::ZipArchive::new(Cursor::new(zip)).expect("zip");
    (0..archive.len())
        .map(|i| {
            let mut file = archive.by_index(i).expect("entry");
            let mut bytes = Vec::new();
            file.read_to_end(&mut bytes).expect("read");
            (file.name().expect("name").into_owned(), bytes)
        })
        .collect()
}

/// A new ZIP with these entries (stored, correct CRCs): a forger's package.
fn rezip(entries: &[(String, Vec<u8>)]) -> Vec<u8> {
    let mut writer = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    for (name, bytes) in entries {
        writer.start_file(name.as_str(), options).expect("start");
        writer.write_all(bytes).expect("write");
    }
    writer.finish().expect("finish").into_inner()
}

fn message_of(zip: &[u8], export: &CaseFileExport) -> String {
    let name = message_file_name(export.process_id);
    let (_, bytes) = entries(zip)
        .into_iter()
        .find(|(n, _)| *n == name)
        .expect("message entry");
    String::from_utf8(bytes).expect("utf-8")
}

fn child<'a, 'i>(node: roxmltree::Node<'a, 'i>, name: &str) -> roxmltree::Node<'a, 'i> {
    node.children()
        .find(|c| c.has_tag_name((NS, name)))
        .unwrap_or_else(|| panic!("no {name} under {:?}", node.tag_name()))
}

fn text_at<'a>(node: roxmltree::Node<'a, '_>, path: &[&str]) -> &'a str {
    let mut node = node;
    for name in path {
        node = child(node, name);
    }
    node.text().unwrap_or_default()
}

#[test]
fn several_documents_round_trip_with_their_metadata() {
    let (export, contents) = case_file();
    let package = read_package(Cursor::new(write(&export, &contents))).expect("read");
    assert_eq!(package.documents.len(), 3);
    for ((read, listed), bytes) in package
        .documents
        .iter()
        .zip(&export.documents)
        .zip(&contents)
    {
        assert_eq!(&read.document, listed);
        assert_eq!(&read.bytes, bytes);
    }
    let paths: Vec<&str> = package.documents.iter().map(|d| d.path.as_str()).collect();
    assert_eq!(
        paths,
        [
            "0b6c2a52-4f43-4d0e-9a53-6f0f1d2f7a10_1.pdf",
            "6f1c3d1e-8f0a-4a7b-9d2e-2b1f0c3e4d5a_1.png",
            "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d_2.jpg",
        ]
    );
    let manifest = &package.manifest;
    assert_eq!(manifest.process_id, export.process_id);
    assert_eq!(manifest.case_id, "case-4711");
    assert_eq!(manifest.sender, "Jobcenter Köln");
    assert_eq!(manifest.created_at, export.created_at);
    assert_eq!(manifest.standard, "xdomea");
    assert_eq!(manifest.message_type, "Abgabe.Abgabe.0401");
}

#[test]
fn every_document_is_listed_with_its_correct_hash_in_manifest_and_message() {
    let (export, contents) = case_file();
    let zip = write(&export, &contents);
    let entries = entries(&zip);
    let (_, manifest) = entries
        .iter()
        .find(|(name, _)| name == MANIFEST_FILE)
        .expect("manifest entry");
    let manifest: serde_json::Value = serde_json::from_slice(manifest).expect("json");
    let listed = manifest["documents"].as_array().expect("documents");
    assert_eq!(listed.len(), export.documents.len());
    for (entry, bytes) in listed.iter().zip(&contents) {
        let path = entry["path"].as_str().expect("path");
        let (_, stored) = entries
            .iter()
            .find(|(name, _)| name == path)
            .expect("listed file in the package");
        assert_eq!(stored, bytes);
        assert_eq!(entry["sha256"], hex::encode(Sha256::digest(stored)));
        assert_eq!(entry["size"], stored.len() as u64);
    }
    assert_eq!(
        entries.len(),
        contents.len() + 2,
        "documents, message, manifest"
    );
    let message_name = message_file_name(export.process_id);
    let (_, message) = entries
        .iter()
        .find(|(name, _)| *name == message_name)
        .expect("message entry");
    assert_eq!(
        manifest["message_sha256"],
        hex::encode(Sha256::digest(message))
    );

    let xml = String::from_utf8(message.clone()).expect("utf-8");
    let doc = roxmltree::Document::parse(&xml).expect("well-formed");
    let dokumente: Vec<_> = doc
        .descendants()
        .filter(|n| n.has_tag_name((NS, "Dokument")))
        .collect();
    assert_eq!(dokumente.len(), export.documents.len());
    for ((node, listed), entry) in dokumente.iter().zip(&export.documents).zip(listed) {
        assert_eq!(
            text_at(*node, &["Identifikation", "ID"]),
            listed.document_id
        );
        assert_eq!(
            text_at(*node, &["AllgemeineMetadaten", "Betreff"]),
            listed.title
        );
        assert_eq!(text_at(*node, &["Typ"]), listed.document_type);
        assert_eq!(
            text_at(*node, &["Version", "Nummer"]),
            listed.version.to_string()
        );
        assert_eq!(
            text_at(
                *node,
                &["Version", "Format", "Primaerdokument", "Dateiname"]
            ),
            entry["path"].as_str().expect("path")
        );
    }
}

#[test]
fn the_message_head_names_process_sender_receiver_and_standard() {
    let (export, contents) = case_file();
    let mut writer = PackageWriter::new(Cursor::new(Vec::new()), &export)
        .expect("new")
        .with_receiver("Jobcenter Bonn");
    for (document, bytes) in export.documents.iter().zip(&contents) {
        writer.add_document(document, bytes).expect("add");
    }
    let zip = writer.finish().expect("finish").into_inner();
    let xml = message_of(&zip, &export);
    let doc = roxmltree::Document::parse(&xml).expect("well-formed");
    let root = doc.root_element();
    assert!(root.has_tag_name((NS, "Abgabe.Abgabe.0401")));
    let head = child(root, "Kopf");
    assert_eq!(text_at(head, &["ProzessID"]), export.process_id.to_string());
    assert_eq!(
        child(head, "Nachrichtentyp")
            .children()
            .find(|c| c.has_tag_name("code"))
            .and_then(|c| c.text()),
        Some("0401")
    );
    assert_eq!(
        text_at(head, &["Erstellungszeitpunkt"]),
        "2025-04-02T09:15:30Z"
    );
    assert_eq!(
        text_at(head, &["Absender", "Institution", "Name"]),
        "Jobcenter Köln"
    );
    assert_eq!(
        text_at(head, &["Empfaenger", "Institution", "Name"]),
        "Jobcenter Bonn"
    );
    assert_eq!(text_at(head, &["SendendesSystem", "InstanzID"]), "jc-koeln");
    let akte = child(child(root, "Schriftgutobjekt"), "Akte");
    assert_eq!(
        text_at(akte, &["AllgemeineMetadaten", "Kennzeichen"]),
        "case-4711"
    );
    let vorgang = child(child(akte, "Akteninhalt"), "Vorgang");
    let first = child(vorgang, "Dokument");
    // Received 31 March 22:30 UTC is 1 April in Germany: the legal day of receipt.
    assert_eq!(text_at(first, &["Posteingangsdatum"]), "2025-04-01");
    assert_eq!(
        text_at(first, &["AllgemeineMetadaten", "Bemerkung"]),
        "Eingangskanal: portal; Schlagworte: au, eingang"
    );
    let manifest = read_package(Cursor::new(zip)).expect("read").manifest;
    assert_eq!(manifest.receiver.as_deref(), Some("Jobcenter Bonn"));
}

#[test]
fn markup_in_metadata_is_escaped_and_the_message_stays_well_formed() {
    let (mut export, contents) = case_file();
    let nasty = r#"<Bescheid> & "Widerspruch" 'vom' </xdomea:Betreff><x>"#;
    export.sender = "Jobcenter <Stadt> & Land".to_owned();
    export.documents[0].title = nasty.to_owned();
    export.documents[0].file_name = "a&b<c>.pdf".to_owned();
    export.documents[1].tags = vec!["<tag>".to_owned(), "x&y".to_owned()];
    export.documents[2].title = "Zeile1\r\nZeile2\u{1}\u{0}".to_owned();
    let zip = write(&export, &contents);
    let xml = message_of(&zip, &export);
    assert!(!xml.contains("<Bescheid>"));
    assert!(!xml.contains("<x>"));
    let doc = roxmltree::Document::parse(&xml).expect("well-formed despite markup in metadata");
    let dokumente: Vec<_> = doc
        .descendants()
        .filter(|n| n.has_tag_name((NS, "Dokument")))
        .collect();
    assert_eq!(
        text_at(dokumente[0], &["AllgemeineMetadaten", "Betreff"]),
        nasty
    );
    assert_eq!(
        text_at(
            dokumente[0],
            &["Version", "Format", "Primaerdokument", "DateinameOriginal"]
        ),
        "a&b<c>.pdf"
    );
    assert_eq!(
        text_at(dokumente[1], &["AllgemeineMetadaten", "Bemerkung"]),
        "Eingangskanal: portal; Schlagworte: <tag>, x&y"
    );
    // A carriage return survives; characters XML cannot carry become U+FFFD.
    assert_eq!(
        text_at(dokumente[2], &["AllgemeineMetadaten", "Betreff"]),
        "Zeile1\r\nZeile2\u{FFFD}\u{FFFD}"
    );
    let head = child(doc.root_element(), "Kopf");
    assert_eq!(
        text_at(head, &["Absender", "Institution", "Name"]),
        "Jobcenter <Stadt> & Land"
    );
    // The package still verifies as a whole.
    read_package(Cursor::new(zip)).expect("read");
}

#[test]
fn a_flipped_byte_in_a_document_is_detected() {
    let (export, contents) = case_file();
    let mut zip = write(&export, &contents);
    // Entries are stored, so the content appears verbatim in the package.
    let needle = &contents[1];
    let at = zip
        .windows(needle.len())
        .position(|w| w == needle.as_slice())
        .expect("stored content");
    zip[at + 9] ^= 0x01;
    let result = read_package(Cursor::new(zip));
    assert!(
        matches!(&result, Err(ExportError::Corrupted { path }) if path.ends_with("_1.png")),
        "{result:?}"
    );
}

#[test]
fn a_replaced_document_with_a_valid_container_is_detected_by_its_hash() {
    let (export, contents) = case_file();
    let mut entries = entries(&write(&export, &contents));
    let target = entries
        .iter_mut()
        .find(|(name, _)| name.ends_with("_1.pdf"))
        .expect("pdf");
    target.1[0] = b'!'; // same size, new CRC: only the SHA-256 can tell
    let result = read_package(Cursor::new(rezip(&entries)));
    assert!(
        matches!(&result, Err(ExportError::Corrupted { path }) if path.ends_with("_1.pdf")),
        "{result:?}"
    );
}

#[test]
fn an_edited_message_a_missing_file_and_an_extra_file_are_detected() {
    let (export, contents) = case_file();
    let original = entries(&write(&export, &contents));
    let message_name = message_file_name(export.process_id);

    let mut edited = original.clone();
    let message = edited
        .iter_mut()
        .find(|(name, _)| *name == message_name)
        .expect("message");
    message.1 = String::from_utf8(message.1.clone())
        .expect("utf-8")
        .replace("Kontoauszug", "Kontoauszog")
        .into_bytes();
    assert!(matches!(
        read_package(Cursor::new(rezip(&edited))),
        Err(ExportError::Corrupted { path }) if path == message_name
    ));

    let missing: Vec<_> = original
        .iter()
        .filter(|(name, _)| !name.ends_with("_1.png"))
        .cloned()
        .collect();
    assert!(matches!(
        read_package(Cursor::new(rezip(&missing))),
        Err(ExportError::MissingFile { path }) if path.ends_with("_1.png")
    ));

    let mut extra = original.clone();
    extra.push(("payload.exe".to_owned(), b"MZ".to_vec()));
    assert!(matches!(
        read_package(Cursor::new(rezip(&extra))),
        Err(ExportError::UnlistedFile { path }) if path == "payload.exe"
    ));

    let no_manifest: Vec<_> = original
        .iter()
        .filter(|(name, _)| name != MANIFEST_FILE)
        .cloned()
        .collect();
    assert!(matches!(
        read_package(Cursor::new(rezip(&no_manifest))),
        Err(ExportError::InvalidManifest(_))
    ));
}

#[test]
fn bytes_that_differ_from_the_record_are_never_exported() {
    let (export, contents) = case_file();
    let mut writer = PackageWriter::new(Cursor::new(Vec::new()), &export).expect("new");
    let mut corrupted = contents[0].clone();
    corrupted[0] ^= 0xff;
    assert!(matches!(
        writer.add_document(&export.documents[0], &corrupted),
        Err(ExportError::ContentMismatch { .. })
    ));
    let mut longer = contents[0].clone();
    longer.push(0);
    assert!(matches!(
        writer.add_document(&export.documents[0], &longer),
        Err(ExportError::ContentMismatch { .. })
    ));
    let stranger = document("d-unlisted", "x", "application/pdf", b"x");
    assert!(matches!(
        writer.add_document(&stranger, b"x"),
        Err(ExportError::UnexpectedDocument { .. })
    ));
    writer
        .add_document(&export.documents[0], &contents[0])
        .expect("the right bytes");
    assert!(matches!(
        writer.add_document(&export.documents[0], &contents[0]),
        Err(ExportError::DuplicateDocument { .. })
    ));
    let result = writer.finish();
    assert!(
        matches!(&result, Err(ExportError::MissingDocuments(ids)) if ids.len() == 2),
        "{:?}",
        result.err()
    );
}

#[test]
fn the_uploaders_file_name_is_never_a_path_in_the_package() {
    let (mut export, contents) = case_file();
    export.documents[0].file_name = "../../etc/passwd".to_owned();
    let zip = write(&export, &contents);
    let names: Vec<String> = entries(&zip).into_iter().map(|(name, _)| name).collect();
    assert!(
        names.iter().all(|n| !n.contains('/') && !n.contains("..")),
        "{names:?}"
    );
    let package = read_package(Cursor::new(zip)).expect("read");
    assert_eq!(package.documents[0].document.file_name, "../../etc/passwd");
}

#[test]
fn unnameable_or_duplicate_documents_are_refused_up_front() {
    let (mut export, _) = case_file();
    export.documents[0].document_id = "../escape".to_owned();
    assert!(matches!(
        PackageWriter::new(Cursor::new(Vec::new()), &export),
        Err(ExportError::InvalidDocument { .. })
    ));
    let (mut export, _) = case_file();
    export.documents.push(export.documents[0].clone());
    assert!(matches!(
        PackageWriter::new(Cursor::new(Vec::new()), &export),
        Err(ExportError::DuplicateDocument { .. })
    ));
}

#[test]
fn the_same_export_gives_the_same_bytes() {
    let (export, contents) = case_file();
    assert!(write(&export, &contents) == write(&export, &contents));
}

#[test]
fn an_empty_case_file_is_a_valid_package() {
    let (mut export, _) = case_file();
    export.documents.clear();
    let zip = write(&export, &[]);
    let package = read_package(Cursor::new(zip)).expect("read");
    assert!(package.documents.is_empty());
    roxmltree::Document::parse(&package.message).expect("well-formed");
}
