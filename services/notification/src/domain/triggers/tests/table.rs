//! The table as a whole: every topic, the owning logs, malformed events, the templates.

use super::*;

#[test]
fn the_table_composes_every_topic_but_reply_and_staff_topics_only_for_staff() {
    let mut topics = Vec::new();
    for (log, event_type, stream, payload) in every_row() {
        let trigger = decode(log, event_type, &stream, &payload)
            .expect("decodes")
            .expect("is a trigger");
        for n in notices(&trigger, &appointment_directory()) {
            let staff = matches!(n.recipient, Recipient::Staff { .. });
            assert_eq!(staff, n.topic.for_staff(), "{event_type}: {:?}", n.topic);
            assert!(!n.recipient.message_key().is_empty());
            topics.push(n.topic);
        }
    }
    topics.sort();
    topics.dedup();
    let expected: Vec<Topic> = Topic::ALL
        .into_iter()
        .filter(|t| *t != Topic::Reply)
        .collect();
    assert_eq!(topics, expected);
}

#[test]
fn an_event_type_counts_only_from_its_own_log() {
    for (log, event_type, stream, payload) in every_row() {
        for other in [
            CASE_LOG,
            INTAKE_LOG,
            EFILE_LOG,
            APPOINTMENT_LOG,
            "notification",
        ] {
            if other != log {
                assert!(matches!(
                    decode(other, event_type, &stream, &payload),
                    Ok(None)
                ));
            }
        }
    }
    let unknown = decode(CASE_LOG, "case.ReviewStarted", &case_stream(), &[]);
    assert!(matches!(unknown, Ok(None)));
}

#[test]
fn malformed_trigger_events_are_errors_naming_type_and_field() {
    let garbage = decode(
        CASE_LOG,
        event_types::OBJECTION_FILED,
        &case_stream(),
        &[0xff, 0xff],
    );
    assert!(matches!(garbage, Err(DecodeError::Payload { .. })));

    let ok = case::ObjectionFiled {
        filed_on: pday(2027, 1, 2),
        late: false,
    }
    .encode_to_vec();
    let wrong_stream = decode(CASE_LOG, event_types::OBJECTION_FILED, "staff-jc", &ok);
    assert!(matches!(
        wrong_stream,
        Err(DecodeError::Stream {
            expected: "case",
            ..
        })
    ));

    let no_day = case::ObjectionFiled {
        filed_on: pday(2027, 2, 30),
        late: false,
    }
    .encode_to_vec();
    let err = decode(
        CASE_LOG,
        event_types::OBJECTION_FILED,
        &case_stream(),
        &no_day,
    )
    .expect_err("an impossible day");
    assert_eq!(
        err.to_string(),
        "case.ObjectionFiled: filed_on is missing or invalid"
    );

    let mut no_form = submitted(main_form(), "user-1");
    no_form.form = None;
    let err = decode(
        INTAKE_LOG,
        event_types::APPLICATION_SUBMITTED,
        "a",
        &no_form.encode_to_vec(),
    )
    .expect_err("no form");
    assert!(matches!(err, DecodeError::Field { field: "form", .. }));

    let unspecified = appointment::AppointmentBooked {
        terms: terms(appointment::AppointmentChannel::Unspecified),
        place: place(1),
        ..Default::default()
    };
    let err = decode(
        APPOINTMENT_LOG,
        event_types::APPOINTMENT_BOOKED,
        &appointment_stream(),
        &unspecified.encode_to_vec(),
    )
    .expect_err("no channel");
    assert!(matches!(
        err,
        DecodeError::Field {
            field: "terms.channel",
            ..
        }
    ));
}

#[test]
fn streams_name_their_case_and_appointment() {
    assert_eq!(case_of_stream(&case_stream()), Some(CASE));
    assert_eq!(
        appointment_of_stream(&appointment_stream()),
        Some(APPOINTMENT)
    );
    assert_eq!(case_of_stream("case-nope"), None);
    assert_eq!(case_of_stream(&appointment_stream()), None);
    assert_eq!(appointment_of_stream(&case_stream()), None);
}

#[test]
fn case_triggers_name_their_case_and_appointment_triggers_their_appointment() {
    for (log, event_type, stream, payload) in every_row() {
        let trigger = decode(log, event_type, &stream, &payload)
            .expect("decodes")
            .expect("is a trigger");
        if log == CASE_LOG || log == EFILE_LOG {
            assert_eq!(trigger.case_id(), Some(CASE), "{event_type}");
        }
        if log == APPOINTMENT_LOG {
            assert_eq!(trigger.appointment_id(), Some(APPOINTMENT), "{event_type}");
        }
    }
}

#[test]
fn letter_only_recipients_are_keyed_by_their_application() {
    assert_eq!(letter_only().message_key(), APPLICATION.to_string());
    assert_eq!(account().message_key(), "user-1");
    assert_eq!(caseworker().message_key(), "cw-7");
    assert_eq!(letter_only().subject(), None);
}

#[test]
fn every_notice_renders_in_every_language_with_its_arguments() {
    let templates = crate::templates::Templates::embedded().expect("the embedded templates load");
    for (log, event_type, stream, payload) in every_row() {
        let trigger = decode(log, event_type, &stream, &payload)
            .expect("decodes")
            .expect("is a trigger");
        for n in notices(&trigger, &appointment_directory()) {
            let args = n.args.clone().with("jobcenter", text("Jobcenter Essen"));
            for language in templates.languages() {
                let rendered = templates.render("jc-essen", language, n.topic, &args);
                assert!(
                    rendered.is_ok(),
                    "{event_type} {:?} {language}: {rendered:?}",
                    n.topic
                );
            }
        }
    }
}
