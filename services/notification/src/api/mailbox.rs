//! The mailbox (an applicant's Postfach, a staff member's inbox), one message, read receipts,
//! a case's messages and the dead letters. The reads of social data are audited: each call is
//! recorded in the read-access log with the cases it disclosed, and answers only once that
//! record is written.
//!
//! An applicant sees the messages to them that went to the mailbox and the messages they wrote;
//! any other message is NOT_FOUND for them, as another tenant's is for everyone.

use access_log::ReadContext;
use jobcenter_proto::notification::v1 as proto;
use platform::authz::{Authorized, Scope};
use tonic::{Request, Response, Status};

use super::{NotificationApi, acts_as_applicant, audited, case_objects, convert, issuer};
use crate::commands::message_stream::MessageHead;
use crate::consistency::Follows;
use crate::error::NotificationError;
use crate::projections::mailbox;
use crate::projections::mailbox_queries::{self, MailboxOf};
use crate::sources::case as case_contacts;

/// Token logs a mailbox read follows: this service's commands, into the mailbox.
const MAILBOX_READS: Follows = &[(crate::LOG_NAME, mailbox::NAME)];

pub(super) async fn list_mailbox(
    api: &NotificationApi,
    request: Request<proto::ListMailboxRequest>,
) -> Result<Response<proto::ListMailboxResponse>, Status> {
    let read = ReadContext::from_request(&request)?;
    let req = request.into_inner();
    let answer = async {
        let size = convert::page_size(req.page_size)?;
        let before = convert::mailbox_cursor(&req.page_token)?;
        api.wait(
            req.min_position.as_ref(),
            "min_position.token",
            MAILBOX_READS,
        )
        .await?;
        let caller = read.caller();
        let of = if acts_as_applicant(read.scope()) {
            MailboxOf::Applicant(&caller.subject)
        } else {
            MailboxOf::Staff(&caller.subject)
        };
        let tenant = caller.tenant_id.as_str();
        let mut tx = api.tenant_tx(&caller.tenant_id).await?;
        let rows = mailbox_queries::mailbox(&mut tx, tenant, of, req.unread_only, before, size + 1)
            .await?;
        let (rows, next_page_token) =
            convert::split_page(rows, size, |last| convert::mailbox_token(last.position));
        let unread = mailbox_queries::unread(&mut tx, tenant, of).await?;
        let objects = case_objects(rows.iter().map(|row| row.case_id));
        Ok::<_, NotificationError>((
            Response::new(proto::ListMailboxResponse {
                messages: rows
                    .iter()
                    .map(|row| convert::message(row, false, &[]))
                    .collect(),
                next_page_token,
                unread_count: i32::try_from(unread).unwrap_or(i32::MAX),
            }),
            objects,
        ))
    };
    audited(api, &read, answer).await
}

pub(super) async fn get_message(
    api: &NotificationApi,
    request: Request<proto::GetMessageRequest>,
) -> Result<Response<proto::GetMessageResponse>, Status> {
    let read = ReadContext::from_request(&request)?;
    let req = request.into_inner();
    let answer = async {
        let message_id = convert::uuid(&req.message_id, "message_id")?;
        api.wait(
            req.min_position.as_ref(),
            "min_position.token",
            MAILBOX_READS,
        )
        .await?;
        let caller = read.caller();
        let tenant = caller.tenant_id.as_str();
        let mut tx = api.tenant_tx(&caller.tenant_id).await?;
        let row = mailbox_queries::message(&mut tx, tenant, message_id)
            .await?
            .filter(|row| {
                !acts_as_applicant(read.scope()) || row.shown_to_applicant(&caller.subject)
            })
            .ok_or(NotificationError::NotFound)?;
        let deliveries = mailbox_queries::deliveries(&mut tx, tenant, &[message_id]).await?;
        Ok::<_, NotificationError>((
            Response::new(proto::GetMessageResponse {
                message: Some(convert::message(&row, true, &deliveries)),
            }),
            case_objects([row.case_id]),
        ))
    };
    audited(api, &read, answer).await
}

/// Whether the caller with `scope` and `subject` is the recipient of the message `head`: an
/// applicant of a message in their mailbox; staff of a message to them, or of an applicant's
/// message to the jobcenter (the read receipt the applicant sees).
fn recipient(scope: Scope, subject: &str, head: &MessageHead) -> bool {
    if acts_as_applicant(scope) {
        !head.inbound && !head.to_staff && head.in_mailbox && head.party == subject
    } else {
        head.inbound || (head.to_staff && head.party == subject)
    }
}

pub(super) async fn mark_message_read(
    api: &NotificationApi,
    request: Request<proto::MarkMessageReadRequest>,
) -> Result<Response<proto::MarkMessageReadResponse>, Status> {
    let authorized = Authorized::from_request(&request)?;
    let req = request.into_inner();
    let message_id = convert::uuid(&req.message_id, "message_id")?;
    let subject = authorized.caller.subject.as_str();
    let receipt = api
        .parts
        .commands
        .mark_read(&issuer(&authorized), message_id, |head| {
            recipient(authorized.scope, subject, head)
        })
        .await?;
    Ok(Response::new(proto::MarkMessageReadResponse {
        position: Some(api.position(receipt.position)),
        read_at: Some(crate::events::to_timestamp(receipt.read_at)),
    }))
}

pub(super) async fn list_case_messages(
    api: &NotificationApi,
    request: Request<proto::ListCaseMessagesRequest>,
) -> Result<Response<proto::ListCaseMessagesResponse>, Status> {
    let read = ReadContext::from_request(&request)?;
    let req = request.into_inner();
    let answer = async {
        let case_id = convert::uuid(&req.case_id, "case_id")?;
        api.wait(
            req.min_position.as_ref(),
            "min_position.token",
            MAILBOX_READS,
        )
        .await?;
        let caller = read.caller();
        let tenant = caller.tenant_id.as_str();
        let mut tx = api.tenant_tx(&caller.tenant_id).await?;
        // A case of another jobcenter is as absent as none.
        case_contacts::get(&mut tx, tenant, case_id)
            .await?
            .ok_or(NotificationError::NotFound)?;
        let rows = mailbox_queries::case_messages(&mut tx, tenant, case_id).await?;
        let ids: Vec<uuid::Uuid> = rows.iter().map(|row| row.message_id).collect();
        let deliveries = mailbox_queries::deliveries(&mut tx, tenant, &ids).await?;
        Ok::<_, NotificationError>((
            Response::new(proto::ListCaseMessagesResponse {
                messages: rows
                    .iter()
                    .map(|row| convert::message(row, true, &deliveries))
                    .collect(),
            }),
            case_objects([Some(case_id)]),
        ))
    };
    audited(api, &read, answer).await
}

pub(super) async fn list_dead_letters(
    api: &NotificationApi,
    request: Request<proto::ListDeadLettersRequest>,
) -> Result<Response<proto::ListDeadLettersResponse>, Status> {
    let authorized = Authorized::from_request(&request)?;
    let req = request.into_inner();
    let size = convert::page_size(req.page_size)?;
    let after = convert::dead_letter_cursor(&req.page_token)?;
    let caller = &authorized.caller;
    let mut tx = api.tenant_tx(&caller.tenant_id).await?;
    let rows =
        mailbox_queries::dead_letters(&mut tx, caller.tenant_id.as_str(), after.as_ref(), size + 1)
            .await
            .map_err(NotificationError::from)?;
    let (rows, next_page_token) = convert::split_page(rows, size, convert::dead_letter_token);
    Ok(Response::new(proto::ListDeadLettersResponse {
        dead_letters: rows.iter().map(convert::dead_letter).collect(),
        next_page_token,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn head(inbound: bool, to_staff: bool, in_mailbox: bool, party: &str) -> MessageHead {
        MessageHead {
            inbound,
            to_staff,
            party: party.into(),
            in_mailbox,
            case_id: None,
            read: None,
        }
    }

    #[test]
    fn only_the_recipient_marks_a_message_read() {
        let to_applicant = head(false, false, true, "a-1");
        assert!(recipient(Scope::Own, "a-1", &to_applicant));
        assert!(!recipient(Scope::Own, "a-2", &to_applicant));
        assert!(!recipient(Scope::Tenant, "cw-1", &to_applicant));
        // A letter only: not in their mailbox, so not theirs to mark.
        assert!(!recipient(
            Scope::Own,
            "a-1",
            &head(false, false, false, "a-1")
        ));
        let from_applicant = head(true, false, false, "a-1");
        assert!(!recipient(Scope::Own, "a-1", &from_applicant));
        assert!(recipient(Scope::Tenant, "cw-1", &from_applicant));
        let to_staff = head(false, true, true, "cw-1");
        assert!(recipient(Scope::Tenant, "cw-1", &to_staff));
        assert!(!recipient(Scope::Tenant, "cw-2", &to_staff));
    }
}
