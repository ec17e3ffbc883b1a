-- Where the filing reactor finds cases by the applicant's account, and where it keeps what it
-- could not file. Idempotent.

-- The cases each applicant account opened (written by the reactor in the transaction that
-- opens the case, so it never lags behind the log as case_view may).
CREATE TABLE IF NOT EXISTS cases.account_cases (
    tenant_id          text        NOT NULL,
    applicant_account  text        NOT NULL,
    case_id            uuid        NOT NULL,
    opened_at          timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, applicant_account, case_id)
);
SELECT cases.protect_tenant_table('cases.account_cases');

-- Submissions that name no case this tenant has (a mistyped case id, or a notice from someone
-- without a case): kept for the team to file by hand instead of being dropped.
CREATE TABLE IF NOT EXISTS cases.unfiled_submissions (
    tenant_id       text        NOT NULL,
    application_id  uuid        NOT NULL,
    kind            integer     NOT NULL,
    received_at     timestamptz,
    reason          text        NOT NULL,
    recorded_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, application_id)
);
SELECT cases.protect_tenant_table('cases.unfiled_submissions');
-- The intake warnings, so that a submission filed by hand carries them onto its case.
ALTER TABLE cases.unfiled_submissions
    ADD COLUMN IF NOT EXISTS warnings text[] NOT NULL DEFAULT '{}';
