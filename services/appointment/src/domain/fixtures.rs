//! An example jobcenter for the tests: one office in Essen (North Rhine-Westphalia), open
//! Monday to Friday 08:00–12:00 and Tuesday and Thursday also 13:00–16:00, with the usual
//! appointment types.

use chrono::{DateTime, NaiveDate, NaiveTime, Utc, Weekday};
use uuid::Uuid;

use super::calendar::{
    Address, AppointmentKind, AppointmentType, BookingRules, CalendarConfig, Channel, Closure,
    Office, OpeningInterval, Team,
};
use super::holidays::FederalState;
use super::ids::{AppointmentTypeId, OfficeId, TeamId};

/// The office's id.
pub const OFFICE: OfficeId = OfficeId(Uuid::from_u128(0x0ff1ce));
/// The first meeting's type id.
pub const FIRST_MEETING: AppointmentTypeId = AppointmentTypeId(Uuid::from_u128(0xf1));
/// The counselling type id.
pub const COUNSELLING: AppointmentTypeId = AppointmentTypeId(Uuid::from_u128(0xc0));
/// The Meldetermin type id.
pub const MELDETERMIN: AppointmentTypeId = AppointmentTypeId(Uuid::from_u128(0x32));

/// A date.
pub fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("a valid date")
}

/// A wall-clock time.
pub fn hm(h: u32, m: u32) -> NaiveTime {
    NaiveTime::from_hms_opt(h, m, 0).expect("a valid time")
}

/// A UTC instant from RFC 3339 text.
pub fn utc(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text)
        .expect("an RFC 3339 time")
        .with_timezone(&Utc)
}

/// An opening interval.
pub fn open(weekday: Weekday, start: (u32, u32), end: (u32, u32)) -> OpeningInterval {
    OpeningInterval {
        weekday,
        start: hm(start.0, start.1),
        end: hm(end.0, end.1),
    }
}

/// The office in Essen.
pub fn office() -> Office {
    use Weekday::*;
    let mut opening_hours: Vec<OpeningInterval> = [Mon, Tue, Wed, Thu, Fri]
        .into_iter()
        .map(|weekday| open(weekday, (8, 0), (12, 0)))
        .collect();
    opening_hours.push(open(Tue, (13, 0), (16, 0)));
    opening_hours.push(open(Thu, (13, 0), (16, 0)));
    Office {
        id: OFFICE,
        name: "Jobcenter Essen, Standort Mitte".into(),
        address: Address {
            street: "Berliner Platz 10".into(),
            postal_code: "45127".into(),
            city: "Essen".into(),
        },
        state: FederalState::NorthRhineWestphalia,
        opening_hours,
    }
}

/// The first meeting for a new application: 30 minutes, two caseworkers, self-service.
pub fn first_meeting() -> AppointmentType {
    AppointmentType {
        id: FIRST_MEETING,
        kind: AppointmentKind::FirstMeeting,
        name_de: "Erstgespräch zum Antrag".into(),
        name_en: "First meeting about your application".into(),
        duration_minutes: 30,
        capacity: 2,
        channels: vec![Channel::InPerson, Channel::Phone, Channel::Video],
        self_service: true,
    }
}

/// Counselling: 60 minutes, one person.
pub fn counselling() -> AppointmentType {
    AppointmentType {
        id: COUNSELLING,
        kind: AppointmentKind::Counselling,
        name_de: "Beratung".into(),
        name_en: "Counselling".into(),
        duration_minutes: 60,
        capacity: 1,
        channels: vec![Channel::InPerson, Channel::Video],
        self_service: true,
    }
}

/// The Meldetermin: 30 minutes, one person, by invitation.
pub fn meldetermin() -> AppointmentType {
    AppointmentType {
        id: MELDETERMIN,
        kind: AppointmentKind::Meldetermin,
        name_de: "Meldetermin".into(),
        name_en: "Mandatory appointment".into(),
        duration_minutes: 30,
        capacity: 1,
        channels: vec![Channel::InPerson, Channel::Phone],
        self_service: false,
    }
}

/// The whole configuration, with a closure for a staff meeting on 15 April 2026.
pub fn config() -> CalendarConfig {
    CalendarConfig {
        offices: vec![office()],
        teams: vec![Team {
            id: TeamId(Uuid::from_u128(0x7ea3)),
            office: OFFICE,
            name: "Eingangszone".into(),
            appointment_types: vec![FIRST_MEETING, COUNSELLING, MELDETERMIN],
        }],
        appointment_types: vec![first_meeting(), counselling(), meldetermin()],
        closures: vec![staff_meeting()],
        rules: BookingRules::default(),
    }
}

/// The office is closed on Wednesday 15 April 2026 for a staff meeting.
pub fn staff_meeting() -> Closure {
    Closure {
        office: Some(OFFICE),
        first_day: day(2026, 4, 15),
        last_day: day(2026, 4, 15),
        reason: "Personalversammlung".into(),
    }
}

/// A first meeting booked online at `booked_at` for `start` (RFC 3339), 30 minutes, by
/// `channel` (video with a link).
pub fn appointment(
    start: &str,
    channel: Channel,
    booked_at: &str,
) -> crate::domain::appointment::Appointment {
    use crate::domain::appointment::{Appointment, Event, Origin, Place, Terms, VideoLink};
    use crate::domain::ids::{ApplicantId, AppointmentId};
    use crate::domain::reference::BookingReference;
    let id = AppointmentId(Uuid::from_u128(0xa990_1275));
    let start = utc(start);
    let booked = Event::Booked {
        terms: Terms {
            id,
            reference: BookingReference::of(id),
            applicant: ApplicantId::from("applicant-1"),
            case: None,
            kind: AppointmentKind::FirstMeeting,
            channel,
            video_link: (channel == Channel::Video)
                .then(|| VideoLink::parse("https://video.example/room/a1b2-c3d4").ok())
                .flatten(),
        },
        place: Place {
            office: OFFICE,
            appointment_type: FIRST_MEETING,
            start,
            end: start + chrono::TimeDelta::minutes(30),
        },
        origin: Origin::SelfService,
        at: utc(booked_at),
    };
    let appointment: Option<Appointment> = crate::domain::appointment::fold([&booked]);
    appointment.expect("booked")
}
