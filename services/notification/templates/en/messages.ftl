### Messages from the jobcenter – English.
###
### Plain language: short sentences, active voice. Each message says what happened, what the
### reader should do and by when.
###
### Every message may use { $jobcenter }: the jobcenter's name as it should appear in the text
### (for example "Jobcenter Musterstadt"). Which other variables a message may use is checked
### when the service starts (services/notification/src/templates/catalog.rs).
### Texts have no greeting and no closing: a letter adds letter-salutation and letter-closing.
### Letters are always in German (§ 19 SGB X); these texts are for the mailbox.

# The name of the benefit. German official terms stay in German in brackets, so readers
# recognise them in letters and forms.
-benefit = Bürgergeld (citizen's benefit)

## Receipt (to applicants)

submission-received-subject = { $kind ->
        [main-application] We have received your application for Bürgergeld
        [continuation] We have received your application to continue your benefit
        [one-off-benefit] We have received your application for a one-off benefit
        [education-participation] We have received your application for education and participation
        [sick-note] We have received your sick note
        [absence-notice] We have received your request to be away
        [change-notice] We have received your notice of changes
       *[other] We have received your documents
    }
submission-received-body =
    { $kind ->
        [main-application] We have received your application for { -benefit }.
        [continuation] We have received your application to continue your benefit (Weiterbewilligungsantrag). With it, you keep getting { -benefit }.
        [one-off-benefit] We have received your application for a one-off benefit (einmalige Leistung).
        [education-participation] We have received your application for education and participation (Bildung und Teilhabe).
        [sick-note] We have received your sick note (Arbeitsunfähigkeitsbescheinigung).
        [absence-notice] We have received your request to be away from where you live (Ortsabwesenheit).
        [change-notice] We have received your notice of changes (Veränderungsmitteilung).
       *[other] We have received your documents.
    }
    Received by us: { $received_at }
    This is the time your jobcenter received it.

    { $kind ->
        [absence-notice]
            Important: please do not leave before we have agreed.
            We will write to you when we have decided.
       *[other]
            You do not need to do anything now.
            We will check your details. If we need anything else, we will write to you.
    }

## Documents (to applicants)

documents-requested-subject = Please send us documents by { $due }
documents-requested-body =
    We still need these documents from you:

    { $documents }

    Please send us these documents by { $due }.
    You can upload them online, send them by post or bring them to us.

    Without these documents we cannot finish working on your application.
    Do you have a question, or can you not make the deadline? Then please contact us before { $due }.

documents-due-soon-subject = Reminder: your documents are due by { $due }
documents-due-soon-body =
    We are still waiting for documents from you.
    The deadline is { $due }.

    Please send us the documents by then.
    Our message asking for the documents lists what we need.
    Have you already sent them? Then you do not need to do anything else.

## Decision (to applicants)

decision-issued-subject = You have a new decision letter
decision-issued-body =
    We have made a decision. The decision letter (Bescheid) is attached.
    The decision letter is in German.

    Please read the decision letter carefully.
    Do you disagree? Then you can object (Widerspruch).
    How to do this and by when is at the end of the letter, under "Rechtsbehelfsbelehrung".

## Objection

objection-received-subject = We have received your objection
objection-received-body =
    We have received your objection of { $filed_on }.
    We will now check the decision again.
    After that, we will answer you in writing.

    You do not need to do anything now.
    Do you have more documents for your objection? Then please send them to us.

# To staff
objection-filed-subject = { $late ->
        [yes] New objection – possibly late
       *[no] New objection
    }
objection-filed-body =
    An objection was filed in one of your cases. Filed on: { $filed_on }.
    { $late ->
        [yes] Note: the objection may have arrived after the objection period ended. Please check whether it is admissible.
       *[no] The objection arrived within the objection period.
    }
    Please check whether you can grant it (Abhilfe).

## Sick notes (to staff)

sick-note-recorded-subject = Sick note recorded
sick-note-recorded-body =
    A sick note arrived in one of your cases.
    Recorded incapacity to work: from { $from } until { $until }.
    The certificate is in the e-file.
    Please take this period into account, for example for appointments.

sick-note-needs-review-subject = Please check a sick note
sick-note-needs-review-body =
    A sick note arrived in one of your cases.
    It could not be recorded automatically.
    Please check the certificate in the e-file and record the period.

## Decision limits (to staff)

decision-overdue-subject = { $limit ->
        [objection] Deadline: objection not yet decided
       *[decision] Deadline: application not yet decided
    }
decision-overdue-body =
    { $limit ->
        [objection] An objection in one of your cases has not been decided yet.
       *[decision] An application in one of your cases has not been decided yet.
    }
    Soon an action for failure to act is possible (§ 88 SGG).
    Please decide soon, or record the reason for the delay in the file.

## Appointments (to applicants)

appointment-booked-subject = Your appointment: { $start }
appointment-booked-body =
    Your appointment is booked.

    When: { $start }
    { $channel ->
        [phone] How: by phone. We will call you.
        [video] How: by video call. { PRESENT($video_link) ->
            [yes] The link: { $video_link }
           *[no] We will send you the link before the appointment.
        }
       *[in-person] Where: { PRESENT($office) ->
            [yes] { $office }
           *[no] { $jobcenter }
        }
    }
    Your appointment number: { $reference }

    Please be on time.
    Can you not make it? Then please cancel or move the appointment beforehand.

appointment-invited-subject = Invitation to an appointment: { $start }
appointment-invited-body =
    We invite you to an appointment. Please come to this appointment.

    When: { $start }
    { $channel ->
        [phone] How: by phone. We will call you.
        [video] How: by video call. { PRESENT($video_link) ->
            [yes] The link: { $video_link }
           *[no] We will send you the link before the appointment.
        }
       *[in-person] Where: { PRESENT($office) ->
            [yes] { $office }
           *[no] { $jobcenter }
        }
    }
    Your appointment number: { $reference }

    Important: this is a mandatory appointment (Meldetermin).
    If you miss it without a good reason, we can reduce your { -benefit }. This is set out in § 32 SGB II.
    Illness is an example of a good reason. Then we need a certificate from your doctor.
    Can you not come? Then please contact us before the appointment and tell us why.

appointment-reminder-subject = Reminder: your appointment on { $start }
appointment-reminder-body =
    This is a reminder of your appointment.

    When: { $start }
    { $channel ->
        [phone] How: by phone. We will call you.
        [video] How: by video call. { PRESENT($video_link) ->
            [yes] The link: { $video_link }
           *[no] We will send you the link before the appointment.
        }
       *[in-person] Where: { PRESENT($office) ->
            [yes] { $office }
           *[no] { $jobcenter }
        }
    }
    Your appointment number: { $reference }

    Can you not make it? Then please cancel the appointment beforehand.

appointment-rescheduled-subject = New time for your appointment: { $start }
appointment-rescheduled-body =
    Your appointment has a new time.

    New time: { $start }
    Your appointment number: { $reference }

    The old time no longer applies.
    Does the new time not suit you? Then please contact us.

appointment-cancelled-subject = Your appointment on { $start } is cancelled
appointment-cancelled-body =
    Your appointment on { $start } is cancelled.
    Appointment number: { $reference }

    You do not need to come to this appointment.
    If we need a new appointment, we will contact you.

## Reply from your caseworker (to applicants)

reply-subject = Reply to your message
reply-body = { $text }

## Hints by e-mail and push
## Only { $portal_url } is allowed: no name, no case, no subject, no deadline.

hint-subject = You have a new message
hint-body =
    Hello,

    You have a new message in your jobcenter mailbox.
    Please log in to read it:
    { $portal_url }

    To protect your data, the message itself is not in this e-mail.
    We sent this e-mail automatically. Please do not reply to it.

push-title = New message
push-body = You have a new message in your mailbox.

## Letter

letter-salutation = Hello,
letter-closing =
    Kind regards
    { $jobcenter }
