//! Proto ↔ domain for the API's messages, in one place: request fields parsed into domain
//! values (each failure a field violation naming its path), and domain values written back as
//! the API's messages. Event payloads have their own conversion (`crate::events`).

use chrono::{DateTime, Datelike, NaiveDate, Timelike, Utc};
use jobcenter_proto::appointment::v1 as proto;
use jobcenter_proto::common::v1 as common;
use platform::FieldViolation;
use uuid::Uuid;

use crate::domain::appointment::{Appointment, Status, VideoLink};
use crate::domain::availability::FreeSlot;
use crate::domain::calendar::{AppointmentType, Channel, Office};
use crate::domain::ids::OfficeId;
use crate::domain::slots::MAX_RANGE_DAYS;
use crate::domain::wording::Language;
use crate::error::AppointmentError;
use crate::events::{
    channel_from_proto, channel_to_proto, kind_to_proto, origin_to_proto, place_to_proto,
    to_timestamp,
};

/// The longest reason (a cancellation's, a no-show's), in characters.
pub const MAX_REASON_CHARS: usize = 500;

/// Gathers every invalid field of a request, so that a client learns all its mistakes at once.
#[derive(Debug, Default)]
pub struct Checks(Vec<FieldViolation>);

impl Checks {
    /// The value, or `None` with its violation kept.
    pub fn keep<T>(&mut self, result: Result<T, FieldViolation>) -> Option<T> {
        match result {
            Ok(value) => Some(value),
            Err(violation) => {
                self.0.push(violation);
                None
            }
        }
    }

    /// Keeps a violation found apart from a field's own check (one field against another).
    pub fn add(&mut self, field: &str, description: impl Into<String>) {
        self.0.push(FieldViolation::new(field, description));
    }

    /// `Ok` if nothing was invalid, else every violation.
    pub fn finish(self) -> Result<(), AppointmentError> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(AppointmentError::Invalid(self.0))
        }
    }
}

/// The value of a field [`Checks::keep`] accepted; `None` only after a violation was kept, so
/// after [`Checks::finish`] it never happens.
pub fn checked<T>(value: Option<T>, field: &str) -> Result<T, AppointmentError> {
    value.ok_or_else(|| AppointmentError::invalid(field, "is invalid"))
}

/// A UUID field.
pub fn uuid(value: &str, field: &str) -> Result<Uuid, FieldViolation> {
    Uuid::parse_str(value).map_err(|_| FieldViolation::new(field, "must be a UUID"))
}

/// A UUID field that may be empty.
pub fn optional_uuid(value: &str, field: &str) -> Result<Option<Uuid>, FieldViolation> {
    match value {
        "" => Ok(None),
        given => uuid(given, field).map(Some),
    }
}

/// A required timestamp field.
pub fn instant(
    value: Option<&prost_types::Timestamp>,
    field: &str,
) -> Result<DateTime<Utc>, FieldViolation> {
    let value = value.ok_or_else(|| FieldViolation::new(field, "is required"))?;
    crate::events::from_timestamp(value)
        .ok_or_else(|| FieldViolation::new(field, "is not a valid time"))
}

/// A required date field.
pub fn day(value: Option<&common::Date>, field: &str) -> Result<NaiveDate, FieldViolation> {
    let value = value.ok_or_else(|| FieldViolation::new(field, "is required"))?;
    NaiveDate::from_ymd_opt(
        value.year,
        u32::try_from(value.month).unwrap_or(0),
        u32::try_from(value.day).unwrap_or(0),
    )
    .ok_or_else(|| FieldViolation::new(field, "is not a valid date"))
}

/// A channel field; unspecified or unknown values are refused.
pub fn channel(value: i32, field: &str) -> Result<Channel, FieldViolation> {
    channel_from_proto(value)
        .ok_or_else(|| FieldViolation::new(field, "must be in person, phone or video"))
}

/// A video link field that may be empty.
pub fn video_link(value: &str, field: &str) -> Result<Option<VideoLink>, FieldViolation> {
    match value {
        "" => Ok(None),
        given => VideoLink::parse(given)
            .map(Some)
            .map_err(|refused| FieldViolation::new(field, refused.to_string())),
    }
}

/// A reason field: trimmed, empty as none, at most [`MAX_REASON_CHARS`].
pub fn reason(value: &str, field: &str) -> Result<Option<String>, FieldViolation> {
    let trimmed = value.trim();
    if trimmed.chars().count() > MAX_REASON_CHARS {
        return Err(FieldViolation::new(
            field,
            format!("must be at most {MAX_REASON_CHARS} characters"),
        ));
    }
    Ok((!trimmed.is_empty()).then(|| trimmed.to_owned()))
}

/// A subject field (an account): required, without spaces or control characters.
pub fn subject(value: &str, field: &str) -> Result<String, FieldViolation> {
    if value.is_empty() {
        return Err(FieldViolation::new(field, "is required"));
    }
    if value.len() > 255 || value.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(FieldViolation::new(
            field,
            "must be an account subject (at most 255 characters, no spaces)",
        ));
    }
    Ok(value.to_owned())
}

/// A language field: "de" (or empty) or "en".
pub fn language(value: &str, field: &str) -> Result<Language, FieldViolation> {
    match value {
        "" | "de" => Ok(Language::German),
        "en" => Ok(Language::English),
        _ => Err(FieldViolation::new(field, "must be \"de\" or \"en\"")),
    }
}

/// A date as the proto `Date`.
pub fn date(day: NaiveDate) -> common::Date {
    common::Date {
        year: day.year(),
        month: i32::try_from(day.month()).unwrap_or_default(),
        day: i32::try_from(day.day()).unwrap_or_default(),
    }
}

/// A free slot as the API shows it.
pub fn free_slot(free: &FreeSlot) -> proto::FreeSlot {
    let slot = &free.slot;
    proto::FreeSlot {
        office_id: slot.office.to_string(),
        appointment_type_id: slot.appointment_type.to_string(),
        start: Some(to_timestamp(slot.start)),
        end: Some(to_timestamp(slot.end)),
        local_date: Some(date(slot.local_date)),
        local_start: format!(
            "{:02}:{:02}",
            slot.local_start.hour(),
            slot.local_start.minute()
        ),
        places_left: i32::try_from(free.places_left).unwrap_or(i32::MAX),
    }
}

/// An appointment as the API shows it.
pub fn appointment(appointment: &Appointment) -> proto::Appointment {
    let terms = &appointment.terms;
    let (origin, _) = origin_to_proto(&appointment.origin);
    let (status, reason) = match &appointment.status {
        Status::Booked => (proto::AppointmentStatus::Booked, None),
        Status::Invited => (proto::AppointmentStatus::Invited, None),
        // Moved, and open at its new time: booked or invited as it came about.
        Status::Rescheduled if appointment.is_invitation() => {
            (proto::AppointmentStatus::Invited, None)
        }
        Status::Rescheduled => (proto::AppointmentStatus::Booked, None),
        Status::Cancelled { reason, .. } => (proto::AppointmentStatus::Cancelled, reason.clone()),
        Status::Attended => (proto::AppointmentStatus::Attended, None),
        Status::NoShow { reason } => (proto::AppointmentStatus::Missed, reason.clone()),
    };
    // The revision counts the moves and the cancellation.
    let cancelled = u32::from(matches!(appointment.status, Status::Cancelled { .. }));
    proto::Appointment {
        appointment_id: terms.id.to_string(),
        reference: terms.reference.to_string(),
        applicant_subject: terms.applicant.0.clone(),
        case_id: terms.case.map(|case| case.to_string()).unwrap_or_default(),
        kind: kind_to_proto(terms.kind) as i32,
        channel: channel_to_proto(terms.channel) as i32,
        video_link: terms
            .video_link
            .as_ref()
            .map(|link| link.as_str().to_owned())
            .unwrap_or_default(),
        place: Some(place_to_proto(&appointment.place)),
        origin: origin as i32,
        status: status as i32,
        reason: reason.unwrap_or_default(),
        caseworker: appointment
            .caseworker
            .as_ref()
            .map(|staff| staff.0.clone())
            .unwrap_or_default(),
        reschedules: i32::try_from(appointment.revision.saturating_sub(cancelled))
            .unwrap_or(i32::MAX),
        // Whoever holds it; the case's responsible caseworker is filled in by the handlers
        // that know the case (`AppointmentApi::shown`, the read models).
        responsible_caseworker: appointment
            .caseworker
            .as_ref()
            .map(|staff| staff.0.clone())
            .unwrap_or_default(),
    }
}

/// An appointment as the API shows it, whose it is resolved: `responsible` is its caseworker
/// if someone holds it, else its case's responsible caseworker, if known.
pub fn responsible_appointment(
    appointment: &Appointment,
    responsible: Option<String>,
) -> proto::Appointment {
    proto::Appointment {
        responsible_caseworker: responsible.unwrap_or_default(),
        ..self::appointment(appointment)
    }
}

/// Checks a range of days from `first_day` to `last_day` (both included): it must not end
/// before it starts and must cover at most [`MAX_RANGE_DAYS`] days (violations on `last_day`).
pub fn day_range(checks: &mut Checks, first: Option<NaiveDate>, last: Option<NaiveDate>) {
    if let (Some(first), Some(last)) = (first, last) {
        let days = (last - first).num_days() + 1;
        if days < 1 {
            checks.add("last_day", "must not be before first_day");
        } else if days > MAX_RANGE_DAYS {
            checks.add(
                "last_day",
                format!("must be at most {MAX_RANGE_DAYS} days from first_day (both included)"),
            );
        }
    }
}

/// An office as the API shows it.
pub fn office(office: &Office) -> proto::Office {
    proto::Office {
        office_id: office.id.to_string(),
        name: office.name.clone(),
        address: Some(common::Address {
            // The calendar keeps street and number together, as the office's sign shows them.
            street: office.address.street.clone(),
            house_number: String::new(),
            postal_code: office.address.postal_code.clone(),
            city: office.address.city.clone(),
        }),
    }
}

/// An appointment type as the API shows it, with the offices that offer it.
pub fn appointment_type(kind: &AppointmentType, offices: &[OfficeId]) -> proto::AppointmentType {
    proto::AppointmentType {
        appointment_type_id: kind.id.to_string(),
        kind: kind_to_proto(kind.kind) as i32,
        name_de: kind.name_de.clone(),
        name_en: kind.name_en.clone(),
        duration_minutes: i32::try_from(kind.duration_minutes).unwrap_or(i32::MAX),
        capacity: i32::try_from(kind.capacity).unwrap_or(i32::MAX),
        channels: kind
            .channels
            .iter()
            .map(|channel| channel_to_proto(*channel) as i32)
            .collect(),
        self_service: kind.may_self_book(),
        office_ids: offices.iter().map(ToString::to_string).collect(),
    }
}

/// A position token of `log` as the API gives it.
pub fn position(log: &eventlog::EventLog, at: eventlog::LogPosition) -> common::Position {
    common::Position {
        token: log.token(at).to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_fields_are_checked_with_their_paths() {
        assert!(uuid("nope", "office_id").is_err_and(|v| v.field == "office_id"));
        assert_eq!(optional_uuid("", "case_id"), Ok(None));
        assert!(channel(0, "channel").is_err());
        assert_eq!(channel(1, "channel"), Ok(Channel::InPerson));
        assert!(video_link("http://x", "video_link").is_err());
        assert_eq!(reason("  ", "reason"), Ok(None));
        assert!(reason(&"x".repeat(501), "reason").is_err());
        assert_eq!(language("", "language"), Ok(Language::German));
        assert!(language("fr", "language").is_err());
        let bad_day = common::Date {
            year: 2026,
            month: 2,
            day: 30,
        };
        assert!(day(Some(&bad_day), "first_day").is_err());
        assert!(subject("a b", "applicant_subject").is_err());
    }
}
