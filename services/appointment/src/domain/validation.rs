//! Checks a calendar configuration as a whole before it is stored, and says what is wrong where:
//! each problem comes with the field path a client can show next to the field
//! (`offices[0].opening_hours[2].end`), so the API answers `INVALID_ARGUMENT` with field
//! violations and stores nothing.

use std::collections::HashSet;
use std::fmt;

use super::calendar::{AppointmentKind, CalendarConfig, Channel, Office};

/// Appointment durations are whole multiples of this many minutes, so that slots line up
/// with the quarter and half hours staff plan in.
pub const DURATION_STEP_MINUTES: u32 = 5;
/// The longest appointment, in minutes (a working day).
pub const MAX_DURATION_MINUTES: u32 = 8 * 60;

/// What is wrong with one field. Messages are for the jobcenter's administrators.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConfigProblem {
    /// A required text is empty.
    #[error("must not be empty")]
    Empty,
    /// A postal code that is not five digits.
    #[error("must be a German postal code of five digits")]
    NotAPostalCode,
    /// An id appears twice.
    #[error("the id is used twice")]
    DuplicateId,
    /// An interval or a period ends before (or when) it starts.
    #[error("ends before it starts")]
    EndBeforeStart,
    /// Two opening intervals of a weekday overlap.
    #[error("overlaps {0}")]
    Overlaps(String),
    /// An appointment type lasts no time.
    #[error("the duration must be more than 0 minutes")]
    ZeroDuration,
    /// A duration that would put slots at odd minutes.
    #[error("the duration must be a multiple of {DURATION_STEP_MINUTES} minutes")]
    DurationNotInSteps,
    /// A duration longer than any working day.
    #[error("the duration must be at most {MAX_DURATION_MINUTES} minutes")]
    DurationTooLong,
    /// A duration that fits in no opening interval of any office, so no slot could exist.
    #[error("no opening interval of any office is long enough for this duration")]
    FitsNoInterval,
    /// A slot that serves nobody.
    #[error("the capacity must be at least 1")]
    ZeroCapacity,
    /// An appointment type that can take place in no way.
    #[error("at least one channel is needed")]
    NoChannel,
    /// A channel listed twice.
    #[error("the channel is listed twice")]
    DuplicateChannel,
    /// A channel code that is not one of `in_person`, `phone`, `video`.
    #[error("unknown channel {0:?}")]
    UnknownChannel(String),
    /// A Meldetermin configured for self-service.
    #[error("a Meldetermin is by invitation only and cannot be booked by applicants")]
    MeldeterminSelfService,
    /// A reference to an office that is not configured.
    #[error("no such office")]
    UnknownOffice,
    /// A reference to an appointment type that is not configured.
    #[error("no such appointment type")]
    UnknownAppointmentType,
    /// A period or count that must be positive is 0.
    #[error("must be more than 0")]
    Zero,
}

/// One problem at one field.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {problem}")]
pub struct FieldViolation {
    /// The path of the field, e.g. `appointment_types[1].duration_minutes`.
    pub field: String,
    /// What is wrong with it.
    pub problem: ConfigProblem,
}

/// Every problem of a configuration, in the order of its fields.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvalidConfig(pub Vec<FieldViolation>);

impl fmt::Display for InvalidConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "the calendar configuration has {} problem(s)",
            self.0.len()
        )
    }
}

impl std::error::Error for InvalidConfig {}

/// The channels named by `codes` at the field `path`, for configurations that arrive as text
/// (an API request); an unknown code is a violation at its index.
pub fn parse_channels(path: &str, codes: &[&str]) -> Result<Vec<Channel>, InvalidConfig> {
    let mut channels = Vec::with_capacity(codes.len());
    let mut violations = Vec::new();
    for (i, code) in codes.iter().enumerate() {
        match Channel::from_code(code) {
            Some(channel) => channels.push(channel),
            None => violations.push(FieldViolation {
                field: format!("{path}[{i}]"),
                problem: ConfigProblem::UnknownChannel((*code).to_owned()),
            }),
        }
    }
    if violations.is_empty() {
        Ok(channels)
    } else {
        Err(InvalidConfig(violations))
    }
}

/// Checks `config`; all its problems at once, so an administrator fixes them in one go.
pub fn validate(config: &CalendarConfig) -> Result<(), InvalidConfig> {
    let mut found = Violations::default();
    let mut office_ids = HashSet::new();
    for (i, office) in config.offices.iter().enumerate() {
        let path = format!("offices[{i}]");
        if !office_ids.insert(office.id) {
            found.add(format!("{path}.id"), ConfigProblem::DuplicateId);
        }
        check_office(&path, office, &mut found);
    }
    let longest_interval = config
        .offices
        .iter()
        .flat_map(|office| &office.opening_hours)
        .filter(|interval| interval.end > interval.start)
        .map(|interval| interval.end - interval.start)
        .max();
    let mut type_ids = HashSet::new();
    for (i, kind) in config.appointment_types.iter().enumerate() {
        let path = format!("appointment_types[{i}]");
        if !type_ids.insert(kind.id) {
            found.add(format!("{path}.id"), ConfigProblem::DuplicateId);
        }
        found.non_empty(format!("{path}.name_de"), &kind.name_de);
        found.non_empty(format!("{path}.name_en"), &kind.name_en);
        let duration = format!("{path}.duration_minutes");
        if kind.duration_minutes == 0 {
            found.add(duration, ConfigProblem::ZeroDuration);
        } else if kind.duration_minutes % DURATION_STEP_MINUTES != 0 {
            found.add(duration, ConfigProblem::DurationNotInSteps);
        } else if kind.duration_minutes > MAX_DURATION_MINUTES {
            found.add(duration, ConfigProblem::DurationTooLong);
        } else if longest_interval.is_some_and(|longest| kind.duration() > longest) {
            found.add(duration, ConfigProblem::FitsNoInterval);
        }
        if kind.capacity == 0 {
            found.add(format!("{path}.capacity"), ConfigProblem::ZeroCapacity);
        }
        if kind.channels.is_empty() {
            found.add(format!("{path}.channels"), ConfigProblem::NoChannel);
        }
        let mut seen = HashSet::new();
        for (c, channel) in kind.channels.iter().enumerate() {
            if !seen.insert(channel) {
                found.add(
                    format!("{path}.channels[{c}]"),
                    ConfigProblem::DuplicateChannel,
                );
            }
        }
        if kind.kind == AppointmentKind::Meldetermin && kind.self_service {
            found.add(
                format!("{path}.self_service"),
                ConfigProblem::MeldeterminSelfService,
            );
        }
    }
    for (i, team) in config.teams.iter().enumerate() {
        let path = format!("teams[{i}]");
        found.non_empty(format!("{path}.name"), &team.name);
        if !office_ids.contains(&team.office) {
            found.add(format!("{path}.office"), ConfigProblem::UnknownOffice);
        }
        for (t, id) in team.appointment_types.iter().enumerate() {
            if !type_ids.contains(id) {
                found.add(
                    format!("{path}.appointment_types[{t}]"),
                    ConfigProblem::UnknownAppointmentType,
                );
            }
        }
    }
    for (i, closure) in config.closures.iter().enumerate() {
        let path = format!("closures[{i}]");
        if closure
            .office
            .is_some_and(|office| !office_ids.contains(&office))
        {
            found.add(format!("{path}.office"), ConfigProblem::UnknownOffice);
        }
        if closure.last_day < closure.first_day {
            found.add(format!("{path}.last_day"), ConfigProblem::EndBeforeStart);
        }
        found.non_empty(format!("{path}.reason"), &closure.reason);
    }
    let rules = &config.rules;
    if rules.self_service_horizon_days == 0 {
        found.add("rules.self_service_horizon_days", ConfigProblem::Zero);
    }
    found.into_result()
}

fn check_office(path: &str, office: &Office, found: &mut Violations) {
    found.non_empty(format!("{path}.name"), &office.name);
    found.non_empty(format!("{path}.address.street"), &office.address.street);
    found.non_empty(format!("{path}.address.city"), &office.address.city);
    let postal_code = &office.address.postal_code;
    if postal_code.len() != 5 || !postal_code.bytes().all(|b| b.is_ascii_digit()) {
        found.add(
            format!("{path}.address.postal_code"),
            ConfigProblem::NotAPostalCode,
        );
    }
    for (i, interval) in office.opening_hours.iter().enumerate() {
        if interval.end <= interval.start {
            found.add(
                format!("{path}.opening_hours[{i}].end"),
                ConfigProblem::EndBeforeStart,
            );
            continue;
        }
        let earlier = office.opening_hours[..i].iter().position(|other| {
            other.weekday == interval.weekday
                && other.start < interval.end
                && interval.start < other.end
        });
        if let Some(j) = earlier {
            found.add(
                format!("{path}.opening_hours[{i}]"),
                ConfigProblem::Overlaps(format!("{path}.opening_hours[{j}]")),
            );
        }
    }
}

/// The problems found so far.
#[derive(Default)]
struct Violations(Vec<FieldViolation>);

impl Violations {
    fn add(&mut self, field: impl Into<String>, problem: ConfigProblem) {
        self.0.push(FieldViolation {
            field: field.into(),
            problem,
        });
    }

    fn non_empty(&mut self, field: String, text: &str) {
        if text.trim().is_empty() {
            self.add(field, ConfigProblem::Empty);
        }
    }

    fn into_result(self) -> Result<(), InvalidConfig> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(InvalidConfig(self.0))
        }
    }
}

#[cfg(test)]
mod tests;
