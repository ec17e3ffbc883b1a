use super::*;
use crate::domain::fixtures::{self, utc};
use crate::domain::invitation::{InvitationDetails, InvitationTemplates, render};

/// One event of every kind, each with the time `at` the log would record.
fn every_event(at: DateTime<Utc>) -> Vec<Event> {
    let booked = fixtures::appointment(
        "2026-03-30T07:00:00Z",
        Channel::Video,
        "2026-03-20T10:00:00Z",
    );
    let mut terms = booked.terms.clone();
    terms.case = Some(CaseId(Uuid::from_u128(0xca5e)));
    let place = booked.place;
    let moved = Place {
        start: place.start + chrono::TimeDelta::hours(1),
        end: place.end + chrono::TimeDelta::hours(1),
        ..place
    };
    let staff = StaffId::from("cw-7");
    let invitation = render(
        &InvitationTemplates::default(),
        &InvitationDetails {
            appointment_type: &fixtures::meldetermin(),
            office: &fixtures::office(),
            channel: Channel::InPerson,
            video_link: None,
            start: place.start,
            reference: terms.reference,
        },
    )
    .expect("the default templates render");
    vec![
        Event::Booked {
            terms: terms.clone(),
            place,
            origin: Origin::BookedByStaff(staff.clone()),
            at,
        },
        Event::Booked {
            terms: Terms {
                case: None,
                ..terms.clone()
            },
            place,
            origin: Origin::SelfService,
            at,
        },
        Event::Invited {
            terms: Terms {
                kind: AppointmentKind::Meldetermin,
                channel: Channel::InPerson,
                video_link: None,
                ..terms.clone()
            },
            place,
            by: staff.clone(),
            invitation: Box::new(invitation),
            at,
        },
        Event::Cancelled {
            released: place,
            by: Party::Jobcenter(staff.clone()),
            reason: Some("Krankheit der Sachbearbeiterin".into()),
            at,
        },
        Event::Cancelled {
            released: place,
            by: Party::Applicant,
            reason: None,
            at,
        },
        Event::Rescheduled {
            released: place,
            taken: moved,
            by: Party::Applicant,
            at,
        },
        Event::Attended {
            recorded_by: staff.clone(),
            at,
        },
        Event::NoShow {
            reason: None,
            recorded_by: staff.clone(),
            at,
        },
        Event::Assigned {
            caseworker: StaffId::from("cw-8"),
            by: staff,
            at,
        },
        Event::AssessmentRequested {
            case: CaseId(Uuid::from_u128(0xca5e)),
            appointment: terms.id,
            kind: AppointmentKind::Meldetermin,
            invitation: true,
            missed_start: place.start,
        },
    ]
}

#[test]
fn every_event_reads_back_as_written_with_the_time_the_log_recorded() {
    let at = utc("2026-03-20T10:00:00.123456Z");
    for event in every_event(at) {
        let back = decode(event_type(&event), &encode(&event), at).expect("readable");
        assert_eq!(back, Some(event));
    }
    assert_eq!(TYPES.len(), 9);
    assert!(TYPES.iter().all(|name| name.starts_with("appointment.")));
}

#[test]
fn an_unknown_type_is_skipped_and_a_broken_payload_is_unreadable() {
    let at = utc("2026-03-20T10:00:00Z");
    assert!(matches!(
        decode("appointment.FromTheFuture", &[], at),
        Ok(None)
    ));
    let no_terms = proto::AppointmentBooked::default().encode_to_vec();
    assert!(matches!(
        decode(BOOKED, &no_terms, at),
        Err(UnreadableEvent::Field("terms"))
    ));
}
