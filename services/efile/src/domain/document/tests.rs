//! Given events, when a command, then events (or a refusal).

use super::*;

fn at(seconds: i64) -> DateTime<Utc> {
    DateTime::from_timestamp(1_800_000_000 + seconds, 0).expect("time")
}

fn content(byte: char) -> Content {
    Content {
        sha256: byte.to_string().repeat(64),
        size: 1234,
        media_type: "application/pdf".into(),
        file_name: "scan.pdf".into(),
    }
}

fn filing() -> Filing {
    Filing {
        document_id: Uuid::from_u128(1),
        case_id: Uuid::from_u128(2),
        doc_type: DocumentType::RentalContract,
        tags: vec!["kdu".into(), "miete".into()],
        channel: Channel::Portal,
        received_at: at(-3600),
        content: content('a'),
        filed_by: "applicant-7".into(),
        source_id: String::new(),
    }
}

/// The state after recording `events` one after another.
fn given(events: &[Event]) -> Option<Document> {
    Document::fold(events.iter().enumerate().map(|(i, e)| {
        (
            i32::try_from(i + 1).expect("small"),
            at(i64::try_from(i).expect("small")),
            e,
        )
    }))
}

fn filed() -> Vec<Event> {
    decide(None, Command::File(filing())).expect("filed")
}

fn hold() -> Command {
    Command::PlaceLegalHold {
        reason: "S 12 AS 345/26".into(),
        placed_by: "lead-1".into(),
    }
}

fn delete() -> Command {
    Command::Delete {
        due_on: chrono::NaiveDate::from_ymd_opt(2037, 1, 1).expect("day"),
        rule: "10 years after the case closed".into(),
    }
}

#[test]
fn filing_records_version_one_with_its_content_and_metadata() {
    let events = filed();
    let [Event::DocumentFiled(e)] = events.as_slice() else {
        panic!("{events:?}")
    };
    assert_eq!(e.tags, vec!["kdu".to_owned(), "miete".to_owned()]);
    assert_eq!(e.content.as_ref().map(|c| c.size), Some(1234));
    let doc = given(&events).expect("a document");
    assert_eq!(doc.version, 1);
    assert_eq!(doc.versions.len(), 1);
    assert_eq!(doc.current().content, content('a'));
    assert_eq!(doc.received_at, at(-3600));
    assert_eq!(doc.filed_at, at(0));
    assert!(!doc.legal_hold && !doc.deleted);
}

#[test]
fn filing_twice_is_refused_and_other_commands_need_a_document() {
    let doc = given(&filed());
    assert_eq!(
        decide(doc.as_ref(), Command::File(filing())),
        Err(Refusal::AlreadyFiled)
    );
    assert_eq!(decide(None, hold()), Err(Refusal::NotFiled));
}

#[test]
fn a_new_version_is_numbered_and_becomes_current_and_the_old_one_stays() {
    let mut events = filed();
    let added = decide(
        given(&events).as_ref(),
        Command::AddVersion {
            content: content('b'),
            reason: "better scan".into(),
            added_by: "cw-1".into(),
        },
    )
    .expect("added");
    let [Event::DocumentVersionAdded(v)] = added.as_slice() else {
        panic!("{added:?}")
    };
    assert_eq!(v.number, 2);
    events.extend(added);
    let doc = given(&events).expect("doc");
    assert_eq!(doc.versions.len(), 2);
    assert_eq!(doc.current().content, content('b'));
    assert_eq!(doc.current().reason, "better scan");
    assert_eq!(doc.versions[0].content, content('a'));
    assert_eq!(doc.hashes(), vec!["a".repeat(64), "b".repeat(64)]);
}

#[test]
fn the_same_content_again_records_nothing() {
    let doc = given(&filed());
    let again = decide(
        doc.as_ref(),
        Command::AddVersion {
            content: content('a'),
            reason: "same".into(),
            added_by: "cw-1".into(),
        },
    );
    assert_eq!(again, Ok(Vec::new()));
}

#[test]
fn metadata_changes_are_recorded_whole_and_an_unchanged_one_records_nothing() {
    let mut events = filed();
    let unchanged = Command::ChangeMetadata {
        case_id: Uuid::from_u128(2),
        doc_type: DocumentType::RentalContract,
        tags: vec!["kdu".into(), "miete".into()],
        reason: "check".into(),
        changed_by: "cw-1".into(),
    };
    assert_eq!(decide(given(&events).as_ref(), unchanged), Ok(Vec::new()));
    let changed = decide(
        given(&events).as_ref(),
        Command::ChangeMetadata {
            case_id: Uuid::from_u128(3),
            doc_type: DocumentType::Payslip,
            tags: vec!["einkommen".into()],
            reason: "misfiled".into(),
            changed_by: "cw-1".into(),
        },
    )
    .expect("changed");
    events.extend(changed);
    let doc = given(&events).expect("doc");
    assert_eq!(doc.case_id, Uuid::from_u128(3));
    assert_eq!(doc.doc_type, DocumentType::Payslip);
    assert_eq!(doc.tags, vec!["einkommen".to_owned()]);
    assert_eq!(doc.version, 2);
}

#[test]
fn a_hold_is_placed_once_and_lifted_only_when_placed() {
    let mut events = filed();
    events.extend(decide(given(&events).as_ref(), hold()).expect("held"));
    assert!(given(&events).expect("doc").legal_hold);
    assert_eq!(
        decide(given(&events).as_ref(), hold()),
        Err(Refusal::HoldAlreadyPlaced)
    );
    let lift = || Command::LiftLegalHold {
        reason: "case settled".into(),
        lifted_by: "lead-1".into(),
    };
    events.extend(decide(given(&events).as_ref(), lift()).expect("lifted"));
    assert!(!given(&events).expect("doc").legal_hold);
    assert_eq!(
        decide(given(&events).as_ref(), lift()),
        Err(Refusal::NoLegalHold)
    );
}

#[test]
fn a_held_document_is_not_deleted() {
    let mut events = filed();
    events.extend(decide(given(&events).as_ref(), hold()).expect("held"));
    assert_eq!(
        decide(given(&events).as_ref(), delete()),
        Err(Refusal::UnderLegalHold)
    );
}

#[test]
fn deletion_releases_every_versions_hash_and_then_refuses_every_change() {
    let mut events = filed();
    events.extend(
        decide(
            given(&events).as_ref(),
            Command::AddVersion {
                content: content('b'),
                reason: "better scan".into(),
                added_by: "cw-1".into(),
            },
        )
        .expect("added"),
    );
    let deleted = decide(given(&events).as_ref(), delete()).expect("deleted");
    let [Event::DocumentDeleted(d)] = deleted.as_slice() else {
        panic!("{deleted:?}")
    };
    assert_eq!(d.sha256, vec!["a".repeat(64), "b".repeat(64)]);
    assert_eq!(d.rule, "10 years after the case closed");
    events.extend(deleted);
    let doc = given(&events);
    assert!(doc.as_ref().expect("doc").deleted);
    for command in [hold(), delete()] {
        assert_eq!(decide(doc.as_ref(), command), Err(Refusal::Deleted));
    }
    assert_eq!(
        decide(
            doc.as_ref(),
            Command::AddVersion {
                content: content('c'),
                reason: "late".into(),
                added_by: "cw-1".into(),
            }
        ),
        Err(Refusal::Deleted)
    );
}

#[test]
fn a_stream_that_does_not_begin_with_a_filing_is_no_document() {
    let events = vec![Event::LegalHoldPlaced(proto::LegalHoldPlaced::default())];
    assert_eq!(given(&events), None);
}

fn reading(version: i32) -> Command {
    Command::RecordReading(proto::SickNoteRead {
        version,
        confidence: 91,
        ..Default::default()
    })
}

#[test]
fn a_reading_is_recorded_once_per_version_with_the_documents_case_and_receipt() {
    let doc = given(&filed()).expect("filed");
    let events = decide(Some(&doc), reading(1)).expect("decided");
    let [Event::SickNoteRead(read)] = events.as_slice() else {
        panic!("one reading: {events:?}");
    };
    assert_eq!(read.document_id, doc.document_id.to_string());
    assert_eq!(read.case_id, doc.case_id.to_string());
    assert_eq!(read.confidence, 91);
    assert_eq!(
        read.received_at.as_ref().and_then(dates::to_utc),
        Some(doc.received_at)
    );

    let mut history = filed();
    history.extend(events);
    let read_once = given(&history).expect("still a document");
    assert_eq!(read_once.read_versions, vec![1]);
    assert!(
        decide(Some(&read_once), reading(1))
            .expect("decided")
            .is_empty()
    );
    // A version the document does not have is not read.
    assert!(
        decide(Some(&read_once), reading(2))
            .expect("decided")
            .is_empty()
    );
}
