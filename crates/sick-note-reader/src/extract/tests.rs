//! Extraction from pages built from text: clean, noisy, incomplete, implausible, and with a
//! diagnosis that must never come out.

use chrono::NaiveDate;

use super::*;
use crate::page::OcrPage;

const CLEAN_FIRST: &str = "Arbeitsunfähigkeitsbescheinigung
Erstbescheinigung
Name, Vorname des Versicherten: Musterfrau, Erika
geb. am 12.04.1985
arbeitsunfähig seit 16.11.2026
voraussichtlich arbeitsunfähig bis einschließlich 27.11.2026
festgestellt am 16.11.2026";

fn day(y: i32, m: u32, d: u32) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(y, m, d)
}

fn read(text: &str) -> Reading {
    extract(&OcrPage::from_text(text, 90.0))
}

fn doubt(doubt: Doubt) -> String {
    doubt.to_string()
}

fn expected_clean(certificate: Certificate) -> Reading {
    Reading {
        family_name: Some("Musterfrau".into()),
        given_name: Some("Erika".into()),
        birth_date: day(1985, 4, 12),
        incapacity_from: day(2026, 11, 16),
        incapacity_until: day(2026, 11, 27),
        issued_on: day(2026, 11, 16),
        certificate,
        confidence: 90,
        doubts: vec![],
    }
}

#[test]
fn clean_first_certificate_is_read_completely_and_sure() {
    let reading = read(CLEAN_FIRST);
    assert_eq!(reading, expected_clean(Certificate::First));
    assert!(reading.is_sure());
}

#[test]
fn follow_up_certificate_is_recognised() {
    let text = CLEAN_FIRST.replace("Erstbescheinigung", "Folgebescheinigung");
    assert_eq!(read(&text), expected_clean(Certificate::FollowUp));
}

#[test]
fn ocr_noise_in_labels_and_dates_is_tolerated() {
    let variants = [
        // umlauts lost, upper case, extra spaces, O for 0, l for 1
        "ARBEITSUNFAHIGKEITSBESCHEINIGUNG
         ERSTBESCHEINIGUNG
         NAME,VORNAME DES VERSICHERTEN :  Musterfrau ,Erika
         geb.am 12.O4.1985
         arbeitsunfahig   seit 16.11.2O26
         voraussichtlich arbeitsunfahig bis einschlieBlich 27.1l.2026
         festgestellt am l6.11.2026",
        // commas for dots, spaces in dates, two-digit years, ae for ä, one letter misread
        "Arbeitsunfaehigkeitsbescheinigung
         Erstbescheimigung
         Name, Vorname des Versicherlen: Musterfrau, Erika
         geb. am 12,04,85
         arbeitsunfähig seit 16. 11. 26
         voraussichtlich arbeitsunfähig bis einschliesslich 27,11,2026
         festgestelt am 16.11.26",
        // labels split differently into words, a lost space before a date
        "Arbeits unfähigkeits bescheinigung
         Erst bescheinigung
         Name, Vor name des Ver sicherten: Musterfrau, Erika
         geb. am12.04.1985
         arbeits unfähig seit16.11.2026
         voraussichtlich arbeitsunfähig biseinschließlich 27.11.2026
         festgestellt am 16.11.2026.",
    ];
    for text in variants {
        let reading = read(text);
        assert_eq!(reading, expected_clean(Certificate::First), "{text}");
    }
}

#[test]
fn missing_required_field_gives_zero_confidence_and_says_which() {
    let without_from: String = CLEAN_FIRST
        .lines()
        .filter(|line| !line.contains("seit"))
        .collect::<Vec<_>>()
        .join("\n");
    let reading = read(&without_from);
    assert_eq!(reading.incapacity_from, None);
    assert_eq!(reading.incapacity_until, day(2026, 11, 27));
    assert_eq!(reading.confidence, 0);
    assert_eq!(
        reading.doubts,
        [doubt(Doubt::Missing(Field::IncapacityFrom))]
    );
    assert_eq!(reading.doubts[0], "no first day of incapacity found");

    let without_name = CLEAN_FIRST.replace("Name, Vorname des Versicherten: Musterfrau, Erika", "");
    let reading = read(&without_name);
    assert_eq!((reading.family_name, reading.confidence), (None, 0));
    assert_eq!(reading.doubts, ["no name found"]);

    let without_end = CLEAN_FIRST.replace("27.11.2026", "");
    let reading = read(&without_end);
    assert_eq!((reading.incapacity_until, reading.confidence), (None, 0));
    assert_eq!(reading.doubts, ["end date not readable"]);
}

#[test]
fn optional_fields_missing_keep_confidence_but_are_doubted() {
    let text = CLEAN_FIRST
        .replace("geb. am 12.04.1985", "")
        .replace("festgestellt am 16.11.2026", "")
        .replace("Erstbescheinigung\n", "");
    let reading = read(&text);
    assert_eq!(reading.confidence, 90);
    assert_eq!(reading.certificate, Certificate::Unknown);
    assert_eq!(
        reading.doubts,
        [
            doubt(Doubt::KindMissing),
            doubt(Doubt::Missing(Field::IssuedOn)),
            doubt(Doubt::Missing(Field::BirthDate)),
        ]
    );
    assert!(!reading.is_sure());
}

#[test]
fn swapped_dates_are_kept_for_the_caseworker_but_never_sure() {
    let text = CLEAN_FIRST
        .replace("seit 16.11.2026", "seit 27.11.2026")
        .replace("einschließlich 27.11.2026", "einschließlich 16.11.2026")
        .replace("festgestellt am 16.11.2026", "festgestellt am 27.11.2026");
    let reading = read(&text);
    assert_eq!(reading.incapacity_from, day(2026, 11, 27));
    assert_eq!(reading.incapacity_until, day(2026, 11, 16));
    assert_eq!(reading.confidence, 0);
    assert_eq!(
        reading.doubts,
        [doubt(Doubt::EndBeforeStart), doubt(Doubt::IssuedAfterEnd)]
    );
}

#[test]
fn diagnosis_is_never_returned() {
    let text = format!(
        "{CLEAN_FIRST}\nDiagnose: J06.9 G Akute Infektion der oberen Atemwege\nICD-10: J06.9"
    );
    let reading = read(&text);
    assert_eq!(reading, expected_clean(Certificate::First));

    // A code on the name line makes the name unreadable rather than part of it.
    let text = CLEAN_FIRST.replace("Musterfrau, Erika", "Musterfrau, Erika J06.9");
    let reading = read(&text);
    assert_eq!(reading.family_name, None);
    assert_eq!(reading.given_name, None);
    assert!(
        reading
            .doubts
            .contains(&doubt(Doubt::Unreadable(Field::Name)))
    );
    assert!(!format!("{reading:?}").contains("J06"));
}

#[test]
fn a_diagnosis_line_is_never_taken_as_a_value_on_the_next_line() {
    let text = CLEAN_FIRST.replace(
        "arbeitsunfähig seit 16.11.2026",
        "arbeitsunfähig seit\nDiagnose: 16.11.2026 J06.9",
    );
    let reading = read(&text);
    assert_eq!(reading.incapacity_from, None);
    assert!(
        reading
            .doubts
            .contains(&doubt(Doubt::Unreadable(Field::IncapacityFrom)))
    );
}

#[test]
fn a_date_under_its_label_is_read() {
    let text = CLEAN_FIRST.replace("seit 16.11.2026", "seit\n16.11.2026");
    assert_eq!(read(&text), expected_clean(Certificate::First));
}

#[test]
fn labels_mangled_beyond_a_few_letters_are_not_guessed() {
    // What Tesseract made of a badly blurred scan: the dates are there, their labels are not.
    let text = "Arbent sunfärngketibesc heungung
Erstbeschemugung
Name. Vorname des Verucherten Musterfrau. Erika
geb. am 12.04 1985
arbersunfätug vor 16 11.2026
vorausuchtich arbetsunfätug bs eınschheßlich 27 11.2026
festgesteit am 16.11.2026";
    let reading = read(text);
    assert_eq!(reading.incapacity_from, None);
    assert_eq!(reading.incapacity_until, None);
    assert_eq!(reading.confidence, 0);
    assert!(
        reading
            .doubts
            .contains(&doubt(Doubt::Missing(Field::IncapacityFrom)))
    );
    assert!(
        reading
            .doubts
            .contains(&doubt(Doubt::Missing(Field::IncapacityUntil)))
    );
}

#[test]
fn different_values_for_one_field_are_not_chosen_between() {
    let text = format!("{CLEAN_FIRST}\narbeitsunfähig seit 17.11.2026");
    let reading = read(&text);
    assert_eq!(reading.incapacity_from, None);
    assert_eq!(reading.confidence, 0);
    assert!(
        reading
            .doubts
            .contains(&"first day of incapacity found twice, differently".to_owned())
    );

    let repeated = format!("{CLEAN_FIRST}\narbeitsunfähig seit 16.11.2026");
    assert_eq!(read(&repeated), expected_clean(Certificate::First));
}

#[test]
fn confidence_is_the_mean_over_the_words_of_the_fields_found() {
    let text = format!("{CLEAN_FIRST}\nPraxis Dr. med. Beispiel, Hauptstraße 1");
    let mut page = OcrPage::from_text(&text, 95.0);
    // Unrelated text read poorly does not lower the confidence ...
    page.lines
        .last_mut()
        .unwrap()
        .words
        .iter_mut()
        .for_each(|w| w.confidence = 10.0);
    assert_eq!(extract(&page).confidence, 95);
    // ... a field's words read poorly do: "seit" and the date at 35 among the 21 words of the
    // fields (1 kind, 4 + 2 name, 3 birth, 3 from, 5 until, 3 issued) with the rest at 95.
    let from = &mut page.lines[4].words;
    from[1].confidence = 35.0;
    from[2].confidence = 35.0;
    let reading = extract(&page);
    let expected = ((19.0 * 95.0 + 2.0 * 35.0) / 21.0_f32).round() as u8;
    assert_eq!(expected, 89);
    assert_eq!(reading.confidence, expected);
}

#[test]
fn low_ocr_confidence_is_a_doubt_with_its_figure() {
    let reading = extract(&OcrPage::from_text(CLEAN_FIRST, 53.4));
    assert_eq!(reading.confidence, 53);
    assert_eq!(reading.doubts, ["low OCR confidence (53)"]);
    assert!(!reading.is_sure());
}

#[test]
fn implausible_dates_are_doubted() {
    let late = CLEAN_FIRST.replace("festgestellt am 16.11.2026", "festgestellt am 20.11.2026");
    assert_eq!(read(&late).doubts, [doubt(Doubt::IssuedLate)]);
    let backdated_within_rules =
        CLEAN_FIRST.replace("festgestellt am 16.11.2026", "festgestellt am 19.11.2026");
    assert!(read(&backdated_within_rules).doubts.is_empty());
    let early = CLEAN_FIRST.replace("festgestellt am 16.11.2026", "festgestellt am 13.11.2026");
    assert_eq!(read(&early).doubts, [doubt(Doubt::IssuedBeforeStart)]);
    let long = CLEAN_FIRST.replace("einschließlich 27.11.2026", "einschließlich 31.01.2027");
    assert_eq!(read(&long).doubts, [doubt(Doubt::LongPeriod)]);
    let unborn = CLEAN_FIRST.replace("geb. am 12.04.1985", "geb. am 12.04.2027");
    assert_eq!(read(&unborn).doubts, [doubt(Doubt::BirthNotBeforeStart)]);
}

#[test]
fn certificate_kind_marked_twice_is_unknown() {
    let text = CLEAN_FIRST.replace("Erstbescheinigung", "Erstbescheinigung Folgebescheinigung");
    let reading = read(&text);
    assert_eq!(reading.certificate, Certificate::Unknown);
    assert_eq!(reading.doubts, [doubt(Doubt::KindConflicting)]);
}

#[test]
fn a_page_without_the_title_may_not_be_a_sick_note() {
    let text = CLEAN_FIRST.replace("Arbeitsunfähigkeitsbescheinigung\n", "");
    let reading = read(&text);
    assert_eq!(reading.confidence, 90);
    assert_eq!(reading.doubts, [doubt(Doubt::NoTitle)]);
}

#[test]
fn name_without_comma_is_split_in_label_order_and_doubted() {
    let text = CLEAN_FIRST.replace("Musterfrau, Erika", "Musterfrau Erika");
    let reading = read(&text);
    assert_eq!(reading.family_name.as_deref(), Some("Musterfrau"));
    assert_eq!(reading.given_name.as_deref(), Some("Erika"));
    assert_eq!(reading.doubts, [doubt(Doubt::NameNotSeparated)]);
}

#[test]
fn two_digit_birth_year_is_placed_by_the_certificate_dates_or_doubted() {
    let text = CLEAN_FIRST.replace("12.04.1985", "12.04.10");
    assert_eq!(read(&text).birth_date, day(2010, 4, 12));
    let alone = read("Name, Vorname: Musterfrau, Erika\ngeb. am 12.04.85");
    assert_eq!(alone.birth_date, None);
    assert!(alone.doubts.contains(&doubt(Doubt::BirthCenturyUnknown)));
}

#[test]
fn empty_or_unrelated_pages_give_nothing_and_say_so() {
    for text in ["", "Kontoauszug Nr. 7\nSaldo 1.234,56 EUR\n01.11.2026"] {
        let reading = read(text);
        assert_eq!(
            reading,
            Reading {
                doubts: vec![
                    doubt(Doubt::NoTitle),
                    doubt(Doubt::KindMissing),
                    doubt(Doubt::Missing(Field::Name)),
                    doubt(Doubt::Missing(Field::IncapacityFrom)),
                    doubt(Doubt::Missing(Field::IncapacityUntil)),
                    doubt(Doubt::Missing(Field::IssuedOn)),
                    doubt(Doubt::Missing(Field::BirthDate)),
                ],
                ..Reading::default()
            }
        );
    }
}

#[test]
fn doubts_never_carry_text_from_the_scan() {
    let text = CLEAN_FIRST
        .replace("seit 16.11.2026", "seit 30.11.2026")
        .replace("Musterfrau, Erika", "Musterfrau Erika");
    let reading = extract(&OcrPage::from_text(&text, 40.0));
    assert!(!reading.doubts.is_empty());
    for doubt in &reading.doubts {
        assert!(
            !doubt.contains("Musterfrau") && !doubt.contains("Erika"),
            "{doubt}"
        );
        assert!(
            !doubt.contains("2026") && !doubt.contains(".11."),
            "{doubt}"
        );
    }
}
