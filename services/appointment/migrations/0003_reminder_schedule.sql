-- The reminders still to send, so that the reminder scheduler finds the appointments whose
-- reminders are due with one index scan instead of folding every stream on every tick
-- (src/reminders/schedule.rs, docs/appointment/service.md "Reminders"). Idempotent: run at
-- every start by the owner role, under the schema's install lock (src/migrations.rs).
--
-- Kept by the command path in the transaction that appends the appointment's events: after
-- each command the appointment's rows are replaced by the reminders it still plans
-- (domain::reminders::plan, minus those sent and those of a start that has passed), so a
-- cancelled appointment has none and a rescheduled one only those of its new time. The
-- scheduler deletes a row in the transaction that appends its AppointmentReminderDue. The rows
-- only save work: the scheduler decides on the fold of the stream, and the log refuses a
-- second copy of a reminder (its command id is the reminder id). Everything here can be
-- recomputed from the log.
CREATE TABLE IF NOT EXISTS appointment.reminder_schedule (
    tenant_id       text        NOT NULL,
    appointment_id  uuid        NOT NULL,
    -- domain::reminders::reminder_id: UUIDv5 of (appointment id, kind, start).
    reminder_id     uuid        NOT NULL,
    -- When it is due (UTC instant).
    send_at         timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, appointment_id, reminder_id)
);

-- The scheduler's question: what is due by now?
CREATE INDEX IF NOT EXISTS reminder_schedule_send_at
    ON appointment.reminder_schedule (send_at);

SELECT appointment.protect_tenant_table('appointment.reminder_schedule');
-- Rows leave the table when their reminder is sent or no longer planned.
GRANT DELETE ON appointment.reminder_schedule TO jobcenter_worker;
