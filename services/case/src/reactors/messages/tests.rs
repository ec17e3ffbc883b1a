//! From a notification event to the case command it asks for, or why it asks for none.

use super::*;

const CASE: &str = "7d1c3c52-4f1e-5b2a-9a41-0c3b2d1e0f9a";

/// `payload` recorded as `event_type` on the stream of message `message_id`, with `case_id` in
/// its metadata.
fn recorded(
    event_type: &str,
    payload: &impl Message,
    message_id: Uuid,
    case_id: Option<&str>,
) -> RecordedEvent {
    RecordedEvent {
        position: eventlog::LogPosition::new(1, 1),
        event_id: Uuid::new_v4(),
        stream_id: format!("message-{message_id}"),
        version: 1,
        tenant_id: "jc-essen".into(),
        event_type: event_type.into(),
        schema_version: 1,
        payload: payload.encode_to_vec(),
        metadata: eventlog::EventMetadata {
            case_id: case_id.map(str::to_owned),
            ..Default::default()
        },
        recorded_at: chrono::DateTime::from_timestamp(1_898_841_600, 0).expect("a time"),
        prev_hash: vec![0; 32],
        hash: vec![0; 32],
    }
}

fn sent(message_id: Uuid, case_id: &str) -> notification::MessageSent {
    notification::MessageSent {
        message_id: message_id.to_string(),
        case_id: case_id.into(),
        author: "applicant-7".into(),
        subject: "Frage zum Bescheid".into(),
        body: "Guten Tag, ...".into(),
        attachment_document_ids: vec![Uuid::new_v4().to_string()],
        in_reply_to: String::new(),
    }
}

fn reply(reply_id: Uuid, answered: &str, case_id: &str) -> notification::MessageComposed {
    notification::MessageComposed {
        message_id: reply_id.to_string(),
        recipient_kind: notification::RecipientKind::Applicant as i32,
        recipient: "applicant-7".into(),
        case_id: case_id.into(),
        topic: notification::Topic::Reply as i32,
        subject: "Re: Frage zum Bescheid".into(),
        body: "Guten Tag, ...".into(),
        origin: Some(notification::message_composed::Origin::Reply(
            notification::Reply {
                in_reply_to: answered.into(),
                author: "cw-1".into(),
            },
        )),
        ..Default::default()
    }
}

#[test]
fn a_sent_message_is_noted_with_its_receipt_time_and_without_its_text() {
    let id = Uuid::new_v4();
    let message = sent(id, CASE);
    let event = recorded(MESSAGE_SENT, &message, id, None);
    let reaction = reaction(&event);
    let Ok(Reaction {
        case_id,
        command: Command::NoteApplicantMessage(noted),
    }) = reaction
    else {
        panic!("a note expected, got {reaction:?}")
    };
    assert_eq!(case_id.to_string(), CASE);
    assert_eq!(
        noted,
        proto::ApplicantMessageNoted {
            message_id: id.to_string(),
            subject: "Frage zum Bescheid".into(),
            attachment_document_ids: message.attachment_document_ids,
            sent_at: Some(to_timestamp(event.recorded_at)),
            in_reply_to: String::new(),
            author: "applicant-7".into(),
        }
    );
}

#[test]
fn ids_are_written_in_one_spelling_and_the_stream_stands_in_for_a_missing_one() {
    let id = Uuid::new_v4();
    let answered = Uuid::new_v4();
    let mut message = sent(id, "");
    message.message_id = String::new();
    message.in_reply_to = answered.to_string().to_uppercase();
    let reaction = reaction(&recorded(MESSAGE_SENT, &message, id, Some(CASE)));
    let Ok(Reaction {
        case_id,
        command: Command::NoteApplicantMessage(noted),
    }) = reaction
    else {
        panic!("a note expected, got {reaction:?}")
    };
    // The case from the metadata, the message from the stream.
    assert_eq!(case_id.to_string(), CASE);
    assert_eq!(noted.message_id, id.to_string());
    assert_eq!(noted.in_reply_to, answered.to_string());
}

#[test]
fn a_reply_answers_the_message_it_names() {
    let reply_id = Uuid::new_v4();
    let answered = Uuid::new_v4();
    let composed = reply(reply_id, &answered.to_string().to_uppercase(), CASE);
    let reaction = reaction(&recorded(MESSAGE_COMPOSED, &composed, reply_id, None));
    assert_eq!(
        reaction,
        Ok(Reaction {
            case_id: Uuid::parse_str(CASE).expect("uuid"),
            command: Command::AnswerApplicantMessage(proto::ApplicantMessageAnswered {
                message_id: answered.to_string(),
                reply_message_id: reply_id.to_string(),
                answered_by: "cw-1".into(),
                subject: String::new(),
            }),
        })
    );
}

#[test]
fn triggered_messages_receipts_and_deliveries_are_not_the_cases_business() {
    let id = Uuid::new_v4();
    let mut triggered = reply(id, &Uuid::new_v4().to_string(), CASE);
    triggered.origin = Some(notification::message_composed::Origin::Trigger(
        notification::Trigger {
            source_log: "case".into(),
            event_id: Uuid::new_v4().to_string(),
            event_type: "case.DocumentsRequested".into(),
        },
    ));
    assert_eq!(
        reaction(&recorded(MESSAGE_COMPOSED, &triggered, id, Some(CASE))),
        Err(Passed::NotOfInterest)
    );
    let read = notification::MessageRead {
        read_by: "applicant-7".into(),
        read_at: None,
    };
    assert_eq!(
        reaction(&recorded("notification.MessageRead", &read, id, Some(CASE))),
        Err(Passed::NotOfInterest)
    );
}

#[test]
fn a_message_without_a_case_is_passed_by() {
    let id = Uuid::new_v4();
    assert_eq!(
        reaction(&recorded(MESSAGE_SENT, &sent(id, ""), id, None)),
        Err(Passed::NoCase)
    );
}

#[test]
fn malformed_events_are_passed_by_with_a_reason() {
    let id = Uuid::new_v4();
    let cases: Vec<(&str, RecordedEvent)> = vec![
        (
            "bad case",
            recorded(MESSAGE_SENT, &sent(id, "case-7"), id, None),
        ),
        ("bad message", {
            let mut message = sent(id, CASE);
            message.message_id = "message-7".into();
            recorded(MESSAGE_SENT, &message, id, None)
        }),
        ("bad answered", {
            let mut message = sent(id, CASE);
            message.in_reply_to = "earlier".into();
            recorded(MESSAGE_SENT, &message, id, None)
        }),
        (
            "reply to nothing",
            recorded(MESSAGE_COMPOSED, &reply(id, "", CASE), id, None),
        ),
        ("unreadable", {
            let mut event = recorded(MESSAGE_SENT, &sent(id, CASE), id, None);
            event.payload = vec![0xff, 0xff, 0xff];
            event
        }),
    ];
    for (name, event) in cases {
        assert!(
            matches!(reaction(&event), Err(Passed::Malformed(_))),
            "{name}: {:?}",
            reaction(&event)
        );
    }
}

#[test]
fn command_ids_follow_the_notification_event() {
    let event = Uuid::new_v4();
    assert_eq!(reaction_command_id(event), reaction_command_id(event));
    assert_ne!(reaction_command_id(event), event);
    assert_ne!(
        reaction_command_id(event),
        crate::reactors::appointments::reaction_command_id(event)
    );
}
