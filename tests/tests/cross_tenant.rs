//! Another jobcenter's objects do not exist for a caller: every RPC of every service whose
//! request names an object by id (a top-level string field `*_id`), called by tenant B with the
//! ids of tenant A's objects, finds nothing, says nothing about A, and is recorded.
//!
//! The RPCs are generated from the proto descriptors (`jobcenter_proto::FILE_DESCRIPTOR_SET`),
//! the requests encoded by hand and sent with a raw-bytes codec, so a new RPC with an id field
//! is covered without touching this file. A new *kind* of id (a field name this file has no
//! object of A for) fails loudly rather than being skipped.
//!
//! What each attempt must answer, from the service's authorization table:
//! - the role has no grant for the RPC: PERMISSION_DENIED (it does not depend on the id, so it
//!   is no existence oracle either), one record `permission_denied`;
//! - a read (`reads_social_data`): NOT_FOUND, exactly as for an id that never existed, one
//!   record with B's tenant and `not_found`;
//! - a write (e.g. SubmitApplication, which needs a whole application): the request holds only
//!   A's ids, so it is refused as incomplete (a non-OK status), writes nothing and leaves no
//!   record (writes are not reads). Whether a *complete* write under A's id touches A is
//!   `another_tenant_reusing_a_submission_id_gets_its_own_application`.
//!
//! In every case the answer (message, details, metadata) carries none of A's ids or names.
//! Development mode: the question here is tenancy, not authentication.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::HashMap;

use bytes::{Bytes, BytesMut};
use jobcenter_proto::appointment::v1 as appointment_pb;
use jobcenter_proto::case::v1 as case_pb;
use jobcenter_proto::case::v1::case_feed_service_client::CaseFeedServiceClient;
use jobcenter_proto::efile::v1 as efile_pb;
use jobcenter_proto::intake::v1 as intake_pb;
use jobcenter_proto::notification::v1 as notification_pb;
use prost::Message;
use prost_types::field_descriptor_proto::{Label, Type};
use prost_types::{DescriptorProto, FileDescriptorSet};
use system_tests::access_records;
use system_tests::calendar;
use system_tests::raw_grpc;
use system_tests::{Caller, Person, Service, System};
use tonic::Code;

const TENANT_A: &str = "jc-tenant-a";
const TENANT_B: &str = "jc-tenant-b";
/// The roles of tenant B that try; both may read every object of their own tenant.
const ROLES_OF_B: [&str; 2] = ["caseworker", "auditor"];

/// What A's applicant writes to A's jobcenter: personal like the rest of A's data.
const MESSAGE_OF_A: (&str, &str) = (
    "Frage von Quirinella zum Antrag",
    "Ich wohne jetzt im Ochsenfurter Hohlweg 3.",
);

/// A's applicant: names no other test data contains.
fn person_of_a() -> Person {
    Person {
        given_name: "Quirinella".into(),
        family_name: "Zwackelmann".into(),
        birth_date: (1958, 11, 3),
        street: "Ochsenfurter Hohlweg".into(),
        house_number: "3".into(),
        postal_code: "52062".into(),
        city: "Aachen".into(),
        iban: "DE89370400440532013000".into(),
        children: Vec::new(),
    }
}

/// An RPC whose request names objects by id.
#[derive(Debug)]
struct IdRpc {
    service: Service,
    method: String,
    /// `/<package>.<Service>/<Method>`.
    path: String,
    /// (field number, field name) of every top-level string field `*_id`.
    id_fields: Vec<(u32, String)>,
    /// The answer is a stream (downloads, exports).
    server_streaming: bool,
}

impl IdRpc {
    /// Calls it with `request`, collecting a streamed answer whole.
    async fn call(
        &self,
        channel: tonic::transport::Channel,
        request: tonic::Request<Bytes>,
    ) -> Result<tonic::Response<Bytes>, tonic::Status> {
        if self.server_streaming {
            raw_grpc::server_streaming(channel, &self.path, request).await
        } else {
            raw_grpc::unary(channel, &self.path, request).await
        }
    }
}

/// Every message of the set by full name (`.jobcenter.case.v1.GetCaseRequest`), nested too.
fn messages(set: &FileDescriptorSet) -> HashMap<String, &DescriptorProto> {
    fn add<'a>(
        prefix: &str,
        message: &'a DescriptorProto,
        into: &mut HashMap<String, &'a DescriptorProto>,
    ) {
        let name = format!("{prefix}.{}", message.name());
        for nested in &message.nested_type {
            add(&name, nested, into);
        }
        into.insert(name, message);
    }
    let mut all = HashMap::new();
    for file in &set.file {
        let prefix = if file.package().is_empty() {
            String::new()
        } else {
            format!(".{}", file.package())
        };
        for message in &file.message_type {
            add(&prefix, message, &mut all);
        }
    }
    all
}

/// Every RPC of every service in the contract whose request has a top-level `*_id` string.
fn id_rpcs() -> Vec<IdRpc> {
    let set = FileDescriptorSet::decode(jobcenter_proto::FILE_DESCRIPTOR_SET).expect("decodes");
    let messages = messages(&set);
    let mut rpcs = Vec::new();
    for file in &set.file {
        for service in &file.service {
            let full = format!("{}.{}", file.package(), service.name());
            let served = Service::serving(&full)
                .unwrap_or_else(|| panic!("{full} is served by none of the harness's services"));
            for method in &service.method {
                let input = messages
                    .get(method.input_type())
                    .unwrap_or_else(|| panic!("{} is not described", method.input_type()));
                let id_fields: Vec<(u32, String)> = input
                    .field
                    .iter()
                    .filter(|field| {
                        field.r#type() == Type::String
                            && field.label() != Label::Repeated
                            && field.name().ends_with("_id")
                    })
                    .map(|field| {
                        (
                            u32::try_from(field.number()).unwrap(),
                            field.name().to_owned(),
                        )
                    })
                    .collect();
                if id_fields.is_empty() {
                    continue;
                }
                // Uploads carry their ids in a header message inside the stream; they are not
                // generated here (services/efile/tests/access.rs covers them).
                assert!(
                    !method.client_streaming(),
                    "{full}/{}: client-streaming RPCs need a streaming call here",
                    method.name()
                );
                rpcs.push(IdRpc {
                    service: served,
                    method: method.name().to_owned(),
                    path: format!("/{full}/{}", method.name()),
                    id_fields,
                    server_streaming: method.server_streaming(),
                });
            }
        }
    }
    rpcs
}

/// Tenant A's objects, by the name of the field that takes their id.
struct ObjectsOfA {
    ids: HashMap<&'static str, String>,
}

impl ObjectsOfA {
    /// The request of `rpc` naming A's objects in every id field.
    fn request(&self, rpc: &IdRpc) -> Bytes {
        let mut buf = BytesMut::new();
        for (number, name) in &rpc.id_fields {
            let id = self.ids.get(name.as_str()).unwrap_or_else(|| {
                panic!(
                    "{}: no object of tenant A for `{name}`; create one in `objects_of_a`",
                    rpc.path
                )
            });
            prost::encoding::string::encode(*number, id, &mut buf);
        }
        buf.freeze()
    }

    /// Every string that would betray A: its ids and its applicant's personal data.
    fn secrets(&self) -> Vec<String> {
        let person = person_of_a();
        let mut secrets: Vec<String> = self.ids.values().cloned().collect();
        secrets.extend([
            MESSAGE_OF_A.0.to_owned(),
            MESSAGE_OF_A.1.to_owned(),
            person.given_name,
            person.family_name,
            person.street,
            person.iban,
            "1958-11-03".to_owned(),
        ]);
        secrets
    }
}

/// Submits A's application as A's applicant and waits until its case is open.
async fn objects_of_a(system: &System) -> ObjectsOfA {
    let mut intake = system.intake(None).await.unwrap();
    let mut cases = system.cases(None).await.unwrap();
    let submission_id = uuid::Uuid::new_v4().to_string();
    let submitted = intake
        .submit_application(
            Caller::dev(TENANT_A, "applicant-a", "applicant")
                .request(person_of_a().submission(&submission_id)),
        )
        .await
        .expect("A's applicant submits")
        .into_inner();
    let application_id = submitted.submission.unwrap().application_id;
    let case = cases
        .find_case_by_application(Caller::dev(TENANT_A, "caseworker-a", "caseworker").request(
            case_pb::FindCaseByApplicationRequest {
                application_id: application_id.clone(),
                min_position: submitted.position,
            },
        ))
        .await
        .expect("A's case opens")
        .into_inner()
        .case
        .unwrap();
    // A's caseworker works the case: the command id A used is an id of A's too.
    let command_id = uuid::Uuid::new_v4().to_string();
    cases
        .start_review(Caller::dev(TENANT_A, "caseworker-a", "caseworker").request(
            case_pb::StartReviewRequest {
                command: Some(case_pb::CaseCommand {
                    case_id: case.case_id.clone(),
                    command_id: command_id.clone(),
                    expected_version: None,
                }),
            },
        ))
        .await
        .expect("A's caseworker starts the review");
    let document_id = document_of_a(system, &case.case_id).await;
    let appointment_id = appointment_of_a(system, &case.case_id).await;
    let messages = messages_of_a(system, &case.case_id).await;
    settled(system).await;
    ObjectsOfA {
        ids: HashMap::from([
            ("submission_id", submission_id),
            ("application_id", application_id),
            ("case_id", case.case_id),
            ("command_id", command_id),
            ("document_id", document_id.clone()),
            // A sick note's record on the case is the E-Akte document.
            ("record_id", document_id),
            ("appointment_id", appointment_id),
            ("office_id", calendar::office_id(TENANT_A)),
            (
                "appointment_type_id",
                calendar::first_meeting_type(TENANT_A),
            ),
            ("message_id", messages.message_id),
            ("request_id", messages.request_id),
            ("subscription_id", messages.subscription_id),
            ("print_job_id", messages.print_job_id),
        ]),
    }
}

/// A's objects in the notification service.
struct MessagesOfA {
    /// The message A's applicant wrote.
    message_id: String,
    /// The request id it was sent with.
    request_id: String,
    /// A's applicant's push subscription.
    subscription_id: String,
    /// The letter confirming A's application (A's applicant had given no mailbox consent then).
    print_job_id: String,
}

/// A's applicant chooses English and the mailbox, registers a browser for push hints (without
/// consenting to them, so nothing is pushed) and writes to A's jobcenter about A's case; the
/// print service sees the letter that confirmed A's application.
async fn messages_of_a(system: &System, case_id: &str) -> MessagesOfA {
    let mut notifications = system.notifications(None).await.unwrap();
    let applicant = || Caller::dev(TENANT_A, "applicant-a", "applicant");
    notifications
        .set_preferred_language(
            applicant().request(notification_pb::SetPreferredLanguageRequest {
                account: String::new(),
                language: "en".into(),
            }),
        )
        .await
        .expect("A's applicant chooses English");
    notifications
        .give_consent(applicant().request(notification_pb::GiveConsentRequest {
            account: String::new(),
            channel: notification_pb::Channel::Mailbox as i32,
            wording_version: "v1".into(),
        }))
        .await
        .expect("A's applicant gives mailbox consent");
    let push = system.push_endpoint();
    let subscription_id = notifications
        .register_push_subscription(applicant().request(
            notification_pb::RegisterPushSubscriptionRequest {
                endpoint: format!(
                    "https://fcm.googleapis.com/fcm/send/{}",
                    uuid::Uuid::new_v4()
                ),
                p256dh: push.p256dh_base64url(),
                auth: push.auth_base64url(),
            },
        ))
        .await
        .expect("A's applicant registers a browser")
        .into_inner()
        .subscription_id;
    let request_id = uuid::Uuid::new_v4().to_string();
    let mut sent = None;
    for _ in 0..300 {
        let result = notifications
            .send_message(applicant().request(notification_pb::SendMessageRequest {
                request_id: request_id.clone(),
                case_id: case_id.into(),
                subject: MESSAGE_OF_A.0.into(),
                body: MESSAGE_OF_A.1.into(),
                ..Default::default()
            }))
            .await;
        match result {
            Ok(response) => {
                sent = Some(response.into_inner());
                break;
            }
            // The notification service learns of the case from the case log a moment later.
            Err(status) if status.code() == Code::NotFound => {
                tokio::time::sleep(std::time::Duration::from_millis(100)).await;
            }
            Err(status) => panic!("A's applicant writes: {status:?}"),
        }
    }
    let message_id = sent
        .expect("the notification service never learnt of A's case")
        .message_id;
    MessagesOfA {
        message_id,
        request_id,
        subscription_id,
        print_job_id: print_job_of_a(system).await,
    }
}

/// The first letter waiting for A's print service, once the outbox worker has rendered it.
async fn print_job_of_a(system: &System) -> String {
    let mut notifications = system.notifications(None).await.unwrap();
    for _ in 0..300 {
        let jobs = notifications
            .list_print_jobs(
                Caller::dev(TENANT_A, "print-service-a", "service")
                    .request(notification_pb::ListPrintJobsRequest { page_size: 10 }),
            )
            .await
            .expect("A's print queue")
            .into_inner()
            .print_jobs;
        if let Some(job) = jobs.into_iter().next() {
            return job.print_job_id;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("no letter of A reached the print queue")
}

/// Waits until A's objects have stopped causing events anywhere: every delivery of A's messages
/// is through the outbox, the case has noted A's message, and no log has grown for a second.
/// The attempts below count every log's events, so A's own reactions must have settled first.
async fn settled(system: &System) {
    let pool = system.db().pool();
    let mut last = (-1, -1);
    let mut quiet_since = std::time::Instant::now();
    for _ in 0..600 {
        let pending: i64 =
            sqlx::query_scalar("SELECT count(*) FROM notification.outbox WHERE state = 'pending'")
                .fetch_one(pool)
                .await
                .unwrap();
        let noted: i64 = sqlx::query_scalar(
            "SELECT count(*) FROM cases.events WHERE event_type = 'case.ApplicantMessageNoted'",
        )
        .fetch_one(pool)
        .await
        .unwrap();
        let now = (events_in_logs(system).await, pending);
        if now != last {
            last = now;
            quiet_since = std::time::Instant::now();
        } else if pending == 0 && noted > 0 && quiet_since.elapsed().as_millis() >= 1_000 {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("A's objects kept causing events: {last:?} (events, pending deliveries)")
}

/// A's caseworker files a document on A's case (once the E-Akte knows the case).
async fn document_of_a(system: &System, case_id: &str) -> String {
    use efile_pb::upload_document_request::Part;
    let mut efile = system.efile(None).await.unwrap();
    let upload_id = uuid::Uuid::new_v4().to_string();
    for _ in 0..100 {
        let messages = vec![
            efile_pb::UploadDocumentRequest {
                part: Some(Part::Header(efile_pb::UploadHeader {
                    upload_id: upload_id.clone(),
                    case_id: case_id.into(),
                    r#type: efile_pb::DocumentType::Letter as i32,
                    channel: efile_pb::Channel::ScannedPost as i32,
                    file_name: "brief.pdf".into(),
                    ..Default::default()
                })),
            },
            efile_pb::UploadDocumentRequest {
                part: Some(Part::Chunk(b"%PDF-1.4 a letter of A".to_vec())),
            },
        ];
        match efile
            .upload_document(
                Caller::dev(TENANT_A, "caseworker-a", "caseworker")
                    .request(futures::stream::iter(messages)),
            )
            .await
        {
            Ok(response) => return response.into_inner().document.unwrap().document_id,
            // The E-Akte learns of the case from the case log a moment later.
            Err(status) if status.code() == Code::NotFound => {
                tokio::time::sleep(std::time::Duration::from_millis(50)).await;
            }
            Err(status) => panic!("A's caseworker files a document: {status:?}"),
        }
    }
    panic!("the E-Akte never learnt of A's case")
}

/// A's caseworker books a first meeting on A's case for A's applicant (once the appointment
/// service knows the case).
async fn appointment_of_a(system: &System, case_id: &str) -> String {
    let mut appointments = system.appointments(None).await.unwrap();
    let staff = || Caller::dev(TENANT_A, "caseworker-a", "caseworker");
    let first_day = chrono::Utc::now().date_naive() + chrono::Days::new(2);
    let last_day = first_day + chrono::Days::new(14);
    let date = |day: chrono::NaiveDate| {
        use chrono::Datelike;
        Some(jobcenter_proto::common::v1::Date {
            year: day.year(),
            month: i32::try_from(day.month()).unwrap(),
            day: i32::try_from(day.day()).unwrap(),
        })
    };
    let slot = appointments
        .search_availability(staff().request(appointment_pb::SearchAvailabilityRequest {
            office_id: calendar::office_id(TENANT_A),
            appointment_type_id: calendar::first_meeting_type(TENANT_A),
            first_day: date(first_day),
            last_day: date(last_day),
        }))
        .await
        .expect("A's office has slots")
        .into_inner()
        .slots
        .into_iter()
        .next()
        .expect("a free slot within two weeks");
    let command_id = uuid::Uuid::new_v4().to_string();
    for _ in 0..100 {
        let booked = appointments
            .book_appointment(staff().request(appointment_pb::BookAppointmentRequest {
                command_id: command_id.clone(),
                office_id: slot.office_id.clone(),
                appointment_type_id: slot.appointment_type_id.clone(),
                start: slot.start,
                channel: appointment_pb::AppointmentChannel::InPerson as i32,
                applicant_subject: "applicant-a".into(),
                case_id: case_id.into(),
                ..Default::default()
            }))
            .await;
        match booked {
            Ok(response) => {
                let appointment = response.into_inner().appointment.unwrap();
                noted_on_the_case(system, case_id, &appointment.reference).await;
                return appointment.appointment_id;
            }
            // The appointment service learns of the case from the case log a moment later.
            Err(status) if status.code() == Code::NotFound => {
                tokio::time::sleep(std::time::Duration::from_millis(50)).await;
            }
            Err(status) => panic!("A's caseworker books an appointment: {status:?}"),
        }
    }
    panic!("the appointment service never learnt of A's case")
}

/// Waits until the case service has noted the booking `reference` on A's case: the attempts
/// below count every log's events, so A's own reactions must have settled first.
async fn noted_on_the_case(system: &System, case_id: &str, reference: &str) {
    let mut cases = system.cases(None).await.unwrap();
    for _ in 0..300 {
        let timeline = cases
            .get_case_timeline(Caller::dev(TENANT_A, "caseworker-a", "caseworker").request(
                case_pb::GetCaseTimelineRequest {
                    case_id: case_id.into(),
                    page_size: 100,
                    page_token: String::new(),
                },
            ))
            .await
            .expect("A's timeline")
            .into_inner();
        if timeline
            .entries
            .iter()
            .any(|entry| entry.description.contains(reference))
        {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("the booking never reached A's case")
}

/// Everything an answer shows the caller, as text: message, details, metadata, body.
fn answer_text(result: &Result<tonic::Response<Bytes>, tonic::Status>) -> String {
    match result {
        Ok(response) => format!(
            "{:?} {}",
            response.metadata(),
            String::from_utf8_lossy(response.get_ref())
        ),
        Err(status) => format!(
            "{} {} {:?}",
            status.message(),
            String::from_utf8_lossy(status.details()),
            status.metadata()
        ),
    }
}

async fn events_in_logs(system: &System) -> i64 {
    let mut total = 0;
    for service in Service::ALL {
        let sql = format!("SELECT count(*) FROM {}.events", service.event_schema());
        let count: i64 = sqlx::query_scalar(&sql)
            .fetch_one(system.db().pool())
            .await
            .unwrap();
        total += count;
    }
    total
}

#[test]
fn the_generated_rpcs_include_every_known_rpc_that_takes_an_id() {
    let paths: Vec<String> = id_rpcs().into_iter().map(|rpc| rpc.path).collect();
    for known in [
        "/jobcenter.intake.v1.IntakeService/SubmitApplication",
        "/jobcenter.intake.v1.IntakeService/GetSubmission",
        "/jobcenter.case.v1.CaseService/GetCase",
        "/jobcenter.case.v1.CaseService/FindCaseByApplication",
        "/jobcenter.case.v1.CaseService/GetCaseTimeline",
    ] {
        assert!(
            paths.iter().any(|p| p == known),
            "{known} missing: {paths:?}"
        );
    }
    assert!(
        !paths.iter().any(|p| p.ends_with("/ListCases")),
        "ListCases names no object"
    );
}

#[tokio::test]
async fn every_rpc_with_an_id_finds_nothing_of_another_tenant_and_records_the_attempt() {
    let system = System::development().await.expect("system");
    let a = objects_of_a(&system).await;
    let secrets = a.secrets();
    let admin = system.db().pool();

    for rpc in id_rpcs() {
        let channel = system.channel(rpc.service, None).await.unwrap();
        let policy = rpc
            .service
            .policies()
            .iter()
            .find(|policy| policy.method_of(&rpc.path).is_some())
            .unwrap_or_else(|| panic!("{} has no authorization table", rpc.path));
        let rule = policy
            .rule(&rpc.method)
            .unwrap_or_else(|| panic!("{} has no authorization entry", rpc.path));
        let request = a.request(&rpc);

        // The control: A's own caseworker (or, for what caseworkers may not read, A's first
        // role that may: the print service for a letter) reads the same request, so the ids are
        // real and a NOT_FOUND below is the tenant wall, not a bad id.
        if rule.reads_social_data {
            let reader = if rule.grants.iter().any(|g| g.role.as_str() == "caseworker") {
                "caseworker"
            } else {
                rule.grants
                    .first()
                    .unwrap_or_else(|| panic!("{}: nobody may call it", rpc.path))
                    .role
                    .as_str()
            };
            rpc.call(
                channel.clone(),
                Caller::dev(TENANT_A, &format!("{reader}-a"), reader).request(request.clone()),
            )
            .await
            .unwrap_or_else(|status| panic!("{}: A reads its own object: {status:?}", rpc.path));
        }

        for role in ROLES_OF_B {
            let subject = format!("{role}-b");
            let granted = rule.grants.iter().any(|grant| grant.role.as_str() == role);
            let records_before = access_records::count(admin, rpc.service).await.unwrap();
            let events_before = events_in_logs(&system).await;

            let result = rpc
                .call(
                    channel.clone(),
                    Caller::dev(TENANT_B, &subject, role).request(request.clone()),
                )
                .await;

            let attempt = format!("{} as {role} of {TENANT_B}", rpc.path);
            let code = result.as_ref().map_or_else(|s| s.code(), |_| Code::Ok);
            let expected_outcome = match (granted, rule.reads_social_data) {
                (false, _) => {
                    assert_eq!(code, Code::PermissionDenied, "{attempt}");
                    Some("permission_denied")
                }
                (true, true) => {
                    assert_eq!(code, Code::NotFound, "{attempt}");
                    Some("not_found")
                }
                (true, false) => {
                    assert_ne!(code, Code::Ok, "{attempt}: a write of ids alone");
                    None
                }
            };
            let shown = answer_text(&result);
            for secret in &secrets {
                assert!(
                    !shown.contains(secret.as_str()),
                    "{attempt}: the answer shows A's {secret:?}: {shown}"
                );
            }
            assert_eq!(
                events_in_logs(&system).await,
                events_before,
                "{attempt}: nothing is written"
            );

            let records = access_records::records(admin, rpc.service).await.unwrap();
            let new = &records[records_before..];
            match expected_outcome {
                Some(outcome) => {
                    assert_eq!(new.len(), 1, "{attempt}: one record: {new:?}");
                    let record = &new[0];
                    assert_eq!(record.tenant.as_deref(), Some(TENANT_B), "{attempt}");
                    assert_eq!(
                        record.subject.as_deref(),
                        Some(subject.as_str()),
                        "{attempt}"
                    );
                    assert_eq!(record.rpc, rpc.path, "{attempt}");
                    assert_eq!(record.outcome, outcome, "{attempt}");
                }
                None => assert!(new.is_empty(), "{attempt}: a write is not a read: {new:?}"),
            }
        }
    }
}

#[tokio::test]
async fn another_tenant_lists_none_of_the_first_tenants_cases() {
    let system = System::development().await.expect("system");
    let a = objects_of_a(&system).await;
    let secrets = a.secrets();
    let mut cases = system.cases(None).await.unwrap();
    for role in ROLES_OF_B {
        let listed = cases
            .list_cases(
                Caller::dev(TENANT_B, &format!("{role}-b"), role)
                    .request(case_pb::ListCasesRequest::default()),
            )
            .await
            .expect("B lists its own cases")
            .into_inner();
        assert!(listed.cases.is_empty(), "{role}: {listed:?}");
        let shown = format!("{listed:?}");
        assert!(secrets.iter().all(|s| !shown.contains(s.as_str())));
    }
    let records = access_records::records(system.db().pool(), Service::Case)
        .await
        .unwrap();
    let lists: Vec<_> = records
        .iter()
        .filter(|r| r.method() == "ListCases")
        .collect();
    assert_eq!(lists.len(), ROLES_OF_B.len(), "{lists:?}");
    for record in lists {
        assert_eq!(record.tenant.as_deref(), Some(TENANT_B));
        assert_eq!(record.outcome, "granted");
        assert!(record.objects.is_empty(), "no object of A: {record:?}");
    }
}

#[tokio::test]
async fn another_tenant_reusing_a_submission_id_gets_its_own_application() {
    let system = System::development().await.expect("system");
    let a = objects_of_a(&system).await;
    let submission_id = a.ids["submission_id"].clone();
    let application_of_a = a.ids["application_id"].clone();
    let mut intake = system.intake(None).await.unwrap();
    let caseworker_b = Caller::dev(TENANT_B, "caseworker-b", "caseworker");

    // B enters an application under the same (client-chosen) submission id: it is B's own,
    // not A's answer replayed.
    let of_b = intake
        .submit_application(caseworker_b.request(Person::erika().submission(&submission_id)))
        .await
        .expect("B submits under the same submission id")
        .into_inner();
    let application_of_b = of_b.submission.clone().unwrap().application_id;
    assert_ne!(application_of_b, application_of_a);
    let shown = format!("{of_b:?}");
    for secret in a.secrets() {
        if secret != submission_id {
            assert!(!shown.contains(&secret), "B's answer shows A's {secret:?}");
        }
    }

    // Each tenant reads its own under that submission id.
    let read = |caller: Caller| {
        let mut intake = intake.clone();
        let submission_id = submission_id.clone();
        async move {
            intake
                .get_submission(caller.request(intake_pb::GetSubmissionRequest {
                    submission_id,
                    ..Default::default()
                }))
                .await
                .expect("read")
                .into_inner()
                .submission
                .unwrap()
                .application_id
        }
    };
    assert_eq!(read(caseworker_b.clone()).await, application_of_b);
    assert_eq!(
        read(Caller::dev(TENANT_A, "caseworker-a", "caseworker")).await,
        application_of_a
    );
}

/// The events of the feed as `caller` sees it from the start, up to its first heartbeat (caught
/// up); or the refusal.
async fn feed_until_caught_up(
    system: &System,
    caller: Caller,
    after: &str,
) -> Result<(Vec<case_pb::CaseFeedEvent>, String), tonic::Status> {
    let mut feed = CaseFeedServiceClient::new(system.channel(Service::Case, None).await.unwrap());
    let mut stream = feed
        .subscribe(caller.request(case_pb::SubscribeRequest {
            after: after.to_owned(),
        }))
        .await?
        .into_inner();
    let mut events = Vec::new();
    loop {
        let message = tokio::time::timeout(std::time::Duration::from_secs(10), stream.message())
            .await
            .expect("the feed answers in time")?
            .expect("the feed goes on until it is caught up");
        match message.message {
            Some(case_pb::subscribe_response::Message::Event(event)) => events.push(event),
            Some(case_pb::subscribe_response::Message::Heartbeat(heartbeat)) => {
                return Ok((events, heartbeat.resume_token));
            }
            None => panic!("an empty feed message"),
        }
    }
}

/// The feed names no object by id, so the generated calls above skip it; its tenant wall is
/// checked here: B's systems and auditors follow B's cases only, and A's resume token is
/// refused to B without a word about A.
#[tokio::test]
async fn another_tenants_feed_carries_none_of_the_first_tenants_events() {
    let system = System::development().await.expect("system");
    let a = objects_of_a(&system).await;
    let secrets = a.secrets();

    // The control: A's own system finds A's case.
    let (of_a, token_of_a) = feed_until_caught_up(
        &system,
        Caller::dev(TENANT_A, "system-a", "partner-system"),
        "",
    )
    .await
    .expect("A follows its own cases");
    assert!(of_a.iter().any(|event| event.case_id == a.ids["case_id"]));

    for role in ["partner-system", "service", "auditor"] {
        let caller = Caller::dev(TENANT_B, &format!("{role}-b"), role);
        let (events, _) = feed_until_caught_up(&system, caller.clone(), "")
            .await
            .expect("B follows its own cases");
        assert!(events.is_empty(), "{role} of {TENANT_B} sees {events:?}");

        let refused = feed_until_caught_up(&system, caller, &token_of_a)
            .await
            .expect_err("A's token is no resume point for B");
        assert_eq!(refused.code(), Code::InvalidArgument, "{role}");
        let shown = answer_text(&Err(refused));
        for secret in &secrets {
            assert!(!shown.contains(secret.as_str()), "{role}: shows {secret:?}");
        }
    }
}

/// The notification RPCs that name no object by id (the generated calls above skip them): a
/// profile is named by account, a mailbox, the print queue and the dead letters are the
/// caller's tenant's. B sees A's applicant's account as a stranger's (the profile as it is
/// before any choice, as for every account B's jobcenter never heard of), and B's mailboxes,
/// print queue and dead letters hold nothing of A's.
#[tokio::test]
async fn another_tenant_sees_none_of_the_first_tenants_profiles_mailboxes_or_letters() {
    let system = System::development().await.expect("system");
    let a = objects_of_a(&system).await;
    let secrets = a.secrets();
    let mut notifications = system.notifications(None).await.unwrap();
    let shows_nothing_of_a = |what: &str, shown: String| {
        for secret in &secrets {
            assert!(!shown.contains(secret.as_str()), "{what} shows {secret:?}");
        }
    };

    // The control: A's caseworker sees A's applicant's choices.
    let of_a = notifications
        .get_profile(Caller::dev(TENANT_A, "caseworker-a", "caseworker").request(
            notification_pb::GetProfileRequest {
                account: "applicant-a".into(),
                min_position: None,
            },
        ))
        .await
        .expect("A's profile")
        .into_inner()
        .profile
        .unwrap();
    assert_eq!(of_a.language, "en");
    assert_eq!(of_a.push_subscription_ids.len(), 1);

    // B's staff and an applicant of B with the same account name: a profile never touched.
    for caller in [
        Caller::dev(TENANT_B, "caseworker-b", "caseworker"),
        Caller::dev(TENANT_B, "auditor-b", "auditor"),
        Caller::dev(TENANT_B, "applicant-a", "applicant"),
    ] {
        let profile = notifications
            .get_profile(caller.request(notification_pb::GetProfileRequest {
                account: "applicant-a".into(),
                min_position: None,
            }))
            .await
            .expect("B reads a profile of its own tenant")
            .into_inner()
            .profile
            .unwrap();
        assert_eq!(profile.language, "de", "{caller:?}: {profile:?}");
        assert!(
            profile.consents.is_empty()
                && !profile.email_address_set
                && profile.push_subscription_ids.is_empty(),
            "{caller:?}: {profile:?}"
        );
        shows_nothing_of_a("B's profile", format!("{profile:?}"));
    }

    // The control: A's applicant's Postfach holds what they wrote.
    let mailbox_of_a = notifications
        .list_mailbox(
            Caller::dev(TENANT_A, "applicant-a", "applicant")
                .request(notification_pb::ListMailboxRequest::default()),
        )
        .await
        .expect("A's mailbox")
        .into_inner();
    assert!(
        mailbox_of_a
            .messages
            .iter()
            .any(|m| m.message_id == a.ids["message_id"]),
        "{mailbox_of_a:?}"
    );
    for caller in [
        Caller::dev(TENANT_B, "applicant-a", "applicant"),
        Caller::dev(TENANT_B, "caseworker-a", "caseworker"),
        Caller::dev(TENANT_B, "caseworker-b", "caseworker"),
    ] {
        let mailbox = notifications
            .list_mailbox(caller.request(notification_pb::ListMailboxRequest::default()))
            .await
            .expect("B's mailbox")
            .into_inner();
        assert!(
            mailbox.messages.is_empty() && mailbox.unread_count == 0,
            "{caller:?}: {mailbox:?}"
        );
    }

    let jobs = notifications
        .list_print_jobs(
            Caller::dev(TENANT_B, "print-service-b", "service")
                .request(notification_pb::ListPrintJobsRequest { page_size: 200 }),
        )
        .await
        .expect("B's print queue")
        .into_inner();
    assert!(jobs.print_jobs.is_empty(), "{jobs:?}");
    shows_nothing_of_a("B's print queue", format!("{jobs:?}"));
    let dead = notifications
        .list_dead_letters(
            Caller::dev(TENANT_B, "operator-b", "operator")
                .request(notification_pb::ListDeadLettersRequest::default()),
        )
        .await
        .expect("B's dead letters")
        .into_inner();
    assert!(dead.dead_letters.is_empty(), "{dead:?}");

    // A's browser is no subscription of B's applicant with the same account name.
    let status = notifications
        .remove_push_subscription(Caller::dev(TENANT_B, "applicant-a", "applicant").request(
            notification_pb::RemovePushSubscriptionRequest {
                subscription_id: a.ids["subscription_id"].clone(),
            },
        ))
        .await
        .expect_err("not B's subscription");
    assert_eq!(status.code(), Code::NotFound);
    shows_nothing_of_a("the refusal", answer_text(&Err(status)));
}
