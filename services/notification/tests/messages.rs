//! Messages both ways through the API: an applicant writes about their own case with
//! documents filed on it; a caseworker replies into the mailbox (with consent) or by letter
//! (without); read receipts; another applicant's or another tenant's message out of reach.

mod harness;

use harness::*;
use jobcenter_proto::notification::v1 as proto;
use tonic::Code;
use uuid::Uuid;

/// Applicant `a-1` has an open case with a rental contract filed on it.
struct Setting {
    app: TestApp,
    cases: ForeignLog,
    efile: ForeignLog,
    case_id: String,
    document: String,
    position: jobcenter_proto::common::v1::Position,
}

async fn applicant_with_a_case() -> Setting {
    let app = spawn_app().await;
    let cases = case_log(&app).await;
    let efile = efile_log(&app).await;
    let case = cases.open_case(TENANT, "a-1").await;
    let (document, position) = efile.file_document(TENANT, &case.case_id).await;
    wait_for_case(&app, &case).await;
    Setting {
        app,
        cases,
        efile,
        case_id: case.case_id,
        document,
        position,
    }
}

/// Waits until the case contacts know `case` (a message that names no case finds it only then).
async fn wait_for_case(app: &TestApp, case: &OpenedCase) {
    eventually("the case in the case contacts", || async {
        let known: Option<bool> = sqlx::query_scalar(
            "SELECT true FROM notification.case_contacts WHERE case_id = $1::uuid",
        )
        .bind(&case.case_id)
        .fetch_optional(app.db.pool())
        .await
        .expect("query");
        known
    })
    .await;
}

async fn send(app: &mut TestApp, request: proto::SendMessageRequest) -> proto::SendMessageResponse {
    app.client
        .send_message(as_applicant(request, "a-1"))
        .await
        .expect("sent")
        .into_inner()
}

#[tokio::test]
async fn an_applicant_writes_about_their_case_with_a_document_filed_on_it() {
    let Setting {
        mut app,
        case_id,
        document,
        position,
        ..
    } = applicant_with_a_case().await;
    let request = proto::SendMessageRequest {
        min_position: Some(position),
        ..message_about(&case_id, std::slice::from_ref(&document))
    };
    let sent = send(&mut app, request.clone()).await;
    // A retry is the same message.
    let again = send(&mut app, request).await;
    assert_eq!(sent.message_id, again.message_id);
    assert_eq!(sent.position, again.position);
    assert_eq!(count_events(&app, "notification.MessageSent").await, 1);
    let case_of_event: String = sqlx::query_scalar(
        "SELECT convert_from(metadata, 'UTF8')::jsonb->>'case_id' FROM notification.events WHERE event_type = $1",
    )
    .bind("notification.MessageSent")
    .fetch_one(app.db.pool())
    .await
    .expect("one event");
    assert_eq!(case_of_event, case_id);

    // In the applicant's own mailbox, and on the case for the caseworker.
    let listed = mailbox(&mut app, "a-1", sent.position.clone()).await;
    assert_eq!(listed.messages.len(), 1);
    let shown = &listed.messages[0];
    assert_eq!(shown.direction, proto::Direction::Inbound as i32);
    assert_eq!(shown.attachment_document_ids, [document]);
    assert!(shown.body.is_empty(), "lists leave the text out");
    assert_eq!(listed.unread_count, 0);
    let on_case = app
        .client
        .list_case_messages(as_caseworker(proto::ListCaseMessagesRequest {
            case_id: case_id.clone(),
            min_position: sent.position,
        }))
        .await
        .expect("listed")
        .into_inner();
    assert_eq!(on_case.messages.len(), 1);
    assert_eq!(
        on_case.messages[0].body,
        "Guten Tag, anbei der Mietvertrag."
    );

    // Without a case named: the applicant's one open case.
    let unnamed = send(&mut app, message_about("", &[])).await;
    let message = app
        .client
        .get_message(as_applicant(
            proto::GetMessageRequest {
                message_id: unnamed.message_id,
                min_position: unnamed.position,
            },
            "a-1",
        ))
        .await
        .expect("readable")
        .into_inner()
        .message
        .expect("a message");
    assert_eq!(message.case_id, case_id);
}

#[tokio::test]
async fn a_document_of_another_case_is_refused_on_its_field() {
    let Setting {
        mut app,
        cases,
        efile,
        case_id,
        ..
    } = applicant_with_a_case().await;
    let other_case = cases.open_case(TENANT, "a-2").await;
    let (foreign, position) = efile.file_document(TENANT, &other_case.case_id).await;
    let refused = app
        .client
        .send_message(as_applicant(
            proto::SendMessageRequest {
                min_position: Some(position),
                ..message_about(&case_id, &[Uuid::new_v4().to_string(), foreign])
            },
            "a-1",
        ))
        .await
        .expect_err("not this case's documents");
    assert_eq!(refused.code(), Code::InvalidArgument);
    assert_eq!(
        violated_fields(&refused),
        ["attachment_document_ids[0]", "attachment_document_ids[1]"]
    );
    assert_eq!(count_events(&app, "notification.MessageSent").await, 0);
}

#[tokio::test]
async fn bad_input_is_refused_with_every_field_and_records_nothing() {
    let mut app = spawn_app().await;
    let refused = app
        .client
        .send_message(as_applicant(
            proto::SendMessageRequest {
                request_id: "x".into(),
                case_id: "y".into(),
                subject: String::new(),
                body: "b".repeat(10_001),
                attachment_document_ids: vec!["z".into()],
                in_reply_to: String::new(),
                min_position: None,
            },
            "a-1",
        ))
        .await
        .expect_err("invalid");
    assert_eq!(
        violated_fields(&refused),
        [
            "request_id",
            "case_id",
            "subject",
            "body",
            "attachment_document_ids[0]"
        ]
    );
    assert_eq!(all_events(&app).await, 0);
}

#[tokio::test]
async fn another_applicants_case_is_not_found_and_no_open_case_is_a_precondition() {
    let Setting {
        mut app, case_id, ..
    } = applicant_with_a_case().await;
    let refused = app
        .client
        .send_message(as_applicant(message_about(&case_id, &[]), "a-2"))
        .await
        .expect_err("not their case");
    assert_eq!(refused.code(), Code::NotFound);
    let refused = app
        .client
        .send_message(as_applicant(message_about("", &[]), "a-2"))
        .await
        .expect_err("no case at all");
    assert_eq!(refused.code(), Code::FailedPrecondition);
    let refused = app
        .client
        .send_message(as_subject(
            message_about(&case_id, &[]),
            OTHER_TENANT,
            "a-1",
            "applicant",
        ))
        .await
        .expect_err("another jobcenter's case");
    assert_eq!(refused.code(), Code::NotFound);
}

#[tokio::test]
async fn a_reply_reaches_the_mailbox_with_consent_and_is_read_once() {
    let Setting {
        mut app, case_id, ..
    } = applicant_with_a_case().await;
    consent_to_mailbox(&mut app, "a-1").await;
    let asked = send(&mut app, message_about(&case_id, &[])).await;
    let reply_request = proto::ReplyToMessageRequest {
        request_id: Uuid::new_v4().to_string(),
        message_id: asked.message_id.clone(),
        body: "Danke, der Vertrag liegt vor.".into(),
        min_position: asked.position.clone(),
    };
    let replied = app
        .client
        .reply_to_message(as_caseworker(reply_request.clone()))
        .await
        .expect("replied")
        .into_inner();
    let again = app
        .client
        .reply_to_message(as_caseworker(reply_request))
        .await
        .expect("a retry")
        .into_inner();
    assert_eq!(replied.message_id, again.message_id);
    assert_eq!(count_events(&app, "notification.MessageComposed").await, 1);

    let listed = mailbox(&mut app, "a-1", replied.position.clone()).await;
    assert_eq!(listed.messages.len(), 2);
    assert_eq!(listed.unread_count, 1);
    let reply = &listed.messages[0];
    assert_eq!(reply.message_id, replied.message_id);
    assert_eq!(reply.topic, proto::Topic::Reply as i32);
    assert_eq!(reply.subject, "Antwort auf Ihre Nachricht");
    assert_eq!(reply.in_reply_to, asked.message_id);
    let outbox: i64 = sqlx::query_scalar("SELECT count(*) FROM notification.outbox")
        .fetch_one(app.db.pool())
        .await
        .expect("count");
    assert_eq!(
        outbox, 0,
        "the mailbox needs no outbox row, no letter is sent"
    );

    // Another applicant does not see it, nor may they mark it read.
    let foreign = app
        .client
        .mark_message_read(as_applicant(
            proto::MarkMessageReadRequest {
                message_id: replied.message_id.clone(),
            },
            "a-2",
        ))
        .await
        .expect_err("not theirs");
    assert_eq!(foreign.code(), Code::NotFound);
    let read = app
        .client
        .mark_message_read(as_applicant(
            proto::MarkMessageReadRequest {
                message_id: replied.message_id.clone(),
            },
            "a-1",
        ))
        .await
        .expect("read")
        .into_inner();
    let read_again = app
        .client
        .mark_message_read(as_applicant(
            proto::MarkMessageReadRequest {
                message_id: replied.message_id.clone(),
            },
            "a-1",
        ))
        .await
        .expect("read again")
        .into_inner();
    assert_eq!(read.read_at, read_again.read_at);
    assert_eq!(read.position, read_again.position);
    assert_eq!(count_events(&app, "notification.MessageRead").await, 1);
    let message = app
        .client
        .get_message(as_applicant(
            proto::GetMessageRequest {
                message_id: replied.message_id.clone(),
                min_position: read.position.clone(),
            },
            "a-1",
        ))
        .await
        .expect("readable")
        .into_inner()
        .message
        .expect("a message");
    assert_eq!(message.read_at, read.read_at);
    assert_eq!(message.body, "Danke, der Vertrag liegt vor.");
    let mailbox_delivery = message
        .deliveries
        .iter()
        .find(|d| d.channel == proto::Channel::Mailbox as i32)
        .expect("the mailbox channel");
    assert_eq!(
        mailbox_delivery.state,
        proto::DeliveryState::Delivered as i32
    );
    assert_eq!(message.deliveries.len(), 4);
    let unread = mailbox(&mut app, "a-1", read.position).await.unread_count;
    assert_eq!(unread, 0);

    // The caseworker marks the applicant's message read: the applicant sees the receipt.
    let receipt = app
        .client
        .mark_message_read(as_caseworker(proto::MarkMessageReadRequest {
            message_id: asked.message_id.clone(),
        }))
        .await
        .expect("read by staff")
        .into_inner();
    let asked_message = app
        .client
        .get_message(as_applicant(
            proto::GetMessageRequest {
                message_id: asked.message_id,
                min_position: receipt.position,
            },
            "a-1",
        ))
        .await
        .expect("readable")
        .into_inner()
        .message
        .expect("a message");
    assert_eq!(asked_message.read_at, receipt.read_at);
}

#[tokio::test]
async fn without_mailbox_consent_a_reply_is_a_german_letter_in_the_outbox() {
    let Setting {
        mut app, case_id, ..
    } = applicant_with_a_case().await;
    app.client
        .set_preferred_language(as_applicant(
            proto::SetPreferredLanguageRequest {
                account: String::new(),
                language: "en".into(),
            },
            "a-1",
        ))
        .await
        .expect("english");
    let asked = send(&mut app, message_about(&case_id, &[])).await;
    let replied = app
        .client
        .reply_to_message(as_caseworker(proto::ReplyToMessageRequest {
            request_id: Uuid::new_v4().to_string(),
            message_id: asked.message_id,
            body: "Bitte rufen Sie uns an.".into(),
            min_position: None,
        }))
        .await
        .expect("replied")
        .into_inner();
    let (channel, state): (String, String) = sqlx::query_as(
        "SELECT channel, state FROM notification.outbox WHERE message_id = $1::uuid",
    )
    .bind(&replied.message_id)
    .fetch_one(app.db.pool())
    .await
    .expect("one outbox row");
    assert_eq!((channel.as_str(), state.as_str()), ("post", "pending"));
    // Not in the applicant's mailbox; on the case for staff, in German, by post.
    let listed = mailbox(&mut app, "a-1", replied.position.clone()).await;
    assert!(
        listed
            .messages
            .iter()
            .all(|m| m.message_id != replied.message_id)
    );
    let hidden = app
        .client
        .get_message(as_applicant(
            proto::GetMessageRequest {
                message_id: replied.message_id.clone(),
                min_position: None,
            },
            "a-1",
        ))
        .await
        .expect_err("a letter is not in the mailbox");
    assert_eq!(hidden.code(), Code::NotFound);
    let message = app
        .client
        .get_message(as_caseworker(proto::GetMessageRequest {
            message_id: replied.message_id,
            min_position: None,
        }))
        .await
        .expect("staff read it")
        .into_inner()
        .message
        .expect("a message");
    assert_eq!(message.language, "de");
    let post = message
        .deliveries
        .iter()
        .find(|d| d.channel == proto::Channel::Post as i32)
        .expect("the post channel");
    assert_eq!(post.state, proto::DeliveryState::Pending as i32);
    assert!(
        post.decision
            .as_ref()
            .is_some_and(|d| d.send && !d.reason.is_empty())
    );
    let _ = case_id;
}

#[tokio::test]
async fn another_tenants_message_is_not_found_and_only_applicant_messages_get_replies() {
    let Setting {
        mut app, case_id, ..
    } = applicant_with_a_case().await;
    let asked = send(&mut app, message_about(&case_id, &[])).await;
    let foreign = app
        .client
        .get_message(as_subject(
            proto::GetMessageRequest {
                message_id: asked.message_id.clone(),
                min_position: asked.position.clone(),
            },
            OTHER_TENANT,
            "cw-9",
            "caseworker",
        ))
        .await
        .expect_err("another jobcenter's");
    assert_eq!(foreign.code(), Code::NotFound);
    let foreign = app
        .client
        .reply_to_message(as_subject(
            proto::ReplyToMessageRequest {
                request_id: Uuid::new_v4().to_string(),
                message_id: asked.message_id.clone(),
                body: "Hallo".into(),
                min_position: None,
            },
            OTHER_TENANT,
            "cw-9",
            "caseworker",
        ))
        .await
        .expect_err("another jobcenter's");
    assert_eq!(foreign.code(), Code::NotFound);
    let other_applicant = app
        .client
        .get_message(as_applicant(
            proto::GetMessageRequest {
                message_id: asked.message_id.clone(),
                min_position: None,
            },
            "a-2",
        ))
        .await
        .expect_err("not theirs");
    assert_eq!(other_applicant.code(), Code::NotFound);
    let replied = app
        .client
        .reply_to_message(as_caseworker(proto::ReplyToMessageRequest {
            request_id: Uuid::new_v4().to_string(),
            message_id: asked.message_id,
            body: "Hallo".into(),
            min_position: None,
        }))
        .await
        .expect("replied")
        .into_inner();
    let refused = app
        .client
        .reply_to_message(as_caseworker(proto::ReplyToMessageRequest {
            request_id: Uuid::new_v4().to_string(),
            message_id: replied.message_id,
            body: "Noch einmal".into(),
            min_position: None,
        }))
        .await
        .expect_err("a reply to the jobcenter's own message");
    assert_eq!(violated_fields(&refused), ["message_id"]);
}
