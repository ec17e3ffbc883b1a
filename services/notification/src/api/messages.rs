//! Messages both ways: an applicant writes about their case (with documents already in the
//! E-Akte), a caseworker replies into the applicant's mailbox (or by letter). Both are checked
//! whole first ([`crate::domain::messages`]), then decided on the command path.

use jobcenter_proto::notification::v1 as proto;
use platform::authz::Authorized;
use tonic::{Request, Response, Status};

use super::{NotificationApi, issuer};
use crate::consistency::Follows;
use crate::domain::messages::{self, ReplyRequest, SendRequest};
use crate::error::NotificationError;
use crate::projections::mailbox;
use crate::sources::{case, efile};

/// Tokens a message may wait for: the attachments' upload (E-Akte), or the case's opening.
const SEND_FOLLOWS: Follows = &[
    (efile::SOURCE_LOG, efile::NAME),
    (case::SOURCE_LOG, case::NAME),
];
/// Tokens a reply may wait for: the applicant's message, in the mailbox.
const REPLY_FOLLOWS: Follows = &[(crate::LOG_NAME, mailbox::NAME)];

pub(super) async fn send_message(
    api: &NotificationApi,
    request: Request<proto::SendMessageRequest>,
) -> Result<Response<proto::SendMessageResponse>, Status> {
    let authorized = Authorized::from_request(&request)?;
    let req = request.into_inner();
    let message = messages::check_send(SendRequest {
        request_id: &req.request_id,
        case_id: &req.case_id,
        subject: &req.subject,
        body: &req.body,
        attachment_document_ids: &req.attachment_document_ids,
        in_reply_to: &req.in_reply_to,
    })
    .map_err(NotificationError::Invalid)?;
    api.wait(
        req.min_position.as_ref(),
        "min_position.token",
        SEND_FOLLOWS,
    )
    .await?;
    let sent = api
        .parts
        .commands
        .send(&issuer(&authorized), &message)
        .await?;
    Ok(Response::new(proto::SendMessageResponse {
        message_id: sent.message_id.to_string(),
        position: Some(api.position(sent.position)),
    }))
}

pub(super) async fn reply_to_message(
    api: &NotificationApi,
    request: Request<proto::ReplyToMessageRequest>,
) -> Result<Response<proto::ReplyToMessageResponse>, Status> {
    let authorized = Authorized::from_request(&request)?;
    let req = request.into_inner();
    let reply = messages::check_reply(ReplyRequest {
        request_id: &req.request_id,
        message_id: &req.message_id,
        body: &req.body,
    })
    .map_err(NotificationError::Invalid)?;
    api.wait(
        req.min_position.as_ref(),
        "min_position.token",
        REPLY_FOLLOWS,
    )
    .await?;
    let replied = api
        .parts
        .commands
        .reply(&issuer(&authorized), &reply)
        .await?;
    Ok(Response::new(proto::ReplyToMessageResponse {
        message_id: replied.message_id.to_string(),
        position: Some(api.position(replied.position)),
    }))
}
