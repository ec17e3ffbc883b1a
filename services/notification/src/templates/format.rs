//! Turns typed arguments into the text Fluent places into a message, per language.
//!
//! fluent-rs does not format dates (its `DATETIME()` is not implemented), so days and times
//! are formatted here: in Europe/Berlin wall time, because appointments and deadlines are
//! the jobcenter's local times whatever the reader's device says.

use chrono::{DateTime, Datelike, NaiveDate, Timelike, Utc, Weekday};
use chrono_tz::Europe::Berlin;
use fluent_bundle::{FluentArgs, FluentValue};

use crate::domain::{ArgValue, Args};

/// The Fluent arguments for a message in `language` (a canonical template language).
pub(crate) fn fluent_args(language: &str, args: &Args) -> FluentArgs<'static> {
    let mut out = FluentArgs::with_capacity(args.0.len());
    for (name, value) in &args.0 {
        let value: FluentValue<'static> = match value {
            ArgValue::Text(text) => text.clone().into(),
            ArgValue::Number(n) => (*n).into(),
            ArgValue::Date(day) => date(language, *day).into(),
            ArgValue::DateTime(at) => date_time(language, *at).into(),
            ArgValue::List(items) => list(items).into(),
        };
        out.set(name.clone(), value);
    }
    out
}

/// A calendar day: de "15.12.2026", en "15 December 2026", the others "15.12.2026" (the
/// usual order in Ukrainian, Turkish and Russian; unambiguous for Arabic readers in Germany).
pub(crate) fn date(language: &str, day: NaiveDate) -> String {
    match language {
        "en" => format!(
            "{} {} {}",
            day.day(),
            ENGLISH_MONTHS[day.month0() as usize],
            day.year()
        ),
        _ => day.format("%d.%m.%Y").to_string(),
    }
}

/// An instant as Berlin wall time with the weekday: de "Dienstag, 15.12.2026, 09:30 Uhr",
/// en "Tuesday, 15 December 2026, 9:30 am", the others "<weekday>, 15.12.2026, 09:30".
pub(crate) fn date_time(language: &str, at: DateTime<Utc>) -> String {
    let local = at.with_timezone(&Berlin);
    let day = local.date_naive();
    let weekday = weekday_name(language, local.weekday());
    let (hour, minute) = (local.hour(), local.minute());
    match language {
        "de" => format!("{weekday}, {}, {hour:02}:{minute:02} Uhr", date("de", day)),
        "en" => {
            let (hour12, half) = match hour {
                0 => (12, "am"),
                1..=11 => (hour, "am"),
                12 => (12, "pm"),
                _ => (hour - 12, "pm"),
            };
            format!(
                "{weekday}, {}, {hour12}:{minute:02} {half}",
                date("en", day)
            )
        }
        _ => format!("{weekday}, {}, {hour:02}:{minute:02}", date(language, day)),
    }
}

/// A list, one item a line, each after "- " (a bullet every mail client and PDF shows).
pub(crate) fn list(items: &[String]) -> String {
    items
        .iter()
        .map(|item| format!("- {item}"))
        .collect::<Vec<_>>()
        .join("\n")
}

const ENGLISH_MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// Weekday names, Monday first.
fn weekday_name(language: &str, weekday: Weekday) -> &'static str {
    const DE: [&str; 7] = [
        "Montag",
        "Dienstag",
        "Mittwoch",
        "Donnerstag",
        "Freitag",
        "Samstag",
        "Sonntag",
    ];
    const EN: [&str; 7] = [
        "Monday",
        "Tuesday",
        "Wednesday",
        "Thursday",
        "Friday",
        "Saturday",
        "Sunday",
    ];
    const UK: [&str; 7] = [
        "понеділок",
        "вівторок",
        "середа",
        "четвер",
        "пʼятниця",
        "субота",
        "неділя",
    ];
    const AR: [&str; 7] = [
        "الاثنين",
        "الثلاثاء",
        "الأربعاء",
        "الخميس",
        "الجمعة",
        "السبت",
        "الأحد",
    ];
    const TR: [&str; 7] = [
        "Pazartesi",
        "Salı",
        "Çarşamba",
        "Perşembe",
        "Cuma",
        "Cumartesi",
        "Pazar",
    ];
    const RU: [&str; 7] = [
        "понедельник",
        "вторник",
        "среда",
        "четверг",
        "пятница",
        "суббота",
        "воскресенье",
    ];
    let names = match language {
        "de" => &DE,
        "uk" => &UK,
        "ar" => &AR,
        "tr" => &TR,
        "ru" => &RU,
        _ => &EN,
    };
    names[weekday.num_days_from_monday() as usize]
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).expect("valid date")
    }

    #[test]
    fn days_are_written_the_way_each_language_writes_them() {
        assert_eq!(date("de", day(2026, 12, 15)), "15.12.2026");
        assert_eq!(date("en", day(2026, 12, 15)), "15 December 2026");
        assert_eq!(date("en", day(2026, 3, 5)), "5 March 2026");
        assert_eq!(date("tr", day(2026, 3, 5)), "05.03.2026");
    }

    #[test]
    fn times_are_berlin_wall_time_in_winter_and_summer() {
        // 08:30 UTC is 09:30 in Berlin in winter (CET, +1)...
        let winter = Utc
            .with_ymd_and_hms(2026, 12, 15, 8, 30, 0)
            .single()
            .expect("time");
        assert_eq!(date_time("de", winter), "Dienstag, 15.12.2026, 09:30 Uhr");
        assert_eq!(
            date_time("en", winter),
            "Tuesday, 15 December 2026, 9:30 am"
        );
        assert_eq!(date_time("ru", winter), "вторник, 15.12.2026, 09:30");
        // ...and 10:30 in summer (CEST, +2).
        let summer = Utc
            .with_ymd_and_hms(2026, 7, 1, 8, 30, 0)
            .single()
            .expect("time");
        assert_eq!(date_time("de", summer), "Mittwoch, 01.07.2026, 10:30 Uhr");
    }

    #[test]
    fn english_uses_twelve_hours_with_noon_and_midnight_right() {
        let noon = Utc
            .with_ymd_and_hms(2026, 12, 15, 11, 5, 0)
            .single()
            .expect("time");
        assert_eq!(date_time("en", noon), "Tuesday, 15 December 2026, 12:05 pm");
        let after_midnight = Utc
            .with_ymd_and_hms(2026, 12, 14, 23, 15, 0)
            .single()
            .expect("time");
        assert_eq!(
            date_time("en", after_midnight),
            "Tuesday, 15 December 2026, 12:15 am"
        );
        let afternoon = Utc
            .with_ymd_and_hms(2026, 12, 15, 13, 0, 0)
            .single()
            .expect("time");
        assert_eq!(
            date_time("en", afternoon),
            "Tuesday, 15 December 2026, 2:00 pm"
        );
    }

    #[test]
    fn lists_are_one_item_a_line_with_a_dash() {
        let items = vec!["Kontoauszüge".to_owned(), "Mietvertrag".to_owned()];
        assert_eq!(list(&items), "- Kontoauszüge\n- Mietvertrag");
        assert_eq!(list(&[]), "");
    }
}
