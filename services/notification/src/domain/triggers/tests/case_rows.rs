//! The case log's rows: documents, deadlines, objections, sick notes.

use super::*;

#[test]
fn requested_documents_go_to_the_applicant_with_their_deadline() {
    let e = case::DocumentsRequested {
        due: pday(2026, 12, 15),
        documents: vec!["Kontoauszüge".into(), "Mietvertrag".into()],
    };
    let args = Args::new()
        .with(
            "documents",
            ArgValue::List(vec!["Kontoauszüge".into(), "Mietvertrag".into()]),
        )
        .with("due", ArgValue::Date(day(2026, 12, 15)));
    let expected = |recipient| Notice {
        deadline: Some(day(2026, 12, 15)),
        ..notice(
            recipient,
            Topic::DocumentsRequested,
            Some(CASE),
            args.clone(),
        )
    };
    let stream = case_stream();
    let got = run(
        CASE_LOG,
        event_types::DOCUMENTS_REQUESTED,
        &stream,
        &e,
        &full(),
    );
    assert_eq!(got, vec![expected(account())]);

    let no_account = Context {
        applicant_account: None,
        ..full()
    };
    let got = run(
        CASE_LOG,
        event_types::DOCUMENTS_REQUESTED,
        &stream,
        &e,
        &no_account,
    );
    assert_eq!(got, vec![expected(letter_only())]);

    // Neither an account nor an address: no one to write to.
    let got = run(
        CASE_LOG,
        event_types::DOCUMENTS_REQUESTED,
        &stream,
        &e,
        &Context::default(),
    );
    assert!(got.is_empty());
}

#[test]
fn a_documents_reminder_reaches_only_an_account_with_the_documents_due_day() {
    let e = deadline(case::DeadlineKind::DocumentsReminder);
    let stream = case_stream();
    let expected = |due| Notice {
        deadline: Some(due),
        ..notice(
            account(),
            Topic::DocumentsDueSoon,
            Some(CASE),
            Args::new().with("due", ArgValue::Date(due)),
        )
    };
    let known = Context {
        documents_due: Some(day(2026, 12, 16)),
        ..full()
    };
    let got = run(CASE_LOG, event_types::DEADLINE_REACHED, &stream, &e, &known);
    assert_eq!(got, vec![expected(day(2026, 12, 16))]);

    // Unknown due day: the reminder's day plus the case service's default three days.
    let got = run(
        CASE_LOG,
        event_types::DEADLINE_REACHED,
        &stream,
        &e,
        &full(),
    );
    assert_eq!(got, vec![expected(day(2026, 12, 15))]);

    // Digital only: no letter to an applicant without an account.
    let no_account = Context {
        applicant_account: None,
        ..full()
    };
    assert!(
        run(
            CASE_LOG,
            event_types::DEADLINE_REACHED,
            &stream,
            &e,
            &no_account
        )
        .is_empty()
    );
}

#[test]
fn overdue_warnings_go_to_the_caseworker_naming_the_limit() {
    let stream = case_stream();
    for (kind, limit) in [
        (case::DeadlineKind::DecisionOverdueWarning, "decision"),
        (
            case::DeadlineKind::ObjectionDecisionOverdueWarning,
            "objection",
        ),
    ] {
        let got = run(
            CASE_LOG,
            event_types::DEADLINE_REACHED,
            &stream,
            &deadline(kind),
            &full(),
        );
        let args = Args::new().with("limit", text(limit));
        assert_eq!(
            got,
            vec![notice(
                caseworker(),
                Topic::DecisionOverdue,
                Some(CASE),
                args
            )]
        );

        let team_queue = Context {
            caseworker: None,
            ..full()
        };
        let got = run(
            CASE_LOG,
            event_types::DEADLINE_REACHED,
            &stream,
            &deadline(kind),
            &team_queue,
        );
        assert!(got.is_empty(), "no caseworker, no message");
    }
}

#[test]
fn other_deadlines_trigger_nothing() {
    for kind in [
        case::DeadlineKind::Unspecified,
        case::DeadlineKind::DocumentsDue,
        case::DeadlineKind::ContinuationPrompt,
        case::DeadlineKind::ObjectionPeriodEnds,
    ] {
        let payload = deadline(kind).encode_to_vec();
        let got = decode(
            CASE_LOG,
            event_types::DEADLINE_REACHED,
            &case_stream(),
            &payload,
        );
        assert!(matches!(got, Ok(None)), "{kind:?}");
    }
}

#[test]
fn an_objection_is_confirmed_to_the_applicant_and_handed_to_the_caseworker() {
    let e = case::ObjectionFiled {
        filed_on: pday(2027, 1, 20),
        late: true,
    };
    let filed_on = ArgValue::Date(day(2027, 1, 20));
    let received = notice(
        account(),
        Topic::ObjectionReceived,
        Some(CASE),
        Args::new().with("filed_on", filed_on.clone()),
    );
    let to_handle = notice(
        caseworker(),
        Topic::ObjectionFiled,
        Some(CASE),
        Args::new()
            .with("filed_on", filed_on)
            .with("late", text("yes")),
    );
    let stream = case_stream();
    let got = run(CASE_LOG, event_types::OBJECTION_FILED, &stream, &e, &full());
    assert_eq!(got, vec![received.clone(), to_handle]);

    let team_queue = Context {
        caseworker: None,
        ..full()
    };
    let got = run(
        CASE_LOG,
        event_types::OBJECTION_FILED,
        &stream,
        &e,
        &team_queue,
    );
    assert_eq!(got, vec![received]);

    let in_time = case::ObjectionFiled { late: false, ..e };
    let got = run(
        CASE_LOG,
        event_types::OBJECTION_FILED,
        &stream,
        &in_time,
        &full(),
    );
    assert_eq!(got[1].args.get("late"), Some(&text("no")));
}

#[test]
fn a_recorded_incapacity_is_told_to_the_caseworker_with_a_scan_attached() {
    let e = case::IncapacityRecorded {
        record_id: DOCUMENT.to_string(),
        source: case::IncapacitySource::Scan as i32,
        incapacity_from: pday(2026, 11, 2),
        incapacity_until: pday(2026, 11, 6),
        automatic: true,
        ..Default::default()
    };
    let args = Args::new()
        .with("from", ArgValue::Date(day(2026, 11, 2)))
        .with("until", ArgValue::Date(day(2026, 11, 6)));
    let stream = case_stream();
    let got = run(
        CASE_LOG,
        event_types::INCAPACITY_RECORDED,
        &stream,
        &e,
        &full(),
    );
    assert_eq!(
        got,
        vec![Notice {
            attachments: vec![DOCUMENT],
            ..notice(
                caseworker(),
                Topic::SickNoteRecorded,
                Some(CASE),
                args.clone()
            )
        }]
    );

    // A form's record id is an application, not a document: nothing attached.
    let form = case::IncapacityRecorded {
        source: case::IncapacitySource::Form as i32,
        ..e.clone()
    };
    let got = run(
        CASE_LOG,
        event_types::INCAPACITY_RECORDED,
        &stream,
        &form,
        &full(),
    );
    assert_eq!(
        got,
        vec![notice(
            caseworker(),
            Topic::SickNoteRecorded,
            Some(CASE),
            args
        )]
    );

    let team_queue = Context {
        caseworker: None,
        ..full()
    };
    assert!(
        run(
            CASE_LOG,
            event_types::INCAPACITY_RECORDED,
            &stream,
            &e,
            &team_queue
        )
        .is_empty()
    );
}

#[test]
fn a_sick_note_to_review_is_handed_to_the_caseworker() {
    let e = case::SickNoteReviewRequested {
        document_id: DOCUMENT.to_string(),
        confidence: 40,
        ..Default::default()
    };
    let stream = case_stream();
    let got = run(
        CASE_LOG,
        event_types::SICK_NOTE_REVIEW_REQUESTED,
        &stream,
        &e,
        &full(),
    );
    assert_eq!(
        got,
        vec![Notice {
            attachments: vec![DOCUMENT],
            ..notice(
                caseworker(),
                Topic::SickNoteNeedsReview,
                Some(CASE),
                Args::new()
            )
        }]
    );
    let team_queue = Context {
        caseworker: None,
        ..full()
    };
    let got = run(
        CASE_LOG,
        event_types::SICK_NOTE_REVIEW_REQUESTED,
        &stream,
        &e,
        &team_queue,
    );
    assert!(got.is_empty());
}
