-- The notification service's read models, in schema "notification", behind row-level
-- security (docs/notification/service.md, "What it keeps"). Each is fed from JetStream by a
-- projection with its checkpoint in notification.projection_checkpoints and can be rebuilt
-- from its log at any time: nothing here is the record. Idempotent: run at every start by the
-- owner role, under the schema's install lock (src/migrations.rs).
--
-- The roles are cluster-wide with fixed names, created before the first start: jobcenter_api
-- (the request path: reads, one tenant per transaction) and jobcenter_worker (the command
-- path, the relay, projections and the outbox) — docs/security/row-level-security.md.
--
-- Every "version" column is the stream version applied last: an event at or below it is not
-- applied again.

CREATE SCHEMA IF NOT EXISTS notification;

-- Row-level security for a table with a tenant_id column: the api role sees only the tenant
-- of its transaction (jc.tenant) and only reads, the worker reads and writes every tenant.
-- ALTER TABLE and CREATE POLICY take an ACCESS EXCLUSIVE lock that would stall running
-- replicas, so each runs only when something is missing (the case service's pattern).
CREATE OR REPLACE FUNCTION notification.protect_tenant_table(target regclass) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    name text := (SELECT relname FROM pg_class WHERE oid = target);
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_class
                    WHERE oid = target AND relrowsecurity AND relforcerowsecurity) THEN
        EXECUTE format('ALTER TABLE %s ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY',
                       target);
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_policy
                    WHERE polrelid = target AND polname = name || '_api_one_tenant') THEN
        EXECUTE format(
            'CREATE POLICY %I ON %s TO jobcenter_api '
            'USING (tenant_id = NULLIF(current_setting(''jc.tenant'', true), '''')) '
            'WITH CHECK (tenant_id = NULLIF(current_setting(''jc.tenant'', true), ''''))',
            name || '_api_one_tenant', target);
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_policy
                    WHERE polrelid = target AND polname = name || '_worker_all_tenants') THEN
        EXECUTE format(
            'CREATE POLICY %I ON %s TO jobcenter_worker USING (true) WITH CHECK (true)',
            name || '_worker_all_tenants', target);
    END IF;
    EXECUTE format('GRANT SELECT ON %s TO jobcenter_api', target);
    -- DELETE: a rebuild empties a read model before it applies the log again.
    EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON %s TO jobcenter_worker', target);
END
$$;
REVOKE ALL ON FUNCTION notification.protect_tenant_table(regclass) FROM PUBLIC;

GRANT USAGE ON SCHEMA notification TO jobcenter_api, jobcenter_worker;

-- Applicants' communication profiles, from the recipient streams of this log (projection
-- "profiles", src/projections/profiles.rs). No row: German, no consent, no address.
CREATE TABLE IF NOT EXISTS notification.profiles (
    tenant_id      text     NOT NULL,
    account        text     NOT NULL,
    -- "de" until the applicant chooses.
    language       text     NOT NULL DEFAULT 'de',
    -- Channels with consent given and not withdrawn ('mailbox', 'push', 'email'), sorted.
    consents       text[]   NOT NULL DEFAULT '{}',
    email_address  text,
    version        integer  NOT NULL,
    PRIMARY KEY (tenant_id, account)
);

-- Web Push subscriptions (same projection). A removed one stays, inactive.
CREATE TABLE IF NOT EXISTS notification.push_subscriptions (
    tenant_id        text     NOT NULL,
    account          text     NOT NULL,
    -- UUIDv5 of the endpoint URL.
    subscription_id  uuid     NOT NULL,
    endpoint         text     NOT NULL,
    p256dh           bytea    NOT NULL,
    auth             bytea    NOT NULL,
    active           boolean  NOT NULL DEFAULT true,
    PRIMARY KEY (tenant_id, account, subscription_id)
);

-- Every message both ways, from the message streams of this log (projection "mailbox",
-- src/projections/mailbox.rs): the applicants' mailbox (Postfach), the staff inbox and the
-- messages of a case.
CREATE TABLE IF NOT EXISTS notification.messages (
    tenant_id       text        NOT NULL,
    message_id      uuid        NOT NULL,
    direction       text        NOT NULL CHECK (direction IN ('outbound', 'inbound')),
    recipient_kind  text        NOT NULL CHECK (recipient_kind IN ('applicant', 'staff')),
    -- Outbound: the recipient's subject (empty for an applicant reached only by post).
    -- Inbound: the applicant who wrote it.
    recipient       text        NOT NULL,
    case_id         uuid,
    -- The topic's template id (e.g. 'documents-requested'); NULL for inbound.
    topic           text,
    -- The language it is written in; empty for inbound (the applicant's own words).
    language        text        NOT NULL,
    direction_rtl   boolean     NOT NULL DEFAULT false,
    subject         text        NOT NULL,
    body            text        NOT NULL,
    deadline        date,
    attachments     uuid[]      NOT NULL DEFAULT '{}',
    in_reply_to     uuid,
    -- Outbound: the mailbox channel was decided "send" (the Postfach shows it). Inbound: false.
    in_mailbox      boolean     NOT NULL,
    created_at      timestamptz NOT NULL,
    read_at         timestamptz,
    read_by         text,
    -- The log position of the message's first event: the mailbox's order and page cursor.
    position        bigint      NOT NULL,
    version         integer     NOT NULL,
    PRIMARY KEY (tenant_id, message_id)
);
CREATE INDEX IF NOT EXISTS messages_recipient
    ON notification.messages (tenant_id, recipient, position DESC);
CREATE INDEX IF NOT EXISTS messages_case
    ON notification.messages (tenant_id, case_id, position);

-- Each channel of an outbound message: the decision and what became of it (same projection).
CREATE TABLE IF NOT EXISTS notification.deliveries (
    tenant_id   text        NOT NULL,
    message_id  uuid        NOT NULL,
    channel     text        NOT NULL CHECK (channel IN ('mailbox', 'push', 'email', 'post')),
    send        boolean     NOT NULL,
    reason      text        NOT NULL,
    state       text        NOT NULL
        CHECK (state IN ('pending', 'delivered', 'dead', 'printed', 'not_sent')),
    attempts    integer     NOT NULL DEFAULT 0,
    last_error  text,
    updated_at  timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, message_id, channel)
);
CREATE INDEX IF NOT EXISTS deliveries_dead
    ON notification.deliveries (tenant_id, updated_at DESC, message_id, channel)
    WHERE state = 'dead';

-- The cases, from the case log (projection "case_log", src/sources/case.rs): whose they are
-- (applicant_account, empty for a case opened from paper), their application (for the postal
-- address), who is responsible (caseworker, NULL while in a team's queue), whether closed.
CREATE TABLE IF NOT EXISTS notification.case_contacts (
    tenant_id          text     NOT NULL,
    case_id            uuid     NOT NULL,
    application_id     uuid,
    applicant_account  text     NOT NULL,
    caseworker         text,
    closed             boolean  NOT NULL DEFAULT false,
    version            integer  NOT NULL,
    PRIMARY KEY (tenant_id, case_id)
);
CREATE INDEX IF NOT EXISTS case_contacts_applicant
    ON notification.case_contacts (tenant_id, applicant_account);

-- Names and addresses of main applicants, from the intake log (projection "intake_log",
-- src/sources/intake.rs): where a letter goes. Social data: read only to print a letter.
CREATE TABLE IF NOT EXISTS notification.postal_addresses (
    tenant_id       text  NOT NULL,
    application_id  uuid  NOT NULL,
    given_name      text  NOT NULL,
    family_name     text  NOT NULL,
    street          text  NOT NULL,
    house_number    text  NOT NULL,
    postal_code     text  NOT NULL,
    city            text  NOT NULL,
    PRIMARY KEY (tenant_id, application_id)
);

-- Appointments, from the appointment log (projection "appointment_log",
-- src/sources/appointment.rs): whose they are, their case and booking reference, for the
-- messages about moves, cancellations and reminders (whose events carry no terms).
CREATE TABLE IF NOT EXISTS notification.appointment_contacts (
    tenant_id          text     NOT NULL,
    appointment_id     uuid     NOT NULL,
    applicant_account  text     NOT NULL,
    case_id            uuid,
    reference          text     NOT NULL,
    version            integer  NOT NULL,
    PRIMARY KEY (tenant_id, appointment_id)
);

-- The E-Akte's documents, from the efile log (projection "efile_log", src/sources/efile.rs):
-- which case each is filed on, so an attachment is accepted only from the case written about.
CREATE TABLE IF NOT EXISTS notification.documents (
    tenant_id    text     NOT NULL,
    document_id  uuid     NOT NULL,
    case_id      uuid     NOT NULL,
    -- The efile DocumentType's name without prefix, lower case ('decision_letter', ...).
    type         text     NOT NULL,
    version      integer  NOT NULL,
    PRIMARY KEY (tenant_id, document_id)
);

SELECT notification.protect_tenant_table('notification.profiles');
SELECT notification.protect_tenant_table('notification.push_subscriptions');
SELECT notification.protect_tenant_table('notification.messages');
SELECT notification.protect_tenant_table('notification.deliveries');
SELECT notification.protect_tenant_table('notification.case_contacts');
SELECT notification.protect_tenant_table('notification.postal_addresses');
SELECT notification.protect_tenant_table('notification.appointment_contacts');
SELECT notification.protect_tenant_table('notification.documents');
