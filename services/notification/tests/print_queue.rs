//! The print queue through the API: the print service lists the letters waiting, fetches one,
//! and confirms it printed; the confirmation is `LetterPrinted` on the message, once.

mod harness;

use harness::*;
use jobcenter_proto::notification::v1 as proto;
use tonic::Code;
use uuid::Uuid;

/// A reply by letter to applicant `a-1` (no mailbox consent), queued for printing as the
/// outbox worker would; the message's and the job's ids.
async fn a_letter_waiting(app: &mut TestApp) -> (String, Uuid) {
    let cases = case_log(app).await;
    let case = cases.open_case(TENANT, "a-1").await;
    eventually("the case in the case contacts", || async {
        sqlx::query_scalar::<_, bool>(
            "SELECT true FROM notification.case_contacts WHERE case_id = $1::uuid",
        )
        .bind(&case.case_id)
        .fetch_optional(app.db.pool())
        .await
        .expect("query")
    })
    .await;
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
            body: "Bitte reichen Sie den Mietvertrag ein.".into(),
            min_position: None,
        }))
        .await
        .expect("replied")
        .into_inner();
    let message_id = Uuid::parse_str(&replied.message_id).expect("uuid");
    let mut conn = app.db.worker_pool().acquire().await.expect("connection");
    let job = notification::print_queue::queue(
        &mut conn,
        TENANT,
        Uuid::new_v4(),
        message_id,
        b"%PDF-1.7 test letter",
        1,
    )
    .await
    .expect("queued");
    (replied.message_id, job)
}

#[tokio::test]
async fn the_print_service_prints_a_letter_and_confirms_it_once() {
    let mut app = spawn_app().await;
    let (message_id, job) = a_letter_waiting(&mut app).await;
    let waiting = app
        .client
        .list_print_jobs(as_print_service(proto::ListPrintJobsRequest {
            page_size: 0,
        }))
        .await
        .expect("listed")
        .into_inner();
    assert_eq!(waiting.print_jobs.len(), 1);
    assert_eq!(waiting.print_jobs[0].print_job_id, job.to_string());
    assert_eq!(waiting.print_jobs[0].message_id, message_id);
    let letter = app
        .client
        .get_print_job(as_print_service(proto::GetPrintJobRequest {
            print_job_id: job.to_string(),
        }))
        .await
        .expect("fetched")
        .into_inner();
    assert_eq!(letter.pdf, b"%PDF-1.7 test letter");

    let confirmed = app
        .client
        .confirm_printed(as_print_service(proto::ConfirmPrintedRequest {
            print_job_id: job.to_string(),
        }))
        .await
        .expect("confirmed")
        .into_inner();
    let again = app
        .client
        .confirm_printed(as_print_service(proto::ConfirmPrintedRequest {
            print_job_id: job.to_string(),
        }))
        .await
        .expect("confirmed again")
        .into_inner();
    assert_eq!(confirmed.position, again.position);
    assert_eq!(count_events(&app, "notification.LetterPrinted").await, 1);
    let waiting = app
        .client
        .list_print_jobs(as_print_service(proto::ListPrintJobsRequest {
            page_size: 10,
        }))
        .await
        .expect("listed")
        .into_inner();
    assert!(waiting.print_jobs.is_empty());
    let message = app
        .client
        .get_message(as_caseworker(proto::GetMessageRequest {
            message_id,
            min_position: confirmed.position,
        }))
        .await
        .expect("readable")
        .into_inner()
        .message
        .expect("a message");
    let post = message
        .deliveries
        .iter()
        .find(|d| d.channel == proto::Channel::Post as i32)
        .expect("the post channel");
    assert_eq!(post.state, proto::DeliveryState::Printed as i32);
}

#[tokio::test]
async fn letters_are_the_print_services_and_their_own_tenants_only() {
    let mut app = spawn_app().await;
    let (_, job) = a_letter_waiting(&mut app).await;
    let denied = app
        .client
        .get_print_job(as_caseworker(proto::GetPrintJobRequest {
            print_job_id: job.to_string(),
        }))
        .await
        .expect_err("not for caseworkers");
    assert_eq!(denied.code(), Code::PermissionDenied);
    let foreign = app
        .client
        .confirm_printed(as_subject(
            proto::ConfirmPrintedRequest {
                print_job_id: job.to_string(),
            },
            OTHER_TENANT,
            "print-centre",
            "service",
        ))
        .await
        .expect_err("another jobcenter's letter");
    assert_eq!(foreign.code(), Code::NotFound);
    let foreign = app
        .client
        .get_print_job(as_subject(
            proto::GetPrintJobRequest {
                print_job_id: job.to_string(),
            },
            OTHER_TENANT,
            "print-centre",
            "service",
        ))
        .await
        .expect_err("another jobcenter's letter");
    assert_eq!(foreign.code(), Code::NotFound);
    assert_eq!(count_events(&app, "notification.LetterPrinted").await, 0);
}
