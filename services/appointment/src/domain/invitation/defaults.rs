//! The default wording of the Meldetermin invitation and its notice of consequences: the one
//! place these texts live. A jobcenter may replace them (see the parent module); its legal
//! department answers for its own version.
//!
//! Legal basis of the default notice: the duty to report (§ 59 SGB II with § 309 SGB III), the
//! reduction for a missed appointment (§ 32 SGB II: 10 % of the standard need, for one month),
//! no reduction with a good reason shown and proven (§ 32 (1) sentence 2) or in a case of
//! exceptional hardship (§ 31a (3)), and the hearing before a decision (§ 24 SGB X). The
//! scheme is not named ("Bürgergeld"), so a rename of the benefit leaves the text correct.

/// German subject line.
pub const SUBJECT_DE: &str = "Einladung zu einem Termin am {date}";

/// German invitation.
pub const BODY_DE: &str = "Guten Tag,

wir laden Sie zu einem Termin in Ihrem Jobcenter ein.

Termin: {appointment}
Wann: {date}, {time}
Wo: {place}
Ihre Buchungsnummer: {reference}

Bitte halten Sie Ihren Ausweis bereit. Wenn Sie zu dem Termin nicht kommen können, melden Sie \
sich bitte sofort bei uns und nennen Sie uns den Grund.";

/// German notice of consequences (Rechtsfolgenbelehrung).
pub const NOTICE_DE: &str = "Rechtsfolgenbelehrung

Sie sind verpflichtet, zu diesem Termin am {date} um {time} zu kommen ({place}). \
Das regelt § 59 SGB II in Verbindung mit § 309 SGB III.

Wenn Sie ohne wichtigen Grund nicht zu dem Termin kommen, mindert das Jobcenter Ihre Leistungen \
für einen Monat um 10 Prozent des für Sie maßgebenden Regelbedarfs (§ 32 SGB II).

Ein wichtiger Grund kann zum Beispiel eine Krankheit sein, wegen der Sie nicht kommen können. \
Bitte teilen Sie uns den Grund sofort mit und weisen Sie ihn nach, bei Krankheit mit einer \
ärztlichen Bescheinigung.

Die Minderung tritt nicht ein, wenn sie für Sie im Einzelfall eine außergewöhnliche Härte \
bedeuten würde. Bitte sagen Sie uns, wenn das bei Ihnen so sein könnte.

Bevor wir über eine Minderung entscheiden, hören wir Sie an.";

/// English subject line.
pub const SUBJECT_EN: &str = "Invitation to an appointment on {date}";

/// English invitation.
pub const BODY_EN: &str = "Hello,

we invite you to an appointment at your jobcenter.

Appointment: {appointment}
When: {date}, {time}
Where: {place}
Your booking reference: {reference}

Please have your identity document ready. If you cannot come, please contact us at once and \
tell us why.

This English text is a translation to help you; the German letter is the binding one.";

/// English notice of consequences.
pub const NOTICE_EN: &str = "Notice of legal consequences

You are obliged to come to this appointment on {date} at {time} ({place}). \
This is laid down in section 59 of Social Code Book II together with section 309 of Social Code \
Book III.

If you do not come and have no good reason, the jobcenter will reduce your benefits for one month \
by 10 per cent of the standard need that applies to you (section 32 of Social Code Book II).

A good reason can be, for example, an illness that keeps you from coming. Please tell us the \
reason at once and prove it; if you are ill, with a doctor's certificate.

There will be no reduction if it would mean exceptional hardship for you in your particular \
case. Please tell us if this could be so for you.

Before we decide on a reduction, we will hear what you have to say.";
