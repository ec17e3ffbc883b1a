//! Each problem found at its field.

use super::*;
use crate::domain::fixtures::{self, open};
use chrono::Weekday;

fn problems(config: &CalendarConfig) -> Vec<(String, ConfigProblem)> {
    match validate(config) {
        Ok(()) => Vec::new(),
        Err(InvalidConfig(violations)) => violations
            .into_iter()
            .map(|v| (v.field, v.problem))
            .collect(),
    }
}

#[test]
fn the_example_configuration_is_valid() {
    assert_eq!(validate(&fixtures::config()), Ok(()));
}

#[test]
fn an_interval_ending_before_it_starts_is_reported_at_its_end() {
    let mut config = fixtures::config();
    config.offices[0].opening_hours[2] = open(Weekday::Wed, (12, 0), (8, 0));
    assert_eq!(
        problems(&config),
        vec![(
            "offices[0].opening_hours[2].end".to_owned(),
            ConfigProblem::EndBeforeStart
        )]
    );
}

#[test]
fn overlapping_intervals_of_a_weekday_are_reported_but_touching_ones_are_fine() {
    let mut config = fixtures::config();
    // Tuesday 08:00–12:00 and 13:00–16:00 exist; 12:00–13:00 touches both.
    config.offices[0]
        .opening_hours
        .push(open(Weekday::Tue, (12, 0), (13, 0)));
    assert_eq!(problems(&config), Vec::new());
    config.offices[0]
        .opening_hours
        .push(open(Weekday::Tue, (11, 30), (12, 30)));
    assert_eq!(
        problems(&config),
        vec![(
            "offices[0].opening_hours[8]".to_owned(),
            ConfigProblem::Overlaps("offices[0].opening_hours[1]".to_owned())
        )]
    );
    // The same hours on another weekday do not overlap.
    let mut other_day = fixtures::config();
    other_day.offices[0]
        .opening_hours
        .push(open(Weekday::Sat, (8, 0), (12, 0)));
    assert_eq!(problems(&other_day), Vec::new());
}

#[test]
fn durations_capacities_and_channels_are_checked() {
    let mut config = fixtures::config();
    config.appointment_types[0].duration_minutes = 0;
    config.appointment_types[1].duration_minutes = 37;
    config.appointment_types[2].capacity = 0;
    config.appointment_types[2].channels = vec![];
    assert_eq!(
        problems(&config),
        vec![
            (
                "appointment_types[0].duration_minutes".to_owned(),
                ConfigProblem::ZeroDuration
            ),
            (
                "appointment_types[1].duration_minutes".to_owned(),
                ConfigProblem::DurationNotInSteps
            ),
            (
                "appointment_types[2].capacity".to_owned(),
                ConfigProblem::ZeroCapacity
            ),
            (
                "appointment_types[2].channels".to_owned(),
                ConfigProblem::NoChannel
            ),
        ]
    );
}

#[test]
fn a_duration_longer_than_every_opening_interval_is_refused() {
    let mut config = fixtures::config();
    // The longest interval is four hours.
    config.appointment_types[1].duration_minutes = 300;
    assert_eq!(
        problems(&config),
        vec![(
            "appointment_types[1].duration_minutes".to_owned(),
            ConfigProblem::FitsNoInterval
        )]
    );
    config.appointment_types[1].duration_minutes = 600;
    assert_eq!(problems(&config)[0].1, ConfigProblem::DurationTooLong,);
}

#[test]
fn a_meldetermin_cannot_be_offered_for_self_service() {
    let mut config = fixtures::config();
    config.appointment_types[2].self_service = true;
    assert_eq!(
        problems(&config),
        vec![(
            "appointment_types[2].self_service".to_owned(),
            ConfigProblem::MeldeterminSelfService
        )]
    );
    // Even so, it is never bookable by applicants.
    assert!(!config.appointment_types[2].may_self_book());
}

#[test]
fn unknown_channels_and_duplicates_are_named_by_index() {
    assert_eq!(
        parse_channels("appointment_types[0].channels", &["video", "fax", "phone"]),
        Err(InvalidConfig(vec![FieldViolation {
            field: "appointment_types[0].channels[1]".to_owned(),
            problem: ConfigProblem::UnknownChannel("fax".to_owned()),
        }]))
    );
    assert_eq!(
        parse_channels("c", &["in_person", "video"]),
        Ok(vec![Channel::InPerson, Channel::Video])
    );
    let mut config = fixtures::config();
    config.appointment_types[0].channels = vec![Channel::Phone, Channel::Phone];
    assert_eq!(
        problems(&config),
        vec![(
            "appointment_types[0].channels[1]".to_owned(),
            ConfigProblem::DuplicateChannel
        )]
    );
}

#[test]
fn references_ids_texts_and_closures_are_checked() {
    let mut config = fixtures::config();
    config.offices.push(config.offices[0].clone());
    config.offices[1].address.postal_code = "4512".into();
    config.teams[0].name = " ".into();
    config.teams[0]
        .appointment_types
        .push(crate::domain::ids::AppointmentTypeId(
            uuid::Uuid::from_u128(9),
        ));
    config.closures[0].last_day = fixtures::day(2026, 4, 14);
    config.closures[0].reason = String::new();
    config.rules.self_service_horizon_days = 0;
    let fields: Vec<String> = problems(&config).into_iter().map(|(f, _)| f).collect();
    assert_eq!(
        fields,
        [
            "offices[1].id",
            "offices[1].address.postal_code",
            "teams[0].name",
            "teams[0].appointment_types[3]",
            "closures[0].last_day",
            "closures[0].reason",
            "rules.self_service_horizon_days",
        ]
    );
    let message = validate(&config).err().map(|e| e.0[0].to_string());
    assert_eq!(
        message.as_deref(),
        Some("offices[1].id: the id is used twice")
    );
}
