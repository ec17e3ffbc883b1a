//! The appointment calendar of every jobcenter the system tests use: one office in Essen (North
//! Rhine-Westphalia, so its public holidays apply), open on working days 08:00–16:00, offering a
//! first meeting about an application (30 minutes, two places, applicants book it themselves)
//! and a Meldetermin (30 minutes, one place, by invitation only).
//!
//! Each jobcenter has its own ids (UUIDv5 of the tenant and the name), so one jobcenter's office
//! id names nothing of another's.

use uuid::Uuid;

/// The jobcenters with a calendar.
pub const TENANTS: [&str; 5] = [
    "jc-essen",
    "jc-canary",
    "jc-tenant-a",
    "jc-tenant-b",
    "jc-musterstadt",
];

/// Namespace of the calendar's ids.
const NAMESPACE: Uuid = Uuid::from_u128(0x8d1e_27c4_5b90_4f3a_a6e2_1c7d_93b0_54f8);

fn id(tenant: &str, name: &str) -> Uuid {
    Uuid::new_v5(&NAMESPACE, format!("{tenant}/{name}").as_bytes())
}

/// The office of `tenant`.
pub fn office_id(tenant: &str) -> String {
    id(tenant, "office").to_string()
}

/// The first-meeting type of `tenant` (self-service).
pub fn first_meeting_type(tenant: &str) -> String {
    id(tenant, "first-meeting").to_string()
}

/// The Meldetermin type of `tenant` (by invitation).
pub fn meldetermin_type(tenant: &str) -> String {
    id(tenant, "meldetermin").to_string()
}

/// The appointment service's settings file (TOML) holding every calendar.
pub fn settings_toml() -> String {
    let mut toml = String::from(
        "[calendars.ical]\n\
         uid_domain = \"termine.system-tests.invalid\"\n\
         organizer_name = \"Jobcenter, Terminservice\"\n\
         organizer_email = \"termine@system-tests.invalid\"\n",
    );
    for tenant in TENANTS {
        let weekdays = ["mon", "tue", "wed", "thu", "fri"]
            .map(|day| format!("{{ weekday = \"{day}\", start = \"08:00\", end = \"16:00\" }}"))
            .join(", ");
        toml.push_str(&format!(
            r#"
[[calendars.tenants.{tenant}.offices]]
id = "{office}"
name = "Jobcenter, Standort Mitte"
state = "NW"
address = {{ street = "Berliner Platz 10", postal_code = "45127", city = "Essen" }}
opening_hours = [{weekdays}]

[[calendars.tenants.{tenant}.appointment_types]]
id = "{first_meeting}"
kind = "first_meeting"
name_de = "Erstgespräch zum Antrag"
name_en = "First meeting about your application"
duration_minutes = 30
capacity = 2
channels = ["in_person", "phone", "video"]
self_service = true

[[calendars.tenants.{tenant}.appointment_types]]
id = "{meldetermin}"
kind = "meldetermin"
name_de = "Meldetermin"
name_en = "Mandatory appointment"
duration_minutes = 30
capacity = 1
channels = ["in_person"]
self_service = false
"#,
            office = office_id(tenant),
            first_meeting = first_meeting_type(tenant),
            meldetermin = meldetermin_type(tenant),
        ));
    }
    toml
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_jobcenter_has_its_own_ids() {
        assert_ne!(office_id("jc-tenant-a"), office_id("jc-tenant-b"));
        assert_ne!(first_meeting_type("jc-essen"), meldetermin_type("jc-essen"));
    }

    #[test]
    fn the_settings_are_the_appointment_service_s_and_valid() {
        let dir = tempfile::tempdir().expect("dir");
        let path = dir.path().join("appointment.toml");
        std::fs::write(&path, settings_toml()).expect("written");
        let config: appointment::Config =
            platform::config::load(appointment::ENV_PREFIX, Some(&path)).expect("loads");
        assert_eq!(config.calendars.tenants.len(), TENANTS.len());
        assert!(config.problems().is_empty(), "{:?}", config.problems());
    }
}
