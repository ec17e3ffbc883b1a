//! Cases of the applications: main, continuation, one-off benefits, education and participation.

use jobcenter_proto::intake::v1 as proto;

use super::super::samples::{date, money, person};
use super::*;

#[allow(clippy::too_many_lines)]
pub(super) fn cases() -> Vec<Case> {
    use proto::{AttachmentKind as A, Relationship as R};
    vec![
        // Main application.
        case(
            "applicant without given name",
            main(|m| {
                m.applicant = person(" ", "Mustermann", date(1985, 4, 12));
            }),
        )
        .error("main_application.applicant.given_name", "required"),
        case("no applicant", main(|m| m.applicant = None))
            .error("main_application.applicant", "required"),
        case(
            "applicant born in the future",
            main(|m| {
                m.applicant = person("Erika", "Mustermann", date(2027, 1, 1));
            }),
        )
        .error("main_application.applicant.birth_date", "date_window"),
        case(
            "applicant born on 30 February",
            main(|m| {
                m.applicant = person("Erika", "Mustermann", date(1990, 2, 30));
            }),
        )
        .error("main_application.applicant.birth_date", "format"),
        case(
            "applicant aged 12",
            main(|m| {
                m.applicant = person("Kim", "Klein", date(2014, 1, 1));
                m.household_members.clear();
                m.incomes.clear();
            }),
        )
        .error(
            "main_application.applicant.birth_date",
            "household.applicant_min_age",
        ),
        case(
            "applicant past retirement age",
            main(|m| {
                m.applicant = person("Erika", "Mustermann", date(1950, 1, 1));
            }),
        )
        .warning(
            "main_application.applicant.birth_date",
            "household.applicant_retirement_age",
        ),
        case(
            "member listed twice",
            main(|m| {
                m.household_members
                    .push(member("max ", (2015, 6, 1), R::Child));
            }),
        )
        .error(
            "main_application.household_members[1].person",
            "household.unique_members",
        ),
        case(
            "applicant listed as member",
            main(|m| {
                m.household_members
                    .push(member("Erika", (1985, 4, 12), R::Other));
            }),
        )
        .error(
            "main_application.household_members[1].person",
            "household.unique_members",
        ),
        case(
            "two partners",
            main(|m| {
                m.household_members
                    .push(member("Hans", (1980, 1, 1), R::Partner));
                m.household_members
                    .push(member("Otto", (1981, 1, 1), R::Partner));
            }),
        )
        .error(
            "main_application.household_members[2].relationship",
            "household.one_partner",
        ),
        case(
            "child older than the applicant",
            main(|m| {
                m.household_members[0] = member("Max", (1980, 6, 1), R::Child);
            }),
        )
        .error(
            "main_application.household_members[0].person.birth_date",
            "household.child_younger",
        ),
        case(
            "relationship not given",
            main(|m| {
                m.household_members[0].relationship = R::Unspecified as i32;
            }),
        )
        .error(
            "main_application.household_members[0].relationship",
            "required",
        ),
        case(
            "unknown relationship",
            main(|m| m.household_members[0].relationship = 99),
        )
        .error(
            "main_application.household_members[0].relationship",
            "format",
        ),
        case(
            "postal code of four digits",
            main(|m| {
                if let Some(a) = m.address.as_mut() {
                    a.postal_code = "4512".into();
                }
            }),
        )
        .error("main_application.address.postal_code", "pattern"),
        case("postal code outside the area", main(|_| {}))
            .area(&["44", "46"])
            .error(
                "main_application.address.postal_code",
                "postal_code.in_area",
            ),
        case("postal code inside the area", main(|_| {})).area(&["451"]),
        case(
            "street with a line break",
            main(|m| {
                if let Some(a) = m.address.as_mut() {
                    a.street = "Kettwiger\nStraße".into();
                }
            }),
        )
        .error("main_application.address.street", "format"),
        case("no address", main(|m| m.address = None))
            .error("main_application.address", "required"),
        case(
            "negative income",
            main(|m| m.incomes[0].monthly_amount = money(-1)),
        )
        .error("main_application.incomes[0].monthly_amount", "min"),
        case(
            "income of a million a month",
            main(|m| {
                m.incomes[0].monthly_amount = money(100_000_000);
            }),
        )
        .error("main_application.incomes[0].monthly_amount", "max"),
        case(
            "income of nobody listed",
            main(|m| m.incomes[0].member_index = 5),
        )
        .error(
            "main_application.incomes[0].member_index",
            "household.member_index",
        ),
        case(
            "asset of nobody listed",
            main(|m| m.assets[0].member_index = 3),
        )
        .error(
            "main_application.assets[0].member_index",
            "household.member_index",
        ),
        case(
            "heating above 10,000 euro",
            main(|m| {
                if let Some(h) = m.housing_costs.as_mut() {
                    h.heating = money(1_000_001);
                }
            }),
        )
        .error("main_application.housing_costs.heating", "max"),
        case(
            "IBAN with wrong check digits",
            main(|m| m.iban = "DE00 3704 0044 0532 0130 00".into()),
        )
        .error("main_application.iban", "iban.checksum"),
        case("no IBAN", main(|m| m.iban.clear())),
        case(
            "wages without payslips",
            main(|m| {
                m.incomes[0].kind = proto::IncomeKind::Employment as i32;
                m.incomes[0].member_index = 0;
            }),
        )
        .warning("main_application.attachments", "attachment.payslip"),
        case("rent without the contract", main(|m| m.attachments.clear()))
            .warning("main_application.attachments", "attachment.rental_contract"),
        case(
            "no rent, no contract",
            main(|m| {
                m.attachments.clear();
                m.housing_costs = None;
            }),
        ),
        case(
            "savings without statements",
            main(|m| m.assets[0].kind = proto::AssetKind::Savings as i32),
        )
        .warning("main_application.attachments", "attachment.bank_statement"),
        // Continuation application.
        case(
            "changes without details",
            cont(|m| {
                m.changes_since_last_application = true;
                m.attachments = vec![A::ProofOfChange as i32];
            }),
        )
        .error("continuation_application.change_details", "required"),
        case(
            "changes without proofs",
            cont(|m| {
                m.changes_since_last_application = true;
                m.change_details = "Neue Arbeitsstelle seit Oktober".into();
            }),
        )
        .warning(
            "continuation_application.attachments",
            "attachment.proof_of_change",
        ),
        case(
            "details too long",
            cont(|m| m.change_details = "x".repeat(2001)),
        )
        .error("continuation_application.change_details", "max_length"),
        case("continuation without address", cont(|m| m.address = None))
            .error("continuation_application.address", "required"),
        case(
            "continuation with a wrong IBAN",
            cont(|m| m.iban = "DE88370400440532013000".into()),
        )
        .error("continuation_application.iban", "iban.checksum"),
        case(
            "continuation income of member 31",
            cont(|m| m.incomes[0].member_index = 31),
        )
        .error("continuation_application.incomes[0].member_index", "max"),
        case("continuation address outside the area", cont(|_| {}))
            .area(&["44"])
            .error(
                "continuation_application.address.postal_code",
                "postal_code.in_area",
            ),
        // One-off benefits.
        case("one-off without kind", one_off(|m| m.kind = 0))
            .error("one_off_benefit_application.kind", "required"),
        case("one-off without reason", one_off(|m| m.reason.clear()))
            .error("one_off_benefit_application.reason", "required"),
        case("one-off without cost", one_off(|m| m.estimated_cost = None))
            .error("one_off_benefit_application.estimated_cost", "required"),
        case(
            "one-off with negative cost",
            one_off(|m| m.estimated_cost = money(-100)),
        )
        .error("one_off_benefit_application.estimated_cost", "min"),
        case(
            "one-off of 30,000 euro",
            one_off(|m| m.estimated_cost = money(3_000_000)),
        )
        .error("one_off_benefit_application.estimated_cost", "max"),
        case(
            "pregnancy without birth date",
            one_off(|m| {
                m.kind = proto::OneOffBenefitKind::PregnancyBirth as i32;
                m.attachments = vec![A::MaternityRecord as i32];
            }),
        )
        .error(
            "one_off_benefit_application.expected_birth_date",
            "required",
        ),
        case(
            "pregnancy with a birth two years ahead",
            one_off(|m| {
                m.kind = proto::OneOffBenefitKind::PregnancyBirth as i32;
                m.expected_birth_date = date(2028, 11, 1);
                m.attachments = vec![A::MaternityRecord as i32];
            }),
        )
        .error(
            "one_off_benefit_application.expected_birth_date",
            "date_window",
        ),
        case(
            "pregnancy without maternity record",
            one_off(|m| {
                m.kind = proto::OneOffBenefitKind::PregnancyBirth as i32;
                m.expected_birth_date = date(2027, 3, 1);
            }),
        )
        .warning(
            "one_off_benefit_application.attachments",
            "attachment.maternity_record",
        ),
        case(
            "furnishing ignores a birth date",
            one_off(|m| m.expected_birth_date = date(2030, 1, 1)),
        ),
        case(
            "loan without cost estimate",
            one_off(|m| m.kind = proto::OneOffBenefitKind::Loan as i32),
        )
        .warning(
            "one_off_benefit_application.attachments",
            "attachment.cost_estimate",
        ),
        // Education and participation.
        case(
            "child aged 26",
            edu(|m| m.child = person("Max", "Mustermann", date(2000, 1, 1))),
        )
        .error(
            "education_participation_application.child.birth_date",
            "education.child_age",
        ),
        case(
            "club fees at 18",
            edu(|m| {
                m.child = person("Max", "Mustermann", date(2008, 1, 1));
                m.kind = proto::EducationBenefitKind::ClubFees as i32;
                m.attachments = vec![A::MembershipConfirmation as i32];
            }),
        )
        .error(
            "education_participation_application.child.birth_date",
            "education.participation_age",
        ),
        case(
            "lunch at 18",
            edu(|m| {
                m.child = person("Max", "Mustermann", date(2008, 1, 1));
                m.kind = proto::EducationBenefitKind::Lunch as i32;
            }),
        ),
        case("school trip without cost", edu(|m| m.amount = None))
            .error("education_participation_application.amount", "required"),
        case(
            "school supplies need no cost or period",
            edu(|m| {
                m.kind = proto::EducationBenefitKind::SchoolSupplies as i32;
                m.amount = None;
                m.period_from = None;
                m.period_until = None;
                m.attachments.clear();
            }),
        ),
        case(
            "trip ends before it starts",
            edu(|m| m.period_until = date(2026, 11, 30)),
        )
        .error(
            "education_participation_application.period_until",
            "date_not_before",
        ),
        case("no institution", edu(|m| m.institution.clear())).error(
            "education_participation_application.institution",
            "required",
        ),
        case("no child", edu(|m| m.child = None))
            .error("education_participation_application.child", "required"),
        case(
            "tutoring without confirmation",
            edu(|m| {
                m.kind = proto::EducationBenefitKind::Tutoring as i32;
                m.attachments.clear();
            }),
        )
        .warning(
            "education_participation_application.attachments",
            "attachment.school_confirmation",
        ),
    ]
}
