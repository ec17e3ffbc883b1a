//! Education and participation (Bildung und Teilhabe, § 28 SGB II) for a child of the household:
//! school trips, school supplies, lunch, tutoring, club fees.

use super::FormKind;
use super::common::{self, attachments_section, person_section};
use super::model::{
    AnswerType, Attachment, Check, Condition, FormDef, Operator, Question, Section, Severity,
};
use super::options;
use super::rules::RuleId;

/// Largest plausible cost: 5,000 euro, in cents.
pub const MAX_AMOUNT: i64 = 500_000;

/// Benefits with a cost and a period (the school supplies are a fixed lump sum per half-year).
const WITH_COST: Condition = Condition {
    field: "education_participation_application.kind",
    op: Operator::EqualsAny(&[
        options::SCHOOL_TRIP,
        options::LUNCH,
        options::TUTORING,
        options::CLUB_FEES,
    ]),
};

/// The definition.
pub const DEFINITION: FormDef = FormDef {
    kind: FormKind::Education,
    version: 1,
    title: "form.education_participation_application",
    sections: &[
        person_section!(
            "child",
            "section.child",
            "education_participation_application.child",
            "label.child",
            &[
                Check::required(),
                Check::date_window(
                    Some(common::OLDEST_BIRTH_DAYS),
                    Some(-1),
                    "msg.birth_date.past"
                ),
                Check::rule(RuleId::EducationChildAge),
                Check::rule(RuleId::EducationParticipationAge),
            ]
        ),
        Section {
            id: "benefit",
            title: "section.benefit",
            questions: &[
                Question::new(
                    "education_participation_application.kind",
                    "label.education.kind",
                    AnswerType::Choice(options::EDUCATION_KINDS),
                    common::CHOICE,
                ),
                Question::new(
                    "education_participation_application.institution",
                    "label.education.institution",
                    AnswerType::Text,
                    common::NAME,
                )
                .help("help.education.institution"),
                Question::new(
                    "education_participation_application.amount",
                    "label.education.amount",
                    AnswerType::Money,
                    &[
                        Check::required_when(WITH_COST),
                        Check::min(0),
                        Check::max(MAX_AMOUNT),
                    ],
                )
                .help("help.education.amount"),
                Question::new(
                    "education_participation_application.period_from",
                    "label.education.period_from",
                    AnswerType::Date,
                    &[
                        Check::required_when(WITH_COST),
                        Check::date_window(Some(-365), Some(365), "msg.date.within_a_year"),
                    ],
                ),
                Question::new(
                    "education_participation_application.period_until",
                    "label.education.period_until",
                    AnswerType::Date,
                    &[
                        Check::required_when(WITH_COST),
                        Check::not_before(
                            "education_participation_application.period_from",
                            "msg.period.order",
                        ),
                        Check::date_window(Some(-365), Some(730), "msg.date.within_two_years"),
                    ],
                ),
            ],
        },
        attachments_section!("education_participation_application.attachments"),
    ],
    attachments_field: Some("education_participation_application.attachments"),
    attachments: &[
        Attachment {
            kind: options::SCHOOL_CONFIRMATION,
            when: Some(Condition {
                field: "education_participation_application.kind",
                op: Operator::EqualsAny(&[options::SCHOOL_TRIP, options::LUNCH, options::TUTORING]),
            }),
            severity: Severity::Warning,
            message: "msg.attachment.school_confirmation",
        },
        Attachment {
            kind: options::MEMBERSHIP_CONFIRMATION,
            when: Some(Condition {
                field: "education_participation_application.kind",
                op: Operator::EqualsAny(&[options::CLUB_FEES]),
            }),
            severity: Severity::Warning,
            message: "msg.attachment.membership_confirmation",
        },
    ],
};
