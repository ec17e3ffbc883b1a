//! Each jobcenter's calendar, from the settings: `calendars.tenants.<tenant id>` holds its
//! offices, teams, appointment types, closures, booking rules and (optionally) its own
//! invitation texts, calendar-file sender and reminder policy; `calendars.ical` and
//! `calendars.reminders` are the defaults for jobcenters that set none.
//!
//! The settings use the domain's own types (`domain::calendar`, `domain::invitation`,
//! `domain::reminders`), which refuse unknown fields, so a misspelt key stops the start instead
//! of being ignored. [`CalendarSettings::problems`] checks every calendar with
//! `domain::validation` and every template with `domain::invitation::check_templates`; the
//! service refuses to start while any problem is left (each named by its full path).
//!
//! Which office offers which type: the offices of the teams that serve it; a type no team
//! serves is offered at every office (a small jobcenter configures no teams).

use std::collections::{BTreeMap, HashMap};

use platform::TenantId;
use serde::Deserialize;

use crate::domain::calendar::{
    AppointmentType, BookingRules, CalendarConfig, Closure, Office, Team,
};
use crate::domain::ical::IcalSettings;
use crate::domain::ids::{AppointmentTypeId, OfficeId};
use crate::domain::invitation::{InvitationTemplates, check_templates};
use crate::domain::reminders::ReminderPolicy;
use crate::domain::validation;

/// The calendars of every jobcenter of the installation (`calendars` in the settings).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct CalendarSettings {
    /// The sender of calendar files for jobcenters without their own. Default: see
    /// [`IcalConfig`].
    pub ical: IcalConfig,
    /// The reminder policy for jobcenters without their own. Default: 18:00 the evening
    /// before, and 15 minutes before a video appointment.
    pub reminders: ReminderPolicy,
    /// The calendars, by tenant id. A jobcenter not listed has an empty calendar.
    pub tenants: BTreeMap<String, TenantCalendarSettings>,
}

/// One jobcenter's calendar as configured (`calendars.tenants.<tenant id>`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct TenantCalendarSettings {
    /// Its offices.
    pub offices: Vec<Office>,
    /// Its teams.
    pub teams: Vec<Team>,
    /// The appointment types it offers.
    pub appointment_types: Vec<AppointmentType>,
    /// Its closures besides public holidays.
    pub closures: Vec<Closure>,
    /// Its booking rules. Default: the domain's (24 h lead, 42-day horizon, 24 h notice, 5
    /// alternatives).
    pub rules: BookingRules,
    /// Its Meldetermin letter. Default: the reviewed default text (`domain::invitation`).
    pub invitation: InvitationTemplates,
    /// Its calendar-file sender; default `calendars.ical`.
    pub ical: Option<IcalConfig>,
    /// Its reminder policy; default `calendars.reminders`.
    pub reminders: Option<ReminderPolicy>,
}

/// What calendar files say about their sender.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct IcalConfig {
    /// The domain after the `@` of every UID. Default `termine.jobcenter.invalid`: set it.
    pub uid_domain: String,
    /// The organizer's name. Default "Jobcenter".
    pub organizer_name: String,
    /// The organizer's mail address. Default `termine@jobcenter.invalid`: set it.
    pub organizer_email: String,
}

impl Default for IcalConfig {
    fn default() -> Self {
        Self {
            uid_domain: "termine.jobcenter.invalid".to_owned(),
            organizer_name: "Jobcenter".to_owned(),
            organizer_email: "termine@jobcenter.invalid".to_owned(),
        }
    }
}

impl IcalConfig {
    fn problems(&self, path: &str) -> Vec<String> {
        let mut problems = Vec::new();
        let plain = |text: &str| {
            !text.is_empty() && text.chars().all(|c| !c.is_whitespace() && !c.is_control())
        };
        if !plain(&self.uid_domain) || self.uid_domain.contains('@') {
            problems.push(format!(
                "{path}.uid_domain must be a domain name without spaces or '@'"
            ));
        }
        if self.organizer_name.trim().is_empty() {
            problems.push(format!("{path}.organizer_name must not be empty"));
        }
        let email_ok = plain(&self.organizer_email)
            && self
                .organizer_email
                .split_once('@')
                .is_some_and(|(local, domain)| {
                    !local.is_empty() && !domain.is_empty() && !domain.contains('@')
                });
        if !email_ok {
            problems.push(format!(
                "{path}.organizer_email must be a mail address (local@domain)"
            ));
        }
        problems
    }

    fn to_settings(&self) -> IcalSettings {
        IcalSettings {
            uid_domain: self.uid_domain.clone(),
            organizer_name: self.organizer_name.clone(),
            organizer_email: self.organizer_email.clone(),
        }
    }
}

fn reminder_problems(policy: &ReminderPolicy, path: &str) -> Vec<String> {
    if policy.join_soon_minutes == Some(0) {
        vec![format!(
            "{path}.join_soon_minutes must be at least 1 (leave it out for no such reminder)"
        )]
    } else {
        Vec::new()
    }
}

impl CalendarSettings {
    /// Everything wrong with the calendars, each problem named by its full settings path
    /// (`calendars.tenants.jc-essen.offices[0].opening_hours[2].end: ends before it starts`).
    pub fn problems(&self) -> Vec<String> {
        let mut problems = self.ical.problems("calendars.ical");
        problems.extend(reminder_problems(&self.reminders, "calendars.reminders"));
        for (tenant, settings) in &self.tenants {
            let path = format!("calendars.tenants.{tenant}");
            if TenantId::parse(tenant).is_err() {
                problems.push(format!("{path}: {tenant:?} is not a tenant id"));
            }
            if let Err(invalid) = validation::validate(&settings.calendar()) {
                problems.extend(
                    invalid
                        .0
                        .iter()
                        .map(|violation| format!("{path}.{violation}")),
                );
            }
            if let Err(template) = check_templates(&settings.invitation) {
                problems.push(format!("{path}.invitation.{template}"));
            }
            if let Some(ical) = &settings.ical {
                problems.extend(ical.problems(&format!("{path}.ical")));
            }
            if let Some(reminders) = &settings.reminders {
                problems.extend(reminder_problems(reminders, &format!("{path}.reminders")));
            }
        }
        problems
    }
}

impl TenantCalendarSettings {
    /// The domain's calendar configuration.
    pub fn calendar(&self) -> CalendarConfig {
        CalendarConfig {
            offices: self.offices.clone(),
            teams: self.teams.clone(),
            appointment_types: self.appointment_types.clone(),
            closures: self.closures.clone(),
            rules: self.rules,
        }
    }
}

/// One jobcenter's calendar, ready to decide with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TenantCalendar {
    /// Offices, teams, types, closures and rules.
    pub config: CalendarConfig,
    /// The Meldetermin letter.
    pub invitation: InvitationTemplates,
    /// The sender of its calendar files.
    pub ical: IcalSettings,
    /// Its reminder policy (for the reminder scheduler, not built yet).
    pub reminders: ReminderPolicy,
}

impl TenantCalendar {
    /// The offices that offer `appointment_type`: those of the teams serving it, or every
    /// office when no team serves it.
    pub fn offices_offering(&self, appointment_type: AppointmentTypeId) -> Vec<OfficeId> {
        let serving: Vec<OfficeId> = self
            .config
            .teams
            .iter()
            .filter(|team| team.appointment_types.contains(&appointment_type))
            .map(|team| team.office)
            .collect();
        if serving.is_empty() {
            return self.config.offices.iter().map(|office| office.id).collect();
        }
        // In the order of the offices (their ids are unique), once each.
        self.config
            .offices
            .iter()
            .map(|office| office.id)
            .filter(|id| serving.contains(id))
            .collect()
    }

    /// The office `office` and the type `appointment_type` if the office offers the type.
    pub fn offered(
        &self,
        office: OfficeId,
        appointment_type: AppointmentTypeId,
    ) -> Option<(&Office, &AppointmentType)> {
        let found = (
            self.config.office(office)?,
            self.config.appointment_type(appointment_type)?,
        );
        self.offices_offering(appointment_type)
            .contains(&office)
            .then_some(found)
    }
}

/// Every jobcenter's calendar, by tenant id.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Calendars {
    tenants: HashMap<String, TenantCalendar>,
}

impl Calendars {
    /// The calendars the settings describe (check [`CalendarSettings::problems`] first).
    pub fn from_settings(settings: &CalendarSettings) -> Self {
        let tenants = settings
            .tenants
            .iter()
            .map(|(tenant, own)| {
                let calendar = TenantCalendar {
                    config: own.calendar(),
                    invitation: own.invitation.clone(),
                    ical: own.ical.as_ref().unwrap_or(&settings.ical).to_settings(),
                    reminders: own.reminders.unwrap_or(settings.reminders),
                };
                (tenant.clone(), calendar)
            })
            .collect();
        Self { tenants }
    }

    /// The calendar of `tenant`, if it has one.
    pub fn of(&self, tenant: &str) -> Option<&TenantCalendar> {
        self.tenants.get(tenant)
    }
}

#[cfg(test)]
mod tests;
