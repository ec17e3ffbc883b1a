//! The command path: every change to an appointment goes through [`AppointmentCommands`].
//!
//! In one transaction of the worker role: read the appointment's stream, fold it, decide with a
//! [`Context`] (the slots of the wanted slot's day and their places taken, read from the
//! database), append the events at the version decided on (the append locks the stream, so a
//! concurrent change of the same appointment waits and then fails the version check: ABORTED),
//! apply the decision's place changes to `appointment.slot_places`, commit. The database
//! refuses a place beyond the capacity (`crate::slot_places`), so a lost race rolls everything
//! back, events included, and answers ABORTED with the next free slots, read afresh.
//!
//! Idempotent by command id: the caller's id is scoped by tenant and stream
//! ([`scoped_command_id`]); a command whose events are in the stream answers the appointment
//! as it stands with the position of those events, deciding nothing and taking no place. A
//! booking's appointment id is derived from its scoped id, so a retried booking finds its own
//! stream.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use eventlog::{
    AppendCommand, EventLog, EventMetadata, ExpectedVersion, LogPosition, RecordedEvent,
};
use sqlx::PgPool;
use uuid::Uuid;

use crate::calendars::{Calendars, TenantCalendar};
use crate::clock::Clock;
use crate::domain::appointment::{self, Appointment, Event, Party, place_changes};
use crate::domain::availability::{self, Audience, BookingWindow, FreeSlot, Occupancy};
use crate::domain::booking::{self, BookingError, Command, Context};
use crate::domain::calendar::AppointmentType;
use crate::domain::ids::AppointmentId;
use crate::domain::local_time;
use crate::domain::slots::{self, Slot, SlotKey};
use crate::error::AppointmentError;
use crate::events;
use crate::slot_places::{self, Applied};

/// Namespace of the command ids the log sees (see [`scoped_command_id`]).
const SCOPED_COMMANDS: Uuid = Uuid::from_u128(0x9c41_e2d7_5b08_4f6a_a3c9_71e0_2d5b_8f14);
/// The scope of booking command ids before the appointment (and so its stream) is known.
const BOOKINGS: &str = "appointments";
/// More events than any appointment holds; a longer stream is refused rather than decided on
/// a truncated history.
const MAX_STREAM: i64 = 10_000;
/// How many days after the wanted one the alternatives to a full slot are looked for.
const ALTERNATIVE_DAYS: u64 = 14;

/// The command id the log records for a caller's `command_id` on `stream` of `tenant`
/// ([`eventlog::scoped_command_id`] in the appointment service's namespace).
pub fn scoped_command_id(tenant: &str, stream: &str, command_id: Uuid) -> Uuid {
    eventlog::scoped_command_id(&SCOPED_COMMANDS, tenant, stream, command_id)
}

/// The appointment a booking or invitation with the caller's `command_id` creates in `tenant`:
/// a retry names the same one, another tenant's same id another one.
pub fn appointment_for_command(tenant: &str, command_id: Uuid) -> AppointmentId {
    AppointmentId::for_command(scoped_command_id(tenant, BOOKINGS, command_id))
}

/// Who sends a command and under which identifiers (recorded in the events' metadata).
#[derive(Debug, Clone)]
pub struct Issuer {
    /// The caller's tenant: the appointment must be one of its own.
    pub tenant_id: String,
    /// The acting subject (pseudonymous).
    pub actor: String,
    /// The command's idempotency key as the caller chose it.
    pub command_id: Uuid,
    /// The correlation id of everything one request caused.
    pub correlation_id: Option<Uuid>,
    /// W3C trace context.
    pub traceparent: Option<String>,
}

/// An appointment's stream as recorded, folded.
#[derive(Debug, Clone)]
pub struct Loaded {
    /// The appointment as it stands.
    pub appointment: Appointment,
    /// Its events, in order.
    pub events: Vec<Event>,
    /// The recorded events (metadata, positions).
    pub recorded: Vec<RecordedEvent>,
}

impl Loaded {
    /// The stream's version.
    pub fn version(&self) -> i32 {
        self.recorded.last().map_or(0, |e| e.version)
    }

    /// The position of the appointment's last event.
    pub fn last_position(&self) -> LogPosition {
        self.recorded
            .last()
            .map_or(LogPosition::START, |e| e.position)
    }

    /// The position of the last event `command_id` recorded, if it recorded any.
    pub fn position_of(&self, command_id: Uuid) -> Option<LogPosition> {
        self.recorded
            .iter()
            .rev()
            .find(|e| e.metadata.command_id == Some(command_id))
            .map(|e| e.position)
    }
}

/// Folds the recorded stream of an appointment of `tenant`. `Ok(None)`: no appointment, or
/// another tenant's (as absent as none: no existence oracle; the caller must not write it
/// either, which [`AppointmentCommands`] checks apart).
pub fn load(
    recorded: Vec<RecordedEvent>,
    tenant: &str,
) -> Result<Option<Loaded>, AppointmentError> {
    if recorded.is_empty() || recorded.iter().any(|e| e.tenant_id != tenant) {
        return Ok(None);
    }
    let mut events = Vec::with_capacity(recorded.len());
    for event in &recorded {
        if let Some(known) = events::decode(&event.event_type, &event.payload, event.recorded_at)? {
            events.push(known);
        }
    }
    let appointment = appointment::fold(&events).ok_or(AppointmentError::Unreadable(
        events::UnreadableEvent::Field("stream"),
    ))?;
    Ok(Some(Loaded {
        appointment,
        events,
        recorded,
    }))
}

/// The appointment `appointment` of `tenant` as recorded, read on `conn` (the request path
/// reads in a tenant transaction of the api role, where another tenant's stream is empty).
pub async fn load_in(
    log: &EventLog,
    conn: &mut sqlx::PgConnection,
    appointment: AppointmentId,
    tenant: &str,
) -> Result<Option<Loaded>, AppointmentError> {
    let recorded = log
        .read_stream_in(conn, &appointment.stream_id(), 0, MAX_STREAM)
        .await?;
    load(recorded, tenant)
}

/// What a command recorded (or had recorded before).
#[derive(Debug, Clone)]
pub struct Executed {
    /// The appointment after the command.
    pub appointment: Appointment,
    /// Every event of the appointment after the command, in order.
    pub history: Vec<Event>,
    /// The events this call recorded (empty for a retry or a no-op).
    pub recorded: Vec<Event>,
    /// The log position of the command's last event, or of the appointment's last event when
    /// the command had nothing to record.
    pub position: LogPosition,
}

/// The command path of the appointment service.
#[derive(Debug, Clone)]
pub struct AppointmentCommands {
    log: EventLog,
    calendars: Arc<Calendars>,
    clock: Arc<dyn Clock>,
}

impl AppointmentCommands {
    /// Commands appending to `log` (the worker role's log writer, whose pool also writes the
    /// place counts), deciding with each jobcenter's calendar at the `clock`'s time.
    pub fn new(log: EventLog, calendars: Arc<Calendars>, clock: Arc<dyn Clock>) -> Self {
        Self {
            log,
            calendars,
            clock,
        }
    }

    fn pool(&self) -> &PgPool {
        self.log.pool()
    }

    /// Books or invites (`Command::Book`, `Command::Invite`) as `issuer` into `appointment`
    /// ([`appointment_for_command`]). `may` decides whether the issuer may see an appointment
    /// that already exists under this id (a retry): an applicant only their own.
    pub async fn create(
        &self,
        issuer: &Issuer,
        appointment: AppointmentId,
        may: impl Fn(&Appointment) -> bool,
        command: Command,
    ) -> Result<Executed, AppointmentError> {
        self.run(issuer, appointment, may, |_| Ok(command)).await
    }

    /// Changes the existing `appointment` as `issuer`: `command` makes the domain command from
    /// the appointment as it stands. `may` decides whether the issuer may reach it (an
    /// applicant only their own); one it may not is NOT_FOUND, like another tenant's.
    pub async fn change(
        &self,
        issuer: &Issuer,
        appointment: AppointmentId,
        may: impl Fn(&Appointment) -> bool,
        command: impl FnOnce(&Appointment) -> Command,
    ) -> Result<Executed, AppointmentError> {
        self.run(issuer, appointment, may, |existing| {
            existing.map(command).ok_or(AppointmentError::NotFound)
        })
        .await
    }

    async fn run(
        &self,
        issuer: &Issuer,
        appointment_id: AppointmentId,
        may: impl Fn(&Appointment) -> bool,
        command: impl FnOnce(Option<&Appointment>) -> Result<Command, AppointmentError>,
    ) -> Result<Executed, AppointmentError> {
        let tenant = issuer.tenant_id.as_str();
        let stream = appointment_id.stream_id();
        let command_id = scoped_command_id(tenant, &stream, issuer.command_id);
        let mut tx = self.pool().begin().await?;
        let recorded = self
            .log
            .read_stream_in(&mut tx, &stream, 0, MAX_STREAM)
            .await?;
        if recorded.iter().any(|e| e.tenant_id != tenant) {
            // Another tenant's appointment: as absent as none, and never written to.
            return Err(AppointmentError::NotFound);
        }
        let loaded = load(recorded, tenant)?;
        if let Some(loaded) = &loaded {
            if !may(&loaded.appointment) {
                return Err(AppointmentError::NotFound);
            }
            if let Some(position) = loaded.position_of(command_id) {
                return Ok(earlier(loaded, position));
            }
        }
        let state = loaded.as_ref().map(|l| &l.appointment);
        let command = command(state)?;
        let calendar = self
            .calendars
            .of(tenant)
            .ok_or(AppointmentError::NotFound)?;
        let type_id = match (&command, state) {
            (Command::Book { booking, .. } | Command::Invite { booking, .. }, _) => {
                booking.slot.appointment_type
            }
            (_, Some(existing)) => existing.place.appointment_type,
            (_, None) => return Err(AppointmentError::NotFound),
        };
        let appointment_type = calendar
            .config
            .appointment_type(type_id)
            .ok_or(AppointmentError::CalendarChanged)?;
        let now = self.clock.now();
        let wanted = wanted_slot(&command);
        let (slots, occupancy) = match wanted {
            Some(wanted) => {
                let slots = day_of(calendar, appointment_type, &wanted)?;
                let occupancy = slot_places::occupancy(&mut tx, tenant, &slots).await?;
                (slots, occupancy)
            }
            None => (Vec::new(), Occupancy::new()),
        };
        let context = Context {
            now,
            rules: &calendar.config.rules,
            appointment_type,
            slots: &slots,
            occupancy: &occupancy,
        };
        let audience = audience(&command);
        let events = match booking::decide(state, command, &context) {
            Ok(events) => events,
            Err(BookingError::SlotFull { .. }) => {
                drop(tx);
                let wanted = wanted.ok_or(AppointmentError::NotFound)?;
                return Err(self
                    .full(calendar, appointment_type, &wanted, audience, now, tenant)
                    .await);
            }
            Err(refused) => return Err(refused.into()),
        };
        if events.is_empty() {
            // A retried booking of an appointment that exists: it stands as it is.
            let loaded = loaded.ok_or(AppointmentError::NotFound)?;
            let position = loaded.last_position();
            return Ok(earlier(&loaded, position));
        }
        let mut history = loaded
            .as_ref()
            .map(|l| l.events.clone())
            .unwrap_or_default();
        history.extend(events.iter().cloned());
        let after = appointment::fold(&history).ok_or(AppointmentError::NotFound)?;
        let metadata = EventMetadata {
            actor: Some(issuer.actor.clone()),
            correlation_id: issuer.correlation_id,
            causation_id: None,
            command_id: Some(command_id),
            traceparent: issuer.traceparent.clone(),
            // The case service takes every event of an appointment of a case onto the case.
            case_id: after.terms.case.map(|case| case.to_string()),
        };
        let append = AppendCommand {
            command_id,
            stream_id: stream.clone(),
            tenant_id: tenant.to_owned(),
            expected: match &loaded {
                None => ExpectedVersion::NoStream,
                Some(loaded) => ExpectedVersion::Exact(loaded.version()),
            },
            events: events
                .iter()
                .map(|event| events::to_new_event(event, metadata.clone()))
                .collect(),
        };
        let outcome = self
            .log
            .append_in(&mut tx, vec![append])
            .await?
            .pop()
            .ok_or(AppointmentError::Conflict)??;
        if outcome.duplicate {
            // The same command committed meanwhile (a concurrent retry): its result stands, and
            // nothing of this call is kept.
            drop(tx);
            return self
                .answer_earlier(issuer, appointment_id, command_id)
                .await;
        }
        // The places change after the append took the stream's lock and checked its version: a
        // concurrent change of the same appointment waits for it and then fails the version
        // check (ABORTED) before it touches a count.
        let changes: Vec<(SlotKey, i64)> = events.iter().flat_map(place_changes).collect();
        match slot_places::apply(&mut tx, tenant, changes, appointment_type.capacity).await? {
            Applied::Done => {}
            Applied::Full(key) => {
                drop(tx);
                return Err(self
                    .full(calendar, appointment_type, &key, audience, now, tenant)
                    .await);
            }
            Applied::NotCounted(key) => {
                tracing::error!(
                    stream = %stream,
                    office = %key.office,
                    start = %key.start,
                    "a place to release is not counted"
                );
                return Err(AppointmentError::NotCounted);
            }
        }
        // The reminders it still plans replace its rows in the reminder schedule, in this
        // transaction: none once cancelled, those of the new time once moved (crate::reminders).
        let earlier = loaded.as_ref().map_or(&[][..], |l| l.recorded.as_slice());
        crate::reminders::schedule::replan(
            &mut tx,
            tenant,
            &after,
            &calendar.reminders,
            earlier,
            now,
        )
        .await?;
        tx.commit().await?;
        self.log.notify_appended();
        Ok(Executed {
            appointment: after,
            history,
            recorded: events,
            position: outcome.position,
        })
    }

    /// The result of `command_id`, committed by another call.
    async fn answer_earlier(
        &self,
        issuer: &Issuer,
        appointment_id: AppointmentId,
        command_id: Uuid,
    ) -> Result<Executed, AppointmentError> {
        let recorded = self
            .log
            .read_stream(&appointment_id.stream_id(), 0, MAX_STREAM)
            .await?;
        let loaded = load(recorded, &issuer.tenant_id)?.ok_or(AppointmentError::NotFound)?;
        let position = loaded
            .position_of(command_id)
            .unwrap_or_else(|| loaded.last_position());
        Ok(earlier(&loaded, position))
    }

    /// The error for a full slot: the next free slots after `wanted`, read now (after the
    /// refusing transaction ended, so they reflect what the winners committed).
    async fn full(
        &self,
        calendar: &TenantCalendar,
        appointment_type: &AppointmentType,
        wanted: &SlotKey,
        audience: Audience,
        now: DateTime<Utc>,
        tenant: &str,
    ) -> AppointmentError {
        match self
            .alternatives(calendar, appointment_type, wanted, audience, now, tenant)
            .await
        {
            Ok(alternatives) => AppointmentError::SlotFull { alternatives },
            Err(error) => error,
        }
    }

    async fn alternatives(
        &self,
        calendar: &TenantCalendar,
        appointment_type: &AppointmentType,
        wanted: &SlotKey,
        audience: Audience,
        now: DateTime<Utc>,
        tenant: &str,
    ) -> Result<Vec<FreeSlot>, AppointmentError> {
        let Some(office) = calendar.config.office(wanted.office) else {
            return Ok(Vec::new());
        };
        let (day, _) = local_time::wall_clock(wanted.start);
        let last = day
            .checked_add_days(chrono::Days::new(ALTERNATIVE_DAYS - 1))
            .unwrap_or(day);
        let slots = slots::generate(
            office,
            appointment_type,
            &calendar.config.closures,
            day,
            last,
        )
        .unwrap_or_default();
        let mut conn = self.pool().acquire().await?;
        let occupancy = slot_places::occupancy(&mut conn, tenant, &slots).await?;
        let rules = &calendar.config.rules;
        let window = BookingWindow::at(now, audience, rules);
        Ok(availability::alternatives(
            &slots,
            &occupancy,
            &window,
            wanted,
            usize::try_from(rules.alternatives).unwrap_or(usize::MAX),
        ))
    }
}

/// The answer to a command that is already recorded.
fn earlier(loaded: &Loaded, position: LogPosition) -> Executed {
    Executed {
        appointment: loaded.appointment.clone(),
        history: loaded.events.clone(),
        recorded: Vec::new(),
        position,
    }
}

/// The slot a command wants a place in.
fn wanted_slot(command: &Command) -> Option<SlotKey> {
    match command {
        Command::Book { booking, .. } | Command::Invite { booking, .. } => Some(booking.slot),
        Command::Reschedule { to, .. } => Some(*to),
        Command::Cancel { .. } | Command::Assign { .. } | Command::RecordAttendance { .. } => None,
    }
}

/// For whom the alternatives to a full slot are chosen.
fn audience(command: &Command) -> Audience {
    match command {
        Command::Book {
            by: Party::Applicant,
            ..
        }
        | Command::Reschedule {
            by: Party::Applicant,
            ..
        } => Audience::SelfService,
        _ => Audience::Staff,
    }
}

/// The slots of the wanted slot's type at its office on its (Berlin) day. An office the
/// calendar no longer has offers none.
fn day_of(
    calendar: &TenantCalendar,
    appointment_type: &AppointmentType,
    wanted: &SlotKey,
) -> Result<Vec<Slot>, AppointmentError> {
    let Some(office) = calendar.config.office(wanted.office) else {
        return Ok(Vec::new());
    };
    // The day of the start in Berlin; a slot never spans two days, but a slot starting just
    // after midnight UTC is on the Berlin day of its start.
    let (day, _) = local_time::wall_clock(wanted.start);
    slots::generate(
        office,
        appointment_type,
        &calendar.config.closures,
        day,
        day,
    )
    .map_err(|_| AppointmentError::NotFound)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_command_id_is_its_callers_own_per_tenant_and_appointment() {
        let id = Uuid::new_v4();
        let scoped = scoped_command_id("jc-a", "appointment-1", id);
        assert_eq!(scoped, scoped_command_id("jc-a", "appointment-1", id));
        assert_ne!(scoped, scoped_command_id("jc-b", "appointment-1", id));
        assert_ne!(scoped, scoped_command_id("jc-a", "appointment-2", id));
        assert_ne!(
            scoped_command_id("jc-a", "bappointment", id),
            scoped_command_id("jc-ab", "appointment", id)
        );
    }

    #[test]
    fn a_retried_booking_names_the_same_appointment_in_its_tenant_only() {
        let id = Uuid::new_v4();
        assert_eq!(
            appointment_for_command("jc-a", id),
            appointment_for_command("jc-a", id)
        );
        assert_ne!(
            appointment_for_command("jc-a", id),
            appointment_for_command("jc-b", id)
        );
    }
}
