//! Who may call which RPC of `jobcenter.efile.v1.EfileService` (the reasons are in
//! docs/efile/documents.md; a test checks this table against the proto).
//!
//! Ownership within a tenant: an applicant reaches only the documents of their own case (the
//! case's applicant account); the handlers check it and answer NOT_FOUND otherwise, as for
//! another tenant's document.

use platform::Role;
use platform::authz::{Grant, RpcPolicy, RpcRule};

use crate::domain::types::Channel;

/// Whether a caller with `roles` may file a document as arrived through `channel`: applicants
/// through the portal or the app, partner systems as partner systems, staff what reaches them
/// (portal, app, scanned post), the platform's own services any channel (they file generated
/// records and what they relay). One of the roles must allow it.
pub fn may_file_through(roles: &[Role], channel: Channel) -> bool {
    roles.iter().any(|role| match role {
        Role::Applicant => matches!(channel, Channel::Portal | Channel::App),
        Role::PartnerSystem => channel == Channel::PartnerSystem,
        Role::Caseworker | Role::TeamLead => {
            matches!(
                channel,
                Channel::Portal | Channel::App | Channel::ScannedPost
            )
        }
        Role::Service => true,
        Role::Auditor | Role::Operator => false,
    })
}

/// Filing a document: the applicant onto their own case (portal, app), the jobcenter's staff,
/// partner systems (channel partner system only) and the platform's own services.
const UPLOAD: &[Grant] = &[
    Grant::own(Role::Applicant),
    Grant::tenant(Role::Caseworker),
    Grant::tenant(Role::TeamLead),
    Grant::tenant(Role::PartnerSystem),
    Grant::tenant(Role::Service),
];

/// A new version of a document's content: staff and the platform's services (an applicant
/// files a new document instead, so what a decision rests on never changes under them).
const NEW_VERSION: &[Grant] = &[
    Grant::tenant(Role::Caseworker),
    Grant::tenant(Role::TeamLead),
    Grant::tenant(Role::Service),
];

/// Reading documents (metadata and content): the applicant their own case's, staff and
/// auditors every document of the tenant.
const READ: &[Grant] = &[
    Grant::own(Role::Applicant),
    Grant::tenant(Role::Caseworker),
    Grant::tenant(Role::TeamLead),
    Grant::tenant(Role::Auditor),
];

/// A document's history names the staff who acted: staff and auditors.
const HISTORY: &[Grant] = &[
    Grant::tenant(Role::Caseworker),
    Grant::tenant(Role::TeamLead),
    Grant::tenant(Role::Auditor),
];

/// Working the file: caseworkers and team leads.
const WORK: &[Grant] = &[
    Grant::tenant(Role::Caseworker),
    Grant::tenant(Role::TeamLead),
];

/// Lifting a hold lets retention delete: team leads only.
const LEAD: &[Grant] = &[Grant::tenant(Role::TeamLead)];

/// The deletion run on demand: team leads and the provider's operators (it answers counts only).
const RETENTION: &[Grant] = &[Grant::tenant(Role::TeamLead), Grant::tenant(Role::Operator)];

/// The vocabulary and rules: everyone of the tenant who files or reads.
const RULES: &[Grant] = &[
    Grant::tenant(Role::Applicant),
    Grant::tenant(Role::Caseworker),
    Grant::tenant(Role::TeamLead),
    Grant::tenant(Role::Auditor),
    Grant::tenant(Role::PartnerSystem),
    Grant::tenant(Role::Operator),
    Grant::tenant(Role::Service),
];

/// Exporting a case file hands it to another authority or an archive: staff and auditors.
const EXPORT: &[Grant] = &[
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

/// A read of social data: each call is in the read-access log.
const fn read(method: &'static str, grants: &'static [Grant]) -> RpcRule {
    RpcRule {
        method,
        grants,
        reads_social_data: true,
    }
}

/// The authorization table of the E-Akte.
pub const POLICY: RpcPolicy = RpcPolicy {
    service: "jobcenter.efile.v1.EfileService",
    rules: &[
        command("UploadDocument", UPLOAD),
        command("UploadDocumentVersion", NEW_VERSION),
        read("DownloadDocument", READ),
        read("GetDocument", READ),
        read("ListDocuments", READ),
        read("GetCaseFile", READ),
        read("GetDocumentHistory", HISTORY),
        command("ChangeDocumentMetadata", WORK),
        // Placing a hold only keeps more: any caseworker who learns of a court case may.
        command("PlaceLegalHold", WORK),
        command("LiftLegalHold", LEAD),
        command("GetFilingRules", RULES),
        command("RunRetention", RETENTION),
        read("ExportCaseFile", EXPORT),
    ],
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_efile_rpc_has_exactly_one_entry() {
        let problems = POLICY
            .check_against_descriptors(jobcenter_proto::FILE_DESCRIPTOR_SET)
            .expect("the E-Akte is described");
        assert!(problems.is_empty(), "{problems:?}");
    }

    #[test]
    fn each_role_files_only_through_its_channels() {
        assert!(may_file_through(&[Role::Applicant], Channel::Portal));
        assert!(!may_file_through(&[Role::Applicant], Channel::ScannedPost));
        assert!(!may_file_through(&[Role::Applicant], Channel::Generated));
        assert!(may_file_through(
            &[Role::PartnerSystem],
            Channel::PartnerSystem
        ));
        assert!(!may_file_through(&[Role::PartnerSystem], Channel::Portal));
        assert!(may_file_through(&[Role::Caseworker], Channel::ScannedPost));
        assert!(!may_file_through(&[Role::Caseworker], Channel::Generated));
        assert!(may_file_through(&[Role::Service], Channel::Generated));
        assert!(may_file_through(
            &[Role::Applicant, Role::Caseworker],
            Channel::ScannedPost
        ));
    }

    #[test]
    fn operators_reach_no_document_and_partners_only_file() {
        use platform::authz::Decision;
        let caller = |role| platform::CallerContext {
            tenant_id: platform::TenantId::parse("jc-1").expect("tenant"),
            subject: "s".into(),
            roles: vec![role],
            client: "test".into(),
            authentication: platform::Authentication::Development,
        };
        for rule in POLICY.rules.iter().filter(|r| r.reads_social_data) {
            assert_eq!(
                POLICY.decide(rule.method, &caller(Role::Operator)),
                Decision::Deny,
                "{}",
                rule.method
            );
            assert_eq!(
                POLICY.decide(rule.method, &caller(Role::PartnerSystem)),
                Decision::Deny,
                "{}",
                rule.method
            );
        }
        assert!(matches!(
            POLICY.decide("UploadDocument", &caller(Role::PartnerSystem)),
            Decision::Allow(_)
        ));
    }
}
