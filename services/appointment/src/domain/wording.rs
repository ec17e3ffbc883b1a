//! How appointments read in German and English: dates, times, channels and places, for
//! invitations, reminders and calendar files. Written out here rather than with a locale
//! library because the texts need only two languages and must not change with a platform's
//! locale data.

use chrono::{DateTime, Datelike, NaiveDate, NaiveTime, Timelike, Utc, Weekday};
use chrono_tz::Europe::Berlin;
use serde::{Deserialize, Serialize};

use super::calendar::{Channel, Office};
use super::video_link::VideoLink;

/// A language the appointment texts exist in. German is the legally binding one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub enum Language {
    /// German: the binding text.
    #[default]
    #[serde(rename = "de")]
    German,
    /// English: a help for applicants who read it better.
    #[serde(rename = "en")]
    English,
}

/// A date in words: "Montag, 30. März 2026" or "Monday, 30 March 2026".
pub fn date(day: NaiveDate, language: Language) -> String {
    let weekday = weekday_name(day.weekday(), language);
    let month = month_name(day.month(), language);
    match language {
        Language::German => format!("{weekday}, {}. {month} {}", day.day(), day.year()),
        Language::English => format!("{weekday}, {} {month} {}", day.day(), day.year()),
    }
}

/// A time of day: "09:00 Uhr" or "09:00".
pub fn time(at: NaiveTime, language: Language) -> String {
    let clock = format!("{:02}:{:02}", at.hour(), at.minute());
    match language {
        Language::German => format!("{clock} Uhr"),
        Language::English => clock,
    }
}

/// A moment as local date and time in Berlin, in words: "Montag, 30. März 2026, 09:00 Uhr".
pub fn local_date_time(at: DateTime<Utc>, language: Language) -> String {
    let local = at.with_timezone(&Berlin);
    let separator = match language {
        Language::German => ", ",
        Language::English => " at ",
    };
    format!(
        "{}{separator}{}",
        date(local.date_naive(), language),
        time(local.time(), language)
    )
}

/// How the appointment takes place, as a phrase.
pub fn channel(channel: Channel, language: Language) -> &'static str {
    match (channel, language) {
        (Channel::InPerson, Language::German) => "persönlich",
        (Channel::InPerson, Language::English) => "in person",
        (Channel::Phone, Language::German) => "telefonisch",
        (Channel::Phone, Language::English) => "by telephone",
        (Channel::Video, Language::German) => "per Video",
        (Channel::Video, Language::English) => "by video",
    }
}

/// Where the applicant goes (or how they are reached): the office and its address in person,
/// a sentence otherwise; a video appointment names its link when it has one.
pub fn place(
    channel: Channel,
    office: &Office,
    video_link: Option<&VideoLink>,
    language: Language,
) -> String {
    match (channel, language, video_link) {
        (Channel::InPerson, _, _) => format!("{}, {}", office.name, office.address),
        (Channel::Phone, Language::German, _) => {
            "telefonisch: wir rufen Sie unter der Nummer an, die Sie uns genannt haben".to_owned()
        }
        (Channel::Phone, Language::English, _) => {
            "by telephone: we will call you on the number you gave us".to_owned()
        }
        (Channel::Video, Language::German, Some(link)) => {
            format!("per Video über diesen Link: {}", link.as_str())
        }
        (Channel::Video, Language::English, Some(link)) => {
            format!("by video, joining with this link: {}", link.as_str())
        }
        (Channel::Video, Language::German, None) => {
            "per Video: den Link zur Teilnahme senden wir Ihnen rechtzeitig".to_owned()
        }
        (Channel::Video, Language::English, None) => {
            "by video: we will send you the link to join in time".to_owned()
        }
    }
}

fn weekday_name(weekday: Weekday, language: Language) -> &'static str {
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
    let names = match language {
        Language::German => DE,
        Language::English => EN,
    };
    names[weekday.num_days_from_monday() as usize]
}

fn month_name(month: u32, language: Language) -> &'static str {
    const DE: [&str; 12] = [
        "Januar",
        "Februar",
        "März",
        "April",
        "Mai",
        "Juni",
        "Juli",
        "August",
        "September",
        "Oktober",
        "November",
        "Dezember",
    ];
    const EN: [&str; 12] = [
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
    let names = match language {
        Language::German => DE,
        Language::English => EN,
    };
    names
        .get(month.saturating_sub(1) as usize)
        .copied()
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_and_times_read_naturally_in_both_languages() {
        let day = NaiveDate::from_ymd_opt(2026, 3, 30).expect("day");
        assert_eq!(date(day, Language::German), "Montag, 30. März 2026");
        assert_eq!(date(day, Language::English), "Monday, 30 March 2026");
        let nine = NaiveTime::from_hms_opt(9, 5, 0).expect("time");
        assert_eq!(time(nine, Language::German), "09:05 Uhr");
        assert_eq!(time(nine, Language::English), "09:05");
    }

    #[test]
    fn a_moment_reads_in_berlin_time_across_the_change_to_summer_time() {
        let friday = DateTime::parse_from_rfc3339("2026-03-27T08:00:00Z")
            .expect("time")
            .with_timezone(&Utc);
        let monday = DateTime::parse_from_rfc3339("2026-03-30T07:00:00Z")
            .expect("time")
            .with_timezone(&Utc);
        assert_eq!(
            local_date_time(friday, Language::German),
            "Freitag, 27. März 2026, 09:00 Uhr"
        );
        assert_eq!(
            local_date_time(monday, Language::English),
            "Monday, 30 March 2026 at 09:00"
        );
    }
}
