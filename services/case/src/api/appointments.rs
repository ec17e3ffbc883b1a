//! The appointment RPC (docs/casework/appointments.md): a caseworker records their assessment
//! of a missed appointment the case asked about (AssessMissedAppointment), which closes the
//! assessment task.

use jobcenter_proto::case::v1 as proto;
use tonic::{Request, Response, Status};

use super::CaseApi;
use super::commands::{run, target};
use crate::domain::appointments::{Assessment, AssessmentNote, Outcome};
use crate::domain::case::Command;
use crate::error::CaseError;

/// The caseworker's assessment in an AssessMissedAppointment request, or every field violation
/// in it.
fn assessment(request: &proto::AssessMissedAppointmentRequest) -> Result<Assessment, CaseError> {
    let mut violations = Vec::new();
    // Appointment ids are UUIDs, in one spelling (the case keeps them as the stream names them).
    let appointment_id = match uuid::Uuid::parse_str(&request.appointment_id) {
        Ok(id) => Some(id.to_string()),
        Err(_) => {
            violations.push(("appointment_id", "must be a UUID".to_owned()));
            None
        }
    };
    let outcome = Outcome::from_proto(request.outcome);
    if outcome.is_none() {
        violations.push((
            "outcome",
            "choose good reason, no good reason or new appointment needed".to_owned(),
        ));
    }
    let note = match AssessmentNote::new(&request.note) {
        Ok(note) => Some(note),
        Err(too_long) => {
            violations.push(("note", too_long.to_string()));
            None
        }
    };
    match (appointment_id, outcome, note) {
        (Some(appointment_id), Some(outcome), Some(note)) => Ok(Assessment {
            appointment_id,
            outcome,
            note,
        }),
        _ => Err(CaseError::InvalidFields(violations)),
    }
}

pub(super) async fn assess_missed_appointment(
    api: &CaseApi,
    request: Request<proto::AssessMissedAppointmentRequest>,
) -> Result<Response<proto::AssessMissedAppointmentResponse>, Status> {
    let done = run(api, request, |r| {
        let target = target(r.command.as_ref())?;
        Ok((target, Command::AssessMissedAppointment(assessment(&r)?)))
    })
    .await?;
    Ok(Response::new(proto::AssessMissedAppointmentResponse {
        result: Some(api.result(&done)),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(error: CaseError) -> Vec<&'static str> {
        match error {
            CaseError::InvalidFields(violations) => {
                violations.into_iter().map(|(field, _)| field).collect()
            }
            other => panic!("field violations expected, got {other:?}"),
        }
    }

    #[test]
    fn every_bad_field_is_reported_at_once_and_good_ones_parse() {
        let bad = proto::AssessMissedAppointmentRequest {
            command: None,
            appointment_id: "appointment-7".into(),
            outcome: proto::MissedAppointmentOutcome::Unspecified as i32,
            note: "x".repeat(501),
        };
        let refused = assessment(&bad).expect_err("invalid");
        assert_eq!(fields(refused), vec!["appointment_id", "outcome", "note"]);

        let id = uuid::Uuid::new_v4();
        let good = proto::AssessMissedAppointmentRequest {
            command: None,
            appointment_id: id.to_string().to_uppercase(),
            outcome: proto::MissedAppointmentOutcome::NewAppointmentNeeded as i32,
            note: " neuer Termin vereinbart ".into(),
        };
        let parsed = assessment(&good).expect("valid");
        assert_eq!(parsed.appointment_id, id.to_string());
        assert_eq!(parsed.outcome, Outcome::NewAppointmentNeeded);
        assert_eq!(parsed.note.as_str(), "neuer Termin vereinbart");
    }
}
