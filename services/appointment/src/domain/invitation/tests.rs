//! The default letter filled in, and tenants' templates checked.

use super::*;
use crate::domain::fixtures::{self, utc};
use crate::domain::ids::AppointmentId;
use uuid::Uuid;

fn details<'a>(
    kind: &'a AppointmentType,
    office: &'a Office,
    channel: Channel,
    link: Option<&'a VideoLink>,
) -> InvitationDetails<'a> {
    InvitationDetails {
        appointment_type: kind,
        office,
        channel,
        video_link: link,
        // Monday 30 March 2026, 09:00 in Berlin (summer time).
        start: utc("2026-03-30T07:00:00Z"),
        reference: BookingReference::of(AppointmentId(Uuid::from_u128(7))),
    }
}

#[test]
fn the_default_notice_names_date_time_place_and_the_consequence() {
    let (kind, office) = (fixtures::meldetermin(), fixtures::office());
    let invitation = render(
        &InvitationTemplates::default(),
        &details(&kind, &office, Channel::InPerson, None),
    )
    .expect("the default templates are valid");
    let german = &invitation.german;
    assert_eq!(german.language, Language::German);
    assert_eq!(
        german.subject,
        "Einladung zu einem Termin am Montag, 30. März 2026"
    );
    assert!(german.notice.contains(
        "am Montag, 30. März 2026 um 09:00 Uhr zu kommen (Jobcenter Essen, Standort Mitte, \
         Berliner Platz 10, 45127 Essen)"
    ));
    assert!(german.notice.contains("10 Prozent"));
    assert!(german.notice.contains("§ 32 SGB II"));
    assert!(german.body.contains("Termin: Meldetermin"));
    assert!(
        german
            .body
            .contains(&BookingReference::of(AppointmentId(Uuid::from_u128(7))).to_string())
    );
    let english = &invitation.english;
    assert!(
        english
            .notice
            .contains("on Monday, 30 March 2026 at 09:00 (Jobcenter Essen")
    );
    assert!(english.notice.contains("10 per cent"));
    assert!(english.body.contains("Appointment: Mandatory appointment"));
    // Nothing is left unfilled.
    for text in [
        &german.subject,
        &german.body,
        &german.notice,
        &english.notice,
    ] {
        assert!(!text.contains('{'), "{text}");
    }
}

#[test]
fn a_phone_or_video_invitation_says_how_instead_of_where() {
    let (kind, office) = (fixtures::meldetermin(), fixtures::office());
    let templates = InvitationTemplates::default();
    let phone = render(&templates, &details(&kind, &office, Channel::Phone, None)).expect("ok");
    assert!(phone.german.notice.contains("(telefonisch: wir rufen Sie"));
    let link = VideoLink::parse("https://video.example/r/42").expect("a link");
    let video = render(
        &templates,
        &details(&kind, &office, Channel::Video, Some(&link)),
    )
    .expect("ok");
    assert!(
        video
            .german
            .body
            .contains("Wo: per Video über diesen Link: https://video.example/r/42")
    );
}

#[test]
fn a_tenant_may_override_the_text_but_not_drop_what_the_notice_must_name() {
    let mut templates = InvitationTemplates::default();
    templates.german.notice = "Eigene Belehrung für {date}, {time}, {place}.".into();
    let (kind, office) = (fixtures::meldetermin(), fixtures::office());
    let letter = render(
        &templates,
        &details(&kind, &office, Channel::InPerson, None),
    )
    .expect("valid override");
    assert!(
        letter
            .german
            .notice
            .starts_with("Eigene Belehrung für Montag, 30. März 2026, 09:00 Uhr, Jobcenter")
    );

    templates.german.notice = "Belehrung für {date} um {time}.".into();
    assert_eq!(
        check_templates(&templates),
        Err(TemplateError::Missing {
            field: "german.notice".into(),
            name: "place".into()
        })
    );
    templates.german.notice = "{date} {time} {place} {datum}".into();
    assert_eq!(
        check_templates(&templates),
        Err(TemplateError::UnknownPlaceholder {
            field: "german.notice".into(),
            name: "datum".into()
        })
    );
    templates.german.notice = "{date} {time} {place}".into();
    templates.english.body = "See you on {date".into();
    assert_eq!(
        check_templates(&templates),
        Err(TemplateError::Unclosed {
            field: "english.body".into()
        })
    );
    assert_eq!(
        TemplateError::Missing {
            field: "german.notice".into(),
            name: "place".into()
        }
        .to_string(),
        "german.notice: the notice must name the appointment's {place}"
    );
}
