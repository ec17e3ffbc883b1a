//! Who may call which RPC of `jobcenter.case.v1.CaseService` and of the case feed
//! `jobcenter.case.v1.CaseFeedService` (rendered in
//! docs/security/rpc-roles.md; a test checks this table against the proto).

use platform::Role;
use platform::authz::{Grant, RpcPolicy, RpcRule};

/// Reading one case: the applicant their own, the jobcenter's staff and auditors any.
const READ_CASE: &[Grant] = &[
    Grant::own(Role::Applicant),
    Grant::tenant(Role::Caseworker),
    Grant::tenant(Role::TeamLead),
    Grant::tenant(Role::Auditor),
];

/// Working a case: the jobcenter's caseworkers and team leads.
const WORK_CASE: &[Grant] = &[
    Grant::tenant(Role::Caseworker),
    Grant::tenant(Role::TeamLead),
];

/// Filing an objection: also the applicant, on their own case.
const OBJECT: &[Grant] = &[
    Grant::own(Role::Applicant),
    Grant::tenant(Role::Caseworker),
    Grant::tenant(Role::TeamLead),
];

/// Steering the team: team leads only.
const LEAD: &[Grant] = &[Grant::tenant(Role::TeamLead)];

/// The work queue and the rules behind it: staff and auditors read them.
const READ_QUEUE: &[Grant] = &[
    Grant::tenant(Role::Caseworker),
    Grant::tenant(Role::TeamLead),
    Grant::tenant(Role::Auditor),
];

/// A command RPC (writes; reads no social data beyond the caller's own command).
const fn command(method: &'static str, grants: &'static [Grant]) -> RpcRule {
    RpcRule {
        method,
        grants,
        reads_social_data: false,
    }
}

/// The authorization table of the case service.
pub const POLICY: RpcPolicy = RpcPolicy {
    service: "jobcenter.case.v1.CaseService",
    rules: &[
        RpcRule {
            method: "GetCase",
            grants: READ_CASE,
            reads_social_data: true,
        },
        RpcRule {
            method: "FindCaseByApplication",
            grants: READ_CASE,
            reads_social_data: true,
        },
        RpcRule {
            method: "ListCases",
            grants: READ_CASE,
            reads_social_data: true,
        },
        RpcRule {
            method: "GetCaseTimeline",
            grants: READ_CASE,
            reads_social_data: true,
        },
        command("StartReview", WORK_CASE),
        command("RequestDocuments", WORK_CASE),
        command("RecordDocumentsReceived", WORK_CASE),
        command("WarnOfRefusal", WORK_CASE),
        command("IssueDecision", WORK_CASE),
        command("FileObjection", OBJECT),
        command("DecideObjection", WORK_CASE),
        command("CloseCase", WORK_CASE),
        command("DecideMatter", WORK_CASE),
        command("AssignCase", LEAD),
        RpcRule {
            method: "ListUnfiledSubmissions",
            grants: WORK_CASE,
            reads_social_data: true,
        },
        command("FileSubmission", WORK_CASE),
        RpcRule {
            method: "ListTasks",
            grants: READ_QUEUE,
            reads_social_data: true,
        },
        command("SetAssignmentRules", LEAD),
        RpcRule {
            method: "GetAssignmentRules",
            grants: READ_QUEUE,
            reads_social_data: false,
        },
        // A caseworker records their own absence (checked in the handler), a team lead anyone's.
        command("RecordCaseworkerAbsence", WORK_CASE),
        command("ConfirmSickNote", WORK_CASE),
        command("AcknowledgeSickNote", WORK_CASE),
        RpcRule {
            method: "ListIncapacities",
            grants: READ_CASE,
            reads_social_data: true,
        },
        command("AssessMissedAppointment", WORK_CASE),
    ],
};

/// The authorization table of the case feed (`jobcenter.case.v1.CaseFeedService`): the
/// jobcenter's systems (its case-processing system as `service`, partners' systems) and
/// auditors follow every case of their tenant. Each batch is in the read-access log.
pub const FEED_POLICY: RpcPolicy = RpcPolicy {
    service: "jobcenter.case.v1.CaseFeedService",
    rules: &[RpcRule {
        method: "Subscribe",
        grants: &[
            Grant::tenant(Role::PartnerSystem),
            Grant::tenant(Role::Service),
            Grant::tenant(Role::Auditor),
        ],
        reads_social_data: true,
    }],
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_case_rpc_has_exactly_one_entry() {
        let problems = POLICY
            .check_against_descriptors(jobcenter_proto::FILE_DESCRIPTOR_SET)
            .expect("the case service is described");
        assert!(problems.is_empty(), "{problems:?}");
    }

    #[test]
    fn every_feed_rpc_has_exactly_one_entry() {
        let problems = FEED_POLICY
            .check_against_descriptors(jobcenter_proto::FILE_DESCRIPTOR_SET)
            .expect("the case feed is described");
        assert!(problems.is_empty(), "{problems:?}");
    }
}
