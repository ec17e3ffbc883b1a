//! Messages end to end through the real binaries: an applicant who chose English and the
//! mailbox is asked for documents by a deadline and reads it in English in their Postfach; they
//! upload a document to the E-Akte and write to the jobcenter with it attached; the case notes
//! the message and opens a task, the E-Akte holds the document; the caseworker replies, the
//! reply is in the Postfach and the task is closed. And the hints: with push and e-mail consent,
//! a request for documents reaches the applicant's browser as one encrypted push and their
//! inbox as one e-mail, neither of which names them, their case, the documents or the deadline.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::Duration;

use chrono::{Days, NaiveDate};
use jobcenter_proto::case::v1 as case_pb;
use jobcenter_proto::common::v1 as common;
use jobcenter_proto::efile::v1 as efile_pb;
use jobcenter_proto::notification::v1 as notification_pb;
use system_tests::{Caller, Person, System, notifications};
use uuid::Uuid;

const TENANT: &str = "jc-essen";
const CASEWORKER: &str = "caseworker-messages";
const DOCUMENTS: [&str; 2] = ["Kontoauszüge der letzten drei Monate", "Mietvertrag"];
/// How long anything here may take to travel through the services.
const PATIENCE: Duration = Duration::from_secs(30);

fn staff<T>(message: T) -> tonic::Request<T> {
    Caller::dev(TENANT, CASEWORKER, "caseworker").request(message)
}

fn as_applicant<T>(applicant: &str, message: T) -> tonic::Request<T> {
    Caller::dev(TENANT, applicant, "applicant").request(message)
}

fn command(case_id: &str) -> Option<case_pb::CaseCommand> {
    Some(case_pb::CaseCommand {
        case_id: case_id.into(),
        command_id: Uuid::new_v4().to_string(),
        expected_version: None,
    })
}

fn today() -> NaiveDate {
    case::domain::dates::legal_day(chrono::Utc::now())
}

/// A day as the English templates write it: "20 December 2026".
fn english(day: NaiveDate) -> String {
    day.format("%-d %B %Y").to_string()
}

/// Every way a deadline could be written out.
fn spellings(day: NaiveDate) -> Vec<String> {
    vec![
        day.format("%Y-%m-%d").to_string(),
        day.format("%d.%m.%Y").to_string(),
        day.format("%-d.%-m.%Y").to_string(),
        english(day),
    ]
}

/// Polls `check` until it yields, for at most [`PATIENCE`].
async fn eventually<T, F, Fut>(what: &str, mut check: F) -> T
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Option<T>>,
{
    let started = std::time::Instant::now();
    while started.elapsed() < PATIENCE {
        if let Some(value) = check().await {
            return value;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("timed out waiting for {what}");
}

/// Calls `attempt` until it answers something other than NOT_FOUND (another service learns of
/// a case from the case log a moment later).
async fn once_known<T, F, Fut>(what: &str, mut attempt: F) -> T
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<T, tonic::Status>>,
{
    let started = std::time::Instant::now();
    loop {
        match attempt().await {
            Ok(value) => return value,
            Err(status)
                if status.code() == tonic::Code::NotFound && started.elapsed() < PATIENCE =>
            {
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
            Err(status) => panic!("{what}: {status:?}"),
        }
    }
}

/// `applicant` submits `person`'s main application; the case opens and is given to
/// [`CASEWORKER`], who starts the review. Returns the case id.
async fn apply(system: &System, applicant: &str, person: &Person) -> String {
    let mut intake = system.intake(None).await.unwrap();
    let mut cases = system.cases(None).await.unwrap();
    let submitted = intake
        .submit_application(as_applicant(
            applicant,
            person.submission(&Uuid::new_v4().to_string()),
        ))
        .await
        .expect("submit")
        .into_inner();
    let case_id = cases
        .find_case_by_application(staff(case_pb::FindCaseByApplicationRequest {
            application_id: submitted.submission.unwrap().application_id,
            min_position: submitted.position,
        }))
        .await
        .expect("case opened")
        .into_inner()
        .case
        .unwrap()
        .case_id;
    cases
        .assign_case(
            Caller::dev(TENANT, "teamlead-messages", "team-lead").request(
                case_pb::AssignCaseRequest {
                    command: command(&case_id),
                    caseworker: CASEWORKER.into(),
                    team: "team-leistung".into(),
                },
            ),
        )
        .await
        .expect("assigned");
    cases
        .start_review(staff(case_pb::StartReviewRequest {
            command: command(&case_id),
        }))
        .await
        .expect("review");
    case_id
}

/// The caseworker asks for [`DOCUMENTS`] by `due`.
async fn request_documents(system: &System, case_id: &str, due: NaiveDate) {
    system
        .cases(None)
        .await
        .unwrap()
        .request_documents(staff(case_pb::RequestDocumentsRequest {
            command: command(case_id),
            due: Some(case::domain::dates::to_proto(due)),
            documents: DOCUMENTS.map(str::to_owned).to_vec(),
        }))
        .await
        .expect("documents requested");
}

/// `applicant` gives consent to each of `channels`; returns the last command's position.
async fn consent(
    system: &System,
    applicant: &str,
    channels: &[notification_pb::Channel],
) -> Option<common::Position> {
    let mut notifications = system.notifications(None).await.unwrap();
    let mut position = None;
    for channel in channels {
        position = notifications
            .give_consent(as_applicant(
                applicant,
                notification_pb::GiveConsentRequest {
                    account: String::new(),
                    channel: *channel as i32,
                    wording_version: "2026-01".into(),
                },
            ))
            .await
            .expect("consent")
            .into_inner()
            .position;
    }
    position
}

/// Waits until `applicant`'s profile has applied `position`, so messages composed from now on
/// follow it.
async fn profile_after(
    system: &System,
    applicant: &str,
    position: Option<common::Position>,
) -> notification_pb::Profile {
    system
        .notifications(None)
        .await
        .unwrap()
        .get_profile(as_applicant(
            applicant,
            notification_pb::GetProfileRequest {
                account: String::new(),
                min_position: position,
            },
        ))
        .await
        .expect("profile")
        .into_inner()
        .profile
        .unwrap()
}

/// The message of `topic` in `applicant`'s Postfach, once it is there.
async fn in_mailbox(
    system: &System,
    applicant: &str,
    topic: notification_pb::Topic,
) -> notification_pb::Message {
    let notifications = system.notifications(None).await.unwrap();
    eventually(&format!("a {topic:?} message in the mailbox"), || {
        let mut notifications = notifications.clone();
        async move {
            notifications
                .list_mailbox(as_applicant(
                    applicant,
                    notification_pb::ListMailboxRequest::default(),
                ))
                .await
                .expect("mailbox")
                .into_inner()
                .messages
                .into_iter()
                .find(|m| m.topic() == topic)
        }
    })
    .await
}

/// Open tasks of the caseworker's queue.
async fn open_tasks(system: &System) -> Vec<case_pb::Task> {
    system
        .cases(None)
        .await
        .unwrap()
        .list_tasks(staff(case_pb::ListTasksRequest {
            page_size: 500,
            ..Default::default()
        }))
        .await
        .expect("tasks")
        .into_inner()
        .tasks
}

async fn timeline(system: &System, case_id: &str) -> Vec<case_pb::TimelineEntry> {
    system
        .cases(None)
        .await
        .unwrap()
        .get_case_timeline(staff(case_pb::GetCaseTimelineRequest {
            case_id: case_id.into(),
            page_size: 500,
            page_token: String::new(),
        }))
        .await
        .expect("timeline")
        .into_inner()
        .entries
}

/// `applicant` uploads a bank statement to the case's E-Akte through the portal.
async fn upload(
    system: &System,
    applicant: &str,
    case_id: &str,
) -> efile_pb::UploadDocumentResponse {
    use efile_pb::upload_document_request::Part;
    let efile = system.efile(None).await.unwrap();
    let upload_id = Uuid::new_v4().to_string();
    once_known("the applicant uploads to the E-Akte", || {
        let mut efile = efile.clone();
        let messages = vec![
            efile_pb::UploadDocumentRequest {
                part: Some(Part::Header(efile_pb::UploadHeader {
                    upload_id: upload_id.clone(),
                    case_id: case_id.into(),
                    r#type: efile_pb::DocumentType::BankStatement as i32,
                    channel: efile_pb::Channel::Portal as i32,
                    declared_media_type: "application/pdf".into(),
                    file_name: "kontoauszuege.pdf".into(),
                    ..Default::default()
                })),
            },
            efile_pb::UploadDocumentRequest {
                part: Some(Part::Chunk(
                    b"%PDF-1.4 Kontoauszuege Oktober bis Dezember".to_vec(),
                )),
            },
        ];
        let request = as_applicant(applicant, futures::stream::iter(messages));
        async move { efile.upload_document(request).await }
    })
    .await
    .into_inner()
}

#[tokio::test]
async fn an_applicant_reads_a_request_for_documents_in_english_answers_with_an_attachment_and_gets_the_reply()
 {
    const APPLICANT: &str = "applicant-messages";
    const SUBJECT: &str = "Meine Kontoauszüge";
    let system = System::development().await.expect("system");
    let mut notifications = system.notifications(None).await.unwrap();

    // The applicant applies, then chooses English and the mailbox.
    let case_id = apply(&system, APPLICANT, &Person::erika()).await;
    notifications
        .set_preferred_language(as_applicant(
            APPLICANT,
            notification_pb::SetPreferredLanguageRequest {
                account: String::new(),
                language: "en".into(),
            },
        ))
        .await
        .expect("language");
    let position = consent(&system, APPLICANT, &[notification_pb::Channel::Mailbox]).await;
    let profile = profile_after(&system, APPLICANT, position).await;
    assert_eq!(profile.language, "en");
    assert_eq!(
        profile.consents().collect::<Vec<_>>(),
        [notification_pb::Channel::Mailbox]
    );

    // The caseworker asks for documents; the applicant reads it in English, with the day.
    let due = today().checked_add_days(Days::new(14)).unwrap();
    request_documents(&system, &case_id, due).await;
    let listed = in_mailbox(
        &system,
        APPLICANT,
        notification_pb::Topic::DocumentsRequested,
    )
    .await;
    let request = notifications
        .get_message(as_applicant(
            APPLICANT,
            notification_pb::GetMessageRequest {
                message_id: listed.message_id.clone(),
                min_position: None,
            },
        ))
        .await
        .expect("the request")
        .into_inner()
        .message
        .unwrap();
    assert_eq!(request.language, "en");
    assert_eq!(request.case_id, case_id);
    assert_eq!(
        request.deadline,
        Some(case::domain::dates::to_proto(due)),
        "{request:?}"
    );
    assert!(request.body.contains(&english(due)), "{}", request.body);
    for document in DOCUMENTS {
        assert!(request.body.contains(document), "{}", request.body);
    }

    // The applicant uploads their bank statements and writes with them attached.
    let uploaded = upload(&system, APPLICANT, &case_id).await;
    let document_id = uploaded.document.unwrap().document_id;
    let request_id = Uuid::new_v4().to_string();
    let sent = once_known("the applicant writes", || {
        let mut notifications = notifications.clone();
        let request = as_applicant(
            APPLICANT,
            notification_pb::SendMessageRequest {
                request_id: request_id.clone(),
                case_id: case_id.clone(),
                subject: SUBJECT.into(),
                body: "Anbei die angeforderten Kontoauszüge.".into(),
                attachment_document_ids: vec![document_id.clone()],
                in_reply_to: request.message_id.clone(),
                min_position: uploaded.position.clone(),
            },
        );
        async move { notifications.send_message(request).await }
    })
    .await
    .into_inner();

    // The case notes it and gives the caseworker a task to answer it.
    let noted = eventually("the message on the case's timeline", || {
        let system = &system;
        let case_id = &case_id;
        async move {
            timeline(system, case_id)
                .await
                .into_iter()
                .find(|entry| entry.event_type == "case.ApplicantMessageNoted")
        }
    })
    .await;
    assert!(noted.description.contains(SUBJECT), "{}", noted.description);
    let task = eventually("the task to answer the message", || {
        let system = &system;
        let message_id = &sent.message_id;
        async move {
            open_tasks(system).await.into_iter().find(|task| {
                task.kind() == case_pb::TaskKind::AnswerMessage
                    && task.application_id == *message_id
            })
        }
    })
    .await;
    assert_eq!(task.case_id, case_id);

    // The E-Akte holds the attachment on the case.
    let file = system
        .efile(None)
        .await
        .unwrap()
        .get_case_file(staff(efile_pb::GetCaseFileRequest {
            case_id: case_id.clone(),
            min_position: uploaded.position.clone(),
        }))
        .await
        .expect("case file")
        .into_inner();
    assert!(
        file.documents.iter().any(|d| d.document_id == document_id),
        "{file:?}"
    );

    // The caseworker reads it and replies; the reply is in the applicant's Postfach.
    let message = notifications
        .get_message(staff(notification_pb::GetMessageRequest {
            message_id: sent.message_id.clone(),
            min_position: sent.position.clone(),
        }))
        .await
        .expect("the caseworker reads the message")
        .into_inner()
        .message
        .unwrap();
    assert_eq!(message.direction(), notification_pb::Direction::Inbound);
    assert_eq!(
        message.attachment_document_ids,
        std::slice::from_ref(&document_id)
    );
    const ANSWER: &str = "Vielen Dank, die Kontoauszüge sind angekommen.";
    let replied = notifications
        .reply_to_message(staff(notification_pb::ReplyToMessageRequest {
            request_id: Uuid::new_v4().to_string(),
            message_id: sent.message_id.clone(),
            body: ANSWER.into(),
            min_position: sent.position.clone(),
        }))
        .await
        .expect("reply")
        .into_inner();
    let mailbox = notifications
        .list_mailbox(as_applicant(
            APPLICANT,
            notification_pb::ListMailboxRequest {
                min_position: replied.position.clone(),
                ..Default::default()
            },
        ))
        .await
        .expect("mailbox")
        .into_inner();
    let reply = mailbox
        .messages
        .iter()
        .find(|m| m.message_id == replied.message_id)
        .unwrap_or_else(|| panic!("the reply is in the mailbox: {mailbox:?}"));
    assert_eq!(reply.topic(), notification_pb::Topic::Reply);
    assert_eq!(reply.in_reply_to, sent.message_id);
    assert_eq!(reply.read_at, None);
    // Theirs too: what they wrote.
    assert!(
        mailbox
            .messages
            .iter()
            .any(|m| m.message_id == sent.message_id),
        "{mailbox:?}"
    );
    let reply = notifications
        .get_message(as_applicant(
            APPLICANT,
            notification_pb::GetMessageRequest {
                message_id: replied.message_id.clone(),
                min_position: None,
            },
        ))
        .await
        .expect("the reply")
        .into_inner()
        .message
        .unwrap();
    assert!(reply.body.contains(ANSWER), "{}", reply.body);
    assert_eq!(reply.language, "en");

    // The task is done.
    eventually("the task closed by the reply", || {
        let system = &system;
        let message_id = &sent.message_id;
        async move {
            (!open_tasks(system)
                .await
                .iter()
                .any(|task| task.application_id == *message_id))
            .then_some(())
        }
    })
    .await;
}

#[tokio::test]
async fn a_request_for_documents_is_hinted_by_one_push_and_one_mail_that_name_no_personal_data() {
    const APPLICANT: &str = "applicant-hints";
    const ADDRESS: &str = "postfach-hinweis@example.org";
    let person = Person {
        given_name: "Wendelgard".into(),
        family_name: "Pfeffersack".into(),
        ..Person::erika()
    };
    let system = System::development().await.expect("system");
    let mut notifications = system.notifications(None).await.unwrap();
    let push = system.push_endpoint();
    let sink = system.smtp_sink();

    // The applicant's app subscribes, and they agree to hints by push and e-mail.
    let key = notifications
        .get_push_key(as_applicant(
            APPLICANT,
            notification_pb::GetPushKeyRequest {},
        ))
        .await
        .expect("the VAPID key")
        .into_inner();
    assert_eq!(key.application_server_key, system.vapid_public_key());
    notifications
        .register_push_subscription(as_applicant(
            APPLICANT,
            notification_pb::RegisterPushSubscriptionRequest {
                endpoint: push.endpoint_url(),
                p256dh: push.p256dh_base64url(),
                auth: push.auth_base64url(),
            },
        ))
        .await
        .expect("subscribed");
    notifications
        .set_email_address(as_applicant(
            APPLICANT,
            notification_pb::SetEmailAddressRequest {
                address: ADDRESS.into(),
            },
        ))
        .await
        .expect("address");
    let position = consent(
        &system,
        APPLICANT,
        &[
            notification_pb::Channel::Mailbox,
            notification_pb::Channel::Push,
            notification_pb::Channel::Email,
        ],
    )
    .await;
    let profile = profile_after(&system, APPLICANT, position).await;
    assert_eq!(profile.consents.len(), 3, "{profile:?}");
    assert_eq!(profile.push_subscription_ids.len(), 1, "{profile:?}");

    // Applying is confirmed in the mailbox, hinted once on each channel.
    let case_id = apply(&system, APPLICANT, &person).await;
    in_mailbox(
        &system,
        APPLICANT,
        notification_pb::Topic::SubmissionReceived,
    )
    .await;
    push.wait_for(1, PATIENCE).await.expect("the first push");
    sink.wait_for(1, PATIENCE).await.expect("the first mail");

    // The request for documents: one more push and one more mail.
    let due = today().checked_add_days(Days::new(10)).unwrap();
    request_documents(&system, &case_id, due).await;
    let message = in_mailbox(
        &system,
        APPLICANT,
        notification_pb::Topic::DocumentsRequested,
    )
    .await;
    let pushes = push.wait_for(2, PATIENCE).await.expect("the second push");
    let mails = sink.wait_for(2, PATIENCE).await.expect("the second mail");
    // Nothing more follows (a retry of a delivered hint would be a second one).
    tokio::time::sleep(Duration::from_millis(5 * notifications::OUTBOX_POLL_MS)).await;
    assert_eq!(push.received().len(), 2, "{:?}", push.received());
    assert_eq!(sink.received().len(), 2);
    assert!(push.failures().is_empty(), "{:?}", push.failures());

    let mut forbidden: Vec<String> = vec![
        person.given_name.clone(),
        person.family_name.clone(),
        person.street.clone(),
        case_id.clone(),
        ADDRESS.to_owned(),
    ];
    forbidden.extend(DOCUMENTS.map(str::to_owned));
    forbidden.extend(spellings(due));
    let leaks = |text: &str| -> Vec<String> {
        let text = text.to_lowercase();
        forbidden
            .iter()
            .filter(|f| text.contains(&f.to_lowercase()))
            .cloned()
            .collect()
    };

    // The push: signed with the service's key, a fixed topic, the message named by id only.
    let hint = &pushes[1];
    let payload = String::from_utf8(hint.plaintext.clone()).expect("a text payload");
    assert!(payload.contains(&message.message_id), "{payload}");
    assert_eq!(hint.vapid_key, system.vapid_public_key());
    assert!(hint.topic.is_some(), "{hint:?}");
    for push in &pushes {
        let payload = String::from_utf8_lossy(&push.plaintext);
        assert!(
            leaks(&payload).is_empty(),
            "{payload} names {:?}",
            leaks(&payload)
        );
    }

    // The mail: to the address, pointing to the portal, naming nothing else.
    let mail = &mails[1];
    assert_eq!(mail.to, [ADDRESS]);
    assert!(mail.header("Message-ID").is_some(), "{}", mail.data);
    let body = mail.body();
    assert!(body.contains(&notifications::portal_url(TENANT)), "{body}");
    for mail in &mails {
        // What a reader sees (decoded subject and body) and what travels (headers, raw data)
        // but the envelope's and the To field's address.
        let seen = format!(
            "{}\n{}\n{}",
            mail.decoded_header("Subject").unwrap_or_default(),
            mail.body(),
            mail.headers()
                .iter()
                .filter(|(name, _)| !name.eq_ignore_ascii_case("to"))
                .map(|(name, value)| format!("{name}: {value}"))
                .collect::<Vec<_>>()
                .join("\n")
        );
        assert!(leaks(&seen).is_empty(), "{seen} names {:?}", leaks(&seen));
    }
}
