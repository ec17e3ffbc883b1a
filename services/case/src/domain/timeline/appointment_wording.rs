//! The timeline's words for the appointments of a case: which appointment (its reference, or
//! the start of its id while the case never learned the reference), what it is, when (Berlin
//! time), and what happened to it.

use jobcenter_proto::case::v1 as proto;

use super::short_id;
use crate::domain::{dates, to_utc};

/// A change of an appointment, e.g. "Appointment K7MX4-QTR9B (first meeting, in person) booked
/// by the applicant for 2026-03-30 09:00–09:30". A time the case does not know is left out.
pub(super) fn noted(e: &proto::AppointmentNoted) -> String {
    let which = appointment(&e.appointment_id, &e.reference, e.kind, e.channel);
    let who = if e.by_applicant {
        "the applicant"
    } else {
        "the jobcenter"
    };
    let on = phrase(" on ", moment(e.start.as_ref()));
    let for_span = phrase(" for ", span(e));
    match proto::AppointmentChange::try_from(e.change).unwrap_or_default() {
        proto::AppointmentChange::Booked => format!("{which} booked by {who}{for_span}"),
        proto::AppointmentChange::Invited => format!(
            "Invited to {}{for_span} with the notice of consequences (§ 32 SGB II)",
            lower_first(&which)
        ),
        proto::AppointmentChange::Rescheduled => format!(
            "{which} moved by {who}{}{}",
            phrase(" from ", moment(e.previous_start.as_ref())),
            phrase(" to ", span(e))
        ),
        proto::AppointmentChange::Cancelled => format!(
            "{which}{on} cancelled by {who}{}",
            phrase(": ", Some(e.reason.trim().to_owned()))
        ),
        proto::AppointmentChange::Attended => {
            format!("The applicant attended {}{on}", lower_first(&which))
        }
        proto::AppointmentChange::Missed => {
            let why = match e.reason.trim() {
                "" => " without giving a reason".to_owned(),
                given => format!("; reason given: {given}"),
            };
            format!("The applicant missed {}{on}{why}", lower_first(&which))
        }
        proto::AppointmentChange::Unspecified => format!("{which} changed"),
    }
}

/// A request to assess a missed appointment.
pub(super) fn assessment_requested(e: &proto::MissedAppointmentAssessmentRequested) -> String {
    let meldetermin = e.invitation || e.kind == proto::AppointmentKind::Meldetermin as i32;
    let which = appointment(
        &e.appointment_id,
        &e.reference,
        e.kind,
        proto::AppointmentChannel::Unspecified as i32,
    );
    let what = if meldetermin {
        "to be assessed by a caseworker: hear the applicant, then decide whether § 32 SGB II \
         applies"
    } else {
        "to be assessed by a caseworker: decide on a new appointment"
    };
    format!(
        "Missed {}{} {what}",
        lower_first(&which),
        phrase(" on ", moment(e.missed_start.as_ref()))
    )
}

/// A caseworker's assessment of a missed appointment.
pub(super) fn assessed(e: &proto::MissedAppointmentAssessed) -> String {
    let outcome = match proto::MissedAppointmentOutcome::try_from(e.outcome).unwrap_or_default() {
        proto::MissedAppointmentOutcome::GoodReason => "the applicant had a good reason",
        proto::MissedAppointmentOutcome::NoGoodReason => "no good reason",
        proto::MissedAppointmentOutcome::NewAppointmentNeeded => "a new appointment is needed",
        proto::MissedAppointmentOutcome::Unspecified => "assessed",
    };
    let name = match e.reference.as_str() {
        "" => short_id(&e.appointment_id),
        reference => reference,
    };
    format!("Missed appointment {name} assessed by a caseworker: {outcome}")
}

/// "Appointment K7MX4-QTR9B (Meldetermin, in person)"; what the case does not know is left out.
fn appointment(id: &str, reference: &str, kind: i32, channel: i32) -> String {
    let name = match reference {
        "" => short_id(id),
        reference => reference,
    };
    let details: Vec<&str> = [kind_words(kind), channel_words(channel)]
        .into_iter()
        .flatten()
        .collect();
    match details.as_slice() {
        [] => format!("Appointment {name}"),
        details => format!("Appointment {name} ({})", details.join(", ")),
    }
}

fn kind_words(kind: i32) -> Option<&'static str> {
    Some(
        match proto::AppointmentKind::try_from(kind).unwrap_or_default() {
            proto::AppointmentKind::FirstMeeting => "first meeting",
            proto::AppointmentKind::Counselling => "counselling",
            proto::AppointmentKind::Placement => "placement",
            proto::AppointmentKind::Meldetermin => "Meldetermin",
            proto::AppointmentKind::Other => "other",
            proto::AppointmentKind::Unspecified => return None,
        },
    )
}

fn channel_words(channel: i32) -> Option<&'static str> {
    Some(
        match proto::AppointmentChannel::try_from(channel).unwrap_or_default() {
            proto::AppointmentChannel::InPerson => "in person",
            proto::AppointmentChannel::Phone => "by phone",
            proto::AppointmentChannel::Video => "by video",
            proto::AppointmentChannel::Unspecified => return None,
        },
    )
}

/// "Appointment …" inside a sentence: "appointment …".
fn lower_first(text: &str) -> String {
    match text.strip_prefix('A') {
        Some(rest) => format!("a{rest}"),
        None => text.to_owned(),
    }
}

/// `at` in Berlin time, if there is one.
fn moment(at: Option<&prost_types::Timestamp>) -> Option<String> {
    at.and_then(to_utc).map(dates::berlin_moment)
}

/// "2026-03-30 09:00–09:30", the end as a time of day when it is the same day; `None` without
/// a start.
fn span(e: &proto::AppointmentNoted) -> Option<String> {
    let start = moment(e.start.as_ref())?;
    Some(match moment(e.end.as_ref()) {
        Some(end) => match (start.split_once(' '), end.split_once(' ')) {
            (Some((start_day, _)), Some((end_day, end_time))) if start_day == end_day => {
                format!("{start}–{end_time}")
            }
            _ => format!("{start} to {end}"),
        },
        None => start,
    })
}

/// `lead` and `text`, or nothing when there is no text.
fn phrase(lead: &str, text: Option<String>) -> String {
    match text {
        Some(text) if !text.is_empty() => format!("{lead}{text}"),
        _ => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 2026-03-30 07:00 UTC: 09:00 in Berlin (summer time).
    fn at(hour_utc: i64, minute: i64) -> Option<prost_types::Timestamp> {
        Some(prost_types::Timestamp {
            seconds: 1_774_828_800 + hour_utc * 3600 + minute * 60,
            nanos: 0,
        })
    }

    fn booked() -> proto::AppointmentNoted {
        proto::AppointmentNoted {
            appointment_id: "0a1b2c3d-8f0a-4a57-9d7e-1f3c2b9a0b11".into(),
            change: proto::AppointmentChange::Booked as i32,
            reference: "K7MX4-QTR9B".into(),
            kind: proto::AppointmentKind::FirstMeeting as i32,
            channel: proto::AppointmentChannel::InPerson as i32,
            start: at(7, 0),
            end: at(7, 30),
            by_applicant: true,
            ..Default::default()
        }
    }

    #[test]
    fn each_change_names_the_appointment_its_time_in_berlin_and_who_acted() {
        let mut moved = booked();
        moved.change = proto::AppointmentChange::Rescheduled as i32;
        moved.previous_start = at(7, 0);
        moved.start = at(8, 0);
        moved.end = at(8, 30);
        moved.by_applicant = false;
        let mut cancelled = booked();
        cancelled.change = proto::AppointmentChange::Cancelled as i32;
        cancelled.by_applicant = false;
        cancelled.reason = "Dienststelle geschlossen".into();
        let mut invited = booked();
        invited.change = proto::AppointmentChange::Invited as i32;
        invited.kind = proto::AppointmentKind::Meldetermin as i32;
        invited.by_applicant = false;
        let mut missed = invited.clone();
        missed.change = proto::AppointmentChange::Missed as i32;
        let mut excused = missed.clone();
        excused.reason = "Bus ausgefallen".into();
        let mut attended = booked();
        attended.change = proto::AppointmentChange::Attended as i32;
        // The case never heard of this one: only what the event carried.
        let unknown = proto::AppointmentNoted {
            appointment_id: "9f8e7d6c-8f0a-4a57-9d7e-1f3c2b9a0b11".into(),
            change: proto::AppointmentChange::Attended as i32,
            ..Default::default()
        };
        let table = [
            (
                booked(),
                "Appointment K7MX4-QTR9B (first meeting, in person) booked by the applicant for \
                 2026-03-30 09:00–09:30",
            ),
            (
                moved,
                "Appointment K7MX4-QTR9B (first meeting, in person) moved by the jobcenter from \
                 2026-03-30 09:00 to 2026-03-30 10:00–10:30",
            ),
            (
                cancelled,
                "Appointment K7MX4-QTR9B (first meeting, in person) on 2026-03-30 09:00 \
                 cancelled by the jobcenter: Dienststelle geschlossen",
            ),
            (
                invited,
                "Invited to appointment K7MX4-QTR9B (Meldetermin, in person) for 2026-03-30 \
                 09:00–09:30 with the notice of consequences (§ 32 SGB II)",
            ),
            (
                missed,
                "The applicant missed appointment K7MX4-QTR9B (Meldetermin, in person) on \
                 2026-03-30 09:00 without giving a reason",
            ),
            (
                excused,
                "The applicant missed appointment K7MX4-QTR9B (Meldetermin, in person) on \
                 2026-03-30 09:00; reason given: Bus ausgefallen",
            ),
            (
                attended,
                "The applicant attended appointment K7MX4-QTR9B (first meeting, in person) on \
                 2026-03-30 09:00",
            ),
            (unknown, "The applicant attended appointment 9f8e7d6c"),
        ];
        for (event, words) in table {
            assert_eq!(noted(&event), words);
        }
    }

    #[test]
    fn an_assessment_request_says_what_the_caseworker_is_to_do() {
        let request = proto::MissedAppointmentAssessmentRequested {
            appointment_id: "0a1b2c3d-8f0a-4a57-9d7e-1f3c2b9a0b11".into(),
            reference: "K7MX4-QTR9B".into(),
            kind: proto::AppointmentKind::Meldetermin as i32,
            invitation: true,
            missed_start: at(7, 0),
        };
        assert_eq!(
            assessment_requested(&request),
            "Missed appointment K7MX4-QTR9B (Meldetermin) on 2026-03-30 09:00 to be assessed by \
             a caseworker: hear the applicant, then decide whether § 32 SGB II applies"
        );
        let counselling = proto::MissedAppointmentAssessmentRequested {
            kind: proto::AppointmentKind::Counselling as i32,
            invitation: false,
            ..request
        };
        assert_eq!(
            assessment_requested(&counselling),
            "Missed appointment K7MX4-QTR9B (counselling) on 2026-03-30 09:00 to be assessed by \
             a caseworker: decide on a new appointment"
        );
        assert_eq!(
            assessed(&proto::MissedAppointmentAssessed {
                appointment_id: counselling.appointment_id,
                outcome: proto::MissedAppointmentOutcome::NoGoodReason as i32,
                note: "nicht erreichbar".into(),
                reference: String::new(),
            }),
            "Missed appointment 0a1b2c3d assessed by a caseworker: no good reason"
        );
        assert_eq!(
            assessed(&proto::MissedAppointmentAssessed {
                appointment_id: "0a1b2c3d-8f0a-4a57-9d7e-1f3c2b9a0b11".into(),
                outcome: proto::MissedAppointmentOutcome::GoodReason as i32,
                note: String::new(),
                reference: "K7MX4-QTR9B".into(),
            }),
            "Missed appointment K7MX4-QTR9B assessed by a caseworker: the applicant had a good \
             reason"
        );
    }
}
