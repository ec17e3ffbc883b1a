//! The configuration of a jobcenter's calendars: its offices with their weekly opening hours,
//! its teams, the appointment types it offers, its closures, and its booking rules. Times are
//! local wall-clock times in Europe/Berlin; [`super::slots`] turns them into instants.
//!
//! A configuration is checked as a whole by [`super::validation::validate`] before it is
//! stored; the types here only hold it. They are also the settings' format (the service reads
//! them from TOML), so they refuse unknown fields: a misspelt key stops the start instead of
//! being ignored.

use std::fmt;

use chrono::{NaiveDate, NaiveTime, TimeDelta, Weekday};
use serde::{Deserialize, Serialize};

use super::holidays::FederalState;
use super::ids::{AppointmentTypeId, OfficeId, TeamId};
use super::wording::Language;

/// A postal address of an office, as applicants read it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Address {
    /// Street and house number.
    pub street: String,
    /// The five-digit postal code.
    pub postal_code: String,
    /// The town or city.
    pub city: String,
}

impl fmt::Display for Address {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}, {} {}", self.street, self.postal_code, self.city)
    }
}

/// An office of the jobcenter, where in-person appointments take place.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Office {
    /// The office's id.
    pub id: OfficeId,
    /// Its name, e.g. "Jobcenter Essen, Standort Mitte".
    pub name: String,
    /// Where it is.
    pub address: Address,
    /// The federal state whose public holidays close it.
    pub state: FederalState,
    /// When it is open for appointments, week by week.
    pub opening_hours: Vec<OpeningInterval>,
}

/// One opening interval on a weekday, in local wall-clock time; a weekday may have several
/// (morning and afternoon).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OpeningInterval {
    /// The weekday it recurs on.
    pub weekday: Weekday,
    /// When the first appointment may start.
    pub start: NaiveTime,
    /// When the last appointment must have ended.
    pub end: NaiveTime,
}

/// A team of an office, serving some of the appointment types.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Team {
    /// The team's id.
    pub id: TeamId,
    /// The office it works in.
    pub office: OfficeId,
    /// Its name, e.g. "Eingangszone" or "Arbeitsvermittlung U25".
    pub name: String,
    /// The appointment types it serves.
    pub appointment_types: Vec<AppointmentTypeId>,
}

/// What an appointment is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AppointmentKind {
    /// The first meeting for a new application (Erstgespräch).
    FirstMeeting,
    /// Counselling (Beratung).
    Counselling,
    /// Placement into work or training (Vermittlung).
    Placement,
    /// A mandatory appointment (Meldetermin, § 32 SGB II): by invitation only, with a notice of
    /// the consequences of missing it.
    Meldetermin,
    /// Anything else the jobcenter offers.
    Other,
}

/// How the appointment takes place.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    /// At the office.
    InPerson,
    /// By telephone: the jobcenter calls.
    Phone,
    /// By video: the appointment carries its joining link.
    Video,
}

impl Channel {
    /// The channel named `code` (`in_person`, `phone`, `video`), as clients and configuration
    /// files spell it.
    pub fn from_code(code: &str) -> Option<Channel> {
        match code {
            "in_person" => Some(Channel::InPerson),
            "phone" => Some(Channel::Phone),
            "video" => Some(Channel::Video),
            _ => None,
        }
    }

    /// The code of the channel; [`Channel::from_code`] reads it back.
    pub fn code(self) -> &'static str {
        match self {
            Channel::InPerson => "in_person",
            Channel::Phone => "phone",
            Channel::Video => "video",
        }
    }
}

/// A kind of appointment the jobcenter offers, with its length and how many people one slot
/// serves.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AppointmentType {
    /// The type's id.
    pub id: AppointmentTypeId,
    /// What it is for.
    pub kind: AppointmentKind,
    /// The German name applicants see, e.g. "Erstgespräch zum Antrag".
    pub name_de: String,
    /// The English name.
    pub name_en: String,
    /// How long one appointment takes, in minutes; slots are stepped by it.
    pub duration_minutes: u32,
    /// How many people one slot serves at once (several caseworkers, a group session).
    pub capacity: u32,
    /// How it may take place.
    pub channels: Vec<Channel>,
    /// Whether applicants may book it themselves; never for a Meldetermin.
    pub self_service: bool,
}

impl AppointmentType {
    /// The length of one appointment.
    pub fn duration(&self) -> TimeDelta {
        TimeDelta::minutes(i64::from(self.duration_minutes))
    }

    /// The name in `language`.
    pub fn name(&self, language: Language) -> &str {
        match language {
            Language::German => &self.name_de,
            Language::English => &self.name_en,
        }
    }

    /// Whether an applicant may book it online: configured so, and not a Meldetermin (which
    /// the jobcenter sets by invitation, whatever the configuration says).
    pub fn may_self_book(&self) -> bool {
        self.self_service && self.kind != AppointmentKind::Meldetermin
    }
}

/// Days an office (or all offices) is closed besides public holidays: communal holidays, staff
/// meetings, a move. Both days included.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Closure {
    /// The office closed; `None` closes every office of the jobcenter.
    pub office: Option<OfficeId>,
    /// The first closed day.
    pub first_day: NaiveDate,
    /// The last closed day.
    pub last_day: NaiveDate,
    /// Why, for staff and for the notice shown to applicants.
    pub reason: String,
}

impl Closure {
    /// Whether it closes `office` on `date`.
    pub fn closes(&self, office: OfficeId, date: NaiveDate) -> bool {
        self.office.is_none_or(|closed| closed == office)
            && self.first_day <= date
            && date <= self.last_day
    }
}

/// The jobcenter's booking rules; every period is a per-tenant setting with these defaults.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct BookingRules {
    /// How long before its start an applicant may book a slot at the latest (so the
    /// caseworker can prepare). Default 24 hours.
    pub self_service_lead_hours: u32,
    /// How far ahead applicants may book. Default 42 days (six weeks).
    pub self_service_horizon_days: u32,
    /// Until how long before the start an applicant may cancel or move a booking. Default 24
    /// hours.
    pub applicant_notice_hours: u32,
    /// How many other free slots a lost race offers. Default 5.
    pub alternatives: u32,
}

impl Default for BookingRules {
    fn default() -> Self {
        Self {
            self_service_lead_hours: 24,
            self_service_horizon_days: 42,
            applicant_notice_hours: 24,
            alternatives: 5,
        }
    }
}

impl BookingRules {
    /// The minimum lead time of a self-service booking.
    pub fn self_service_lead(&self) -> TimeDelta {
        TimeDelta::hours(i64::from(self.self_service_lead_hours))
    }

    /// How far ahead applicants may book.
    pub fn self_service_horizon(&self) -> TimeDelta {
        TimeDelta::days(i64::from(self.self_service_horizon_days))
    }

    /// The notice an applicant gives to cancel or move.
    pub fn applicant_notice(&self) -> TimeDelta {
        TimeDelta::hours(i64::from(self.applicant_notice_hours))
    }
}

/// A jobcenter's whole calendar configuration.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct CalendarConfig {
    /// Its offices.
    pub offices: Vec<Office>,
    /// Its teams.
    pub teams: Vec<Team>,
    /// The appointment types it offers.
    pub appointment_types: Vec<AppointmentType>,
    /// Its closures.
    pub closures: Vec<Closure>,
    /// Its booking rules.
    pub rules: BookingRules,
}

impl CalendarConfig {
    /// The office with `id`.
    pub fn office(&self, id: OfficeId) -> Option<&Office> {
        self.offices.iter().find(|office| office.id == id)
    }

    /// The appointment type with `id`.
    pub fn appointment_type(&self, id: AppointmentTypeId) -> Option<&AppointmentType> {
        self.appointment_types.iter().find(|t| t.id == id)
    }
}
