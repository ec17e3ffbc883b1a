//! Given a case's events, when a sick note arrives (form or scan), is confirmed or acknowledged,
//! then these events or this refusal.

use super::*;
use crate::domain::case::{self, Command, CommandError};
use crate::domain::lifecycle::Periods;

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("a valid date")
}

fn received() -> Option<prost_types::Timestamp> {
    // 2026-12-01 09:00 UTC.
    Some(prost_types::Timestamp {
        seconds: 1_796_115_600,
        nanos: 0,
    })
}

fn opened() -> Event {
    Event::CaseOpened(proto::CaseOpened {
        case_id: "c-1".into(),
        application_id: "a-1".into(),
        application_received_at: Some(prost_types::Timestamp {
            seconds: 1_795_426_200,
            nanos: 0,
        }),
        applicant_family_name: "Müller-Weiß".into(),
        applicant_given_name: "Jürgen".into(),
        postal_code: "45127".into(),
        ..Default::default()
    })
}

fn given(events: &[Event]) -> Case {
    let mut all = vec![opened()];
    all.extend_from_slice(events);
    let numbered: Vec<(i32, &Event)> = all
        .iter()
        .enumerate()
        .map(|(i, e)| (i32::try_from(i + 1).expect("small"), e))
        .collect();
    Case::fold(numbered).expect("an opened case")
}

/// Applies `command` to `case` the way the command path does.
fn when(case: &Case, command: Command) -> Result<Vec<Event>, CommandError> {
    case::decide(case, command, day(2026, 12, 2), &Periods::LEGAL)
}

/// A confident, complete reading of the applicant's sick note.
fn reading() -> Reading {
    Reading {
        document_id: "d-1".into(),
        family_name: "MUELLER-WEISS".into(),
        given_name: "juergen".into(),
        incapacity_from: Some(day(2026, 12, 1)),
        incapacity_until: Some(day(2026, 12, 5)),
        issued_on: Some(day(2026, 12, 1)),
        certificate: proto::SickNoteCertificate::First,
        confidence: 80,
        doubts: Vec::new(),
        received_at: received(),
    }
}

fn assess_reading(case: &Case, reading: Reading) -> Result<Vec<Event>, CommandError> {
    when(
        case,
        Command::AssessSickNote {
            reading,
            threshold: ConfidenceThreshold::default(),
        },
    )
}

/// The doubts of the review `events` requests (panics when it records instead).
fn doubts(events: &[Event]) -> Vec<String> {
    match events {
        [Event::SickNoteReviewRequested(review)] => review.doubts.clone(),
        other => panic!("expected a review, got {other:?}"),
    }
}

#[test]
fn names_match_case_insensitively_with_umlauts_and_sharp_s_folded() {
    assert_eq!(fold_name("  Müller-Weiß "), "mueller-weiss");
    assert_eq!(fold_name("MÜLLER-WEISS"), "mueller-weiss");
    assert_eq!(fold_name("Özdemir   Ayşe"), "oezdemir ayşe");
    // "u" followed by a combining diaeresis, as some scanners write it.
    assert_eq!(fold_name("Mu\u{308}ller"), "mueller");
    let case = given(&[]);
    assert!(same_person(&case, "Mueller-Weiss", "JUERGEN"));
    assert!(same_person(&case, "müller-weiß", "Jürgen"));
    assert!(!same_person(&case, "Müller", "Jürgen"));
    assert!(!same_person(&case, "Müller-Weiß", "Erika"));
    assert!(!same_person(&case, "", ""));
}

#[test]
fn given_a_confident_matching_reading_then_the_platform_records_it() {
    let case = given(&[]);
    let events = assess_reading(&case, reading()).expect("decided");
    assert_eq!(
        events,
        vec![Event::IncapacityRecorded(proto::IncapacityRecorded {
            record_id: "d-1".into(),
            source: proto::IncapacitySource::Scan as i32,
            incapacity_from: Some(dates::to_proto(day(2026, 12, 1))),
            incapacity_until: Some(dates::to_proto(day(2026, 12, 5))),
            issued_on: Some(dates::to_proto(day(2026, 12, 1))),
            certificate: proto::SickNoteCertificate::First as i32,
            received_at: received(),
            automatic: true,
        })]
    );
}

#[test]
fn below_the_threshold_a_caseworker_is_asked_with_what_was_read() {
    let case = given(&[]);
    let mut unsure = reading();
    unsure.confidence = 79;
    let events = assess_reading(&case, unsure).expect("decided");
    let [Event::SickNoteReviewRequested(review)] = events.as_slice() else {
        panic!("a review: {events:?}")
    };
    assert_eq!(review.document_id, "d-1");
    assert_eq!(review.person_read, "juergen MUELLER-WEISS");
    assert_eq!(review.confidence, 79);
    assert_eq!(
        review.incapacity_until,
        Some(dates::to_proto(day(2026, 12, 5)))
    );
    assert_eq!(review.received_at, received());
    assert_eq!(
        review.doubts,
        vec!["the reading's confidence (79) is below the threshold (80)".to_owned()]
    );
    // A stricter jobcenter setting asks even at 80; 1 accepts nearly anything.
    let strict = ConfidenceThreshold::new(90).expect("in range");
    assert!(matches!(
        assess(&case, &reading(), strict),
        Assessment::Review(_)
    ));
    let lenient = ConfidenceThreshold::new(1).expect("in range");
    assert!(matches!(
        assess(&case, &reading(), lenient),
        Assessment::Record(_)
    ));
}

#[test]
fn the_threshold_is_between_1_and_100() {
    assert!(ConfidenceThreshold::new(0).is_err());
    assert!(ConfidenceThreshold::new(101).is_err());
    assert_eq!(
        ConfidenceThreshold::new(100).map(ConfidenceThreshold::get),
        Ok(100)
    );
    assert_eq!(ConfidenceThreshold::default().get(), DEFAULT_CONFIDENCE);
}

#[test]
fn the_readers_own_doubts_come_first_then_the_cases() {
    let case = given(&[]);
    let mut doubted = reading();
    doubted.doubts = vec!["no end date found".into()];
    doubted.incapacity_until = None;
    doubted.given_name = "Erika".into();
    let events = assess_reading(&case, doubted).expect("decided");
    assert_eq!(
        doubts(&events),
        vec![
            "no end date found".to_owned(),
            "no last day of incapacity was read".to_owned(),
            "the name read does not match the case's applicant".to_owned(),
        ]
    );
}

#[test]
fn days_read_out_of_order_or_missing_go_to_a_caseworker() {
    let case = given(&[]);
    let mut unordered = reading();
    unordered.incapacity_until = Some(day(2026, 11, 30));
    assert_eq!(
        doubts(&assess_reading(&case, unordered).expect("decided")),
        vec!["the last day of incapacity lies before the first".to_owned()]
    );
    let mut no_start = reading();
    no_start.incapacity_from = None;
    assert_eq!(
        doubts(&assess_reading(&case, no_start).expect("decided")),
        vec!["no first day of incapacity was read".to_owned()]
    );
    // One day is a period too.
    let mut one_day = reading();
    one_day.incapacity_until = one_day.incapacity_from;
    assert!(matches!(
        assess_reading(&case, one_day).expect("decided").as_slice(),
        [Event::IncapacityRecorded(_)]
    ));
}

#[test]
fn a_reading_without_a_name_goes_to_a_caseworker() {
    let case = given(&[]);
    let mut nameless = reading();
    nameless.given_name = " ".into();
    let events = assess_reading(&case, nameless).expect("decided");
    assert_eq!(doubts(&events), vec!["no full name was read".to_owned()]);
    let [Event::SickNoteReviewRequested(review)] = events.as_slice() else {
        panic!("a review")
    };
    assert_eq!(review.person_read, "MUELLER-WEISS");
}

#[test]
fn given_a_closed_case_a_reading_goes_to_a_caseworker() {
    let case = given(&[Event::CaseClosed(proto::CaseClosed {
        closed_on: Some(dates::to_proto(day(2026, 11, 30))),
        reason: proto::CloseReason::WorkFound as i32,
    })]);
    assert_eq!(
        doubts(&assess_reading(&case, reading()).expect("decided")),
        vec!["the case is closed".to_owned()]
    );
}

#[test]
fn a_document_recorded_or_under_review_is_processed_once() {
    let case = given(&[]);
    let recorded = assess_reading(&case, reading()).expect("decided");
    let case = given(&recorded);
    assert_eq!(assess_reading(&case, reading()), Ok(Vec::new()));
    // Under review: a second reading (another version, or the same redelivered) adds nothing,
    // even when it would now be confident.
    let mut unsure = reading();
    unsure.confidence = 10;
    let review = assess_reading(&given(&[]), unsure).expect("decided");
    let case = given(&review);
    assert_eq!(assess_reading(&case, reading()), Ok(Vec::new()));
}

fn confirmation(from: NaiveDate, until: NaiveDate) -> Command {
    Command::ConfirmSickNote(Confirmation {
        document_id: "d-1".into(),
        period: IncapacityPeriod::new(from, until).expect("ordered"),
        issued_on: None,
        certificate: proto::SickNoteCertificate::FollowUp,
    })
}

#[test]
fn given_a_review_when_a_caseworker_confirms_then_it_is_recorded_by_them_once() {
    let mut unsure = reading();
    unsure.confidence = 10;
    let review = assess_reading(&given(&[]), unsure).expect("decided");
    let case = given(&review);
    let events = when(&case, confirmation(day(2026, 12, 2), day(2026, 12, 9))).expect("recorded");
    assert_eq!(
        events,
        vec![Event::IncapacityRecorded(proto::IncapacityRecorded {
            record_id: "d-1".into(),
            source: proto::IncapacitySource::Scan as i32,
            incapacity_from: Some(dates::to_proto(day(2026, 12, 2))),
            incapacity_until: Some(dates::to_proto(day(2026, 12, 9))),
            issued_on: None,
            certificate: proto::SickNoteCertificate::FollowUp as i32,
            received_at: received(),
            automatic: false,
        })]
    );
    let mut all = review;
    all.extend(events);
    let case = given(&all);
    assert!(case.sick_notes.reviews.is_empty());
    assert_eq!(
        when(&case, confirmation(day(2026, 12, 2), day(2026, 12, 9))),
        Err(CommandError::SickNote(SickNoteRefusal::AlreadyRecorded))
    );
    // What was confirmed by a caseworker needs no acknowledgement.
    assert_eq!(
        when(
            &case,
            Command::AcknowledgeSickNote {
                record_id: "d-1".into()
            }
        ),
        Err(CommandError::SickNote(SickNoteRefusal::NoAutomaticRecord))
    );
}

#[test]
fn without_a_review_there_is_nothing_to_confirm() {
    let case = given(&[]);
    assert_eq!(
        when(&case, confirmation(day(2026, 12, 2), day(2026, 12, 9))),
        Err(CommandError::SickNote(SickNoteRefusal::NoReview))
    );
    assert_eq!(
        IncapacityPeriod::new(day(2026, 12, 9), day(2026, 12, 2)),
        Err(Unordered)
    );
}

fn form(from: Option<NaiveDate>, until: Option<NaiveDate>) -> FormSickNote {
    FormSickNote {
        incapacity_from: from,
        incapacity_until: until,
        issued_on: Some(day(2026, 12, 1)),
        certificate: proto::SickNoteCertificate::First,
    }
}

fn matter() -> proto::MatterAttached {
    proto::MatterAttached {
        application_id: "m-1".into(),
        kind: proto::MatterKind::SickNote as i32,
        received_at: received(),
        warnings: Vec::new(),
    }
}

#[test]
fn given_a_sick_note_form_then_it_is_attached_recorded_and_processed_in_one_append() {
    let case = given(&[]);
    let events = when(
        &case,
        Command::AttachSickNote {
            matter: matter(),
            form: form(Some(day(2026, 12, 1)), Some(day(2026, 12, 5))),
        },
    )
    .expect("filed");
    assert_eq!(
        events,
        vec![
            Event::MatterAttached(matter()),
            Event::IncapacityRecorded(proto::IncapacityRecorded {
                record_id: "m-1".into(),
                source: proto::IncapacitySource::Form as i32,
                incapacity_from: Some(dates::to_proto(day(2026, 12, 1))),
                incapacity_until: Some(dates::to_proto(day(2026, 12, 5))),
                issued_on: Some(dates::to_proto(day(2026, 12, 1))),
                certificate: proto::SickNoteCertificate::First as i32,
                received_at: received(),
                automatic: true,
            }),
            Event::MatterDecided(proto::MatterDecided {
                application_id: "m-1".into(),
                outcome: proto::MatterOutcome::Processed as i32,
                note: "recorded automatically".into(),
            }),
        ]
    );
    // Redelivered: once.
    let case = given(&events);
    assert!(case.matters.get("m-1").is_some_and(|m| m.decided));
    assert_eq!(
        when(
            &case,
            Command::AttachSickNote {
                matter: matter(),
                form: form(Some(day(2026, 12, 1)), Some(day(2026, 12, 5))),
            },
        ),
        Ok(Vec::new())
    );
}

#[test]
fn a_form_without_an_ordered_period_or_on_a_closed_case_is_left_to_a_caseworker() {
    let attach = |case: &Case, form| {
        when(
            case,
            Command::AttachSickNote {
                matter: matter(),
                form,
            },
        )
    };
    let only_attached = Ok(vec![Event::MatterAttached(matter())]);
    let open = given(&[]);
    assert_eq!(
        attach(&open, form(Some(day(2026, 12, 5)), Some(day(2026, 12, 1)))),
        only_attached
    );
    assert_eq!(
        attach(&open, form(Some(day(2026, 12, 5)), None)),
        only_attached
    );
    let closed = given(&[Event::CaseClosed(proto::CaseClosed {
        closed_on: Some(dates::to_proto(day(2026, 11, 30))),
        reason: proto::CloseReason::MovedAway as i32,
    })]);
    assert_eq!(
        attach(
            &closed,
            form(Some(day(2026, 12, 1)), Some(day(2026, 12, 5)))
        ),
        only_attached
    );
}

#[test]
fn an_automatic_record_is_acknowledged_once() {
    let recorded = assess_reading(&given(&[]), reading()).expect("decided");
    let case = given(&recorded);
    let acknowledge = || Command::AcknowledgeSickNote {
        record_id: "d-1".into(),
    };
    let events = when(&case, acknowledge()).expect("acknowledged");
    assert_eq!(
        events,
        vec![Event::SickNoteAcknowledged(proto::SickNoteAcknowledged {
            record_id: "d-1".into()
        })]
    );
    let mut all = recorded;
    all.extend(events);
    assert_eq!(
        when(&given(&all), acknowledge()),
        Err(CommandError::SickNote(SickNoteRefusal::AlreadyAcknowledged))
    );
    assert_eq!(
        when(
            &given(&all),
            Command::AcknowledgeSickNote {
                record_id: "d-2".into()
            }
        ),
        Err(CommandError::SickNote(SickNoteRefusal::NoAutomaticRecord))
    );
}
