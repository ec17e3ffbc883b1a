//! Takes what the E-Akte read from scanned sick notes onto the cases: for each
//! `efile.SickNoteRead` it executes `AssessSickNote` on the named case, which records the
//! incapacity by itself when nothing is in doubt, and otherwise asks the case's caseworker to
//! confirm or correct it (`domain::sick_notes`, docs/casework/sick-notes.md).
//!
//! Runs as a projection over the E-Akte's log (source `efile`, JetStream `EV_EFILE`), appending
//! to the case log with `CaseCommands::execute_in` inside the runner's batch transaction, so the
//! append commits with the checkpoint. The command id is derived from the E-Akte event's id (and
//! scoped by tenant and case like every command id): a redelivery appends nothing twice, and the
//! case itself refuses a second record or review of the same document (a re-read version, a
//! re-sent event). A reading naming no case of its tenant is logged (ids only) and passed by:
//! the E-Akte files documents only onto cases it knows, so that is a bug there, and one bad
//! event must not stop every sick note behind it.

use std::sync::Arc;

use eventlog::RecordedEvent;
use futures::future::BoxFuture;
use jobcenter_proto::efile::v1 as efile;
use projection::{Projection, ProjectionError};
use prost::Message;
use sqlx::PgConnection;
use uuid::Uuid;

use crate::commands::{CaseCommands, Issuer};
use crate::domain::case::Command;
use crate::domain::dates::{self, Clock};
use crate::domain::sick_notes::{ConfidenceThreshold, Reading};
use crate::error::CaseError;

/// Name of the reactor (its checkpoint key and actor `reactor:sick_notes`).
pub const NAME: &str = "sick_notes";
/// The service whose log the reactor consumes.
pub const EFILE_SERVICE: &str = "efile";
/// The E-Akte event it reacts to.
pub const SICK_NOTE_READ: &str = "efile.SickNoteRead";

/// Fixed namespace of the reactor's command ids: UUIDv5(namespace, E-Akte event id).
pub const SICK_NOTE_COMMAND_NAMESPACE: Uuid =
    Uuid::from_u128(0x6c2e_91d4_3a7f_4b18_8e05_d9b3_17a4_c652);

/// The command id of the reaction to E-Akte event `efile_event_id`.
pub fn reaction_command_id(efile_event_id: Uuid) -> Uuid {
    Uuid::new_v5(&SICK_NOTE_COMMAND_NAMESPACE, efile_event_id.as_bytes())
}

/// The reactor.
#[derive(Debug, Clone)]
pub struct SickNoteReactor {
    commands: CaseCommands,
    clock: Arc<dyn Clock>,
    threshold: ConfidenceThreshold,
}

impl SickNoteReactor {
    /// A reactor executing through `commands` on the days of `clock`, recording by itself what
    /// was read with at least `threshold` confidence.
    pub fn new(
        commands: CaseCommands,
        clock: Arc<dyn Clock>,
        threshold: ConfidenceThreshold,
    ) -> Self {
        Self {
            commands,
            clock,
            threshold,
        }
    }

    async fn react(
        &self,
        tx: &mut PgConnection,
        event: &RecordedEvent,
    ) -> Result<(), ProjectionError> {
        let read = match efile::SickNoteRead::decode(event.payload.as_slice()) {
            Ok(read) => read,
            Err(error) => {
                tracing::error!(event_id = %event.event_id, %error, "unreadable sick-note reading");
                return Ok(());
            }
        };
        let Some((case_id, reading)) = reading(&read) else {
            tracing::error!(
                event_id = %event.event_id,
                "sick-note reading without a valid case or document id"
            );
            return Ok(());
        };
        let issuer = Issuer {
            tenant_id: event.tenant_id.clone(),
            actor: format!("reactor:{NAME}"),
            command_id: reaction_command_id(event.event_id),
            causation_id: Some(event.event_id),
            correlation_id: event.metadata.correlation_id,
            traceparent: event.metadata.traceparent.clone(),
        };
        let document_id = reading.document_id.clone();
        let command = Command::AssessSickNote {
            reading,
            threshold: self.threshold,
        };
        match self
            .commands
            .execute_in(&mut *tx, &issuer, case_id, command, self.clock.today())
            .await
        {
            Ok(done) => {
                tracing::info!(
                    event_id = %event.event_id, %case_id, %document_id,
                    recorded = done.events.len(), "sick-note reading assessed"
                );
                Ok(())
            }
            Err(CaseError::NotFound) => {
                tracing::warn!(
                    event_id = %event.event_id, %case_id, %document_id,
                    "sick-note reading for no case of its tenant; nothing recorded"
                );
                Ok(())
            }
            Err(error) => Err(ProjectionError::Apply(Box::new(error))),
        }
    }
}

/// The case and the reading of an `efile.SickNoteRead`; `None` without valid ids.
pub fn reading(read: &efile::SickNoteRead) -> Option<(Uuid, Reading)> {
    let case_id = Uuid::parse_str(&read.case_id).ok()?;
    let document_id = Uuid::parse_str(&read.document_id).ok()?;
    let day =
        |d: &Option<jobcenter_proto::common::v1::Date>| d.as_ref().and_then(dates::from_proto);
    Some((
        case_id,
        Reading {
            document_id: document_id.to_string(),
            family_name: read.family_name.clone(),
            given_name: read.given_name.clone(),
            incapacity_from: day(&read.incapacity_from),
            incapacity_until: day(&read.incapacity_until),
            issued_on: day(&read.issued_on),
            certificate: certificate(read.certificate),
            confidence: read.confidence.min(100),
            doubts: read.doubts.clone(),
            received_at: read.received_at,
        },
    ))
}

/// The E-Akte's certificate kind as the case records it.
fn certificate(kind: i32) -> jobcenter_proto::case::v1::SickNoteCertificate {
    use jobcenter_proto::case::v1::SickNoteCertificate;
    match efile::CertificateKind::try_from(kind).unwrap_or_default() {
        efile::CertificateKind::First => SickNoteCertificate::First,
        efile::CertificateKind::FollowUp => SickNoteCertificate::FollowUp,
        efile::CertificateKind::Unspecified => SickNoteCertificate::Unspecified,
    }
}

impl Projection for SickNoteReactor {
    fn name(&self) -> &'static str {
        NAME
    }

    fn apply<'a>(
        &'a self,
        tx: &'a mut PgConnection,
        event: &'a RecordedEvent,
    ) -> BoxFuture<'a, Result<(), ProjectionError>> {
        Box::pin(async move {
            if event.event_type == SICK_NOTE_READ {
                self.react(tx, event).await?;
            }
            Ok(())
        })
    }

    /// The case events appended in the batch are committed now: wake the case log's relay.
    fn after_commit(&self) {
        self.commands.log().notify_appended();
    }

    /// A reactor's effects are events, which are never deleted; it keeps no rows.
    fn reset<'a>(
        &'a self,
        _tx: &'a mut PgConnection,
    ) -> BoxFuture<'a, Result<(), ProjectionError>> {
        Box::pin(async { Ok(()) })
    }

    fn digest<'a>(
        &'a self,
        _conn: &'a mut PgConnection,
    ) -> BoxFuture<'a, Result<Vec<u8>, ProjectionError>> {
        Box::pin(async { Ok(Vec::new()) })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jobcenter_proto::case::v1::SickNoteCertificate;
    use jobcenter_proto::common::v1::Date;

    #[test]
    fn a_reading_names_its_case_and_document_by_uuid() {
        let case_id = Uuid::new_v4();
        let document_id = Uuid::new_v4();
        let read = efile::SickNoteRead {
            document_id: document_id.to_string().to_uppercase(),
            case_id: case_id.to_string(),
            family_name: "Mustermann".into(),
            incapacity_from: Some(Date {
                year: 2026,
                month: 12,
                day: 1,
            }),
            incapacity_until: Some(Date {
                year: 2026,
                month: 2,
                day: 30,
            }),
            certificate: efile::CertificateKind::FollowUp as i32,
            confidence: 250,
            ..Default::default()
        };
        let Some((case, reading)) = reading(&read) else {
            panic!("valid ids")
        };
        assert_eq!(case, case_id);
        // One spelling of the document id, whatever the E-Akte wrote.
        assert_eq!(reading.document_id, document_id.to_string());
        assert_eq!(
            reading.incapacity_from,
            chrono::NaiveDate::from_ymd_opt(2026, 12, 1)
        );
        // No such day: as if not read.
        assert_eq!(reading.incapacity_until, None);
        assert_eq!(reading.certificate, SickNoteCertificate::FollowUp);
        assert_eq!(reading.confidence, 100);
        let mut no_case = read.clone();
        no_case.case_id = "case-7".into();
        assert!(super::reading(&no_case).is_none());
    }

    #[test]
    fn command_ids_follow_the_efile_event() {
        let event = Uuid::new_v4();
        assert_eq!(reaction_command_id(event), reaction_command_id(event));
        assert_ne!(reaction_command_id(event), event);
        assert_ne!(
            reaction_command_id(event),
            crate::domain::reaction_command_id(event)
        );
    }
}
