//! English texts.

/// Key and text.
pub const ENTRIES: &[(&str, &str)] = &[
    // Forms
    (
        "form.main_application",
        "Main application for basic income support",
    ),
    ("form.continuation_application", "Continuation application"),
    (
        "form.one_off_benefit_application",
        "Application for a one-off benefit or a loan",
    ),
    (
        "form.education_participation_application",
        "Application for education and participation benefits",
    ),
    ("form.sick_note", "Submit a sick note"),
    ("form.absence_notice", "Ask for approval of an absence"),
    ("form.change_notice", "Report a change"),
    // Kinds (status texts)
    ("kind.main_application", "main application"),
    ("kind.continuation_application", "continuation application"),
    (
        "kind.one_off_benefit_application",
        "application for a one-off benefit",
    ),
    (
        "kind.education_participation_application",
        "application for education and participation",
    ),
    ("kind.sick_note", "sick note"),
    ("kind.absence_notice", "notice of absence"),
    ("kind.change_notice", "change notice"),
    (
        "status.received.case",
        "Your {kind} was received on {date} and recorded. Your jobcenter will now open your case and contact you.",
    ),
    (
        "status.received",
        "Your submission ({kind}) was received on {date} and recorded. Your jobcenter is processing it and will contact you if anything is missing.",
    ),
    (
        "status.warnings",
        "Please note the remarks: your jobcenter will look into them.",
    ),
    // Sections
    ("section.applicant", "Applicant"),
    ("section.household", "Household"),
    ("section.address", "Address"),
    ("section.incomes", "Income"),
    ("section.assets", "Assets"),
    ("section.housing", "Housing and heating costs"),
    ("section.payment", "Bank account"),
    ("section.attachments", "Proofs"),
    ("section.changes", "Changes since the last application"),
    ("section.need", "Need"),
    ("section.child", "Child"),
    ("section.benefit", "Benefit"),
    ("section.sick_person", "Person who is ill"),
    ("section.certificate", "Certificate"),
    ("section.absence_period", "Period and destination"),
    ("section.absence_reason", "Reason"),
    ("section.change", "Change"),
    ("section.new_address", "New address"),
    (
        "section.new_account_and_income",
        "New bank account and new income",
    ),
    ("section.new_housing_costs", "New housing costs"),
    // Labels
    ("label.applicant", "Applicant"),
    ("label.person.given_name", "Given name"),
    ("label.person.family_name", "Family name"),
    ("label.person.birth_date", "Date of birth"),
    ("label.household_members", "Other members of the household"),
    ("label.member", "Person"),
    ("label.relationship", "Relationship to the applicant"),
    ("label.address", "Address"),
    ("label.address.street", "Street"),
    ("label.address.house_number", "House number"),
    ("label.address.postal_code", "Postal code"),
    ("label.address.city", "City"),
    ("label.incomes", "Regular monthly incomes"),
    ("label.income.kind", "Kind of income"),
    ("label.income.monthly_amount", "Gross monthly amount"),
    ("label.member_index", "Who receives it?"),
    ("label.assets", "Assets"),
    ("label.asset.kind", "Kind of asset"),
    ("label.asset.value", "Current value"),
    ("label.housing", "Monthly housing costs"),
    ("label.housing.base_rent", "Basic rent"),
    ("label.housing.heating", "Heating costs"),
    ("label.housing.utilities", "Utilities"),
    ("label.iban", "IBAN"),
    ("label.attachments", "I will upload or send these proofs"),
    (
        "label.continuation.changes",
        "Has anything changed since your last application?",
    ),
    ("label.continuation.change_details", "What has changed?"),
    ("label.one_off.kind", "What do you apply for?"),
    ("label.one_off.reason", "Reason"),
    ("label.one_off.estimated_cost", "Expected cost"),
    (
        "label.one_off.expected_birth_date",
        "Expected date of birth",
    ),
    ("label.child", "Child"),
    ("label.education.kind", "Which benefit?"),
    (
        "label.education.institution",
        "School, day care, club or provider",
    ),
    ("label.education.amount", "Cost"),
    ("label.education.period_from", "From"),
    ("label.education.period_until", "Until"),
    ("label.sick_person", "Person who is ill"),
    ("label.sick_note.certificate", "Kind of certificate"),
    ("label.sick_note.incapacity_from", "Unable to work since"),
    (
        "label.sick_note.incapacity_until",
        "Expected to be unable to work until",
    ),
    ("label.sick_note.issued_on", "Issued on"),
    ("label.absence.absent_from", "Away from"),
    ("label.absence.absent_until", "Away until"),
    ("label.absence.destination", "Destination (optional)"),
    (
        "label.absence.days_already",
        "Days of approved absence already this year",
    ),
    ("label.absence.reason", "Reason for the absence"),
    ("label.absence.reason_details", "Explanation"),
    ("label.change.changes", "What has changed?"),
    ("label.change.changed_on", "Since when (or from when on)?"),
    ("label.change.details", "Description of the change"),
    (
        "label.change.new_monthly_income",
        "New total gross monthly income",
    ),
    ("label.new_address", "New address"),
    // Help
    (
        "help.household_members",
        "Everyone who lives with you and shares a household with you, not yourself.",
    ),
    (
        "help.incomes",
        "Wages, profit, child benefit, maintenance, pensions and other regular income.",
    ),
    (
        "help.member_index",
        "0 stands for you, 1 for the first other person, 2 for the second and so on.",
    ),
    (
        "help.housing.base_rent",
        "The rent without heating and utilities, as in the rental contract.",
    ),
    ("help.iban", "The account the benefits are to be paid into."),
    (
        "help.attachments",
        "Choose the proofs you will upload or send by post.",
    ),
    (
        "help.continuation.changes",
        "For example income, assets, people in the household or housing costs.",
    ),
    (
        "help.continuation.iban",
        "Only if your bank account has changed.",
    ),
    (
        "help.one_off.reason",
        "Describe why you need it and why the standard rate cannot cover it.",
    ),
    (
        "help.education.institution",
        "Name of the school, day-care centre, club or tutoring provider.",
    ),
    (
        "help.education.amount",
        "For trips the total; for lunch, tutoring and club fees the monthly amount.",
    ),
    (
        "help.absence.days_already",
        "Days you have already been away with approval in this calendar year.",
    ),
    // Options
    ("option.relationship.partner", "Spouse or partner"),
    ("option.relationship.child", "Child"),
    ("option.relationship.other", "Other person"),
    ("option.income.employment", "Wages or salary"),
    ("option.income.self_employment", "Self-employment"),
    ("option.income.child_benefit", "Child benefit"),
    ("option.income.maintenance", "Maintenance"),
    ("option.income.pension", "Pension"),
    ("option.income.other", "Other income"),
    ("option.asset.bank_balance", "Bank balance"),
    ("option.asset.savings", "Savings and securities"),
    ("option.asset.vehicle", "Vehicle"),
    ("option.asset.real_estate", "Land, house or flat"),
    ("option.asset.insurance", "Life or pension insurance"),
    ("option.asset.other", "Other assets"),
    ("option.attachment.payslip", "Payslips"),
    ("option.attachment.rental_contract", "Rental contract"),
    ("option.attachment.bank_statement", "Bank statements"),
    ("option.attachment.identity_document", "Identity document"),
    (
        "option.attachment.incapacity_certificate",
        "Certificate of incapacity for work",
    ),
    ("option.attachment.cost_estimate", "Cost estimate"),
    (
        "option.attachment.maternity_record",
        "Maternity record or certificate of the expected date of birth",
    ),
    (
        "option.attachment.school_confirmation",
        "Confirmation of the school or provider",
    ),
    (
        "option.attachment.membership_confirmation",
        "Confirmation of membership and fees",
    ),
    ("option.attachment.proof_of_change", "Proof of the change"),
    ("option.attachment.other", "Other document"),
    (
        "option.one_off.first_furnishing",
        "First furnishing of a home",
    ),
    ("option.one_off.first_clothing", "First set of clothing"),
    (
        "option.one_off.pregnancy_birth",
        "First equipment for pregnancy and birth",
    ),
    (
        "option.one_off.therapeutic_equipment",
        "Orthopaedic shoes, therapeutic devices and equipment",
    ),
    ("option.one_off.loan", "Loan for an unavoidable need"),
    (
        "option.education.school_trip",
        "School outing or class trip",
    ),
    ("option.education.school_supplies", "School supplies"),
    ("option.education.lunch", "Joint lunch"),
    ("option.education.tutoring", "Learning support (tutoring)"),
    (
        "option.education.club_fees",
        "Club fees, courses and leisure activities",
    ),
    ("option.certificate.first", "First certificate"),
    ("option.certificate.follow_up", "Follow-up certificate"),
    ("option.absence_reason.holiday", "Holiday"),
    ("option.absence_reason.family", "Family reasons"),
    (
        "option.absence_reason.medical",
        "Medical treatment or rehabilitation",
    ),
    (
        "option.absence_reason.education",
        "Education or volunteering",
    ),
    ("option.absence_reason.other", "Other reason"),
    ("option.change.income", "Income"),
    ("option.change.address", "Address (moving)"),
    ("option.change.household", "People in the household"),
    ("option.change.bank_account", "Bank account"),
    ("option.change.housing_costs", "Rent, heating or utilities"),
    ("option.change.other", "Other"),
    // Messages of checks
    ("msg.required", "Please answer this question."),
    (
        "msg.format.text",
        "Please use a single line without control characters.",
    ),
    (
        "msg.format.long_text",
        "The text contains control characters that are not allowed.",
    ),
    (
        "msg.format.date",
        "This date does not exist. Please check day, month and year.",
    ),
    (
        "msg.format.choice",
        "Please choose one of the options offered.",
    ),
    ("msg.max_length", "Please enter at most {limit} characters."),
    ("msg.max_items", "Please list at most {limit} entries."),
    ("msg.min", "The value must not be less than {limit}."),
    ("msg.max", "The value is implausibly high: at most {limit}."),
    (
        "msg.birth_date.past",
        "The date of birth must lie in the past and not more than 130 years back.",
    ),
    ("msg.postal_code.pattern", "A postal code has five digits."),
    ("msg.period.order", "The end must not lie before the start."),
    ("msg.date.within_a_year", "The date must lie within a year."),
    (
        "msg.date.within_two_years",
        "The date must not lie more than two years ahead.",
    ),
    (
        "msg.one_off.expected_birth_date",
        "The expected date of birth must lie at most {max_days} days ahead and at most {min_days} days back.",
    ),
    (
        "msg.sick_note.start",
        "The incapacity must not start in the future nor more than {min_days} days back.",
    ),
    (
        "msg.sick_note.issued_on",
        "The date of issue must not lie in the future nor more than {min_days} days back.",
    ),
    (
        "msg.absence.in_advance",
        "An absence needs approval in advance; this one starts in the past.",
    ),
    (
        "msg.change.too_far_ahead",
        "The change must not lie more than {max_days} days ahead.",
    ),
    (
        "msg.change.reported_late",
        "Changes must be reported without delay; this one lies more than {min_days} days back.",
    ),
    (
        "msg.attachment.payslip",
        "You declared wages or a salary: please provide your payslips.",
    ),
    (
        "msg.attachment.rental_contract",
        "You declared rent: please provide your rental contract.",
    ),
    (
        "msg.attachment.bank_statement",
        "You declared a bank balance or savings: please provide bank statements.",
    ),
    (
        "msg.attachment.cost_estimate",
        "Please provide a cost estimate.",
    ),
    (
        "msg.attachment.maternity_record",
        "Please provide the maternity record or a certificate of the expected date of birth.",
    ),
    (
        "msg.attachment.school_confirmation",
        "Please provide a confirmation of the school or provider.",
    ),
    (
        "msg.attachment.membership_confirmation",
        "Please provide a confirmation of membership and fees.",
    ),
    (
        "msg.attachment.proof_of_change",
        "You declared changes: please provide proofs of them.",
    ),
    (
        "msg.attachment.incapacity_certificate",
        "Please upload the certificate of incapacity for work.",
    ),
    // Messages of the request itself
    ("msg.form.missing", "Please choose what you want to submit."),
    (
        "msg.case_id.uuid",
        "The case number is not in the right format.",
    ),
    (
        "msg.case_id.main_application",
        "A main application opens a new case: please give no case number.",
    ),
    (
        "msg.case_id.required",
        "Please give the case number the submission belongs to.",
    ),
    (
        "msg.language",
        "This language is not supported. Supported are: {languages}.",
    ),
    // Named rules
    (
        "rule.iban.checksum",
        "This IBAN is not valid. Please check it.",
    ),
    (
        "rule.postal_code.in_area",
        "This postal code is not in your jobcenter's area. Please contact the jobcenter where you live.",
    ),
    (
        "rule.household.applicant_min_age",
        "The applicant must be at least {age} years old.",
    ),
    (
        "rule.household.applicant_retirement_age",
        "The applicant has reached the retirement age ({age}); usually the social welfare office is responsible. The application will be passed on.",
    ),
    (
        "rule.household.unique_members",
        "This person is already listed.",
    ),
    (
        "rule.household.one_partner",
        "There can be only one partner.",
    ),
    (
        "rule.household.child_younger",
        "A child must be younger than the applicant.",
    ),
    (
        "rule.household.member_index",
        "Please choose yourself (0) or a listed person.",
    ),
    (
        "rule.absence.yearly_limit",
        "With this absence you would be away {days} days this year; {limit} days are possible without a special reason. Your jobcenter will look into it.",
    ),
    (
        "rule.sick_note.reported_late",
        "The first certificate arrived later than {days} days after the incapacity began.",
    ),
    (
        "rule.education.child_age",
        "Education and participation benefits are available up to the age of {age}.",
    ),
    (
        "rule.education.participation_age",
        "Club fees, courses and leisure activities are covered up to the age of {age}.",
    ),
];
