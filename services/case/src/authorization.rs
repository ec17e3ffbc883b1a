//! Who may call which RPC of `jobcenter.case.v1.CaseService` (rendered in
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
    ],
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
}
