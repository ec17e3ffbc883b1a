//! iCalendar files (RFC 5545): one for each booking, attached to the confirmation and to every
//! change, and a feed per caseworker for their calendar program.
//!
//! Decisions:
//! - **METHOD:PUBLISH** for the booking file: it informs, it does not negotiate. REQUEST would
//!   make mail programs offer accept/decline buttons whose replies go to an address nobody
//!   processes; changes go through the portal. A later file with the same UID and a higher
//!   SEQUENCE replaces the earlier one; a cancelled appointment comes with STATUS:CANCELLED.
//!   PUBLISH requires an ORGANIZER (RFC 5546 § 3.2.1): the jobcenter's appointment address.
//!   The feed has no METHOD: it is a subscribed calendar, not a scheduling message.
//! - **UTC times** (`DTSTART:20260330T070000Z`): unambiguous, no VTIMEZONE to keep correct
//!   (RFC 5545 requires one for every TZID used), and every calendar program shows them in its
//!   own zone, which for our users is Europe/Berlin.
//! - **UID** `<appointment id>@<domain>`, stable through reschedules; **SEQUENCE** is the
//!   appointment's revision (one up per reschedule and for a cancellation); **DTSTAMP** and
//!   LAST-MODIFIED are the time of its last change, so the output is a function of the
//!   appointment alone and the same state always gives the same bytes.
//! - **No personal data in the feed**: a caseworker's calendar may be synchronised to devices
//!   and services outside the jobcenter, so its events carry the type, reference, time and
//!   place, never the applicant's name; the caseworker opens the appointment by its reference.

use std::fmt::Write as _;

use chrono::{DateTime, Utc};

use super::appointment::{Appointment, Status};
use super::calendar::{AppointmentType, Channel, Office};
use super::ids::AppointmentId;
use super::wording::{self, Language};

pub mod content_line;

use content_line::{escape_text, param_value, push_folded};

/// The product identifier written into every file.
pub const PRODID: &str = "-//Jobcenter Platform//Appointment Service 1.0//DE";

/// What the files say about their sender, per jobcenter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IcalSettings {
    /// The domain after the `@` of every UID, e.g. `termine.jobcenter-essen.de`.
    pub uid_domain: String,
    /// The organizer's name, e.g. "Jobcenter Essen".
    pub organizer_name: String,
    /// The organizer's mail address (for the `mailto:` of ORGANIZER).
    pub organizer_email: String,
}

/// One appointment with what its calendar entry shows.
#[derive(Debug, Clone, Copy)]
pub struct Entry<'a> {
    /// The appointment.
    pub appointment: &'a Appointment,
    /// Its type (for the name).
    pub appointment_type: &'a AppointmentType,
    /// Its office (for the address).
    pub office: &'a Office,
}

/// The UID of an appointment's calendar entry.
pub fn uid(appointment: AppointmentId, domain: &str) -> String {
    format!("{appointment}@{domain}")
}

/// The file for one booking, in `language`: a VCALENDAR with METHOD:PUBLISH and one VEVENT.
pub fn booking_file(entry: &Entry<'_>, language: Language, settings: &IcalSettings) -> String {
    let mut out = String::new();
    begin_calendar(&mut out);
    push_folded(&mut out, "METHOD:PUBLISH");
    event(&mut out, entry, language, settings, Reader::Applicant);
    push_folded(&mut out, "END:VCALENDAR");
    out
}

/// A caseworker's feed: one VCALENDAR named `name` with a VEVENT for each entry, in German.
pub fn caseworker_feed(entries: &[Entry<'_>], name: &str, settings: &IcalSettings) -> String {
    let mut out = String::new();
    begin_calendar(&mut out);
    push_folded(&mut out, &format!("NAME:{}", escape_text(name)));
    push_folded(&mut out, &format!("X-WR-CALNAME:{}", escape_text(name)));
    for entry in entries {
        event(&mut out, entry, Language::German, settings, Reader::Staff);
    }
    push_folded(&mut out, "END:VCALENDAR");
    out
}

/// Who reads the entry: the applicant sees the office in the summary; staff see the type and
/// the reference to find the appointment by (no name in either).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Reader {
    Applicant,
    Staff,
}

fn begin_calendar(out: &mut String) {
    push_folded(out, "BEGIN:VCALENDAR");
    push_folded(out, "VERSION:2.0");
    push_folded(out, &format!("PRODID:{}", escape_text(PRODID)));
    push_folded(out, "CALSCALE:GREGORIAN");
}

fn event(
    out: &mut String,
    entry: &Entry<'_>,
    language: Language,
    settings: &IcalSettings,
    reader: Reader,
) {
    let appointment = entry.appointment;
    let terms = &appointment.terms;
    let cancelled = matches!(appointment.status, Status::Cancelled { .. });
    let type_name = entry.appointment_type.name(language);
    let summary = match reader {
        Reader::Applicant => format!("{type_name} ({})", entry.office.name),
        Reader::Staff => format!("{type_name} · {}", terms.reference),
    };
    let location = match (terms.channel, &terms.video_link) {
        (Channel::InPerson, _) => format!("{}, {}", entry.office.name, entry.office.address),
        (Channel::Video, Some(link)) => link.as_str().to_owned(),
        (channel, _) => capitalised(wording::channel(channel, language)),
    };
    let lines: [(&str, String); 11] = [
        ("UID", uid(terms.id, &settings.uid_domain)),
        ("DTSTAMP", utc(appointment.changed_at)),
        ("LAST-MODIFIED", utc(appointment.changed_at)),
        ("DTSTART", utc(appointment.place.start)),
        ("DTEND", utc(appointment.place.end)),
        ("SEQUENCE", appointment.revision.to_string()),
        (
            "STATUS",
            if cancelled { "CANCELLED" } else { "CONFIRMED" }.to_owned(),
        ),
        ("SUMMARY", escape_text(&summary)),
        ("LOCATION", escape_text(&location)),
        (
            "DESCRIPTION",
            escape_text(&description(entry, language, cancelled)),
        ),
        ("CLASS", "PRIVATE".to_owned()),
    ];
    push_folded(out, "BEGIN:VEVENT");
    for (name, value) in lines {
        push_folded(out, &format!("{name}:{value}"));
    }
    push_folded(out, "TRANSP:OPAQUE");
    push_folded(
        out,
        &format!(
            "ORGANIZER;CN={}:mailto:{}",
            param_value(&settings.organizer_name),
            settings.organizer_email
        ),
    );
    if let (Channel::Video, Some(link)) = (terms.channel, &terms.video_link) {
        push_folded(out, &format!("URL:{}", link.as_str()));
    }
    push_folded(out, "END:VEVENT");
}

/// The description: reference, type, how and where, and what to keep in mind.
fn description(entry: &Entry<'_>, language: Language, cancelled: bool) -> String {
    let appointment = entry.appointment;
    let terms = &appointment.terms;
    let mut text = String::new();
    let place = wording::place(
        terms.channel,
        entry.office,
        terms.video_link.as_ref(),
        language,
    );
    let when = wording::local_date_time(appointment.place.start, language);
    let type_name = entry.appointment_type.name(language);
    let reference = terms.reference;
    let _ = match language {
        Language::German => write!(
            text,
            "{type_name}\n{when}\n{}\nBuchungsnummer: {reference}",
            capitalised(&place)
        ),
        Language::English => write!(
            text,
            "{type_name}\n{when}\n{}\nBooking reference: {reference}",
            capitalised(&place)
        ),
    };
    let note = match (language, cancelled, appointment.is_invitation()) {
        (Language::German, true, _) => Some("Dieser Termin wurde abgesagt."),
        (Language::English, true, _) => Some("This appointment has been cancelled."),
        (Language::German, false, true) => Some(
            "Dies ist ein Meldetermin. Bitte beachten Sie die Rechtsfolgenbelehrung in Ihrer \
             Einladung.",
        ),
        (Language::English, false, true) => Some(
            "This is a mandatory appointment. Please note the notice of legal consequences in \
             your invitation.",
        ),
        (_, false, false) => None,
    };
    if let Some(note) = note {
        text.push_str("\n\n");
        text.push_str(note);
    }
    text
}

/// A UTC date-time in the basic form of RFC 5545 (`20260330T070000Z`).
fn utc(at: DateTime<Utc>) -> String {
    at.format("%Y%m%dT%H%M%SZ").to_string()
}

fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map(|first| first.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests;
