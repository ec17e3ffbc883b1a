//! Who may call which RPC of `jobcenter.appointment.v1.AppointmentService` (the reasons are in
//! docs/appointment/service.md; a test checks this table against the proto).
//!
//! Ownership within a tenant: an applicant reaches only their own appointments (the
//! appointment's applicant account); the handlers check it and answer NOT_FOUND otherwise, as
//! for another tenant's appointment. Whether a caller acts as the applicant or as the jobcenter
//! follows from the scope granted: `own` is the applicant acting for themselves, `tenant` is
//! staff acting on an applicant's behalf.

use platform::Role;
use platform::authz::{Grant, RpcPolicy, RpcRule};

/// The calendar (offices, types, rules): no social data, for everyone of the tenant who books,
/// reads or runs it (`own` for applicants: they see the types they may book themselves).
const CALENDAR: &[Grant] = &[
    Grant::own(Role::Applicant),
    Grant::tenant(Role::Caseworker),
    Grant::tenant(Role::TeamLead),
    Grant::tenant(Role::Auditor),
    Grant::tenant(Role::Operator),
    Grant::tenant(Role::Service),
];

/// Free slots: whoever books (applicants see only their booking window).
const AVAILABILITY: &[Grant] = &[
    Grant::own(Role::Applicant),
    Grant::tenant(Role::Caseworker),
    Grant::tenant(Role::TeamLead),
];

/// Booking, cancelling, moving: the applicant their own, staff on any applicant's behalf.
const BOOK: &[Grant] = &[
    Grant::own(Role::Applicant),
    Grant::tenant(Role::Caseworker),
    Grant::tenant(Role::TeamLead),
];

/// Invitations (Meldetermin) and attendance: the jobcenter's staff.
const STAFF: &[Grant] = &[
    Grant::tenant(Role::Caseworker),
    Grant::tenant(Role::TeamLead),
];

/// Reading an appointment: the applicant their own, staff and auditors the tenant's.
const READ: &[Grant] = &[
    Grant::own(Role::Applicant),
    Grant::tenant(Role::Caseworker),
    Grant::tenant(Role::TeamLead),
    Grant::tenant(Role::Auditor),
];

/// The calendar file is for attending: the applicant and staff.
const FILE: &[Grant] = &[
    Grant::own(Role::Applicant),
    Grant::tenant(Role::Caseworker),
    Grant::tenant(Role::TeamLead),
];

/// A caseworker's day and feed, an office's utilisation: the jobcenter's staff (a caseworker
/// may read a colleague's day to stand in).
const STAFF_READ: &[Grant] = STAFF;

/// Upcoming appointments: the applicant their own, staff an applicant's or a case's.
const UPCOMING: &[Grant] = BOOK;

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

/// The authorization table of the appointment service.
pub const POLICY: RpcPolicy = RpcPolicy {
    service: "jobcenter.appointment.v1.AppointmentService",
    rules: &[
        command("GetCalendar", CALENDAR),
        command("SearchAvailability", AVAILABILITY),
        command("BookAppointment", BOOK),
        command("InviteToAppointment", STAFF),
        command("CancelAppointment", BOOK),
        command("RescheduleAppointment", BOOK),
        command("RecordAttendance", STAFF),
        read("GetAppointment", READ),
        read("GetAppointmentCalendarFile", FILE),
        command("AssignAppointment", STAFF),
        read("GetCaseworkerDay", STAFF_READ),
        command("GetOfficeUtilisation", STAFF_READ),
        read("ListMyAppointments", UPCOMING),
        read("GetCaseworkerCalendarFeed", STAFF_READ),
    ],
};

#[cfg(test)]
mod tests {
    use super::*;
    use platform::authz::{Decision, Scope};

    #[test]
    fn every_appointment_rpc_has_exactly_one_entry() {
        let problems = POLICY
            .check_against_descriptors(jobcenter_proto::FILE_DESCRIPTOR_SET)
            .expect("the appointment service is described");
        assert!(problems.is_empty(), "{problems:?}");
    }

    #[test]
    fn applicants_act_for_themselves_and_only_staff_invite_or_record_attendance() {
        let caller = |role| platform::CallerContext {
            tenant_id: platform::TenantId::parse("jc-1").expect("tenant"),
            subject: "s".into(),
            roles: vec![role],
            client: "test".into(),
            authentication: platform::Authentication::Development,
        };
        assert_eq!(
            POLICY.decide("BookAppointment", &caller(Role::Applicant)),
            Decision::Allow(Scope::Own)
        );
        assert_eq!(
            POLICY.decide("BookAppointment", &caller(Role::Caseworker)),
            Decision::Allow(Scope::Tenant)
        );
        for method in ["InviteToAppointment", "RecordAttendance"] {
            assert_eq!(
                POLICY.decide(method, &caller(Role::Applicant)),
                Decision::Deny,
                "{method}"
            );
        }
        for rule in POLICY.rules.iter().filter(|r| r.reads_social_data) {
            for role in [Role::Operator, Role::PartnerSystem, Role::Service] {
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
