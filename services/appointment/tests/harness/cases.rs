//! The case log without the case service: installed in the test's database (schema `cases`,
//! log name `case`, as the case service keeps it) and relayed into the test's NATS (`EV_CASE`),
//! so tests open, reassign and close cases by appending the case service's events themselves,
//! and the appointment service's case directory follows them as it follows the real one.

use eventlog::{
    AppendCommand, EventLog, EventLogOptions, EventMetadata, ExpectedVersion, NewEvent,
};
use jobcenter_proto::case::v1 as case;
use jobcenter_proto::common::v1 as common;
use prost::Message;
use uuid::Uuid;

use super::TestApp;

/// The case log of a test.
#[derive(Clone)]
pub struct CaseLog {
    log: EventLog,
}

/// A case opened in the case log.
#[derive(Debug, Clone)]
pub struct OpenedCase {
    /// The case (UUID).
    pub case_id: String,
    /// Where the case log holds its opening (and first assignment): pass as
    /// `min_case_position`.
    pub position: common::Position,
}

/// Installs the case log in `app`'s database and relays it until the app stops. Call it once
/// per test.
pub async fn case_log(app: &TestApp) -> CaseLog {
    EventLog::install(app.db.owner_pool(), "cases")
        .await
        .expect("case log installed");
    let log = EventLog::with_options(
        app.db.worker_pool().clone(),
        "cases",
        EventLogOptions {
            log_name: Some(appointment::CASE_SERVICE.to_owned()),
            ..EventLogOptions::default()
        },
    )
    .expect("case log");
    let js = async_nats::jetstream::new(
        async_nats::connect(app.nats.url())
            .await
            .expect("nats connect"),
    );
    eventlog::wire::ensure_stream(&js, appointment::CASE_SERVICE)
        .await
        .expect("case stream");
    let relay = eventlog::relay::Relay::new(
        log.clone(),
        js,
        eventlog::relay::RelayConfig::new(appointment::CASE_SERVICE),
    );
    tokio::spawn(relay.run(app.cancel.child_token()));
    CaseLog { log }
}

fn event(event_type: &str, payload: &impl Message) -> NewEvent {
    NewEvent {
        event_type: event_type.to_owned(),
        schema_version: 1,
        payload: payload.encode_to_vec(),
        metadata: EventMetadata {
            actor: Some("case".to_owned()),
            ..Default::default()
        },
    }
}

fn assigned(caseworker: &str) -> case::CaseAssigned {
    case::CaseAssigned {
        caseworker: caseworker.to_owned(),
        team: "Eingangszone".to_owned(),
        source: case::AssignmentSource::Rule as i32,
        rule_id: String::new(),
    }
}

impl CaseLog {
    async fn append(&self, tenant: &str, case_id: &str, events: Vec<NewEvent>) -> common::Position {
        let outcome = self
            .log
            .append(AppendCommand {
                command_id: Uuid::new_v4(),
                stream_id: format!("case-{case_id}"),
                tenant_id: tenant.to_owned(),
                expected: ExpectedVersion::Any,
                events,
            })
            .await
            .expect("case events appended");
        common::Position {
            token: self.log.token(outcome.position).to_string(),
        }
    }

    /// Opens a case of `tenant` for the applicant account `applicant` (empty: a paper
    /// application) and assigns it to `caseworker` (empty: the team's queue), as the case
    /// service does when a main application arrives.
    pub async fn open(&self, tenant: &str, applicant: &str, caseworker: &str) -> OpenedCase {
        let case_id = Uuid::new_v4().to_string();
        let opened = case::CaseOpened {
            case_id: case_id.clone(),
            application_id: Uuid::new_v4().to_string(),
            household_size: 1,
            postal_code: "45127".to_owned(),
            applicant_account: applicant.to_owned(),
            ..Default::default()
        };
        let position = self
            .append(
                tenant,
                &case_id,
                vec![
                    event("case.CaseOpened", &opened),
                    event("case.CaseAssigned", &assigned(caseworker)),
                ],
            )
            .await;
        OpenedCase { case_id, position }
    }

    /// A team lead gives the case to `caseworker`; the position of the reassignment.
    pub async fn reassign(
        &self,
        tenant: &str,
        case_id: &str,
        caseworker: &str,
    ) -> common::Position {
        let mut reassigned = assigned(caseworker);
        reassigned.source = case::AssignmentSource::Manual as i32;
        self.append(
            tenant,
            case_id,
            vec![event("case.CaseAssigned", &reassigned)],
        )
        .await
    }

    /// Closes the case; the position of the closing.
    pub async fn close(&self, tenant: &str, case_id: &str) -> common::Position {
        let closed = case::CaseClosed {
            reason: case::CloseReason::WorkFound as i32,
            ..Default::default()
        };
        self.append(tenant, case_id, vec![event("case.CaseClosed", &closed)])
            .await
    }
}
