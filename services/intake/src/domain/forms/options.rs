//! The options of every choice: proto enum number, stable id and label key.
//!
//! Ids are the enum value names without their prefix, in lower case; they appear in conditions,
//! in rendered definitions and in the export, so they never change once published.

use jobcenter_proto::intake::v1 as proto;

pub use super::model::Opt;

macro_rules! opt {
    ($enum:ident :: $variant:ident, $id:literal, $group:literal) => {
        Opt {
            id: $id,
            number: proto::$enum::$variant as i32,
            label: concat!("option.", $group, ".", $id),
        }
    };
}

pub const PARTNER: Opt = opt!(Relationship::Partner, "partner", "relationship");
pub const CHILD: Opt = opt!(Relationship::Child, "child", "relationship");
pub const OTHER_MEMBER: Opt = opt!(Relationship::Other, "other", "relationship");
/// Relationships to the applicant.
pub const RELATIONSHIPS: &[Opt] = &[PARTNER, CHILD, OTHER_MEMBER];

pub const EMPLOYMENT: Opt = opt!(IncomeKind::Employment, "employment", "income");
pub const SELF_EMPLOYMENT: Opt = opt!(IncomeKind::SelfEmployment, "self_employment", "income");
/// Kinds of income.
pub const INCOMES: &[Opt] = &[
    EMPLOYMENT,
    SELF_EMPLOYMENT,
    opt!(IncomeKind::ChildBenefit, "child_benefit", "income"),
    opt!(IncomeKind::Maintenance, "maintenance", "income"),
    opt!(IncomeKind::Pension, "pension", "income"),
    opt!(IncomeKind::Other, "other", "income"),
];

pub const BANK_BALANCE: Opt = opt!(AssetKind::BankBalance, "bank_balance", "asset");
pub const SAVINGS: Opt = opt!(AssetKind::Savings, "savings", "asset");
/// Kinds of assets.
pub const ASSETS: &[Opt] = &[
    BANK_BALANCE,
    SAVINGS,
    opt!(AssetKind::Vehicle, "vehicle", "asset"),
    opt!(AssetKind::RealEstate, "real_estate", "asset"),
    opt!(AssetKind::Insurance, "insurance", "asset"),
    opt!(AssetKind::Other, "other", "asset"),
];

pub const PAYSLIP: Opt = opt!(AttachmentKind::Payslip, "payslip", "attachment");
pub const RENTAL_CONTRACT: Opt = opt!(
    AttachmentKind::RentalContract,
    "rental_contract",
    "attachment"
);
pub const BANK_STATEMENT: Opt = opt!(
    AttachmentKind::BankStatement,
    "bank_statement",
    "attachment"
);
pub const INCAPACITY_CERTIFICATE: Opt = opt!(
    AttachmentKind::IncapacityCertificate,
    "incapacity_certificate",
    "attachment"
);
pub const COST_ESTIMATE: Opt = opt!(AttachmentKind::CostEstimate, "cost_estimate", "attachment");
pub const MATERNITY_RECORD: Opt = opt!(
    AttachmentKind::MaternityRecord,
    "maternity_record",
    "attachment"
);
pub const SCHOOL_CONFIRMATION: Opt = opt!(
    AttachmentKind::SchoolConfirmation,
    "school_confirmation",
    "attachment"
);
pub const MEMBERSHIP_CONFIRMATION: Opt = opt!(
    AttachmentKind::MembershipConfirmation,
    "membership_confirmation",
    "attachment"
);
pub const PROOF_OF_CHANGE: Opt = opt!(
    AttachmentKind::ProofOfChange,
    "proof_of_change",
    "attachment"
);
/// Documents an applicant can announce.
pub const ATTACHMENTS: &[Opt] = &[
    PAYSLIP,
    RENTAL_CONTRACT,
    BANK_STATEMENT,
    opt!(
        AttachmentKind::IdentityDocument,
        "identity_document",
        "attachment"
    ),
    INCAPACITY_CERTIFICATE,
    COST_ESTIMATE,
    MATERNITY_RECORD,
    SCHOOL_CONFIRMATION,
    MEMBERSHIP_CONFIRMATION,
    PROOF_OF_CHANGE,
    opt!(AttachmentKind::Other, "other", "attachment"),
];

pub const THERAPEUTIC_EQUIPMENT: Opt = opt!(
    OneOffBenefitKind::TherapeuticEquipment,
    "therapeutic_equipment",
    "one_off"
);
pub const PREGNANCY_BIRTH: Opt = opt!(
    OneOffBenefitKind::PregnancyBirth,
    "pregnancy_birth",
    "one_off"
);
pub const LOAN: Opt = opt!(OneOffBenefitKind::Loan, "loan", "one_off");
/// Kinds of one-off benefits.
pub const ONE_OFF_KINDS: &[Opt] = &[
    opt!(
        OneOffBenefitKind::FirstFurnishing,
        "first_furnishing",
        "one_off"
    ),
    opt!(
        OneOffBenefitKind::FirstClothing,
        "first_clothing",
        "one_off"
    ),
    PREGNANCY_BIRTH,
    THERAPEUTIC_EQUIPMENT,
    LOAN,
];

pub const SCHOOL_TRIP: Opt = opt!(EducationBenefitKind::SchoolTrip, "school_trip", "education");
pub const SCHOOL_SUPPLIES: Opt = opt!(
    EducationBenefitKind::SchoolSupplies,
    "school_supplies",
    "education"
);
pub const LUNCH: Opt = opt!(EducationBenefitKind::Lunch, "lunch", "education");
pub const TUTORING: Opt = opt!(EducationBenefitKind::Tutoring, "tutoring", "education");
pub const CLUB_FEES: Opt = opt!(EducationBenefitKind::ClubFees, "club_fees", "education");
/// Kinds of education and participation benefits.
pub const EDUCATION_KINDS: &[Opt] = &[SCHOOL_TRIP, SCHOOL_SUPPLIES, LUNCH, TUTORING, CLUB_FEES];

pub const FIRST_CERTIFICATE: Opt = opt!(CertificateKind::First, "first", "certificate");
/// First or follow-up certificate.
pub const CERTIFICATES: &[Opt] = &[
    FIRST_CERTIFICATE,
    opt!(CertificateKind::FollowUp, "follow_up", "certificate"),
];

pub const OTHER_REASON: Opt = opt!(AbsenceReason::Other, "other", "absence_reason");
/// Reasons for an absence.
pub const ABSENCE_REASONS: &[Opt] = &[
    opt!(AbsenceReason::Holiday, "holiday", "absence_reason"),
    opt!(AbsenceReason::Family, "family", "absence_reason"),
    opt!(AbsenceReason::Medical, "medical", "absence_reason"),
    opt!(AbsenceReason::Education, "education", "absence_reason"),
    OTHER_REASON,
];

pub const CHANGE_INCOME: Opt = opt!(ChangeKind::Income, "income", "change");
pub const CHANGE_ADDRESS: Opt = opt!(ChangeKind::Address, "address", "change");
pub const CHANGE_BANK_ACCOUNT: Opt = opt!(ChangeKind::BankAccount, "bank_account", "change");
pub const CHANGE_HOUSING_COSTS: Opt = opt!(ChangeKind::HousingCosts, "housing_costs", "change");
/// What a change notice reports.
pub const CHANGES: &[Opt] = &[
    CHANGE_INCOME,
    CHANGE_ADDRESS,
    opt!(ChangeKind::Household, "household", "change"),
    CHANGE_BANK_ACCOUNT,
    CHANGE_HOUSING_COSTS,
    opt!(ChangeKind::Other, "other", "change"),
];

/// The id of option `number` among `options`.
pub fn id_of(options: &[Opt], number: i32) -> Option<&'static str> {
    options.iter().find(|o| o.number == number).map(|o| o.id)
}
