//! The settings as an operator writes them: a TOML file with a jobcenter's calendar.

use super::*;
use crate::domain::calendar::{AppointmentKind, Channel};
use crate::domain::holidays::FederalState;
use chrono::{NaiveTime, Weekday};

const ESSEN: &str = r#"
[calendars.ical]
uid_domain = "termine.jobcenter-essen.de"
organizer_name = "Jobcenter Essen, Terminservice"
organizer_email = "termine@jobcenter-essen.de"

[[calendars.tenants.jc-essen.offices]]
id = "6f1c2a4e-0d7b-4c59-9a11-3b8e5f0c2d71"
name = "Jobcenter Essen, Standort Mitte"
state = "NW"
address = { street = "Berliner Platz 10", postal_code = "45127", city = "Essen" }
opening_hours = [
  { weekday = "mon", start = "08:00", end = "12:00" },
  { weekday = "tue", start = "08:00", end = "12:00" },
  { weekday = "tue", start = "13:00", end = "16:00" },
]

[[calendars.tenants.jc-essen.appointment_types]]
id = "0b5d7c1e-8a2f-4e63-9d40-c7f1a2b3e4d5"
kind = "first_meeting"
name_de = "Erstgespräch zum Antrag"
name_en = "First meeting about your application"
duration_minutes = 30
capacity = 2
channels = ["in_person", "phone"]
self_service = true

[[calendars.tenants.jc-essen.closures]]
first_day = "2026-12-24"
last_day = "2026-12-31"
reason = "Betriebsruhe zwischen den Jahren"

[calendars.tenants.jc-essen.rules]
self_service_horizon_days = 28
"#;

fn load(text: &str) -> Result<Config, platform::config::ConfigError> {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("appointment.toml");
    std::fs::write(&path, text).expect("written");
    platform::config::load("JC_APPOINTMENT_TEST_NOTHING_", Some(&path))
}

#[test]
fn a_jobcenters_calendar_comes_from_the_file_in_the_domains_terms() {
    let config = load(ESSEN).expect("loads");
    assert!(config.problems().is_empty(), "{:?}", config.problems());
    assert_eq!(config.server.grpc_addr.port(), DEFAULT_GRPC_PORT);
    let calendars = Calendars::from_settings(&config.calendars);
    let essen = calendars.of("jc-essen").expect("configured");
    let office = &essen.config.offices[0];
    assert_eq!(office.state, FederalState::NorthRhineWestphalia);
    assert_eq!(office.opening_hours[2].weekday, Weekday::Tue);
    assert_eq!(
        office.opening_hours[2].start,
        NaiveTime::from_hms_opt(13, 0, 0).expect("time")
    );
    let kind = &essen.config.appointment_types[0];
    assert_eq!(kind.kind, AppointmentKind::FirstMeeting);
    assert_eq!(kind.channels, [Channel::InPerson, Channel::Phone]);
    assert_eq!(essen.config.closures[0].office, None);
    // Rules left out keep the domain's defaults.
    assert_eq!(essen.config.rules.self_service_horizon_days, 28);
    assert_eq!(essen.config.rules.self_service_lead_hours, 24);
    assert_eq!(essen.ical.uid_domain, "termine.jobcenter-essen.de");
    assert!(calendars.of("jc-elsewhere").is_none());
}

#[test]
fn a_misspelt_setting_is_refused_rather_than_ignored() {
    let misspelt = ESSEN.replace("first_day = ", "frist_day = ");
    assert!(load(&misspelt).is_err());
    let unknown_channel = ESSEN.replace("\"phone\"]", "\"fax\"]");
    assert!(load(&unknown_channel).is_err());
}

#[test]
fn a_calendar_that_makes_no_sense_is_refused_with_every_problem_and_its_path() {
    let bad = ESSEN
        .replace(
            "{ weekday = \"mon\", start = \"08:00\", end = \"12:00\" }",
            "{ weekday = \"mon\", start = \"12:00\", end = \"08:00\" }",
        )
        .replace("capacity = 2", "capacity = 0")
        .replace(
            "organizer_email = \"termine@jobcenter-essen.de\"",
            "organizer_email = \"nobody\"",
        );
    let config = load(&bad).expect("loads");
    assert_eq!(
        config.problems(),
        [
            "calendars.ical.organizer_email must be a mail address (local@domain)",
            "calendars.tenants.jc-essen.offices[0].opening_hours[0].end: ends before it starts",
            "calendars.tenants.jc-essen.appointment_types[0].capacity: the capacity must be at \
             least 1",
        ]
    );
}
