//! The timeline's words for the applicant's messages: that a message arrived (when it was sent,
//! Berlin time, its subject and how many attachments), and that a caseworker answered it. The
//! applicant reads these on their own case too: they confirm that the message was received.

use jobcenter_proto::case::v1 as proto;

use super::short_id;
use crate::domain::{dates, to_utc};

/// A message the applicant sent, e.g. "Message from the applicant received, sent 2030-03-04
/// 09:00: “Frage zum Bescheid” (2 attachments)".
pub(super) fn noted(e: &proto::ApplicantMessageNoted) -> String {
    let what = if e.in_reply_to.is_empty() {
        "Message from the applicant"
    } else {
        "Reply from the applicant to a message of the jobcenter"
    };
    let sent = e
        .sent_at
        .as_ref()
        .and_then(to_utc)
        .map(|at| format!(", sent {}", dates::berlin_moment(at)))
        .unwrap_or_default();
    let subject = match e.subject.trim() {
        "" => " (no subject)".to_owned(),
        subject => format!(": “{subject}”"),
    };
    let attachments = match e.attachment_document_ids.len() {
        0 => String::new(),
        1 => " (1 attachment)".to_owned(),
        n => format!(" ({n} attachments)"),
    };
    format!("{what} received{sent}{subject}{attachments}")
}

/// A caseworker's reply, e.g. "Message “Frage zum Bescheid” of the applicant answered by
/// caseworker cw-1".
pub(super) fn answered(e: &proto::ApplicantMessageAnswered) -> String {
    let which = match e.subject.trim() {
        "" => short_id(&e.message_id).to_owned(),
        subject => format!("“{subject}”"),
    };
    let by = match e.answered_by.as_str() {
        "" => String::new(),
        caseworker => format!(" by caseworker {caseworker}"),
    };
    format!("Message {which} of the applicant answered{by}")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 2030-03-04 08:00 UTC: 09:00 in Berlin (winter time).
    const MONDAY_0900: i64 = 1_898_841_600;

    fn message() -> proto::ApplicantMessageNoted {
        proto::ApplicantMessageNoted {
            message_id: "0a1b2c3d-8f0a-4a57-9d7e-1f3c2b9a0b11".into(),
            subject: "Frage zum Bescheid".into(),
            attachment_document_ids: vec!["d-1".into(), "d-2".into()],
            sent_at: Some(prost_types::Timestamp {
                seconds: MONDAY_0900,
                nanos: 0,
            }),
            in_reply_to: String::new(),
            author: "applicant-7".into(),
        }
    }

    #[test]
    fn a_message_reads_with_its_time_subject_and_attachments() {
        assert_eq!(
            noted(&message()),
            "Message from the applicant received, sent 2030-03-04 09:00: “Frage zum Bescheid” \
             (2 attachments)"
        );
        let bare = proto::ApplicantMessageNoted {
            subject: "  ".into(),
            attachment_document_ids: vec!["d-1".into()],
            sent_at: None,
            in_reply_to: "5f0c6c0e-8f0a-4a57-9d7e-1f3c2b9a0b11".into(),
            ..message()
        };
        assert_eq!(
            noted(&bare),
            "Reply from the applicant to a message of the jobcenter received (no subject) \
             (1 attachment)"
        );
    }

    #[test]
    fn an_answer_names_the_message_and_the_caseworker() {
        let answer = proto::ApplicantMessageAnswered {
            message_id: "0a1b2c3d-8f0a-4a57-9d7e-1f3c2b9a0b11".into(),
            reply_message_id: "5f0c6c0e-8f0a-4a57-9d7e-1f3c2b9a0b11".into(),
            answered_by: "cw-1".into(),
            subject: "Frage zum Bescheid".into(),
        };
        assert_eq!(
            answered(&answer),
            "Message “Frage zum Bescheid” of the applicant answered by caseworker cw-1"
        );
        let untitled = proto::ApplicantMessageAnswered {
            subject: String::new(),
            answered_by: String::new(),
            ..answer
        };
        assert_eq!(
            answered(&untitled),
            "Message 0a1b2c3d of the applicant answered"
        );
    }
}
