//! Cases of the notices: sick notes, absence notices, change notices.

use jobcenter_proto::common::v1 as common;
use jobcenter_proto::intake::v1 as proto;

use super::super::samples::{self, date, money, person};
use super::*;

#[allow(clippy::too_many_lines)]
pub(super) fn cases() -> Vec<Case> {
    use proto::AttachmentKind as A;
    vec![
        // Sick notes.
        case("sick note without person", sick(|m| m.person = None))
            .error("sick_note.person", "required"),
        case(
            "sick note without certificate kind",
            sick(|m| m.certificate = 0),
        )
        .error("sick_note.certificate", "required"),
        case(
            "incapacity from tomorrow",
            sick(|m| {
                m.incapacity_from = date(2026, 11, 24);
                m.incapacity_until = date(2026, 11, 30);
            }),
        )
        .error("sick_note.incapacity_from", "date_window"),
        case(
            "incapacity ends before it starts",
            sick(|m| m.incapacity_until = date(2026, 11, 20)),
        )
        .error("sick_note.incapacity_until", "date_not_before"),
        case(
            "certificate issued tomorrow",
            sick(|m| m.issued_on = date(2026, 11, 24)),
        )
        .error("sick_note.issued_on", "date_window"),
        case(
            "sick note without the certificate",
            sick(|m| m.attachments.clear()),
        )
        .error("sick_note.attachments", "attachment.incapacity_certificate"),
        case(
            "first certificate ten days late",
            sick(|m| {
                m.incapacity_from = date(2026, 11, 13);
                m.issued_on = date(2026, 11, 13);
            }),
        )
        .warning("sick_note.incapacity_from", "sick_note.reported_late"),
        case(
            "follow-up certificate for an older incapacity",
            sick(|m| {
                m.certificate = proto::CertificateKind::FollowUp as i32;
                m.incapacity_from = date(2026, 11, 13);
            }),
        ),
        case(
            "sick person born in the future",
            sick(|m| {
                m.person = person("Erika", "Mustermann", date(2027, 1, 1));
            }),
        )
        .error("sick_note.person.birth_date", "date_window"),
        // Absence notices.
        case(
            "absence ends before it starts",
            absence(|m| m.absent_until = date(2026, 12, 19)),
        )
        .error("absence_notice.absent_until", "date_not_before"),
        case("absence without start", absence(|m| m.absent_from = None))
            .error("absence_notice.absent_from", "required"),
        case("absence without reason", absence(|m| m.reason = 0))
            .error("absence_notice.reason", "required"),
        case(
            "other reason unexplained",
            absence(|m| {
                m.reason = proto::AbsenceReason::Other as i32;
            }),
        )
        .error("absence_notice.reason_details", "required"),
        case(
            "absence more than a year ahead",
            absence(|m| {
                m.absent_from = date(2027, 12, 20);
                m.absent_until = date(2027, 12, 27);
            }),
        )
        .error("absence_notice.absent_from", "date_window"),
        case(
            "absence started yesterday",
            absence(|m| m.absent_from = date(2026, 11, 22)),
        )
        .warning("absence_notice.absent_from", "date_window")
        .warning("absence_notice.absent_until", "absence.yearly_limit"),
        case(
            "absence of 25 days",
            absence(|m| {
                m.days_already_absent_this_year = 0;
                m.absent_until = date(2027, 1, 13);
            }),
        )
        .warning("absence_notice.absent_until", "absence.yearly_limit"),
        case(
            "absence over the limit with earlier days",
            absence(|m| {
                m.days_already_absent_this_year = 15;
            }),
        )
        .warning("absence_notice.absent_until", "absence.yearly_limit"),
        case(
            "destination with a tab",
            absence(|m| m.destination = "Ham\tburg".into()),
        )
        .error("absence_notice.destination", "format"),
        // Change notices.
        case("change without what changed", change(|m| m.changes.clear()))
            .error("change_notice.changes", "required"),
        case("unknown change", change(|m| m.changes.push(42)))
            .error("change_notice.changes", "format"),
        case("move without new address", change(|m| m.new_address = None))
            .error("change_notice.new_address", "required"),
        case("new address outside the area", change(|_| {}))
            .area(&["44"])
            .error(
                "change_notice.new_address.postal_code",
                "postal_code.in_area",
            ),
        case(
            "new account without IBAN",
            change(|m| {
                m.changes = vec![proto::ChangeKind::BankAccount as i32];
            }),
        )
        .error("change_notice.new_iban", "required"),
        case(
            "new account with a wrong IBAN",
            change(|m| {
                m.changes = vec![proto::ChangeKind::BankAccount as i32];
                m.new_iban = "DE89 3704 0044 0532 0130 01".into();
            }),
        )
        .error("change_notice.new_iban", "iban.checksum"),
        case(
            "income change without amount",
            change(|m| {
                m.changes = vec![proto::ChangeKind::Income as i32];
                m.attachments = vec![A::Payslip as i32];
            }),
        )
        .error("change_notice.new_monthly_income", "required"),
        case(
            "income change without payslips",
            change(|m| {
                m.changes = vec![proto::ChangeKind::Income as i32];
                m.new_monthly_income = money(150_000);
                m.attachments.clear();
            }),
        )
        .warning("change_notice.attachments", "attachment.payslip"),
        case(
            "housing change without costs",
            change(|m| {
                m.changes.push(proto::ChangeKind::HousingCosts as i32);
            }),
        )
        .error("change_notice.new_housing_costs", "required"),
        case(
            "change half a year ahead",
            change(|m| m.changed_on = date(2027, 6, 1)),
        )
        .error("change_notice.changed_on", "date_window"),
        case(
            "change half a year ago",
            change(|m| m.changed_on = date(2026, 5, 1)),
        )
        .warning("change_notice.changed_on", "date_window"),
        case(
            "housing costs with negative rent",
            change(|m| {
                m.changes.push(proto::ChangeKind::HousingCosts as i32);
                m.new_housing_costs = Some(proto::HousingCosts {
                    base_rent: money(-5),
                    heating: None,
                    utilities: None,
                });
            }),
        )
        .error("change_notice.new_housing_costs.base_rent", "min"),
        case(
            "new address without city",
            change(|m| {
                m.new_address = Some(common::Address {
                    city: String::new(),
                    ..samples::address().unwrap_or_default()
                });
            }),
        )
        .error("change_notice.new_address.city", "required"),
    ]
}
