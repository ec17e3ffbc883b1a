-- The day requested documents are due, kept per case from case.DocumentsRequested and
-- case.RefusalWarned: the documents reminder (case.DeadlineReached) names only its own day.
ALTER TABLE notification.case_contacts ADD COLUMN IF NOT EXISTS documents_due date;

-- Where a letter goes when its message concerns no case yet (a receipt of a main application
-- entered by staff): the application whose postal address to use. With a case, the case's
-- application is used.
ALTER TABLE notification.outbox ADD COLUMN IF NOT EXISTS application_id uuid;
