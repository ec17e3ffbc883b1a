//! The read models as the logs feed them: the directories of the logs the service follows
//! (postal addresses, appointments, documents moving between cases, closed cases), and the
//! own log's read models rebuilt from the log equal to the live ones.

mod harness;

use std::time::Duration;

use harness::*;
use jobcenter_proto::common::v1 as common;
use jobcenter_proto::notification::v1 as proto;
use notification::projections::{mailbox::Mailbox, profiles::Profiles};
use notification::sources::{appointment, case, efile, intake};
use projection::Projection;
use tonic::Code;
use uuid::Uuid;

/// Waits until the read model `name` has applied `position`.
async fn applied(app: &TestApp, name: &str, position: &common::Position) {
    let token: eventlog::PositionToken = position.token.parse().expect("a token");
    let done = projection::wait_for(
        app.db.worker_pool(),
        notification::SCHEMA,
        name,
        token.at,
        Duration::from_secs(15),
    )
    .await
    .expect("checkpoint readable");
    assert!(done, "{name} did not reach {}", position.token);
}

#[tokio::test]
async fn the_directories_follow_the_other_services_logs() {
    let app = spawn_app().await;
    let intake_events = intake_log(&app).await;
    let appointments = appointment_log(&app).await;
    let cases = case_log(&app).await;
    let documents = efile_log(&app).await;

    let (application_id, submitted) = intake_events.submit_main_application(TENANT).await;
    applied(&app, intake::NAME, &submitted).await;
    let mut conn = app.db.worker_pool().acquire().await.expect("connection");
    let address = intake::get(&mut conn, TENANT, application_id.parse().expect("uuid"))
        .await
        .expect("query")
        .expect("the main applicant's address");
    assert_eq!(
        (
            address.family_name.as_str(),
            address.house_number.as_str(),
            address.city.as_str()
        ),
        ("Mustermann", "10", "Essen")
    );
    let addresses: i64 = sqlx::query_scalar("SELECT count(*) FROM notification.postal_addresses")
        .fetch_one(app.db.pool())
        .await
        .expect("count");
    assert_eq!(
        addresses, 1,
        "only main applications carry an address to keep"
    );

    let first = cases.open_case(TENANT, "a-1").await;
    let second = cases.open_case(TENANT, "a-1").await;
    let (appointment_id, booked) = appointments
        .book(TENANT, "a-1", &first.case_id, "K7MX4-QTR9B")
        .await;
    applied(&app, appointment::NAME, &booked).await;
    let contact = appointment::get(&mut conn, TENANT, appointment_id.parse().expect("uuid"))
        .await
        .expect("query")
        .expect("the appointment");
    assert_eq!(contact.applicant_account, "a-1");
    assert_eq!(contact.reference, "K7MX4-QTR9B");

    // A document filed on one case and moved to the other is the other's.
    let (document, filed) = documents.file_document(TENANT, &first.case_id).await;
    applied(&app, efile::NAME, &filed).await;
    let moved = documents
        .move_document(TENANT, &document, &second.case_id)
        .await;
    applied(&app, efile::NAME, &moved).await;
    let document_id: Uuid = document.parse().expect("uuid");
    let first_case: Uuid = first.case_id.parse().expect("uuid");
    let second_case: Uuid = second.case_id.parse().expect("uuid");
    assert_eq!(
        efile::not_on_case(&mut conn, TENANT, first_case, &[document_id])
            .await
            .expect("query"),
        [document_id]
    );
    assert!(
        efile::not_on_case(&mut conn, TENANT, second_case, &[document_id])
            .await
            .expect("query")
            .is_empty()
    );
    let kind: String = sqlx::query_scalar("SELECT type FROM notification.documents")
        .fetch_one(app.db.pool())
        .await
        .expect("one document");
    assert_eq!(kind, "payslip");

    // Two open cases: a message must name one; once one is closed, the other is the one.
    applied(&app, case::NAME, &second.position).await;
    let mut app = app;
    let refused = app
        .client
        .send_message(as_applicant(message_about("", &[]), "a-1"))
        .await
        .expect_err("two open cases");
    assert_eq!(refused.code(), Code::FailedPrecondition);
    let closed = cases.close_case(TENANT, &first.case_id).await;
    let sent = app
        .client
        .send_message(as_applicant(
            proto::SendMessageRequest {
                min_position: Some(closed),
                ..message_about("", &[])
            },
            "a-1",
        ))
        .await
        .expect("sent about the open case")
        .into_inner();
    let message = app
        .client
        .get_message(as_applicant(
            proto::GetMessageRequest {
                message_id: sent.message_id,
                min_position: sent.position,
            },
            "a-1",
        ))
        .await
        .expect("readable")
        .into_inner()
        .message
        .expect("a message");
    assert_eq!(message.case_id, second.case_id);
    let open = case::open_cases_of(&mut conn, TENANT, "a-1")
        .await
        .expect("query");
    assert_eq!(open.len(), 1);
    assert_eq!(open[0].caseworker.as_deref(), Some("cw-1"));
}

#[tokio::test]
async fn the_profiles_and_the_mailbox_rebuilt_from_the_log_equal_the_live_ones() {
    let mut app = spawn_app().await;
    let cases = case_log(&app).await;
    let case = cases.open_case(TENANT, "a-1").await;
    applied(&app, case::NAME, &case.position).await;
    consent_to_mailbox(&mut app, "a-1").await;
    app.client
        .set_email_address(as_applicant(
            proto::SetEmailAddressRequest {
                address: "ada@example.org".into(),
            },
            "a-1",
        ))
        .await
        .expect("address set");
    let asked = app
        .client
        .send_message(as_applicant(message_about(&case.case_id, &[]), "a-1"))
        .await
        .expect("sent")
        .into_inner();
    let replied = app
        .client
        .reply_to_message(as_caseworker(proto::ReplyToMessageRequest {
            request_id: Uuid::new_v4().to_string(),
            message_id: asked.message_id,
            body: "Erledigt.".into(),
            min_position: None,
        }))
        .await
        .expect("replied")
        .into_inner();
    let read = app
        .client
        .mark_message_read(as_applicant(
            proto::MarkMessageReadRequest {
                message_id: replied.message_id,
            },
            "a-1",
        ))
        .await
        .expect("read")
        .into_inner();
    let last = read.position.expect("a position");
    applied(&app, Mailbox.name(), &last).await;
    applied(&app, Profiles.name(), &last).await;

    let pool = app.db.worker_pool().clone();
    for projection in [&Mailbox as &dyn Projection, &Profiles] {
        let mut conn = pool.acquire().await.expect("connection");
        let live = projection.digest(&mut conn).await.expect("digest");
        drop(conn);
        let report = projection::rebuild(&pool, &app.log, notification::SCHEMA, projection)
            .await
            .expect("rebuilt");
        assert!(report.events >= 5, "{report:?}");
        let mut conn = pool.acquire().await.expect("connection");
        let rebuilt = projection.digest(&mut conn).await.expect("digest");
        assert_eq!(rebuilt, live, "{}", projection.name());
    }
}
