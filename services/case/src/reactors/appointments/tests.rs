//! From an appointment event to the case command it asks for, or why it asks for none.

use super::*;

const CASE: &str = "7d1c3c52-4f1e-5b2a-9a41-0c3b2d1e0f9a";

fn ts(seconds: i64) -> Option<prost_types::Timestamp> {
    Some(prost_types::Timestamp { seconds, nanos: 0 })
}

fn place(start: i64) -> Option<appointment::Place> {
    Some(appointment::Place {
        office_id: Uuid::new_v4().to_string(),
        appointment_type_id: Uuid::new_v4().to_string(),
        start: ts(start),
        end: ts(start + 1800),
    })
}

/// `payload` recorded as `event_type` on the stream of `appointment_id`, with `case_id` in its
/// metadata.
fn recorded(
    event_type: &str,
    payload: &impl Message,
    appointment_id: Uuid,
    case_id: Option<&str>,
) -> RecordedEvent {
    RecordedEvent {
        position: eventlog::LogPosition::new(1, 1),
        event_id: Uuid::new_v4(),
        stream_id: format!("appointment-{appointment_id}"),
        version: 1,
        tenant_id: "jc-essen".into(),
        event_type: event_type.into(),
        schema_version: 1,
        payload: payload.encode_to_vec(),
        metadata: eventlog::EventMetadata {
            case_id: case_id.map(str::to_owned),
            ..Default::default()
        },
        recorded_at: chrono::Utc::now(),
        prev_hash: vec![0; 32],
        hash: vec![0; 32],
    }
}

fn terms(appointment_id: Uuid, case_id: &str) -> Option<appointment::Terms> {
    Some(appointment::Terms {
        appointment_id: appointment_id.to_string(),
        reference: "K7MX4-QTR9B".into(),
        applicant_subject: "applicant-7".into(),
        case_id: case_id.into(),
        kind: appointment::AppointmentKind::Meldetermin as i32,
        channel: appointment::AppointmentChannel::Video as i32,
        video_link: "https://video.example/r/1".into(),
    })
}

fn note(reaction: Result<Reaction, Passed>) -> (Uuid, proto::AppointmentNoted) {
    match reaction {
        Ok(Reaction {
            case_id,
            command: Command::NoteAppointment(noted),
        }) => (case_id, noted),
        other => panic!("a note expected, got {other:?}"),
    }
}

#[test]
fn a_booking_carries_its_terms_place_and_who_booked() {
    let id = Uuid::new_v4();
    let booked = appointment::AppointmentBooked {
        terms: terms(id, CASE),
        place: place(1_774_854_000),
        origin: appointment::Origin::SelfService as i32,
        booked_by: String::new(),
    };
    let (case_id, noted) = note(reaction(&recorded(BOOKED, &booked, id, Some(CASE))));
    assert_eq!(case_id.to_string(), CASE);
    assert_eq!(noted.appointment_id, id.to_string());
    assert_eq!(noted.change, proto::AppointmentChange::Booked as i32);
    assert_eq!(noted.reference, "K7MX4-QTR9B");
    // Same numbers on both sides, named the case's way.
    assert_eq!(noted.kind, proto::AppointmentKind::Meldetermin as i32);
    assert_eq!(noted.channel, proto::AppointmentChannel::Video as i32);
    assert_eq!(noted.start, ts(1_774_854_000));
    assert_eq!(noted.end, ts(1_774_855_800));
    assert!(noted.by_applicant);

    // Booked by staff; the case only in the terms: the terms stand in.
    let by_staff = appointment::AppointmentBooked {
        origin: appointment::Origin::BookedByStaff as i32,
        booked_by: "cw-1".into(),
        ..booked
    };
    let (case_id, noted) = note(reaction(&recorded(BOOKED, &by_staff, id, None)));
    assert_eq!(case_id.to_string(), CASE);
    assert!(!noted.by_applicant);
}

#[test]
fn later_changes_carry_only_their_times_reason_and_party() {
    let id = Uuid::new_v4();
    let moved = appointment::AppointmentRescheduled {
        released: place(1_000),
        taken: place(90_000),
        by: Some(appointment::Party {
            staff_subject: String::new(),
        }),
    };
    let (_, noted) = note(reaction(&recorded(RESCHEDULED, &moved, id, Some(CASE))));
    assert_eq!(noted.change, proto::AppointmentChange::Rescheduled as i32);
    assert_eq!(noted.start, ts(90_000));
    assert_eq!(noted.previous_start, ts(1_000));
    assert!(noted.by_applicant);
    assert!(noted.reference.is_empty());

    let cancelled = appointment::AppointmentCancelled {
        released: place(90_000),
        by: Some(appointment::Party {
            staff_subject: "cw-1".into(),
        }),
        reason: "Dienststelle geschlossen".into(),
    };
    let (_, noted) = note(reaction(&recorded(CANCELLED, &cancelled, id, Some(CASE))));
    assert_eq!(noted.change, proto::AppointmentChange::Cancelled as i32);
    assert_eq!(noted.start, ts(90_000));
    assert_eq!(noted.reason, "Dienststelle geschlossen");
    assert!(!noted.by_applicant);

    let missed = appointment::AppointmentMissed {
        reason: String::new(),
        recorded_by: "cw-1".into(),
    };
    let (_, noted) = note(reaction(&recorded(MISSED, &missed, id, Some(CASE))));
    assert_eq!(noted.change, proto::AppointmentChange::Missed as i32);
    assert_eq!(noted.start, None);

    let attended = appointment::AppointmentAttended {
        recorded_by: "cw-1".into(),
    };
    let (_, noted) = note(reaction(&recorded(ATTENDED, &attended, id, Some(CASE))));
    assert_eq!(noted.change, proto::AppointmentChange::Attended as i32);
}

#[test]
fn an_assessment_request_names_its_case_in_the_payload_too() {
    let id = Uuid::new_v4();
    let request = appointment::MissedAppointmentAssessmentRequested {
        case_id: CASE.into(),
        appointment_id: id.to_string(),
        kind: appointment::AppointmentKind::Meldetermin as i32,
        invitation: true,
        missed_start: ts(1_774_854_000),
    };
    let reaction = reaction(&recorded(ASSESSMENT_REQUESTED, &request, id, None));
    let Ok(Reaction {
        case_id,
        command: Command::RequestMissedAppointmentAssessment(requested),
    }) = reaction
    else {
        panic!("a request expected, got {reaction:?}")
    };
    assert_eq!(case_id.to_string(), CASE);
    assert_eq!(requested.appointment_id, id.to_string());
    assert_eq!(requested.kind, proto::AppointmentKind::Meldetermin as i32);
    assert!(requested.invitation);
    assert_eq!(requested.missed_start, ts(1_774_854_000));
}

#[test]
fn events_without_a_case_of_no_interest_or_malformed_are_passed_by() {
    let id = Uuid::new_v4();
    let attended = appointment::AppointmentAttended::default();
    assert_eq!(
        reaction(&recorded(ATTENDED, &attended, id, None)),
        Err(Passed::NoCase)
    );
    assert_eq!(
        reaction(&recorded(ATTENDED, &attended, id, Some(""))),
        Err(Passed::NoCase)
    );
    let assigned = appointment::AppointmentAssigned::default();
    assert_eq!(
        reaction(&recorded(
            "appointment.AppointmentAssigned",
            &assigned,
            id,
            Some(CASE)
        )),
        Err(Passed::NotOfInterest)
    );
    assert!(matches!(
        reaction(&recorded(ATTENDED, &attended, id, Some("case-7"))),
        Err(Passed::Malformed(_))
    ));
    let mut no_stream = recorded(ATTENDED, &attended, id, Some(CASE));
    no_stream.stream_id = "slot-1".into();
    assert!(matches!(reaction(&no_stream), Err(Passed::Malformed(_))));
    let mut garbled = recorded(BOOKED, &attended, id, Some(CASE));
    garbled.payload = vec![0xff, 0xff, 0xff];
    assert!(matches!(reaction(&garbled), Err(Passed::Malformed(_))));
}

#[test]
fn command_ids_follow_the_appointment_event() {
    let event = Uuid::new_v4();
    assert_eq!(reaction_command_id(event), reaction_command_id(event));
    assert_ne!(reaction_command_id(event), event);
    assert_ne!(
        reaction_command_id(event),
        crate::reactors::sick_notes::reaction_command_id(event)
    );
    assert_ne!(
        reaction_command_id(event),
        crate::domain::reaction_command_id(event)
    );
}
