-- The appointment service's read models (docs/appointment/service.md, "Read models"), fed from
-- JetStream by projections with their checkpoints in appointment.projection_checkpoints. Both
-- can be rebuilt from their log at any time: nothing here is the record. Idempotent, run at
-- every start by the owner role under the schema's install lock (src/migrations.rs); the
-- helper appointment.protect_tenant_table comes from 0001.

-- Every appointment as it stands, from the service's own log (projection "appointment_view",
-- src/projections/appointment_view.rs). `state` is the domain's fold of the appointment's
-- stream (serde JSON of domain::appointment::Appointment), a cache the projection rewrites per
-- event; the other columns are copies of it that the reads filter and sort by.
CREATE TABLE IF NOT EXISTS appointment.appointment_view (
    tenant_id            text        NOT NULL,
    appointment_id       uuid        NOT NULL,
    applicant_subject    text        NOT NULL,
    case_id              uuid,
    office_id            uuid        NOT NULL,
    appointment_type_id  uuid        NOT NULL,
    -- The current place's start (UTC instant) and its Berlin day.
    start                timestamptz NOT NULL,
    local_date           date        NOT NULL,
    -- booked, invited, rescheduled (open), cancelled, attended, missed.
    status               text        NOT NULL,
    -- The caseworker who holds it by assignment or invitation; NULL: the case's responsible
    -- caseworker (resolved when read, through appointment.case_directory).
    caseworker           text,
    state                jsonb       NOT NULL,
    -- The stream version applied last: an event at or below it is not applied again.
    version              integer     NOT NULL,
    PRIMARY KEY (tenant_id, appointment_id)
);
CREATE INDEX IF NOT EXISTS appointment_view_day
    ON appointment.appointment_view (tenant_id, local_date, start);
CREATE INDEX IF NOT EXISTS appointment_view_caseworker
    ON appointment.appointment_view (tenant_id, caseworker, start);
CREATE INDEX IF NOT EXISTS appointment_view_case
    ON appointment.appointment_view (tenant_id, case_id, start);
CREATE INDEX IF NOT EXISTS appointment_view_applicant
    ON appointment.appointment_view (tenant_id, applicant_subject, start);
CREATE INDEX IF NOT EXISTS appointment_view_office
    ON appointment.appointment_view (tenant_id, office_id, local_date);

-- The cases this service knows, from the case log (projection "case_directory",
-- src/projections/case_directory.rs): whose they are (applicant_account, empty for a case
-- opened from paper) and who is responsible (caseworker, NULL while the case sits in a team's
-- queue).
CREATE TABLE IF NOT EXISTS appointment.case_directory (
    tenant_id          text     NOT NULL,
    case_id            uuid     NOT NULL,
    applicant_account  text     NOT NULL,
    caseworker         text,
    closed             boolean  NOT NULL DEFAULT false,
    -- The case stream version applied last.
    version            integer  NOT NULL,
    PRIMARY KEY (tenant_id, case_id)
);
CREATE INDEX IF NOT EXISTS case_directory_caseworker
    ON appointment.case_directory (tenant_id, caseworker);

SELECT appointment.protect_tenant_table('appointment.appointment_view');
SELECT appointment.protect_tenant_table('appointment.case_directory');
-- A rebuild empties a read model before it applies the log again (projection::rebuild).
GRANT DELETE ON appointment.appointment_view, appointment.case_directory TO jobcenter_worker;
