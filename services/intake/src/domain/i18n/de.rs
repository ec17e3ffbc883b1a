//! German texts (the default language).

/// Key and text.
pub const ENTRIES: &[(&str, &str)] = &[
    // Forms
    (
        "form.main_application",
        "Hauptantrag auf Leistungen zur Sicherung des Lebensunterhalts",
    ),
    ("form.continuation_application", "Weiterbewilligungsantrag"),
    (
        "form.one_off_benefit_application",
        "Antrag auf einmalige Leistungen oder ein Darlehen",
    ),
    (
        "form.education_participation_application",
        "Antrag auf Leistungen für Bildung und Teilhabe",
    ),
    (
        "form.sick_note",
        "Arbeitsunfähigkeitsbescheinigung einreichen",
    ),
    ("form.absence_notice", "Ortsabwesenheit beantragen"),
    ("form.change_notice", "Veränderungsmitteilung"),
    // Kinds (status texts)
    ("kind.main_application", "Hauptantrag"),
    ("kind.continuation_application", "Weiterbewilligungsantrag"),
    (
        "kind.one_off_benefit_application",
        "Antrag auf einmalige Leistungen",
    ),
    (
        "kind.education_participation_application",
        "Antrag auf Bildung und Teilhabe",
    ),
    ("kind.sick_note", "Arbeitsunfähigkeitsbescheinigung"),
    (
        "kind.absence_notice",
        "Mitteilung über eine Ortsabwesenheit",
    ),
    ("kind.change_notice", "Veränderungsmitteilung"),
    (
        "status.received.case",
        "Ihr {kind} ist am {date} eingegangen und wurde erfasst. Ihr Jobcenter legt jetzt Ihre Akte an und meldet sich bei Ihnen.",
    ),
    (
        "status.received",
        "Ihre Einreichung ({kind}) ist am {date} eingegangen und wurde erfasst. Ihr Jobcenter bearbeitet sie und meldet sich bei Ihnen, wenn etwas fehlt.",
    ),
    (
        "status.warnings",
        "Bitte beachten Sie die Hinweise: Ihr Jobcenter prüft sie.",
    ),
    // Sections
    ("section.applicant", "Antragstellende Person"),
    ("section.household", "Bedarfsgemeinschaft"),
    ("section.address", "Anschrift"),
    ("section.incomes", "Einkommen"),
    ("section.assets", "Vermögen"),
    ("section.housing", "Kosten der Unterkunft und Heizung"),
    ("section.payment", "Bankverbindung"),
    ("section.attachments", "Nachweise"),
    ("section.changes", "Änderungen seit dem letzten Antrag"),
    ("section.need", "Bedarf"),
    ("section.child", "Kind"),
    ("section.benefit", "Leistung"),
    ("section.sick_person", "Erkrankte Person"),
    ("section.certificate", "Bescheinigung"),
    ("section.absence_period", "Zeitraum und Ziel"),
    ("section.absence_reason", "Grund"),
    ("section.change", "Änderung"),
    ("section.new_address", "Neue Anschrift"),
    (
        "section.new_account_and_income",
        "Neue Bankverbindung und neues Einkommen",
    ),
    ("section.new_housing_costs", "Neue Kosten der Unterkunft"),
    // Labels
    ("label.applicant", "Antragstellende Person"),
    ("label.person.given_name", "Vorname"),
    ("label.person.family_name", "Familienname"),
    ("label.person.birth_date", "Geburtsdatum"),
    (
        "label.household_members",
        "Weitere Personen in der Bedarfsgemeinschaft",
    ),
    ("label.member", "Person"),
    (
        "label.relationship",
        "Verhältnis zur antragstellenden Person",
    ),
    ("label.address", "Anschrift"),
    ("label.address.street", "Straße"),
    ("label.address.house_number", "Hausnummer"),
    ("label.address.postal_code", "Postleitzahl"),
    ("label.address.city", "Ort"),
    ("label.incomes", "Regelmäßige monatliche Einkommen"),
    ("label.income.kind", "Art des Einkommens"),
    ("label.income.monthly_amount", "Monatlicher Bruttobetrag"),
    ("label.member_index", "Wer erhält es?"),
    ("label.assets", "Vermögenswerte"),
    ("label.asset.kind", "Art des Vermögens"),
    ("label.asset.value", "Aktueller Wert"),
    ("label.housing", "Monatliche Kosten der Unterkunft"),
    ("label.housing.base_rent", "Kaltmiete"),
    ("label.housing.heating", "Heizkosten"),
    ("label.housing.utilities", "Nebenkosten"),
    ("label.iban", "IBAN"),
    (
        "label.attachments",
        "Diese Nachweise lade ich hoch oder reiche ich ein",
    ),
    (
        "label.continuation.changes",
        "Hat sich seit dem letzten Antrag etwas geändert?",
    ),
    (
        "label.continuation.change_details",
        "Was hat sich geändert?",
    ),
    ("label.one_off.kind", "Wofür beantragen Sie die Leistung?"),
    ("label.one_off.reason", "Begründung"),
    ("label.one_off.estimated_cost", "Voraussichtliche Kosten"),
    (
        "label.one_off.expected_birth_date",
        "Voraussichtlicher Geburtstermin",
    ),
    ("label.child", "Kind"),
    ("label.education.kind", "Welche Leistung?"),
    (
        "label.education.institution",
        "Schule, Kita, Verein oder Anbieter",
    ),
    ("label.education.amount", "Kosten"),
    ("label.education.period_from", "Von"),
    ("label.education.period_until", "Bis"),
    ("label.sick_person", "Erkrankte Person"),
    ("label.sick_note.certificate", "Art der Bescheinigung"),
    ("label.sick_note.incapacity_from", "Arbeitsunfähig seit"),
    (
        "label.sick_note.incapacity_until",
        "Voraussichtlich arbeitsunfähig bis",
    ),
    ("label.sick_note.issued_on", "Ausgestellt am"),
    ("label.absence.absent_from", "Abwesend ab"),
    ("label.absence.absent_until", "Abwesend bis"),
    ("label.absence.destination", "Reiseziel (freiwillig)"),
    (
        "label.absence.days_already",
        "Bereits genehmigte Abwesenheitstage in diesem Jahr",
    ),
    ("label.absence.reason", "Grund der Abwesenheit"),
    ("label.absence.reason_details", "Erläuterung"),
    ("label.change.changes", "Was hat sich geändert?"),
    ("label.change.changed_on", "Seit wann (oder ab wann)?"),
    ("label.change.details", "Beschreibung der Änderung"),
    (
        "label.change.new_monthly_income",
        "Neues monatliches Bruttoeinkommen insgesamt",
    ),
    ("label.new_address", "Neue Anschrift"),
    // Help
    (
        "help.household_members",
        "Alle Personen, die mit Ihnen zusammenleben und gemeinsam wirtschaften, ohne Sie selbst.",
    ),
    (
        "help.incomes",
        "Lohn, Gewinn, Kindergeld, Unterhalt, Renten und sonstige regelmäßige Einnahmen.",
    ),
    (
        "help.member_index",
        "0 steht für Sie selbst, 1 für die erste weitere Person, 2 für die zweite und so weiter.",
    ),
    (
        "help.housing.base_rent",
        "Die Miete ohne Heiz- und Nebenkosten, wie im Mietvertrag.",
    ),
    (
        "help.iban",
        "Das Konto, auf das die Leistungen überwiesen werden sollen.",
    ),
    (
        "help.attachments",
        "Wählen Sie die Nachweise, die Sie hochladen oder per Post senden.",
    ),
    (
        "help.continuation.changes",
        "Zum Beispiel Einkommen, Vermögen, Personen im Haushalt oder Wohnkosten.",
    ),
    (
        "help.continuation.iban",
        "Nur angeben, wenn sich Ihre Bankverbindung geändert hat.",
    ),
    (
        "help.one_off.reason",
        "Beschreiben Sie, warum der Bedarf besteht und nicht aus dem Regelbedarf gedeckt werden kann.",
    ),
    (
        "help.education.institution",
        "Name der Schule, Kita, des Vereins oder des Nachhilfeanbieters.",
    ),
    (
        "help.education.amount",
        "Bei Fahrten der Gesamtbetrag, bei Mittagessen, Nachhilfe und Vereinsbeiträgen der Monatsbetrag.",
    ),
    (
        "help.absence.days_already",
        "Tage, an denen Sie in diesem Kalenderjahr schon mit Zustimmung abwesend waren.",
    ),
    // Options
    ("option.relationship.partner", "Ehe- oder Lebenspartner/in"),
    ("option.relationship.child", "Kind"),
    ("option.relationship.other", "Andere Person"),
    ("option.income.employment", "Lohn oder Gehalt"),
    ("option.income.self_employment", "Selbstständige Tätigkeit"),
    ("option.income.child_benefit", "Kindergeld"),
    ("option.income.maintenance", "Unterhalt"),
    ("option.income.pension", "Rente"),
    ("option.income.other", "Sonstiges Einkommen"),
    ("option.asset.bank_balance", "Kontoguthaben"),
    ("option.asset.savings", "Sparguthaben und Wertpapiere"),
    ("option.asset.vehicle", "Fahrzeug"),
    ("option.asset.real_estate", "Grundstück, Haus oder Wohnung"),
    ("option.asset.insurance", "Lebens- oder Rentenversicherung"),
    ("option.asset.other", "Sonstiges Vermögen"),
    ("option.attachment.payslip", "Lohn- und Gehaltsabrechnungen"),
    ("option.attachment.rental_contract", "Mietvertrag"),
    ("option.attachment.bank_statement", "Kontoauszüge"),
    ("option.attachment.identity_document", "Ausweisdokument"),
    (
        "option.attachment.incapacity_certificate",
        "Arbeitsunfähigkeitsbescheinigung",
    ),
    ("option.attachment.cost_estimate", "Kostenvoranschlag"),
    (
        "option.attachment.maternity_record",
        "Mutterpass oder Bescheinigung über den Geburtstermin",
    ),
    (
        "option.attachment.school_confirmation",
        "Bestätigung der Schule oder des Anbieters",
    ),
    (
        "option.attachment.membership_confirmation",
        "Bestätigung über Mitgliedschaft und Beiträge",
    ),
    ("option.attachment.proof_of_change", "Nachweis der Änderung"),
    ("option.attachment.other", "Sonstiges Dokument"),
    (
        "option.one_off.first_furnishing",
        "Erstausstattung der Wohnung",
    ),
    (
        "option.one_off.first_clothing",
        "Erstausstattung mit Bekleidung",
    ),
    (
        "option.one_off.pregnancy_birth",
        "Erstausstattung bei Schwangerschaft und Geburt",
    ),
    (
        "option.one_off.therapeutic_equipment",
        "Orthopädische Schuhe, therapeutische Geräte und Ausrüstungen",
    ),
    (
        "option.one_off.loan",
        "Darlehen für einen unabweisbaren Bedarf",
    ),
    (
        "option.education.school_trip",
        "Schulausflug oder Klassenfahrt",
    ),
    ("option.education.school_supplies", "Schulbedarf"),
    ("option.education.lunch", "Gemeinschaftliches Mittagessen"),
    ("option.education.tutoring", "Lernförderung (Nachhilfe)"),
    (
        "option.education.club_fees",
        "Vereinsbeiträge, Kurse und Freizeiten",
    ),
    ("option.certificate.first", "Erstbescheinigung"),
    ("option.certificate.follow_up", "Folgebescheinigung"),
    ("option.absence_reason.holiday", "Urlaub"),
    ("option.absence_reason.family", "Familiäre Gründe"),
    (
        "option.absence_reason.medical",
        "Ärztliche Behandlung oder Kur",
    ),
    ("option.absence_reason.education", "Bildung oder Ehrenamt"),
    ("option.absence_reason.other", "Anderer Grund"),
    ("option.change.income", "Einkommen"),
    ("option.change.address", "Anschrift (Umzug)"),
    ("option.change.household", "Personen im Haushalt"),
    ("option.change.bank_account", "Bankverbindung"),
    (
        "option.change.housing_costs",
        "Miete, Heiz- oder Nebenkosten",
    ),
    ("option.change.other", "Sonstiges"),
    // Messages of checks
    ("msg.required", "Bitte machen Sie hier eine Angabe."),
    (
        "msg.format.text",
        "Bitte verwenden Sie nur eine Zeile ohne Steuerzeichen.",
    ),
    (
        "msg.format.long_text",
        "Der Text enthält unzulässige Steuerzeichen.",
    ),
    (
        "msg.format.date",
        "Dieses Datum gibt es nicht. Bitte prüfen Sie Tag, Monat und Jahr.",
    ),
    (
        "msg.format.choice",
        "Bitte wählen Sie eine der angebotenen Möglichkeiten.",
    ),
    (
        "msg.max_length",
        "Bitte geben Sie höchstens {limit} Zeichen ein.",
    ),
    (
        "msg.max_items",
        "Bitte geben Sie höchstens {limit} Einträge an.",
    ),
    ("msg.min", "Der Wert darf nicht kleiner als {limit} sein."),
    (
        "msg.max",
        "Der Wert ist unplausibel hoch: höchstens {limit}.",
    ),
    (
        "msg.birth_date.past",
        "Das Geburtsdatum muss in der Vergangenheit liegen und darf nicht mehr als 130 Jahre zurückliegen.",
    ),
    (
        "msg.postal_code.pattern",
        "Eine Postleitzahl besteht aus fünf Ziffern.",
    ),
    (
        "msg.period.order",
        "Das Ende darf nicht vor dem Beginn liegen.",
    ),
    (
        "msg.date.within_a_year",
        "Das Datum muss innerhalb eines Jahres liegen.",
    ),
    (
        "msg.date.within_two_years",
        "Das Datum darf höchstens zwei Jahre in der Zukunft liegen.",
    ),
    (
        "msg.one_off.expected_birth_date",
        "Der Geburtstermin darf höchstens {max_days} Tage in der Zukunft und höchstens {min_days} Tage in der Vergangenheit liegen.",
    ),
    (
        "msg.sick_note.start",
        "Der Beginn der Arbeitsunfähigkeit darf nicht in der Zukunft und nicht mehr als {min_days} Tage zurück liegen.",
    ),
    (
        "msg.sick_note.issued_on",
        "Das Ausstellungsdatum darf nicht in der Zukunft und nicht mehr als {min_days} Tage zurück liegen.",
    ),
    (
        "msg.absence.in_advance",
        "Eine Ortsabwesenheit muss vorher genehmigt werden; der Beginn liegt in der Vergangenheit.",
    ),
    (
        "msg.change.too_far_ahead",
        "Die Änderung darf höchstens {max_days} Tage in der Zukunft liegen.",
    ),
    (
        "msg.change.reported_late",
        "Änderungen sind unverzüglich mitzuteilen; diese liegt mehr als {min_days} Tage zurück.",
    ),
    (
        "msg.attachment.payslip",
        "Sie haben Lohn oder Gehalt angegeben: Bitte reichen Sie die Lohnabrechnungen ein.",
    ),
    (
        "msg.attachment.rental_contract",
        "Sie haben eine Miete angegeben: Bitte reichen Sie den Mietvertrag ein.",
    ),
    (
        "msg.attachment.bank_statement",
        "Sie haben Kontoguthaben oder Ersparnisse angegeben: Bitte reichen Sie Kontoauszüge ein.",
    ),
    (
        "msg.attachment.cost_estimate",
        "Bitte reichen Sie einen Kostenvoranschlag ein.",
    ),
    (
        "msg.attachment.maternity_record",
        "Bitte reichen Sie den Mutterpass oder eine Bescheinigung über den Geburtstermin ein.",
    ),
    (
        "msg.attachment.school_confirmation",
        "Bitte reichen Sie eine Bestätigung der Schule oder des Anbieters ein.",
    ),
    (
        "msg.attachment.membership_confirmation",
        "Bitte reichen Sie eine Bestätigung über Mitgliedschaft und Beiträge ein.",
    ),
    (
        "msg.attachment.proof_of_change",
        "Sie haben Änderungen angegeben: Bitte reichen Sie Nachweise dazu ein.",
    ),
    (
        "msg.attachment.incapacity_certificate",
        "Bitte laden Sie die Arbeitsunfähigkeitsbescheinigung hoch.",
    ),
    // Messages of the request itself
    (
        "msg.form.missing",
        "Bitte wählen Sie, was Sie einreichen möchten.",
    ),
    (
        "msg.case_id.uuid",
        "Die Fallnummer hat nicht das richtige Format.",
    ),
    (
        "msg.case_id.main_application",
        "Ein Hauptantrag eröffnet einen neuen Fall: Bitte keine Fallnummer angeben.",
    ),
    (
        "msg.case_id.required",
        "Bitte geben Sie die Fallnummer an, zu der die Einreichung gehört.",
    ),
    (
        "msg.language",
        "Diese Sprache wird nicht unterstützt. Möglich sind: {languages}.",
    ),
    // Named rules
    (
        "rule.iban.checksum",
        "Diese IBAN ist nicht gültig. Bitte prüfen Sie sie.",
    ),
    (
        "rule.postal_code.in_area",
        "Diese Postleitzahl liegt nicht im Gebiet Ihres Jobcenters. Bitte wenden Sie sich an das Jobcenter Ihres Wohnorts.",
    ),
    (
        "rule.household.applicant_min_age",
        "Die antragstellende Person muss mindestens {age} Jahre alt sein.",
    ),
    (
        "rule.household.applicant_retirement_age",
        "Die antragstellende Person hat die Regelaltersgrenze ({age} Jahre) erreicht; zuständig ist in der Regel das Sozialamt. Der Antrag wird weitergeleitet.",
    ),
    (
        "rule.household.unique_members",
        "Diese Person ist bereits aufgeführt.",
    ),
    (
        "rule.household.one_partner",
        "Es kann nur eine Partnerin oder einen Partner geben.",
    ),
    (
        "rule.household.child_younger",
        "Ein Kind muss jünger sein als die antragstellende Person.",
    ),
    (
        "rule.household.member_index",
        "Bitte wählen Sie sich selbst (0) oder eine aufgeführte Person.",
    ),
    (
        "rule.absence.yearly_limit",
        "Mit dieser Abwesenheit wären Sie {days} Tage in diesem Jahr abwesend; ohne besonderen Grund sind {limit} Tage möglich. Ihr Jobcenter prüft das.",
    ),
    (
        "rule.sick_note.reported_late",
        "Die Erstbescheinigung ist später als {days} Tage nach Beginn der Arbeitsunfähigkeit eingegangen.",
    ),
    (
        "rule.education.child_age",
        "Leistungen für Bildung und Teilhabe gibt es bis zum Alter von {age} Jahren.",
    ),
    (
        "rule.education.participation_age",
        "Vereinsbeiträge, Kurse und Freizeiten werden bis zum Alter von {age} Jahren übernommen.",
    ),
];
