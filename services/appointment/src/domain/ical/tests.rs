//! What we write, read back by an independent parser (the `ical` crate) and compared field by
//! field; plus the octet limit and line endings, which a lenient parser would not notice.

use std::io::BufReader;

use ical::parser::ical::component::{IcalCalendar, IcalEvent};
use ical::property::Property;

use super::*;
use crate::domain::appointment::{Appointment, Event, Party, Place, evolve};
use crate::domain::calendar::Channel;
use crate::domain::fixtures::{self, utc};

fn settings() -> IcalSettings {
    IcalSettings {
        uid_domain: "termine.jobcenter-essen.de".into(),
        organizer_name: "Jobcenter Essen, Terminservice".into(),
        organizer_email: "termine@jobcenter-essen.de".into(),
    }
}

/// The calendars in `text`, as the independent parser reads them.
fn parse(text: &str) -> Vec<IcalCalendar> {
    ical::IcalParser::new(BufReader::new(text.as_bytes()))
        .collect::<Result<Vec<_>, _>>()
        .expect("a valid iCalendar stream")
}

fn property<'a>(properties: &'a [Property], name: &str) -> Option<&'a Property> {
    properties.iter().find(|p| p.name == name)
}

fn value<'a>(properties: &'a [Property], name: &str) -> Option<&'a str> {
    property(properties, name).and_then(|p| p.value.as_deref())
}

/// A TEXT value unescaped (RFC 5545 § 3.3.11): the parser hands values over as written.
fn text(event: &IcalEvent, name: &str) -> String {
    let raw = value(&event.properties, name).unwrap_or_default();
    let mut out = String::new();
    let mut chars = raw.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            match chars.next() {
                Some('n' | 'N') => out.push('\n'),
                Some(other) => out.push(other),
                None => {}
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// Each physical line: at most 75 octets, ended by CRLF, and nothing but CRLF ends a line.
fn assert_well_formed_lines(text: &str) {
    assert!(text.ends_with("\r\n"));
    assert!(
        !text.replace("\r\n", "").contains(['\r', '\n']),
        "a bare line break"
    );
    for line in text.trim_end_matches("\r\n").split("\r\n") {
        assert!(
            line.len() <= content_line::MAX_OCTETS,
            "{} octets: {line}",
            line.len()
        );
    }
}

fn booked() -> Appointment {
    fixtures::appointment(
        "2026-04-14T07:00:00Z",
        Channel::InPerson,
        "2026-04-01T10:00:00Z",
    )
}

fn file(appointment: &Appointment, language: Language) -> String {
    let (kind, office) = (fixtures::first_meeting(), fixtures::office());
    let entry = Entry {
        appointment,
        appointment_type: &kind,
        office: &office,
    };
    booking_file(&entry, language, &settings())
}

#[test]
fn a_booking_file_reads_back_with_every_field() {
    let appointment = booked();
    let written = file(&appointment, Language::German);
    assert_well_formed_lines(&written);
    let calendars = parse(&written);
    assert_eq!(calendars.len(), 1);
    let calendar = &calendars[0];
    assert_eq!(value(&calendar.properties, "VERSION"), Some("2.0"));
    assert_eq!(value(&calendar.properties, "METHOD"), Some("PUBLISH"));
    assert_eq!(value(&calendar.properties, "PRODID"), Some(PRODID));
    assert_eq!(calendar.events.len(), 1);
    let event = &calendar.events[0];
    let uid = format!("{}@termine.jobcenter-essen.de", appointment.terms.id);
    assert_eq!(value(&event.properties, "UID"), Some(uid.as_str()));
    assert_eq!(
        value(&event.properties, "DTSTAMP"),
        Some("20260401T100000Z")
    );
    assert_eq!(
        value(&event.properties, "DTSTART"),
        Some("20260414T070000Z")
    );
    assert_eq!(value(&event.properties, "DTEND"), Some("20260414T073000Z"));
    assert_eq!(value(&event.properties, "SEQUENCE"), Some("0"));
    assert_eq!(value(&event.properties, "STATUS"), Some("CONFIRMED"));
    assert_eq!(
        text(event, "SUMMARY"),
        "Erstgespräch zum Antrag (Jobcenter Essen, Standort Mitte)"
    );
    assert_eq!(
        text(event, "LOCATION"),
        "Jobcenter Essen, Standort Mitte, Berliner Platz 10, 45127 Essen"
    );
    assert_eq!(
        text(event, "DESCRIPTION"),
        format!(
            "Erstgespräch zum Antrag\nDienstag, 14. April 2026, 09:00 Uhr\n\
             Jobcenter Essen, Standort Mitte, Berliner Platz 10, 45127 Essen\n\
             Buchungsnummer: {}",
            appointment.terms.reference
        )
    );
    let organizer = property(&event.properties, "ORGANIZER").expect("an organizer");
    assert_eq!(
        organizer.value.as_deref(),
        Some("mailto:termine@jobcenter-essen.de")
    );
    assert_eq!(
        organizer.params,
        Some(vec![(
            "CN".to_owned(),
            vec!["Jobcenter Essen, Terminservice".to_owned()]
        )])
    );
    assert_eq!(value(&event.properties, "URL"), None);
    // The same appointment always gives the same bytes.
    assert_eq!(written, file(&appointment, Language::German));
}

#[test]
fn umlauts_long_texts_and_special_characters_survive_folding_and_escaping() {
    let appointment = booked();
    let mut kind = fixtures::first_meeting();
    kind.name_de = format!(
        "Beratung für Bürgergeld-Empfänger; Schwerpunkt Übergänge, Qualifizierung \\ Weiterbildung – {}",
        "Öffentlichkeitsarbeit, Größenordnung äußerst müßig; ".repeat(6)
    );
    let mut office = fixtures::office();
    office.name = "Jobcenter Groß-Gerau, Außenstelle \"Mörfelden\"; Eingang C\nHinterhaus".into();
    let entry = Entry {
        appointment: &appointment,
        appointment_type: &kind,
        office: &office,
    };
    let written = booking_file(&entry, Language::German, &settings());
    assert_well_formed_lines(&written);
    assert!(written.contains("\r\n "), "long lines are folded");
    let event = &parse(&written)[0].events[0];
    assert_eq!(
        text(event, "SUMMARY"),
        format!("{} ({})", kind.name_de, office.name)
    );
    assert!(text(event, "DESCRIPTION").starts_with(&format!("{}\n", kind.name_de)));
    assert!(text(event, "LOCATION").starts_with(&office.name));
}

#[test]
fn a_reschedule_raises_the_sequence_and_a_cancellation_says_so() {
    let appointment = booked();
    let new_start = utc("2026-04-22T08:00:00Z");
    let moved = evolve(
        Some(appointment.clone()),
        &Event::Rescheduled {
            released: appointment.place,
            taken: Place {
                start: new_start,
                end: new_start + chrono::TimeDelta::minutes(30),
                ..appointment.place
            },
            by: Party::Applicant,
            at: utc("2026-04-02T09:00:00Z"),
        },
    )
    .expect("moved");
    let cancelled = evolve(
        Some(moved.clone()),
        &Event::Cancelled {
            released: moved.place,
            by: Party::Applicant,
            reason: None,
            at: utc("2026-04-03T09:00:00Z"),
        },
    )
    .expect("cancelled");
    let events: Vec<IcalEvent> = [&appointment, &moved, &cancelled]
        .iter()
        .map(|a| parse(&file(a, Language::German)).remove(0).events.remove(0))
        .collect();
    let field = |i: usize, name: &str| value(&events[i].properties, name).map(str::to_owned);
    assert_eq!(field(0, "UID"), field(1, "UID"));
    assert_eq!(field(1, "UID"), field(2, "UID"));
    assert_eq!(
        [0, 1, 2].map(|i| field(i, "SEQUENCE")),
        [Some("0".into()), Some("1".into()), Some("2".into())]
    );
    assert_eq!(field(1, "DTSTART").as_deref(), Some("20260422T080000Z"));
    assert_eq!(field(1, "DTSTAMP").as_deref(), Some("20260402T090000Z"));
    assert_eq!(field(2, "STATUS").as_deref(), Some("CANCELLED"));
    assert!(text(&events[2], "DESCRIPTION").ends_with("Dieser Termin wurde abgesagt."));
}

#[test]
fn a_video_appointment_carries_its_link() {
    let video = fixtures::appointment(
        "2026-04-14T07:00:00Z",
        Channel::Video,
        "2026-04-01T10:00:00Z",
    );
    let written = file(&video, Language::English);
    let event = &parse(&written)[0].events[0];
    let link = "https://video.example/room/a1b2-c3d4";
    assert_eq!(value(&event.properties, "URL"), Some(link));
    assert_eq!(text(event, "LOCATION"), link);
    assert_eq!(
        text(event, "SUMMARY"),
        "First meeting about your application (Jobcenter Essen, Standort Mitte)"
    );
    assert!(
        text(event, "DESCRIPTION").contains(&format!("By video, joining with this link: {link}"))
    );
}

#[test]
fn a_meldetermin_points_to_the_notice_in_the_invitation() {
    let mut invited = booked();
    invited.origin = crate::domain::appointment::Origin::Invitation("caseworker-1".into());
    let event = &parse(&file(&invited, Language::German))[0].events[0];
    assert!(text(event, "DESCRIPTION").ends_with("Rechtsfolgenbelehrung in Ihrer Einladung."));
}

#[test]
fn a_caseworkers_feed_holds_every_appointment_and_no_names() {
    let (kind, office) = (fixtures::first_meeting(), fixtures::office());
    let mut phone = fixtures::appointment(
        "2026-04-14T08:00:00Z",
        Channel::Phone,
        "2026-04-01T10:00:00Z",
    );
    phone.terms.id = crate::domain::ids::AppointmentId(uuid::Uuid::from_u128(2));
    phone.terms.reference = crate::domain::reference::BookingReference::of(phone.terms.id);
    let mut video = fixtures::appointment(
        "2026-04-15T08:00:00Z",
        Channel::Video,
        "2026-04-01T10:00:00Z",
    );
    video.terms.id = crate::domain::ids::AppointmentId(uuid::Uuid::from_u128(3));
    video.terms.reference = crate::domain::reference::BookingReference::of(video.terms.id);
    let appointments = [booked(), phone, video];
    let entries: Vec<Entry<'_>> = appointments
        .iter()
        .map(|appointment| Entry {
            appointment,
            appointment_type: &kind,
            office: &office,
        })
        .collect();
    let written = caseworker_feed(&entries, "Termine Frau Schmidt, Eingangszone", &settings());
    assert_well_formed_lines(&written);
    assert!(!written.contains("applicant-1"), "no personal data");
    let calendars = parse(&written);
    assert_eq!(calendars.len(), 1);
    let calendar = &calendars[0];
    assert_eq!(value(&calendar.properties, "METHOD"), None);
    assert_eq!(
        value(&calendar.properties, "X-WR-CALNAME"),
        Some("Termine Frau Schmidt\\, Eingangszone")
    );
    assert_eq!(calendar.events.len(), 3);
    let summaries: Vec<String> = calendar.events.iter().map(|e| text(e, "SUMMARY")).collect();
    assert_eq!(
        summaries[1],
        format!(
            "Erstgespräch zum Antrag · {}",
            appointments[1].terms.reference
        )
    );
    assert_eq!(text(&calendar.events[1], "LOCATION"), "Telefonisch");
    let uids: std::collections::HashSet<_> = calendar
        .events
        .iter()
        .filter_map(|e| value(&e.properties, "UID"))
        .collect();
    assert_eq!(uids.len(), 3);
}
