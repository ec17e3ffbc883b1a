//! Who may call which RPC of `jobcenter.notification.v1.NotificationService` (the reasons are
//! in docs/notification/service.md, "Roles"; a test checks this table against the proto).
//!
//! Ownership within a tenant: an applicant reaches only their own profile, their own mailbox
//! and the messages in it or written by them; the handlers check it and answer NOT_FOUND
//! otherwise, as for another tenant's. `own` is the applicant acting for themselves, `tenant`
//! is staff acting for the jobcenter.
//!
//! The print queue is for `service`: the postal print service is a machine of the provider's
//! installation (a print and mail centre, as KDN and Komm.ONE run them) that authenticates with
//! a client certificate and works for every jobcenter it prints for. `partner-system` is a
//! partner jobcenter's or Fachverfahren's system acting on its own submissions, which letters
//! are not. Operators see the queue's length (ids, pages, times: no social data), never a
//! letter.

use platform::Role;
use platform::authz::{Grant, RpcPolicy, RpcRule};

/// A profile as it stands: the applicant their own, staff and auditors any of the tenant.
const READ_PROFILE: &[Grant] = &[
    Grant::own(Role::Applicant),
    Grant::tenant(Role::Caseworker),
    Grant::tenant(Role::TeamLead),
    Grant::tenant(Role::Auditor),
];

/// Language and consent: the applicant their own, staff for an applicant (a consent given on
/// paper, a language asked for at the counter).
const PROFILE_CHOICES: &[Grant] = &[
    Grant::own(Role::Applicant),
    Grant::tenant(Role::Caseworker),
    Grant::tenant(Role::TeamLead),
];

/// The e-mail address and the push subscriptions: the applicant's own devices and address.
const APPLICANT_ONLY: &[Grant] = &[Grant::own(Role::Applicant)];

/// The VAPID public key: public by nature, for any authenticated caller.
const ANYONE: &[Grant] = &[
    Grant::own(Role::Applicant),
    Grant::tenant(Role::Caseworker),
    Grant::tenant(Role::TeamLead),
    Grant::tenant(Role::Auditor),
    Grant::tenant(Role::PartnerSystem),
    Grant::tenant(Role::Operator),
    Grant::tenant(Role::Service),
];

/// A mailbox: the applicant's Postfach, a staff member's inbox.
const MAILBOX: &[Grant] = PROFILE_CHOICES;

/// One message: its applicant, staff and auditors of the tenant.
const READ_MESSAGE: &[Grant] = READ_PROFILE;

/// A read receipt: the recipient (the handler checks it is the caller).
const MARK_READ: &[Grant] = PROFILE_CHOICES;

/// Replies to applicants: the jobcenter's staff.
const STAFF: &[Grant] = &[
    Grant::tenant(Role::Caseworker),
    Grant::tenant(Role::TeamLead),
];

/// A case's messages: staff and auditors.
const CASE_MESSAGES: &[Grant] = &[
    Grant::tenant(Role::Caseworker),
    Grant::tenant(Role::TeamLead),
    Grant::tenant(Role::Auditor),
];

/// Dead letters (ids, channels, reasons without personal data): staff and operators.
const DEAD_LETTERS: &[Grant] = &[
    Grant::tenant(Role::Caseworker),
    Grant::tenant(Role::TeamLead),
    Grant::tenant(Role::Operator),
];

/// The print queue's list (ids, pages, times): the print service and operators.
const PRINT_QUEUE: &[Grant] = &[Grant::tenant(Role::Service), Grant::tenant(Role::Operator)];

/// A letter (name and address in the window) and its confirmation: the print service.
const PRINT_SERVICE: &[Grant] = &[Grant::tenant(Role::Service)];

/// A command RPC, or a read of no social data.
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

/// The authorization table of the notification service.
pub const POLICY: RpcPolicy = RpcPolicy {
    service: "jobcenter.notification.v1.NotificationService",
    rules: &[
        read("GetProfile", READ_PROFILE),
        command("SetPreferredLanguage", PROFILE_CHOICES),
        command("GiveConsent", PROFILE_CHOICES),
        command("WithdrawConsent", PROFILE_CHOICES),
        command("SetEmailAddress", APPLICANT_ONLY),
        command("RegisterPushSubscription", APPLICANT_ONLY),
        command("RemovePushSubscription", APPLICANT_ONLY),
        command("GetPushKey", ANYONE),
        read("ListMailbox", MAILBOX),
        read("GetMessage", READ_MESSAGE),
        command("MarkMessageRead", MARK_READ),
        command("SendMessage", APPLICANT_ONLY),
        command("ReplyToMessage", STAFF),
        read("ListCaseMessages", CASE_MESSAGES),
        command("ListDeadLetters", DEAD_LETTERS),
        command("ListPrintJobs", PRINT_QUEUE),
        read("GetPrintJob", PRINT_SERVICE),
        command("ConfirmPrinted", PRINT_SERVICE),
    ],
};

#[cfg(test)]
mod tests {
    use super::*;
    use platform::authz::{Decision, Scope};

    fn caller(role: Role) -> platform::CallerContext {
        platform::CallerContext {
            tenant_id: platform::TenantId::parse("jc-1").expect("tenant"),
            subject: "s".into(),
            roles: vec![role],
            client: "test".into(),
            authentication: platform::Authentication::Development,
        }
    }

    #[test]
    fn every_notification_rpc_has_exactly_one_entry() {
        let problems = POLICY
            .check_against_descriptors(jobcenter_proto::FILE_DESCRIPTOR_SET)
            .expect("the notification service is described");
        assert!(problems.is_empty(), "{problems:?}");
    }

    #[test]
    fn applicants_act_for_themselves_and_staff_for_the_jobcenter() {
        assert_eq!(
            POLICY.decide("SendMessage", &caller(Role::Applicant)),
            Decision::Allow(Scope::Own)
        );
        assert_eq!(
            POLICY.decide("SendMessage", &caller(Role::Caseworker)),
            Decision::Deny
        );
        assert_eq!(
            POLICY.decide("ReplyToMessage", &caller(Role::Applicant)),
            Decision::Deny
        );
        assert_eq!(
            POLICY.decide("GiveConsent", &caller(Role::Caseworker)),
            Decision::Allow(Scope::Tenant)
        );
        assert_eq!(
            POLICY.decide("SetEmailAddress", &caller(Role::Caseworker)),
            Decision::Deny
        );
    }

    #[test]
    fn only_the_print_service_gets_letters_and_nobody_else_reads_social_data_it_should_not() {
        for role in Role::ALL {
            let allowed = POLICY.decide("GetPrintJob", &caller(role)) != Decision::Deny;
            assert_eq!(allowed, role == Role::Service, "{role}");
        }
        for rule in POLICY.rules.iter().filter(|r| r.reads_social_data) {
            for role in [Role::Operator, Role::PartnerSystem] {
                assert_eq!(
                    POLICY.decide(rule.method, &caller(role)),
                    Decision::Deny,
                    "{} {role}",
                    rule.method
                );
            }
        }
    }
}
