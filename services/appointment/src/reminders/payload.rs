//! The `appointment.AppointmentReminderDue` event: everything the notification service needs
//! to write the reminder without asking anyone (who, what, when, where, the joining link), and
//! nothing the applicant wrote. Written from the reminder, the appointment as folded and the
//! jobcenter's calendar (office name and address, the type's names).

use eventlog::{AppendCommand, EventMetadata, ExpectedVersion, NewEvent, RecordedEvent};
use jobcenter_proto::appointment::v1 as proto;
use prost::Message;
use uuid::Uuid;

use crate::calendars::TenantCalendar;
use crate::domain::appointment::Appointment;
use crate::domain::reminders::{Reminder, ReminderKind};
use crate::events::{self, channel_to_proto, kind_to_proto, place_to_proto, to_timestamp};

/// The proto value of a reminder kind.
pub fn reminder_kind_to_proto(kind: ReminderKind) -> proto::ReminderKind {
    match kind {
        ReminderKind::EveningBefore => proto::ReminderKind::EveningBefore,
        ReminderKind::JoinSoon => proto::ReminderKind::JoinSoon,
    }
}

/// The payload of `reminder` of `appointment`. The office and type come from `calendar`; an
/// office or type the calendar no longer has leaves its names empty rather than losing the
/// reminder.
pub fn reminder_due(
    reminder: &Reminder,
    appointment: &Appointment,
    calendar: Option<&TenantCalendar>,
) -> proto::AppointmentReminderDue {
    let terms = &appointment.terms;
    let place = &appointment.place;
    let office = calendar.and_then(|c| c.config.office(place.office));
    let appointment_type = calendar.and_then(|c| c.config.appointment_type(place.appointment_type));
    let shown = office.map(crate::api::convert::office);
    proto::AppointmentReminderDue {
        reminder_id: reminder.id.to_string(),
        kind: reminder_kind_to_proto(reminder.kind) as i32,
        due_at: Some(to_timestamp(reminder.send_at)),
        appointment_id: terms.id.to_string(),
        reference: terms.reference.to_string(),
        applicant_subject: terms.applicant.0.clone(),
        case_id: terms.case.map(|case| case.to_string()).unwrap_or_default(),
        appointment_kind: kind_to_proto(terms.kind) as i32,
        invitation: appointment.is_invitation(),
        channel: channel_to_proto(terms.channel) as i32,
        place: Some(place_to_proto(place)),
        appointment_type_name_de: appointment_type
            .map(|t| t.name_de.clone())
            .unwrap_or_default(),
        appointment_type_name_en: appointment_type
            .map(|t| t.name_en.clone())
            .unwrap_or_default(),
        office_name: shown.as_ref().map(|o| o.name.clone()).unwrap_or_default(),
        office_address: shown.and_then(|o| o.address),
        video_link: reminder
            .video_link
            .as_ref()
            .map(|link| link.as_str().to_owned())
            .unwrap_or_default(),
    }
}

/// The event that set the appointment's current time (its booking, invitation or last
/// reschedule): the cause of its reminders.
pub fn cause(recorded: &[RecordedEvent]) -> Option<Uuid> {
    recorded
        .iter()
        .rev()
        .find(|event| {
            [events::BOOKED, events::INVITED, events::RESCHEDULED]
                .contains(&event.event_type.as_str())
        })
        .map(|event| event.event_id)
}

/// The append of `reminder` to its appointment's stream of `tenant`, expecting the stream at
/// `expected`. Its command id is the reminder id, so its event id is fixed by the reminder
/// (`super::event_id`) and the log takes it once.
pub fn append_command(
    tenant: &str,
    reminder: &Reminder,
    appointment: &Appointment,
    calendar: Option<&TenantCalendar>,
    expected: ExpectedVersion,
    causation: Option<Uuid>,
) -> AppendCommand {
    let metadata = EventMetadata {
        actor: Some(super::ACTOR.to_owned()),
        correlation_id: Some(reminder.id),
        causation_id: causation,
        command_id: Some(reminder.id),
        traceparent: None,
        // The case service takes every event of an appointment of a case onto the case.
        case_id: appointment.terms.case.map(|case| case.to_string()),
    };
    AppendCommand {
        command_id: reminder.id,
        stream_id: reminder.appointment.stream_id(),
        tenant_id: tenant.to_owned(),
        expected,
        events: vec![NewEvent {
            event_type: events::REMINDER_DUE.to_owned(),
            schema_version: events::SCHEMA_VERSION,
            payload: reminder_due(reminder, appointment, calendar).encode_to_vec(),
            metadata,
        }],
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;
    use crate::calendars::{CalendarSettings, Calendars, TenantCalendarSettings};
    use crate::domain::calendar::Channel;
    use crate::domain::fixtures::{self, utc};
    use crate::domain::ids::CaseId;
    use crate::domain::reminders::{ReminderPolicy, plan};

    fn calendars() -> Calendars {
        let config = fixtures::config();
        let settings = CalendarSettings {
            tenants: BTreeMap::from([(
                "jc-essen".to_owned(),
                TenantCalendarSettings {
                    offices: config.offices,
                    teams: config.teams,
                    appointment_types: config.appointment_types,
                    ..TenantCalendarSettings::default()
                },
            )]),
            ..CalendarSettings::default()
        };
        Calendars::from_settings(&settings)
    }

    #[test]
    fn a_video_reminder_carries_who_what_when_where_and_the_link() {
        let mut appointment = fixtures::appointment(
            "2026-04-14T07:00:00Z",
            Channel::Video,
            "2026-04-01T10:00:00Z",
        );
        let case = CaseId(Uuid::from_u128(0xca5e));
        appointment.terms.case = Some(case);
        let reminders = plan(&appointment, &ReminderPolicy::default());
        let calendars = calendars();
        let command = append_command(
            "jc-essen",
            &reminders[1],
            &appointment,
            calendars.of("jc-essen"),
            ExpectedVersion::Exact(1),
            None,
        );
        assert_eq!(command.command_id, reminders[1].id);
        assert_eq!(
            command.event_ids(),
            [super::super::event_id(reminders[1].id)]
        );
        assert_eq!(command.stream_id, appointment.terms.id.stream_id());
        let event = &command.events[0];
        assert_eq!(event.event_type, "appointment.AppointmentReminderDue");
        assert_eq!(event.metadata.case_id, Some(case.to_string()));
        let payload =
            proto::AppointmentReminderDue::decode(event.payload.as_slice()).expect("decodes");
        assert_eq!(payload.kind, proto::ReminderKind::JoinSoon as i32);
        assert_eq!(
            payload.due_at,
            Some(to_timestamp(utc("2026-04-14T06:45:00Z")))
        );
        assert_eq!(payload.reference, appointment.terms.reference.to_string());
        assert_eq!(payload.applicant_subject, "applicant-1");
        assert_eq!(payload.case_id, case.to_string());
        assert_eq!(payload.channel, proto::AppointmentChannel::Video as i32);
        assert_eq!(payload.video_link, "https://video.example/room/a1b2-c3d4");
        assert_eq!(payload.appointment_type_name_de, "Erstgespräch zum Antrag");
        assert_eq!(payload.office_name, "Jobcenter Essen, Standort Mitte");
        let address = payload.office_address.expect("an address");
        assert_eq!(
            (address.street.as_str(), address.postal_code.as_str()),
            ("Berliner Platz 10", "45127")
        );
        let place = payload.place.expect("a place");
        assert_eq!(place.end, Some(to_timestamp(appointment.place.end)));
        assert!(!payload.invitation);
    }

    #[test]
    fn without_the_calendar_the_reminder_still_says_who_and_when() {
        let appointment = fixtures::appointment(
            "2026-04-14T07:00:00Z",
            Channel::InPerson,
            "2026-04-01T10:00:00Z",
        );
        let reminder = &plan(&appointment, &ReminderPolicy::default())[0];
        let payload = reminder_due(reminder, &appointment, None);
        assert_eq!(payload.office_name, "");
        assert_eq!(payload.office_address, None);
        assert_eq!(payload.video_link, "");
        assert_eq!(payload.reminder_id, reminder.id.to_string());
        assert_eq!(payload.kind, proto::ReminderKind::EveningBefore as i32);
    }
}
