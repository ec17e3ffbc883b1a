-- The work queue, assignment rules, caseworker absences and the deadlines the watcher fires
-- (docs/casework/work-queue.md, docs/casework/assignment-and-deadlines.md). Each table is a
-- projection of the case log, written by the worker role and read by the api role behind
-- row-level security (cases.protect_tenant_table, migration 0004). Idempotent.

-- Tasks, opened and closed by case events (projection `tasks`). Closed tasks stay, with the
-- event that closed them.
CREATE TABLE IF NOT EXISTS cases.tasks (
    tenant_id        text        NOT NULL,
    task_id          uuid        NOT NULL,
    case_id          uuid        NOT NULL,
    kind             integer     NOT NULL,
    title            text        NOT NULL,
    checklist        text[]      NOT NULL,
    due_on           date        NOT NULL,
    priority         integer     NOT NULL,
    application_id   text        NOT NULL DEFAULT '',
    assignee         text        NOT NULL DEFAULT '',
    team             text        NOT NULL DEFAULT '',
    opened_at        timestamptz NOT NULL,
    opened_version   integer     NOT NULL,
    closed_at        timestamptz,
    closed_by_event  uuid,
    PRIMARY KEY (tenant_id, task_id)
);
-- The queues, in their order (due day, priority high first, age): a caseworker's and a team's.
CREATE INDEX IF NOT EXISTS tasks_open_by_assignee
    ON cases.tasks (tenant_id, assignee, due_on, (-priority), opened_at, task_id)
    WHERE closed_at IS NULL;
CREATE INDEX IF NOT EXISTS tasks_open_by_team
    ON cases.tasks (tenant_id, team, due_on, (-priority), opened_at, task_id)
    WHERE closed_at IS NULL;
-- Closing and moving a case's open tasks.
CREATE INDEX IF NOT EXISTS tasks_open_by_case
    ON cases.tasks (tenant_id, case_id) WHERE closed_at IS NULL;

-- Per case, for the tasks projection: the stream version applied (idempotence) and the current
-- assignment, which tasks opened later inherit.
CREATE TABLE IF NOT EXISTS cases.task_cases (
    tenant_id   text    NOT NULL,
    case_id     uuid    NOT NULL,
    version     integer NOT NULL,
    caseworker  text    NOT NULL DEFAULT '',
    team        text    NOT NULL DEFAULT '',
    PRIMARY KEY (tenant_id, case_id)
);

-- The tenant's assignment rules as last recorded (projection `assignment_rules`): the encoded
-- `AssignmentRulesSet` payload and the stream version it came from.
CREATE TABLE IF NOT EXISTS cases.assignment_rules (
    tenant_id  text        PRIMARY KEY,
    rules      bytea       NOT NULL,
    version    integer     NOT NULL,
    set_at     timestamptz NOT NULL
);

-- Caseworkers' absences and who stands in (projection `absences`), one row per recorded event;
-- for a day covered twice the later record (higher version) counts.
CREATE TABLE IF NOT EXISTS cases.absences (
    tenant_id   text        NOT NULL,
    absence_id  uuid        NOT NULL,
    caseworker  text        NOT NULL,
    first_day   date        NOT NULL,
    last_day    date        NOT NULL,
    substitute  text        NOT NULL,
    version     integer     NOT NULL,
    recorded_at timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, absence_id)
);
CREATE INDEX IF NOT EXISTS absences_by_substitute
    ON cases.absences (tenant_id, substitute, last_day);

-- What is due in each case (projection `deadlines`), equal to `lifecycle::deadlines` of the
-- case's stage; `fired` once its DeadlineReached is recorded.
CREATE TABLE IF NOT EXISTS cases.deadlines (
    tenant_id  text    NOT NULL,
    case_id    uuid    NOT NULL,
    kind       integer NOT NULL,
    due_on     date    NOT NULL,
    fired      boolean NOT NULL DEFAULT false,
    PRIMARY KEY (tenant_id, case_id, kind, due_on)
);
-- The watcher's scan: unfired deadlines up to today, across tenants.
CREATE INDEX IF NOT EXISTS deadlines_unfired
    ON cases.deadlines (due_on) WHERE NOT fired;

-- Per case, for the deadlines projection: the stream version applied (idempotence).
CREATE TABLE IF NOT EXISTS cases.deadline_cases (
    tenant_id  text    NOT NULL,
    case_id    uuid    NOT NULL,
    version    integer NOT NULL,
    PRIMARY KEY (tenant_id, case_id)
);

SELECT cases.protect_tenant_table('cases.tasks');
SELECT cases.protect_tenant_table('cases.task_cases');
SELECT cases.protect_tenant_table('cases.assignment_rules');
SELECT cases.protect_tenant_table('cases.absences');
SELECT cases.protect_tenant_table('cases.deadlines');
SELECT cases.protect_tenant_table('cases.deadline_cases');
