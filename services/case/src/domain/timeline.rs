//! The words a caseworker reads for each event of a case.

use jobcenter_proto::case::v1 as proto;

use super::{Event, to_utc};

/// Describes one event of a case in plain words.
pub fn describe(event: &Event) -> String {
    match event {
        Event::CaseOpened(e) => describe_opened(e),
    }
}

/// Describes a recorded case event (payload decoded by its type) in plain words; a type this
/// version does not know gets a neutral line.
pub fn describe_recorded(event_type: &str, payload: &[u8]) -> Result<String, prost::DecodeError> {
    Ok(match super::Event::decode(event_type, payload)? {
        Some(event) => describe(&event),
        None => describe_unknown(event_type),
    })
}

/// A line for an event type this version does not know (written by a newer version).
pub fn describe_unknown(event_type: &str) -> String {
    format!("Recorded event of type {event_type}")
}

fn describe_opened(e: &proto::CaseOpened) -> String {
    let received = e
        .application_received_at
        .as_ref()
        .and_then(to_utc)
        .map(|at| at.format("%Y-%m-%d").to_string());
    let people = match e.household_size {
        1 => "one person".to_owned(),
        n => format!("{n} people"),
    };
    match received {
        Some(day) => {
            format!("Case opened for an application received on {day} (household of {people})")
        }
        None => format!("Case opened for an application (household of {people})"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn case_opened_names_the_day_of_receipt() {
        let e = Event::CaseOpened(proto::CaseOpened {
            application_received_at: Some(prost_types::Timestamp {
                seconds: 1_795_426_200,
                nanos: 0,
            }),
            household_size: 2,
            ..Default::default()
        });
        assert_eq!(
            describe(&e),
            "Case opened for an application received on 2026-11-23 (household of 2 people)"
        );
    }
}
