use super::*;
use crate::domain::fixtures;
use crate::domain::ids::TeamId;
use uuid::Uuid;

fn essen() -> TenantCalendarSettings {
    let config = fixtures::config();
    TenantCalendarSettings {
        offices: config.offices,
        teams: config.teams,
        appointment_types: config.appointment_types,
        closures: config.closures,
        rules: config.rules,
        ..TenantCalendarSettings::default()
    }
}

fn calendar(settings: TenantCalendarSettings) -> TenantCalendar {
    let all = CalendarSettings {
        tenants: BTreeMap::from([("jc-essen".to_owned(), settings)]),
        ..CalendarSettings::default()
    };
    assert!(all.problems().is_empty(), "{:?}", all.problems());
    Calendars::from_settings(&all)
        .of("jc-essen")
        .cloned()
        .expect("configured")
}

#[test]
fn a_type_no_team_serves_is_offered_at_every_office_and_otherwise_at_its_teams_offices() {
    let mut settings = essen();
    settings.teams.clear();
    let mut second = settings.offices[0].clone();
    second.id = OfficeId(Uuid::from_u128(0x5ec0));
    second.name = "Jobcenter Essen, Standort Nord".into();
    settings.offices.push(second.clone());
    let everywhere = calendar(settings.clone());
    assert_eq!(
        everywhere.offices_offering(fixtures::FIRST_MEETING),
        [fixtures::OFFICE, second.id]
    );
    settings.teams.push(Team {
        id: TeamId(Uuid::from_u128(0x7ea)),
        office: second.id,
        name: "Eingangszone Nord".into(),
        appointment_types: vec![fixtures::FIRST_MEETING],
    });
    let by_team = calendar(settings);
    assert_eq!(
        by_team.offices_offering(fixtures::FIRST_MEETING),
        [second.id]
    );
    assert!(
        by_team
            .offered(fixtures::OFFICE, fixtures::FIRST_MEETING)
            .is_none()
    );
    assert!(
        by_team
            .offered(second.id, fixtures::FIRST_MEETING)
            .is_some()
    );
    assert!(by_team.offered(second.id, fixtures::COUNSELLING).is_some());
}

#[test]
fn templates_and_senders_are_checked_per_jobcenter() {
    let mut settings = essen();
    settings.invitation.german.notice = "Ohne Datum.".into();
    settings.ical = Some(IcalConfig {
        uid_domain: "with space".into(),
        ..IcalConfig::default()
    });
    let all = CalendarSettings {
        tenants: BTreeMap::from([("jc-essen".to_owned(), settings)]),
        ..CalendarSettings::default()
    };
    assert_eq!(
        all.problems(),
        [
            "calendars.tenants.jc-essen.invitation.german.notice: the notice must name the \
             appointment's {date}",
            "calendars.tenants.jc-essen.ical.uid_domain must be a domain name without spaces or \
             '@'",
        ]
    );
}
