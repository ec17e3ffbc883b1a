### Nachrichten des Jobcenters – Deutsch.
###
### Einfache Sprache: kurze Sätze, aktive Sätze, die Sie-Form. Jede Nachricht sagt,
### was passiert ist, was die Person tun soll und bis wann.
###
### Jede Nachricht darf { $jobcenter } nutzen: den Namen des Jobcenters, so wie er im Text stehen
### soll (zum Beispiel „Jobcenter Musterstadt“). Welche Variablen eine Nachricht sonst nutzen darf,
### prüft der Dienst beim Start (services/notification/src/templates/catalog.rs).
### Die Texte haben keine Anrede und keinen Gruß: Ein Brief setzt letter-salutation davor und
### letter-closing dahinter.
### Ein Brief ist immer deutsch (§ 19 SGB X). Diese Datei muss deshalb für Briefe gut sein.

# Der Name der Leistung. Ändert sich der Name durch eine Reform, reicht eine Änderung hier.
-benefit = Bürgergeld

## Eingang bestätigen (an Antragstellende)

submission-received-subject = { $kind ->
        [main-application] Wir haben Ihren Antrag auf { -benefit } erhalten
        [continuation] Wir haben Ihren Weiterbewilligungsantrag erhalten
        [one-off-benefit] Wir haben Ihren Antrag auf eine einmalige Leistung erhalten
        [education-participation] Wir haben Ihren Antrag auf Bildung und Teilhabe erhalten
        [sick-note] Wir haben Ihre Krankmeldung erhalten
        [absence-notice] Wir haben Ihren Antrag auf Ortsabwesenheit erhalten
        [change-notice] Wir haben Ihre Veränderungsmitteilung erhalten
       *[other] Wir haben Ihre Unterlagen erhalten
    }
submission-received-body =
    { $kind ->
        [main-application] Wir haben Ihren Antrag auf { -benefit } erhalten.
        [continuation] Wir haben Ihren Weiterbewilligungsantrag erhalten. Mit diesem Antrag bekommen Sie weiter { -benefit }.
        [one-off-benefit] Wir haben Ihren Antrag auf eine einmalige Leistung erhalten.
        [education-participation] Wir haben Ihren Antrag auf Bildung und Teilhabe erhalten.
        [sick-note] Wir haben Ihre Krankmeldung (Arbeitsunfähigkeitsbescheinigung) erhalten.
        [absence-notice] Wir haben Ihren Antrag auf Ortsabwesenheit erhalten.
        [change-notice] Wir haben Ihre Mitteilung über eine Veränderung erhalten.
       *[other] Wir haben Ihre Unterlagen erhalten.
    }
    Eingang bei uns: { $received_at }
    Dieser Zeitpunkt gilt als Eingang beim Jobcenter.

    { $kind ->
        [absence-notice]
            Wichtig: Bitte verreisen Sie erst, wenn wir zugestimmt haben.
            Wir schreiben Ihnen, sobald wir entschieden haben.
       *[other]
            Sie müssen jetzt nichts tun.
            Wir prüfen Ihre Angaben. Wenn wir noch etwas brauchen, schreiben wir Ihnen.
    }

## Unterlagen anfordern (an Antragstellende)

documents-requested-subject = Bitte schicken Sie uns Unterlagen bis zum { $due }
documents-requested-body =
    Wir brauchen noch Unterlagen von Ihnen:

    { $documents }

    Bitte schicken Sie uns diese Unterlagen bis zum { $due }.
    Sie können die Unterlagen online hochladen, mit der Post schicken oder bei uns abgeben.

    Ohne diese Unterlagen können wir Ihren Antrag nicht fertig bearbeiten.
    Sie haben eine Frage oder schaffen die Frist nicht? Dann melden Sie sich bitte vor dem { $due } bei uns.

documents-due-soon-subject = Erinnerung: Ihre Unterlagen bis zum { $due }
documents-due-soon-body =
    Wir warten noch auf Unterlagen von Ihnen.
    Die Frist endet am { $due }.

    Bitte schicken Sie uns die Unterlagen bis dahin.
    Welche Unterlagen wir brauchen, steht in unserer Nachricht mit der Anforderung.
    Sie haben die Unterlagen schon geschickt? Dann müssen Sie nichts mehr tun.

## Bescheid (an Antragstellende)

decision-issued-subject = Sie haben einen neuen Bescheid
decision-issued-body =
    Wir haben entschieden. Den Bescheid finden Sie im Anhang.

    Bitte lesen Sie den Bescheid genau.
    Sie sind nicht einverstanden? Dann können Sie Widerspruch einlegen.
    Wie das geht und bis wann, steht am Ende des Bescheids unter „Rechtsbehelfsbelehrung“.

## Widerspruch

objection-received-subject = Wir haben Ihren Widerspruch erhalten
objection-received-body =
    Wir haben Ihren Widerspruch vom { $filed_on } erhalten.
    Wir prüfen die Entscheidung jetzt noch einmal.
    Danach bekommen Sie von uns eine schriftliche Antwort.

    Sie müssen jetzt nichts tun.
    Sie haben noch Unterlagen zu Ihrem Widerspruch? Dann schicken Sie sie uns bitte.

# An Mitarbeitende
objection-filed-subject = { $late ->
        [yes] Neuer Widerspruch – möglicherweise verspätet
       *[no] Neuer Widerspruch
    }
objection-filed-body =
    Zu einem Ihrer Fälle ist ein Widerspruch eingegangen. Eingelegt am: { $filed_on }.
    { $late ->
        [yes] Achtung: Der Widerspruch ist möglicherweise erst nach Ablauf der Widerspruchsfrist eingegangen. Bitte prüfen Sie die Zulässigkeit.
       *[no] Der Widerspruch ist innerhalb der Frist eingegangen.
    }
    Bitte prüfen Sie, ob Sie abhelfen können.

## Krankmeldungen (an Mitarbeitende)

sick-note-recorded-subject = Krankmeldung erfasst
sick-note-recorded-body =
    Zu einem Ihrer Fälle ist eine Arbeitsunfähigkeitsbescheinigung eingegangen.
    Erfasst ist die Arbeitsunfähigkeit vom { $from } bis zum { $until }.
    Die Bescheinigung liegt in der E-Akte.
    Bitte berücksichtigen Sie den Zeitraum, zum Beispiel bei Terminen.

sick-note-needs-review-subject = Bitte Krankmeldung prüfen
sick-note-needs-review-body =
    Zu einem Ihrer Fälle ist eine Krankmeldung eingegangen.
    Sie konnte nicht automatisch erfasst werden.
    Bitte prüfen Sie die Bescheinigung in der E-Akte und erfassen Sie den Zeitraum.

## Fristen der Entscheidung (an Mitarbeitende)

decision-overdue-subject = { $limit ->
        [objection] Frist: Widerspruch noch nicht entschieden
       *[decision] Frist: Antrag noch nicht entschieden
    }
decision-overdue-body =
    { $limit ->
        [objection] Über einen Widerspruch in einem Ihrer Fälle ist noch nicht entschieden.
       *[decision] Über einen Antrag in einem Ihrer Fälle ist noch nicht entschieden.
    }
    Bald ist eine Untätigkeitsklage möglich (§ 88 SGG).
    Bitte entscheiden Sie zeitnah oder halten Sie den Grund für die Verzögerung in der Akte fest.

## Termine (an Antragstellende)

appointment-booked-subject = Ihr Termin: { $start }
appointment-booked-body =
    Ihr Termin ist gebucht.

    Wann: { $start }
    { $channel ->
        [phone] Wie: am Telefon. Wir rufen Sie an.
        [video] Wie: als Video-Gespräch. { PRESENT($video_link) ->
            [yes] Der Link: { $video_link }
           *[no] Den Link schicken wir Ihnen vor dem Termin.
        }
       *[in-person] Wo: { PRESENT($office) ->
            [yes] { $office }
           *[no] { $jobcenter }
        }
    }
    Ihre Terminnummer: { $reference }

    Bitte seien Sie pünktlich.
    Sie können nicht? Dann sagen Sie den Termin bitte vorher ab oder verschieben Sie ihn.

appointment-invited-subject = Einladung zu einem Termin: { $start }
appointment-invited-body =
    Wir laden Sie zu einem Termin ein. Bitte kommen Sie zu diesem Termin.

    Wann: { $start }
    { $channel ->
        [phone] Wie: am Telefon. Wir rufen Sie an.
        [video] Wie: als Video-Gespräch. { PRESENT($video_link) ->
            [yes] Der Link: { $video_link }
           *[no] Den Link schicken wir Ihnen vor dem Termin.
        }
       *[in-person] Wo: { PRESENT($office) ->
            [yes] { $office }
           *[no] { $jobcenter }
        }
    }
    Ihre Terminnummer: { $reference }

    Wichtig: Das ist ein Meldetermin.
    Wenn Sie ohne wichtigen Grund nicht kommen, können wir Ihr { -benefit } kürzen (§ 32 SGB II).
    Ein wichtiger Grund ist zum Beispiel eine Krankheit. Dann brauchen wir eine Bescheinigung vom Arzt.
    Sie können nicht kommen? Dann melden Sie sich bitte vor dem Termin bei uns und nennen Sie den Grund.

appointment-reminder-subject = Erinnerung: Ihr Termin am { $start }
appointment-reminder-body =
    Wir erinnern Sie an Ihren Termin.

    Wann: { $start }
    { $channel ->
        [phone] Wie: am Telefon. Wir rufen Sie an.
        [video] Wie: als Video-Gespräch. { PRESENT($video_link) ->
            [yes] Der Link: { $video_link }
           *[no] Den Link schicken wir Ihnen vor dem Termin.
        }
       *[in-person] Wo: { PRESENT($office) ->
            [yes] { $office }
           *[no] { $jobcenter }
        }
    }
    Ihre Terminnummer: { $reference }

    Sie können nicht? Dann sagen Sie den Termin bitte vorher ab.

appointment-rescheduled-subject = Neue Zeit für Ihren Termin: { $start }
appointment-rescheduled-body =
    Ihr Termin hat eine neue Zeit.

    Neue Zeit: { $start }
    Ihre Terminnummer: { $reference }

    Die alte Zeit gilt nicht mehr.
    Die neue Zeit passt Ihnen nicht? Dann melden Sie sich bitte bei uns.

appointment-cancelled-subject = Ihr Termin am { $start } fällt aus
appointment-cancelled-body =
    Ihr Termin am { $start } fällt aus.
    Terminnummer: { $reference }

    Sie müssen zu diesem Termin nicht kommen.
    Wenn wir einen neuen Termin brauchen, melden wir uns bei Ihnen.

## Antwort der Sachbearbeitung (an Antragstellende)

reply-subject = Antwort auf Ihre Nachricht
reply-body = { $text }

## Hinweise per E-Mail und Push
## Nur { $portal_url } ist erlaubt: kein Name, kein Fall, kein Betreff, keine Frist.

hint-subject = Sie haben eine neue Nachricht
hint-body =
    Guten Tag,

    Sie haben eine neue Nachricht im Postfach Ihres Jobcenters.
    Bitte melden Sie sich an und lesen Sie die Nachricht:
    { $portal_url }

    Zum Schutz Ihrer Daten steht der Inhalt nicht in dieser E-Mail.
    Wir haben diese E-Mail automatisch verschickt. Bitte antworten Sie nicht darauf.

push-title = Neue Nachricht
push-body = Sie haben eine neue Nachricht in Ihrem Postfach.

## Brief

letter-salutation = Guten Tag,
letter-closing =
    Mit freundlichen Grüßen
    { $jobcenter }
