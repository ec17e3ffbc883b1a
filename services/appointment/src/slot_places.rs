//! The places taken per slot, `appointment.slot_places`: part of the write model, changed in
//! the transaction that appends the event that takes or releases the place (the command path,
//! [`crate::commands`]), and read to show what is free.
//!
//! The database has the last word on capacity. Taking a place is one statement that inserts
//! the slot's row or adds one to it only while it is below the capacity; concurrent takers
//! serialise on the row, each seeing the count the one before committed, so no interleaving
//! can put more people into a slot than it holds. No row back means the slot is full.

use chrono::{DateTime, Utc};
use sqlx::PgConnection;

use crate::domain::availability::Occupancy;
use crate::domain::slots::{Slot, SlotKey};

/// Takes one place, or refuses when the slot is full: no row is returned then.
const TAKE: &str = "\
    INSERT INTO appointment.slot_places \
        (tenant_id, office_id, appointment_type_id, start, capacity, taken) \
    VALUES ($1, $2, $3, $4, $5, 1) \
    ON CONFLICT (tenant_id, office_id, appointment_type_id, start) DO UPDATE \
        SET taken = slot_places.taken + 1, capacity = EXCLUDED.capacity \
        WHERE slot_places.taken < EXCLUDED.capacity \
    RETURNING taken";

/// Releases one place; no row when there was none to release.
const RELEASE: &str = "\
    UPDATE appointment.slot_places SET taken = taken - 1 \
    WHERE tenant_id = $1 AND office_id = $2 AND appointment_type_id = $3 AND start = $4 \
      AND taken > 0 \
    RETURNING taken";

/// The places taken in one office's slots of one type starting in `[from, until]`.
const OCCUPANCY: &str = "\
    SELECT start, taken FROM appointment.slot_places \
    WHERE tenant_id = $1 AND office_id = $2 AND appointment_type_id = $3 \
      AND start >= $4 AND start <= $5";

/// How applying a command's place changes ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Applied {
    /// Every change is made (inside the caller's transaction).
    Done,
    /// The slot is full: nothing may be committed.
    Full(SlotKey),
    /// A place to release was not counted: the counts and the log disagree.
    NotCounted(SlotKey),
}

/// Applies `changes` (+1 take, -1 release) of `tenant` on `conn`, inside the caller's
/// transaction, in key order, so two commands touching the same two slots lock them in the same
/// order and cannot deadlock. A place taken holds at most `capacity` people. Stops at the first
/// refusal: the caller rolls back.
pub async fn apply(
    conn: &mut PgConnection,
    tenant: &str,
    mut changes: Vec<(SlotKey, i64)>,
    capacity: u32,
) -> Result<Applied, sqlx::Error> {
    changes.sort_by_key(|(key, _)| *key);
    let capacity = i32::try_from(capacity).unwrap_or(i32::MAX);
    for (key, delta) in changes {
        let done = if delta > 0 {
            take(conn, tenant, &key, capacity).await?
        } else {
            release(conn, tenant, &key).await?
        };
        match (done, delta > 0) {
            (true, _) => {}
            (false, true) => return Ok(Applied::Full(key)),
            (false, false) => return Ok(Applied::NotCounted(key)),
        }
    }
    Ok(Applied::Done)
}

async fn take(
    conn: &mut PgConnection,
    tenant: &str,
    key: &SlotKey,
    capacity: i32,
) -> Result<bool, sqlx::Error> {
    let taken: Option<i32> = sqlx::query_scalar(TAKE)
        .bind(tenant)
        .bind(key.office.0)
        .bind(key.appointment_type.0)
        .bind(key.start)
        .bind(capacity)
        .fetch_optional(&mut *conn)
        .await?;
    Ok(taken.is_some())
}

async fn release(
    conn: &mut PgConnection,
    tenant: &str,
    key: &SlotKey,
) -> Result<bool, sqlx::Error> {
    let left: Option<i32> = sqlx::query_scalar(RELEASE)
        .bind(tenant)
        .bind(key.office.0)
        .bind(key.appointment_type.0)
        .bind(key.start)
        .fetch_optional(&mut *conn)
        .await?;
    Ok(left.is_some())
}

/// The places taken in `slots` (all of one office and type) of `tenant`.
pub async fn occupancy(
    conn: &mut PgConnection,
    tenant: &str,
    slots: &[Slot],
) -> Result<Occupancy, sqlx::Error> {
    let (Some(from), Some(until), Some(first)) = (
        slots.iter().map(|slot| slot.start).min(),
        slots.iter().map(|slot| slot.start).max(),
        slots.first(),
    ) else {
        return Ok(Occupancy::new());
    };
    let (office, appointment_type) = (first.office, first.appointment_type);
    let rows: Vec<(DateTime<Utc>, i32)> = sqlx::query_as(OCCUPANCY)
        .bind(tenant)
        .bind(office.0)
        .bind(appointment_type.0)
        .bind(from)
        .bind(until)
        .fetch_all(&mut *conn)
        .await?;
    Ok(rows
        .into_iter()
        .map(|(start, taken)| {
            let key = SlotKey {
                office,
                appointment_type,
                start,
            };
            (key, u32::try_from(taken).unwrap_or(0))
        })
        .collect())
}
