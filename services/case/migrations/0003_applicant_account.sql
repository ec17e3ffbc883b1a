-- The applicant's own account (pseudonymous subject) on the case, so that an applicant sees only
-- the case opened from their own online application (Scope::Own). Empty when staff or a partner
-- system entered the application.
ALTER TABLE cases.case_view ADD COLUMN IF NOT EXISTS applicant_account text NOT NULL DEFAULT '';

CREATE INDEX IF NOT EXISTS case_view_applicant_account
    ON cases.case_view (tenant_id, applicant_account)
    WHERE applicant_account <> '';
