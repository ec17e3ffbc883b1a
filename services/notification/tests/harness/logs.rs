//! The logs of the case service and the E-Akte without those services: each installed in the
//! test's database (schema `cases` with log name `case`, schema `efile` with log name `efile`,
//! as the services keep them) and relayed into the test's NATS (`EV_CASE`, `EV_EFILE`), so the
//! notification service's projections follow them as they follow the real ones.

use eventlog::{
    AppendCommand, EventLog, EventLogOptions, EventMetadata, ExpectedVersion, NewEvent,
};
use jobcenter_proto::appointment::v1 as appointment;
use jobcenter_proto::case::v1 as case;
use jobcenter_proto::common::v1 as common;
use jobcenter_proto::efile::v1 as efile;
use jobcenter_proto::intake::v1 as intake;
use prost::Message;
use uuid::Uuid;

use super::TestApp;

/// Another service's log in a test.
#[derive(Clone)]
pub struct ForeignLog {
    log: EventLog,
}

/// A case opened in the case log.
#[derive(Debug, Clone)]
pub struct OpenedCase {
    /// The case (UUID).
    pub case_id: String,
    /// Where the case log holds its opening: pass as `min_position`.
    pub position: common::Position,
}

/// Installs the log `log_name` in schema `schema` of `app`'s database and relays it until the
/// app stops.
async fn install(app: &TestApp, schema: &str, log_name: &str) -> ForeignLog {
    EventLog::install(app.db.owner_pool(), schema)
        .await
        .expect("log installed");
    let log = EventLog::with_options(
        app.db.worker_pool().clone(),
        schema,
        EventLogOptions {
            log_name: Some(log_name.to_owned()),
            ..EventLogOptions::default()
        },
    )
    .expect("log");
    let js = async_nats::jetstream::new(
        async_nats::connect(app.nats.url())
            .await
            .expect("nats connect"),
    );
    eventlog::wire::ensure_stream(&js, log_name)
        .await
        .expect("stream");
    let relay =
        eventlog::relay::Relay::new(log.clone(), js, eventlog::relay::RelayConfig::new(log_name));
    tokio::spawn(relay.run(app.cancel.child_token()));
    ForeignLog { log }
}

/// The case log of a test; call it once per test.
pub async fn case_log(app: &TestApp) -> ForeignLog {
    install(app, "cases", "case").await
}

/// The E-Akte's log of a test; call it once per test.
pub async fn efile_log(app: &TestApp) -> ForeignLog {
    install(app, "efile", "efile").await
}

/// The intake log of a test; call it once per test.
pub async fn intake_log(app: &TestApp) -> ForeignLog {
    install(app, "intake", "intake").await
}

/// The appointment log of a test; call it once per test.
pub async fn appointment_log(app: &TestApp) -> ForeignLog {
    install(app, "appointment", "appointment").await
}

fn event(event_type: &str, payload: &impl Message) -> NewEvent {
    NewEvent {
        event_type: event_type.to_owned(),
        schema_version: 1,
        payload: payload.encode_to_vec(),
        metadata: EventMetadata {
            actor: Some("test".to_owned()),
            ..Default::default()
        },
    }
}

impl ForeignLog {
    async fn append(
        &self,
        tenant: &str,
        stream: String,
        events: Vec<NewEvent>,
    ) -> common::Position {
        let outcome = self
            .log
            .append(AppendCommand {
                command_id: Uuid::new_v4(),
                stream_id: stream,
                tenant_id: tenant.to_owned(),
                expected: ExpectedVersion::Any,
                events,
            })
            .await
            .expect("events appended");
        common::Position {
            token: self.log.token(outcome.position).to_string(),
        }
    }

    /// Opens a case of `tenant` for the applicant account `applicant` (empty: a paper
    /// application), assigned to caseworker `cw-1`.
    pub async fn open_case(&self, tenant: &str, applicant: &str) -> OpenedCase {
        self.open_case_of(tenant, applicant, &Uuid::new_v4().to_string())
            .await
    }

    /// [`Self::open_case`] for the main application `application_id`.
    pub async fn open_case_of(
        &self,
        tenant: &str,
        applicant: &str,
        application_id: &str,
    ) -> OpenedCase {
        let case_id = Uuid::new_v4().to_string();
        let opened = case::CaseOpened {
            case_id: case_id.clone(),
            application_id: application_id.to_owned(),
            household_size: 1,
            postal_code: "45127".to_owned(),
            applicant_account: applicant.to_owned(),
            ..Default::default()
        };
        let assigned = case::CaseAssigned {
            caseworker: "cw-1".to_owned(),
            team: "Leistung".to_owned(),
            source: case::AssignmentSource::Rule as i32,
            rule_id: String::new(),
        };
        let position = self
            .append(
                tenant,
                format!("case-{case_id}"),
                vec![
                    event("case.CaseOpened", &opened),
                    event("case.CaseAssigned", &assigned),
                ],
            )
            .await;
        OpenedCase { case_id, position }
    }

    /// Appends one event of `event_type` to the case's stream; its position.
    pub async fn append_to_case(
        &self,
        tenant: &str,
        case_id: &str,
        event_type: &str,
        payload: &impl Message,
    ) -> common::Position {
        self.append(
            tenant,
            format!("case-{case_id}"),
            vec![event(event_type, payload)],
        )
        .await
    }

    /// The log itself (to read back what a test appended).
    pub fn log(&self) -> &EventLog {
        &self.log
    }

    /// Closes the case; the position of the closing.
    pub async fn close_case(&self, tenant: &str, case_id: &str) -> common::Position {
        let closed = case::CaseClosed {
            reason: case::CloseReason::WorkFound as i32,
            ..Default::default()
        };
        self.append(
            tenant,
            format!("case-{case_id}"),
            vec![event("case.CaseClosed", &closed)],
        )
        .await
    }

    /// Files a rental contract the applicant uploaded onto `case_id`; the document's id and
    /// the position of its filing.
    pub async fn file_document(&self, tenant: &str, case_id: &str) -> (String, common::Position) {
        let document_id = Uuid::new_v4().to_string();
        let filed = efile::DocumentFiled {
            document_id: document_id.clone(),
            case_id: case_id.to_owned(),
            r#type: efile::DocumentType::RentalContract as i32,
            channel: efile::Channel::Portal as i32,
            filed_by: "applicant".to_owned(),
            ..Default::default()
        };
        let position = self
            .append(
                tenant,
                format!("document-{document_id}"),
                vec![event("efile.DocumentFiled", &filed)],
            )
            .await;
        (document_id, position)
    }

    /// Moves the document to `case_id` (its metadata changed); the position of the change.
    pub async fn move_document(
        &self,
        tenant: &str,
        document_id: &str,
        case_id: &str,
    ) -> common::Position {
        let changed = efile::DocumentMetadataChanged {
            document_id: document_id.to_owned(),
            case_id: case_id.to_owned(),
            r#type: efile::DocumentType::Payslip as i32,
            changed_by: "cw-1".to_owned(),
            reason: "wrong case".to_owned(),
            ..Default::default()
        };
        self.append(
            tenant,
            format!("document-{document_id}"),
            vec![event("efile.DocumentMetadataChanged", &changed)],
        )
        .await
    }

    /// A main application of Erika Mustermann, Berliner Platz 10, 45127 Essen, and a sick note
    /// (no address to keep); the main application's id and the position of both.
    pub async fn submit_main_application(&self, tenant: &str) -> (String, common::Position) {
        let application_id = Uuid::new_v4().to_string();
        let main = intake::ApplicationSubmitted {
            application_id: application_id.clone(),
            submission_id: Uuid::new_v4().to_string(),
            form: Some(intake::application_submitted::Form::MainApplication(
                intake::MainApplication {
                    applicant: Some(intake::Person {
                        given_name: "Erika".into(),
                        family_name: "Mustermann".into(),
                        birth_date: None,
                    }),
                    address: Some(common::Address {
                        street: "Berliner Platz".into(),
                        house_number: "10".into(),
                        postal_code: "45127".into(),
                        city: "Essen".into(),
                    }),
                    ..Default::default()
                },
            )),
            ..Default::default()
        };
        self.append(
            tenant,
            format!("application-{application_id}"),
            vec![event("intake.ApplicationSubmitted", &main)],
        )
        .await;
        let sick_note_id = Uuid::new_v4().to_string();
        let sick_note = intake::ApplicationSubmitted {
            application_id: sick_note_id.clone(),
            form: Some(intake::application_submitted::Form::SickNote(
                intake::SickNote::default(),
            )),
            ..Default::default()
        };
        let position = self
            .append(
                tenant,
                format!("application-{sick_note_id}"),
                vec![event("intake.ApplicationSubmitted", &sick_note)],
            )
            .await;
        (application_id, position)
    }

    /// Applicant `applicant` booked an appointment on `case_id` with reference `reference`;
    /// the appointment's id and the booking's position.
    pub async fn book(
        &self,
        tenant: &str,
        applicant: &str,
        case_id: &str,
        reference: &str,
    ) -> (String, common::Position) {
        let appointment_id = Uuid::new_v4().to_string();
        let booked = appointment::AppointmentBooked {
            terms: Some(appointment::Terms {
                appointment_id: appointment_id.clone(),
                reference: reference.to_owned(),
                applicant_subject: applicant.to_owned(),
                case_id: case_id.to_owned(),
                ..Default::default()
            }),
            ..Default::default()
        };
        let position = self
            .append(
                tenant,
                format!("appointment-{appointment_id}"),
                vec![event("appointment.AppointmentBooked", &booked)],
            )
            .await;
        (appointment_id, position)
    }
}
