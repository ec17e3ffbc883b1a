//! Who may call which RPC of `jobcenter.intake.v1.IntakeService` (rendered in
//! docs/security/rpc-roles.md; a test checks this table against the proto).

use platform::Role;
use platform::authz::{Grant, RpcPolicy, RpcRule};

/// Reading submissions: applicants and partner systems what they submitted, the jobcenter's
/// staff and auditors all of the jobcenter's.
const READ_SUBMISSIONS: &[Grant] = &[
    Grant::own(Role::Applicant),
    Grant::tenant(Role::Caseworker),
    Grant::tenant(Role::TeamLead),
    Grant::tenant(Role::Auditor),
    Grant::own(Role::PartnerSystem),
];

/// The authorization table of the intake service.
pub const POLICY: RpcPolicy = RpcPolicy {
    service: "jobcenter.intake.v1.IntakeService",
    rules: &[
        RpcRule {
            method: "SubmitApplication",
            // An applicant applies for themselves; a caseworker enters a paper application;
            // a partner system forwards applications it received.
            grants: &[
                Grant::own(Role::Applicant),
                Grant::tenant(Role::Caseworker),
                Grant::tenant(Role::TeamLead),
                Grant::own(Role::PartnerSystem),
            ],
            reads_social_data: false,
        },
        RpcRule {
            method: "GetSubmission",
            grants: READ_SUBMISSIONS,
            reads_social_data: true,
        },
        RpcRule {
            method: "ListSubmissions",
            grants: READ_SUBMISSIONS,
            reads_social_data: true,
        },
        RpcRule {
            method: "GetFormDefinition",
            // Forms hold no social data; whoever submits or checks submissions may read them.
            grants: &[
                Grant::own(Role::Applicant),
                Grant::tenant(Role::Caseworker),
                Grant::tenant(Role::TeamLead),
                Grant::tenant(Role::Auditor),
                Grant::own(Role::PartnerSystem),
                Grant::tenant(Role::Service),
            ],
            reads_social_data: false,
        },
        RpcRule {
            method: "ExportApplication",
            // Transfer into a case-processing system: staff, the jobcenter's Fachverfahren
            // (a partner system of the tenant) and platform services.
            grants: &[
                Grant::tenant(Role::Caseworker),
                Grant::tenant(Role::TeamLead),
                Grant::tenant(Role::PartnerSystem),
                Grant::tenant(Role::Service),
            ],
            reads_social_data: true,
        },
    ],
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_intake_rpc_has_exactly_one_entry() {
        let problems = POLICY
            .check_against_descriptors(jobcenter_proto::FILE_DESCRIPTOR_SET)
            .expect("the intake service is described");
        assert!(problems.is_empty(), "{problems:?}");
    }
}
