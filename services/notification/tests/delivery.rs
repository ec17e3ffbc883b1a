//! Triggers to deliveries, through the running service: an event of the case log composes the
//! documented message, the channels the applicant agreed to carry it (the mailbox, a push that
//! the loopback push service decrypts, an e-mail hint at the SMTP sink), consent withdrawn
//! means a letter in the print queue instead, a redelivered trigger sends nothing twice, and a
//! failing channel retries and finally dead-letters.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod harness;

use std::sync::Arc;
use std::time::Duration;

use harness::*;
use jobcenter_proto::case::v1 as case;
use jobcenter_proto::common::v1 as common;
use jobcenter_proto::notification::v1 as proto;

/// The documents requested in these tests, and the day they are due.
const DOCUMENT: &str = "Kontoauszüge der letzten 3 Monate";
const DUE: (i32, i32, i32) = (2026, 12, 20);

/// An applicant `a-1` of [`TENANT`] with a case opened from Erika Mustermann's main application.
struct Household {
    app: TestApp,
    cases: ForeignLog,
    case_id: String,
}

async fn household() -> Household {
    household_with(|_| {}).await
}

async fn household_with(configure: impl FnOnce(&mut notification::Config)) -> Household {
    let app = spawn_app_with(configure).await;
    let intake = intake_log(&app).await;
    let cases = case_log(&app).await;
    let (application_id, _) = intake.submit_main_application(TENANT).await;
    let case = cases.open_case_of(TENANT, "a-1", &application_id).await;
    Household {
        app,
        cases,
        case_id: case.case_id,
    }
}

impl Household {
    async fn consent(&mut self, channel: proto::Channel) {
        self.app
            .client
            .give_consent(as_applicant(
                proto::GiveConsentRequest {
                    account: String::new(),
                    channel: channel as i32,
                    wording_version: "2026-11".into(),
                },
                "a-1",
            ))
            .await
            .expect("consent recorded");
    }

    async fn prefer(&mut self, language: &str) {
        self.app
            .client
            .set_preferred_language(as_applicant(
                proto::SetPreferredLanguageRequest {
                    account: String::new(),
                    language: language.into(),
                },
                "a-1",
            ))
            .await
            .expect("language recorded");
    }

    async fn subscribe_to_push(&mut self) {
        let request = proto::RegisterPushSubscriptionRequest {
            endpoint: self.app.push.endpoint_url(),
            p256dh: self.app.push.p256dh_base64url(),
            auth: self.app.push.auth_base64url(),
        };
        self.app
            .client
            .register_push_subscription(as_applicant(request, "a-1"))
            .await
            .expect("subscription recorded");
    }

    async fn set_email(&mut self) {
        self.app
            .client
            .set_email_address(as_applicant(
                proto::SetEmailAddressRequest {
                    address: "erika@example.org".into(),
                },
                "a-1",
            ))
            .await
            .expect("address recorded");
    }

    /// The caseworker requests the documents: `case.DocumentsRequested`.
    async fn request_documents(&self) {
        let requested = case::DocumentsRequested {
            due: Some(common::Date {
                year: DUE.0,
                month: DUE.1,
                day: DUE.2,
            }),
            documents: vec![DOCUMENT.into()],
        };
        self.cases
            .append_to_case(TENANT, &self.case_id, "case.DocumentsRequested", &requested)
            .await;
    }

    /// The composed message of the documents request, once there.
    async fn composed(&self) -> proto::MessageComposed {
        let app = &self.app;
        eventually("the composed message", || async {
            let payload: Option<Vec<u8>> = sqlx::query_scalar(
                "SELECT payload FROM notification.events \
                 WHERE event_type = 'notification.MessageComposed'",
            )
            .fetch_optional(app.db.pool())
            .await
            .expect("query");
            payload.map(|p| prost::Message::decode(p.as_slice()).expect("a MessageComposed"))
        })
        .await
    }

    /// The state of the outbox row of `channel` once it is not pending any more.
    async fn settled(&self, channel: &str) -> (String, i32, Option<String>) {
        let app = &self.app;
        eventually("the delivery settled", || async {
            sqlx::query_as::<_, (String, i32, Option<String>)>(
                "SELECT state, attempts, last_error FROM notification.outbox \
                 WHERE channel = $1 AND state <> 'pending'",
            )
            .bind(channel)
            .fetch_optional(app.db.pool())
            .await
            .expect("query")
        })
        .await
    }
}

fn sent(composed: &proto::MessageComposed, channel: proto::Channel) -> bool {
    composed
        .channels
        .iter()
        .any(|decision| decision.channel == channel as i32 && decision.send)
}

#[tokio::test]
async fn a_documents_request_reaches_the_mailbox_push_and_email_without_personal_data() {
    let mut household = household().await;
    household.prefer("en").await;
    for channel in [
        proto::Channel::Mailbox,
        proto::Channel::Push,
        proto::Channel::Email,
    ] {
        household.consent(channel).await;
    }
    household.subscribe_to_push().await;
    household.set_email().await;
    household.request_documents().await;

    let composed = household.composed().await;
    assert_eq!(composed.topic, proto::Topic::DocumentsRequested as i32);
    assert_eq!(composed.language, "en");
    assert_eq!(composed.recipient, "a-1");
    assert!(composed.body.contains(DOCUMENT), "{}", composed.body);
    assert!(
        composed.body.contains("20 December 2026"),
        "{}",
        composed.body
    );
    assert!(sent(&composed, proto::Channel::Mailbox));
    assert!(sent(&composed, proto::Channel::Push));
    assert!(sent(&composed, proto::Channel::Email));
    assert!(!sent(&composed, proto::Channel::Post));

    let app = &mut household.app;
    let mailbox = eventually("the message in the mailbox", || {
        let mut client = app.client.clone();
        async move {
            let listed = client
                .list_mailbox(as_applicant(proto::ListMailboxRequest::default(), "a-1"))
                .await
                .expect("mailbox")
                .into_inner();
            (!listed.messages.is_empty()).then_some(listed)
        }
    })
    .await;
    assert_eq!(mailbox.messages.len(), 1);
    assert_eq!(mailbox.messages[0].message_id, composed.message_id);
    assert_eq!(mailbox.unread_count, 1);

    let pushed = app
        .push
        .wait_for(1, Duration::from_secs(15))
        .await
        .expect("one push");
    let payload: serde_json::Value =
        serde_json::from_slice(&pushed[0].plaintext).expect("a JSON payload");
    assert_eq!(payload["message_id"], composed.message_id.as_str());
    assert!(!payload["title"].as_str().unwrap_or_default().is_empty());
    let plaintext = String::from_utf8(pushed[0].plaintext.clone()).expect("utf-8");
    let mails = app
        .smtp
        .wait_for(1, Duration::from_secs(15))
        .await
        .expect("one hint");
    let mail = &mails[0];
    assert_eq!(mail.to, ["erika@example.org"]);
    assert!(
        mail.header("Message-ID")
            .unwrap_or_default()
            .contains(&composed.message_id)
    );
    let hint = format!(
        "{}\n{}\n{}",
        mail.decoded_header("Subject").unwrap_or_default(),
        mail.body(),
        mail.data
    );
    for personal in [
        "Erika",
        "Mustermann",
        "Berliner Platz",
        household.case_id.as_str(),
        "Kontoauszüge",
        "Kontoausz",
        "December",
        "2026-12-20",
        "20.12.2026",
        composed.subject.as_str(),
    ] {
        assert!(!hint.contains(personal), "the e-mail names {personal:?}");
        assert!(!plaintext.contains(personal), "the push names {personal:?}");
    }
    assert_eq!(household.settled("push").await.0, "delivered");
    assert_eq!(household.settled("email").await.0, "delivered");
}

#[tokio::test]
async fn consent_withdrawn_means_no_digital_delivery_but_a_letter_in_the_print_queue() {
    let mut household = household().await;
    household.consent(proto::Channel::Mailbox).await;
    household.consent(proto::Channel::Push).await;
    household.subscribe_to_push().await;
    household
        .app
        .client
        .withdraw_consent(as_applicant(
            proto::WithdrawConsentRequest {
                account: String::new(),
                channel: proto::Channel::Mailbox as i32,
            },
            "a-1",
        ))
        .await
        .expect("withdrawn");
    household.prefer("en").await;
    household.request_documents().await;

    let composed = household.composed().await;
    assert!(!sent(&composed, proto::Channel::Mailbox));
    assert!(!sent(&composed, proto::Channel::Push));
    assert!(!sent(&composed, proto::Channel::Email));
    assert!(sent(&composed, proto::Channel::Post));
    // A letter is German whatever the preferred language.
    assert_eq!(composed.language, "de");
    assert!(composed.body.contains("20.12.2026"), "{}", composed.body);
    let mailbox_reason = composed
        .channels
        .iter()
        .find(|d| d.channel == proto::Channel::Mailbox as i32)
        .map(|d| d.reason.clone())
        .unwrap_or_default();
    assert!(!mailbox_reason.is_empty());

    assert_eq!(household.settled("post").await.0, "delivered");
    let app = &mut household.app;
    let jobs = app
        .client
        .list_print_jobs(as_print_service(proto::ListPrintJobsRequest::default()))
        .await
        .expect("print queue")
        .into_inner()
        .print_jobs;
    assert_eq!(jobs.len(), 1);
    assert_eq!(jobs[0].message_id, composed.message_id);
    let letter = app
        .client
        .get_print_job(as_print_service(proto::GetPrintJobRequest {
            print_job_id: jobs[0].print_job_id.clone(),
        }))
        .await
        .expect("the letter")
        .into_inner();
    assert!(letter.pdf.starts_with(b"%PDF-"));
    let pdf = String::from_utf8_lossy(&letter.pdf);
    assert!(
        pdf.contains("Erika Mustermann"),
        "the window names the applicant"
    );
    assert!(pdf.contains("Berliner Platz 10"));

    let listed = app
        .client
        .list_mailbox(as_applicant(proto::ListMailboxRequest::default(), "a-1"))
        .await
        .expect("mailbox")
        .into_inner();
    assert!(
        listed.messages.is_empty(),
        "nothing digital without consent"
    );
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(app.push.received().is_empty());
    assert!(app.smtp.received().is_empty());
}

#[tokio::test]
async fn a_redelivered_trigger_composes_and_sends_nothing_twice() {
    let mut household = household().await;
    household.consent(proto::Channel::Mailbox).await;
    household.consent(proto::Channel::Push).await;
    household.subscribe_to_push().await;
    household.request_documents().await;
    let composed = household.composed().await;
    assert_eq!(household.settled("push").await.0, "delivered");

    // The same trigger event again, as a redelivery after a crash would bring it.
    let trigger = household
        .cases
        .log()
        .read_stream(&format!("case-{}", household.case_id), 0, 100)
        .await
        .expect("case stream")
        .into_iter()
        .find(|event| event.event_type == "case.DocumentsRequested")
        .expect("the request");
    let app = &household.app;
    let templates = Arc::new(notification::templates::Templates::embedded().expect("templates"));
    let composer = notification::compose::Composer::new(
        app.log.clone(),
        templates,
        Default::default(),
        notification::domain::planning::Offered::ALL,
    );
    for _ in 0..2 {
        let mut tx = app.db.worker_pool().begin().await.expect("tx");
        composer
            .react(&mut tx, "case", &trigger)
            .await
            .expect("composed again");
        tx.commit().await.expect("commit");
    }
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(count_events(app, "notification.MessageComposed").await, 1);
    assert_eq!(count_events(app, "notification.DeliverySucceeded").await, 1);
    let rows: i64 = sqlx::query_scalar("SELECT count(*) FROM notification.outbox")
        .fetch_one(app.db.pool())
        .await
        .expect("outbox");
    assert_eq!(rows, 1, "one row: push (the mailbox needs none)");
    let pushed = app.push.received();
    assert_eq!(pushed.len(), 1);
    let payload: serde_json::Value = serde_json::from_slice(&pushed[0].plaintext).expect("json");
    assert_eq!(payload["message_id"], composed.message_id.as_str());
}

#[tokio::test]
async fn a_failing_channel_retries_and_finally_dead_letters_with_its_reason() {
    let mut household = household().await;
    household.consent(proto::Channel::Mailbox).await;
    household.consent(proto::Channel::Push).await;
    household.subscribe_to_push().await;
    household.app.push.respond_with(500, usize::MAX);
    household.request_documents().await;
    let composed = household.composed().await;

    let (state, attempts, error) = household.settled("push").await;
    assert_eq!(state, "dead");
    assert_eq!(attempts, test_retry().max_attempts as i32);
    assert!(error.unwrap_or_default().contains("500"));
    let app = &mut household.app;
    assert_eq!(
        count_events(app, "notification.DeliveryAttemptFailed").await,
        i64::from(test_retry().max_attempts - 1)
    );
    assert_eq!(
        count_events(app, "notification.DeliveryDeadLettered").await,
        1
    );
    assert_eq!(count_events(app, "notification.DeliverySucceeded").await, 0);

    let dead = eventually("the dead letter listed", || {
        let mut client = app.client.clone();
        async move {
            let listed = client
                .list_dead_letters(as_caseworker(proto::ListDeadLettersRequest::default()))
                .await
                .expect("dead letters")
                .into_inner()
                .dead_letters;
            (!listed.is_empty()).then_some(listed)
        }
    })
    .await;
    assert_eq!(dead[0].message_id, composed.message_id);
    assert_eq!(dead[0].channel, proto::Channel::Push as i32);
    assert_eq!(dead[0].attempts, test_retry().max_attempts);
    assert!(!dead[0].reason.is_empty());
    // The mailbox still has the message: only the hint was lost.
    let listed = app
        .client
        .list_mailbox(as_applicant(proto::ListMailboxRequest::default(), "a-1"))
        .await
        .expect("mailbox")
        .into_inner();
    assert_eq!(listed.messages.len(), 1);
}

#[tokio::test]
async fn a_channel_that_fails_once_delivers_on_the_retry() {
    let mut household = household().await;
    household.consent(proto::Channel::Mailbox).await;
    household.consent(proto::Channel::Email).await;
    household.set_email().await;
    household.app.smtp.fail_next(451, 1);
    household.request_documents().await;
    household.composed().await;

    let (state, attempts, _) = household.settled("email").await;
    assert_eq!(state, "delivered");
    assert_eq!(attempts, 2);
    let app = &household.app;
    assert_eq!(
        count_events(app, "notification.DeliveryAttemptFailed").await,
        1
    );
    assert_eq!(count_events(app, "notification.DeliverySucceeded").await, 1);
    assert_eq!(app.smtp.received().len(), 1);
}

#[tokio::test]
async fn a_gone_push_subscription_is_removed_and_the_hint_dead_letters() {
    let mut household = household().await;
    household.consent(proto::Channel::Mailbox).await;
    household.consent(proto::Channel::Push).await;
    household.subscribe_to_push().await;
    household.app.push.respond_with(410, usize::MAX);
    household.request_documents().await;
    household.composed().await;

    let (state, attempts, error) = household.settled("push").await;
    assert_eq!((state.as_str(), attempts), ("dead", 1));
    assert!(
        error
            .unwrap_or_default()
            .contains("no push subscription left")
    );
    let app = &household.app;
    assert_eq!(
        count_events(app, "notification.PushSubscriptionRemoved").await,
        1
    );
}

#[tokio::test]
async fn a_sick_note_recorded_on_the_case_reaches_the_caseworkers_inbox_in_german() {
    let mut household = household().await;
    let recorded = case::IncapacityRecorded {
        record_id: uuid::Uuid::new_v4().to_string(),
        source: case::IncapacitySource::Form as i32,
        incapacity_from: Some(common::Date {
            year: 2026,
            month: 12,
            day: 1,
        }),
        incapacity_until: Some(common::Date {
            year: 2026,
            month: 12,
            day: 11,
        }),
        ..Default::default()
    };
    household
        .cases
        .append_to_case(
            TENANT,
            &household.case_id,
            "case.IncapacityRecorded",
            &recorded,
        )
        .await;
    let app = &mut household.app;
    let inbox = eventually("the caseworker's inbox", || {
        let mut client = app.client.clone();
        async move {
            let listed = client
                .list_mailbox(as_caseworker(proto::ListMailboxRequest::default()))
                .await
                .expect("inbox")
                .into_inner();
            (!listed.messages.is_empty()).then_some(listed)
        }
    })
    .await;
    assert_eq!(inbox.messages.len(), 1);
    assert_eq!(
        inbox.messages[0].topic,
        proto::Topic::SickNoteRecorded as i32
    );
    assert_eq!(inbox.messages[0].language, "de");
    let message = app
        .client
        .get_message(as_caseworker(proto::GetMessageRequest {
            message_id: inbox.messages[0].message_id.clone(),
            min_position: None,
        }))
        .await
        .expect("the message")
        .into_inner()
        .message
        .expect("a message");
    assert!(message.body.contains("01.12.2026"), "{}", message.body);
    assert!(message.body.contains("11.12.2026"), "{}", message.body);
    // The applicant hears nothing of it.
    let applicant = app
        .client
        .list_mailbox(as_applicant(proto::ListMailboxRequest::default(), "a-1"))
        .await
        .expect("mailbox")
        .into_inner();
    assert!(applicant.messages.is_empty());
}
