//! What a message is about. Each topic is one row of the trigger table
//! (docs/notification/service.md) and one pair of Fluent messages
//! (`<id>-subject`, `<id>-body`).

use jobcenter_proto::notification::v1 as proto;

/// What a message is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Topic {
    /// Applicant: their application or notice was received.
    SubmissionReceived,
    /// Applicant: documents are requested by a deadline.
    DocumentsRequested,
    /// Applicant: a decision letter is in the mailbox.
    DecisionIssued,
    /// Applicant: an appointment was booked.
    AppointmentBooked,
    /// Applicant: invited to a Meldetermin.
    AppointmentInvited,
    /// Applicant: an appointment is coming up.
    AppointmentReminder,
    /// Applicant: an appointment moved.
    AppointmentRescheduled,
    /// Applicant: an appointment was cancelled.
    AppointmentCancelled,
    /// Staff: a sick note was recorded on their case.
    SickNoteRecorded,
    /// Staff: a sick note needs their review.
    SickNoteNeedsReview,
    /// Applicant: their objection was received.
    ObjectionReceived,
    /// Staff: an objection was filed on their case.
    ObjectionFiled,
    /// Applicant: requested documents are due soon.
    DocumentsDueSoon,
    /// Staff: a decision nears its legal limit.
    DecisionOverdue,
    /// Applicant: the caseworker's reply.
    Reply,
}

impl Topic {
    /// Every topic, in the order of the proto enum.
    pub const ALL: [Topic; 15] = [
        Topic::SubmissionReceived,
        Topic::DocumentsRequested,
        Topic::DecisionIssued,
        Topic::AppointmentBooked,
        Topic::AppointmentInvited,
        Topic::AppointmentReminder,
        Topic::AppointmentRescheduled,
        Topic::AppointmentCancelled,
        Topic::SickNoteRecorded,
        Topic::SickNoteNeedsReview,
        Topic::ObjectionReceived,
        Topic::ObjectionFiled,
        Topic::DocumentsDueSoon,
        Topic::DecisionOverdue,
        Topic::Reply,
    ];

    /// The template id: the Fluent messages are `<id>-subject` and `<id>-body`.
    pub fn template_id(self) -> &'static str {
        match self {
            Topic::SubmissionReceived => "submission-received",
            Topic::DocumentsRequested => "documents-requested",
            Topic::DecisionIssued => "decision-issued",
            Topic::AppointmentBooked => "appointment-booked",
            Topic::AppointmentInvited => "appointment-invited",
            Topic::AppointmentReminder => "appointment-reminder",
            Topic::AppointmentRescheduled => "appointment-rescheduled",
            Topic::AppointmentCancelled => "appointment-cancelled",
            Topic::SickNoteRecorded => "sick-note-recorded",
            Topic::SickNoteNeedsReview => "sick-note-needs-review",
            Topic::ObjectionReceived => "objection-received",
            Topic::ObjectionFiled => "objection-filed",
            Topic::DocumentsDueSoon => "documents-due-soon",
            Topic::DecisionOverdue => "decision-overdue",
            Topic::Reply => "reply",
        }
    }

    /// Whether the topic goes to staff (their inbox) rather than to an applicant.
    pub fn for_staff(self) -> bool {
        matches!(
            self,
            Topic::SickNoteRecorded
                | Topic::SickNoteNeedsReview
                | Topic::ObjectionFiled
                | Topic::DecisionOverdue
        )
    }

    /// Reminders that are only worth sending digitally: by post they would arrive too late.
    pub fn digital_only(self) -> bool {
        matches!(self, Topic::DocumentsDueSoon | Topic::AppointmentReminder)
    }

    /// The proto value.
    pub fn to_proto(self) -> proto::Topic {
        match self {
            Topic::SubmissionReceived => proto::Topic::SubmissionReceived,
            Topic::DocumentsRequested => proto::Topic::DocumentsRequested,
            Topic::DecisionIssued => proto::Topic::DecisionIssued,
            Topic::AppointmentBooked => proto::Topic::AppointmentBooked,
            Topic::AppointmentInvited => proto::Topic::AppointmentInvited,
            Topic::AppointmentReminder => proto::Topic::AppointmentReminder,
            Topic::AppointmentRescheduled => proto::Topic::AppointmentRescheduled,
            Topic::AppointmentCancelled => proto::Topic::AppointmentCancelled,
            Topic::SickNoteRecorded => proto::Topic::SickNoteRecorded,
            Topic::SickNoteNeedsReview => proto::Topic::SickNoteNeedsReview,
            Topic::ObjectionReceived => proto::Topic::ObjectionReceived,
            Topic::ObjectionFiled => proto::Topic::ObjectionFiled,
            Topic::DocumentsDueSoon => proto::Topic::DocumentsDueSoon,
            Topic::DecisionOverdue => proto::Topic::DecisionOverdue,
            Topic::Reply => proto::Topic::Reply,
        }
    }

    /// The domain value of a proto topic; `None` for unspecified or unknown.
    pub fn from_proto(value: i32) -> Option<Topic> {
        let topic = proto::Topic::try_from(value).ok()?;
        Topic::ALL.into_iter().find(|t| t.to_proto() == topic)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_topic_round_trips_through_proto_and_has_its_own_template() {
        let mut ids: Vec<&str> = Topic::ALL.iter().map(|t| t.template_id()).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), Topic::ALL.len());
        for topic in Topic::ALL {
            assert_eq!(Topic::from_proto(topic.to_proto() as i32), Some(topic));
        }
        assert_eq!(Topic::from_proto(0), None);
    }
}
