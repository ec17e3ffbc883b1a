//! Tests of the template files and their loading: every language complete, hints without
//! personal data, right-to-left Arabic, tenant overrides.

use std::path::Path;

use chrono::{NaiveDate, TimeZone, Utc};
use fluent_syntax::ast::Entry;

use super::*;
use crate::domain::ArgValue;

const TENANT: &str = "jc-musterstadt";
const PORTAL: &str = "https://portal.example.org/postfach";

fn text(value: &str) -> ArgValue {
    ArgValue::Text(value.to_owned())
}

fn day(y: i32, m: u32, d: u32) -> ArgValue {
    ArgValue::Date(NaiveDate::from_ymd_opt(y, m, d).expect("valid date"))
}

/// Tuesday 15 December 2026, 09:30 in Berlin.
fn appointment_start() -> ArgValue {
    ArgValue::DateTime(
        Utc.with_ymd_and_hms(2026, 12, 15, 8, 30, 0)
            .single()
            .expect("valid time"),
    )
}

/// Every argument a topic's messages may use, with realistic values.
fn example_args(topic: Topic) -> Args {
    let args = Args::new().with("jobcenter", text("Jobcenter Musterstadt"));
    let appointment = |args: Args| {
        args.with("start", appointment_start())
            .with("reference", text("T-2026-0042"))
            .with("channel", text("in-person"))
            .with("video_link", text(""))
            .with("office", text("Hauptstraße 1, Raum 204, 12345 Musterstadt"))
    };
    match topic {
        Topic::SubmissionReceived => args.with("kind", text("main-application")).with(
            "received_at",
            ArgValue::DateTime(
                Utc.with_ymd_and_hms(2026, 12, 1, 7, 5, 0)
                    .single()
                    .expect("valid time"),
            ),
        ),
        Topic::DocumentsRequested => args
            .with(
                "documents",
                ArgValue::List(vec![
                    "Kontoauszüge der letzten 3 Monate".to_owned(),
                    "Mietvertrag".to_owned(),
                ]),
            )
            .with("due", day(2026, 12, 15)),
        Topic::DocumentsDueSoon => args.with("due", day(2026, 12, 15)),
        Topic::DecisionIssued | Topic::SickNoteNeedsReview => args,
        Topic::ObjectionReceived => args.with("filed_on", day(2026, 11, 20)),
        Topic::ObjectionFiled => args
            .with("filed_on", day(2026, 11, 20))
            .with("late", text("yes")),
        Topic::SickNoteRecorded => args
            .with("from", day(2026, 12, 1))
            .with("until", day(2026, 12, 5)),
        Topic::DecisionOverdue => args.with("limit", text("objection")),
        Topic::AppointmentBooked | Topic::AppointmentInvited | Topic::AppointmentReminder => {
            appointment(args)
        }
        Topic::AppointmentRescheduled | Topic::AppointmentCancelled => args
            .with("start", appointment_start())
            .with("reference", text("T-2026-0042")),
        Topic::Reply => args.with(
            "text",
            text("Guten Tag, Ihr Antrag ist vollständig. Viele Grüße"),
        ),
    }
}

/// The arguments of the messages outside the topics.
fn extra_args() -> Args {
    Args::new()
        .with("portal_url", text(PORTAL))
        .with("jobcenter", text("Jobcenter Musterstadt"))
}

fn templates() -> Templates {
    Templates::embedded().expect("embedded templates load")
}

fn embedded_source(language: &str) -> &'static str {
    catalog::EMBEDDED
        .iter()
        .find(|(l, _, _)| *l == language)
        .map(|(_, _, source)| *source)
        .expect("embedded language")
}

fn assert_complete(text: &str, what: &str) {
    assert!(!text.trim().is_empty(), "{what} is empty");
    // Fluent writes an unresolved reference as "{$name}" or "{name}".
    assert!(
        !text.contains('{'),
        "{what} has an unresolved placeable: {text}"
    );
}

#[test]
fn every_language_renders_every_topic_and_every_extra_message_with_full_arguments() {
    let templates = templates();
    assert_eq!(templates.languages(), ["de", "en", "uk", "ar", "tr", "ru"]);
    for language in templates.languages() {
        for topic in Topic::ALL {
            let rendered = templates
                .render(TENANT, language, topic, &example_args(topic))
                .unwrap_or_else(|e| panic!("{language} {topic:?}: {e}"));
            assert_complete(&rendered.subject, &format!("{language} {topic:?} subject"));
            assert_complete(&rendered.body, &format!("{language} {topic:?} body"));
            assert!(!rendered.subject.contains('\n'));
            assert_eq!(rendered.language, *language);
        }
        for id in catalog::EXTRA_MESSAGES {
            let text = templates
                .render_message(TENANT, language, id, &extra_args())
                .unwrap_or_else(|e| panic!("{language} {id}: {e}"));
            assert_complete(&text, &format!("{language} {id}"));
        }
    }
}

/// Deletes message `id` (its first line and its indented continuation) from FTL source.
fn without_message(source: &str, id: &str) -> String {
    let mut out = Vec::new();
    let mut skipping = false;
    for line in source.lines() {
        if line.starts_with(&format!("{id} =")) {
            skipping = true;
            continue;
        }
        if skipping && (line.starts_with(' ') || line.is_empty()) {
            continue;
        }
        skipping = false;
        out.push(line);
    }
    out.join("\n")
}

fn sources_with(language: &str, source: String) -> Vec<(&'static str, &'static str, String)> {
    catalog::EMBEDDED
        .iter()
        .map(|(l, file, embedded)| {
            let text = if *l == language {
                source.clone()
            } else {
                (*embedded).to_owned()
            };
            (*l, *file, text)
        })
        .collect()
}

#[test]
fn loading_fails_when_any_language_file_lacks_any_message() {
    for language in LANGUAGES {
        for id in catalog::required_ids() {
            let source = without_message(embedded_source(language), &id);
            assert_ne!(source, embedded_source(language), "{language} has no {id}");
            match Templates::from_sources(sources_with(language, source)) {
                Err(TemplateError::MissingMessage {
                    language: missing_in,
                    id: missing,
                }) => {
                    assert_eq!(
                        (missing_in.as_str(), missing.as_str()),
                        (language, id.as_str())
                    );
                }
                other => panic!("{language} without {id}: expected MissingMessage, got {other:?}"),
            }
        }
    }
}

#[test]
fn a_missing_language_file_fails_the_load() {
    let sources: Vec<_> = catalog::EMBEDDED
        .iter()
        .filter(|(l, _, _)| *l != "tr")
        .map(|(l, f, s)| (*l, *f, (*s).to_owned()))
        .collect();
    let error = Templates::from_sources(sources).expect_err("tr is missing");
    assert!(
        error.to_string().contains("templates/tr/messages.ftl"),
        "{error}"
    );
}

#[test]
fn a_missing_argument_fails_the_message_naming_language_and_id() {
    let templates = templates();
    let args = example_args(Topic::DocumentsRequested);
    let without_due = Args(args.0.into_iter().filter(|(n, _)| n != "due").collect());
    let error = templates
        .render(TENANT, "en", Topic::DocumentsRequested, &without_due)
        .expect_err("due is missing");
    match &error {
        TemplateError::Render {
            language,
            id,
            details,
        } => {
            assert_eq!(language, "en");
            assert_eq!(id, "documents-requested-subject");
            assert!(details.contains("$due"), "{details}");
        }
        other => panic!("expected Render, got {other:?}"),
    }
    // Also when the only use is inside a selector's function.
    let args = example_args(Topic::AppointmentBooked);
    let without_office = Args(args.0.into_iter().filter(|(n, _)| n != "office").collect());
    let error = templates
        .render(TENANT, "de", Topic::AppointmentBooked, &without_office)
        .expect_err("office is missing");
    assert!(error.to_string().contains("$office"), "{error}");
}

#[test]
fn a_message_using_an_argument_it_is_not_given_fails_the_load() {
    let source = embedded_source("de").replace(
        "decision-issued-subject = Sie haben einen neuen Bescheid",
        "decision-issued-subject = Neuer Bescheid für { $name }",
    );
    match Templates::from_sources(sources_with("de", source)) {
        Err(TemplateError::UnknownVariable { id, variable, .. }) => {
            assert_eq!(
                (id.as_str(), variable.as_str()),
                ("decision-issued-subject", "name")
            );
        }
        other => panic!("expected UnknownVariable, got {other:?}"),
    }
}

#[test]
fn an_unknown_function_or_message_id_fails_the_load() {
    let source = embedded_source("en").replace("PRESENT($office)", "PRESNT($office)");
    let error = Templates::from_sources(sources_with("en", source)).expect_err("typo");
    assert!(error.to_string().contains("PRESNT"), "{error}");

    let source = format!("{}\ndecision-isued-body = typo\n", embedded_source("en"));
    let error = Templates::from_sources(sources_with("en", source)).expect_err("typo");
    assert!(error.to_string().contains("decision-isued-body"), "{error}");
}

#[test]
fn german_and_english_name_the_deadline_of_requested_documents_and_list_them() {
    let templates = templates();
    let args = example_args(Topic::DocumentsRequested);
    for (language, deadline) in [("de", "15.12.2026"), ("en", "15 December 2026")] {
        let rendered = templates
            .render(TENANT, language, Topic::DocumentsRequested, &args)
            .expect("renders");
        assert!(
            rendered.subject.contains(deadline),
            "{language}: {}",
            rendered.subject
        );
        assert!(
            rendered.body.contains(deadline),
            "{language}: {}",
            rendered.body
        );
        assert!(
            rendered
                .body
                .contains("- Kontoauszüge der letzten 3 Monate\n- Mietvertrag"),
            "{language}: {}",
            rendered.body
        );
    }
}

#[test]
fn appointments_show_the_berlin_time_and_the_right_place_for_the_channel() {
    let templates = templates();
    let rendered = templates
        .render(
            TENANT,
            "de",
            Topic::AppointmentBooked,
            &example_args(Topic::AppointmentBooked),
        )
        .expect("renders");
    assert!(
        rendered
            .body
            .contains("Wann: Dienstag, 15.12.2026, 09:30 Uhr"),
        "{}",
        rendered.body
    );
    assert!(
        rendered.body.contains("Wo: Hauptstraße 1, Raum 204"),
        "{}",
        rendered.body
    );

    let mut args = example_args(Topic::AppointmentBooked);
    args.set("office", text(""));
    let rendered = templates
        .render(TENANT, "de", Topic::AppointmentBooked, &args)
        .expect("renders");
    assert!(
        rendered.body.contains("Wo: Jobcenter Musterstadt"),
        "{}",
        rendered.body
    );

    args.set("channel", text("video"));
    let rendered = templates
        .render(TENANT, "en", Topic::AppointmentBooked, &args)
        .expect("renders");
    assert!(
        rendered.body.contains("Tuesday, 15 December 2026, 9:30 am"),
        "{}",
        rendered.body
    );
    assert!(
        rendered.body.contains("We will send you the link"),
        "{}",
        rendered.body
    );
    args.set("video_link", text("https://video.example.org/r/abc"));
    let rendered = templates
        .render(TENANT, "en", Topic::AppointmentBooked, &args)
        .expect("renders");
    assert!(
        rendered.body.contains("https://video.example.org/r/abc"),
        "{}",
        rendered.body
    );
}

#[test]
fn a_receipt_names_what_was_received_and_an_absence_says_to_wait_for_approval() {
    let templates = templates();
    let mut args = example_args(Topic::SubmissionReceived);
    args.set("kind", text("absence-notice"));
    let rendered = templates
        .render(TENANT, "de", Topic::SubmissionReceived, &args)
        .expect("renders");
    assert_eq!(
        rendered.subject,
        "Wir haben Ihren Antrag auf Ortsabwesenheit erhalten"
    );
    assert!(
        rendered.body.contains(
            "\n\nWichtig: Bitte verreisen Sie erst, wenn wir zugestimmt haben.\nWir schreiben"
        ),
        "{}",
        rendered.body
    );
    assert!(
        rendered.body.contains("Dienstag, 01.12.2026, 08:05 Uhr"),
        "{}",
        rendered.body
    );
    // A kind the templates do not know yet still confirms the receipt.
    args.set("kind", text("some-future-kind"));
    let rendered = templates
        .render(TENANT, "en", Topic::SubmissionReceived, &args)
        .expect("renders");
    assert_eq!(rendered.subject, "We have received your documents");
}

#[test]
fn every_invitation_names_the_consequence_of_missing_a_mandatory_appointment() {
    let templates = templates();
    let args = example_args(Topic::AppointmentInvited);
    for language in LANGUAGES {
        let rendered = templates
            .render(TENANT, language, Topic::AppointmentInvited, &args)
            .expect("renders");
        assert!(
            rendered.body.contains("§ 32 SGB II"),
            "{language}: {}",
            rendered.body
        );
    }
}

#[test]
fn hints_and_push_messages_use_no_argument_but_the_portal_url() {
    for (language, file, source) in catalog::EMBEDDED {
        let resource = fluent_syntax::parser::parse(source).expect("parses");
        let mut seen = 0;
        for entry in &resource.body {
            let Entry::Message(message) = entry else {
                continue;
            };
            let id = message.id.name;
            if !["hint-subject", "hint-body", "push-title", "push-body"].contains(&id) {
                continue;
            }
            seen += 1;
            let value = message.value.as_ref().expect("has a value");
            let refs = check::direct_references(value);
            assert!(
                refs.variables.iter().all(|v| v == "portal_url"),
                "{file}: {id} uses {:?}",
                refs.variables
            );
            // Another message would bring its own arguments along.
            assert!(
                !format!("{value:?}").contains("MessageReference"),
                "{file}: {id}"
            );
            assert!(message.attributes.is_empty(), "{file}: {id}");
        }
        assert_eq!(seen, 4, "{language}");
    }
    // Given personal data anyway, they do not show it.
    let templates = templates();
    let args = extra_args().with("name", text("Erika Mustermann"));
    for language in LANGUAGES {
        let body = templates
            .render_message(TENANT, language, "hint-body", &args)
            .expect("renders");
        assert!(body.contains(PORTAL), "{language}: {body}");
        assert!(!body.contains("Mustermann") && !body.contains("Musterstadt"));
    }
}

#[test]
fn arabic_renders_right_to_left_with_isolation_marks_and_the_others_without() {
    const FSI: char = '\u{2068}';
    const PDI: char = '\u{2069}';
    let templates = templates();
    let args = example_args(Topic::DocumentsRequested);
    let arabic = templates
        .render(TENANT, "ar", Topic::DocumentsRequested, &args)
        .expect("renders");
    assert_eq!(arabic.direction, Direction::Rtl);
    assert!(
        arabic.body.contains(&format!("{FSI}15.12.2026{PDI}")),
        "{}",
        arabic.body
    );
    for language in ["de", "en", "uk", "tr", "ru"] {
        let rendered = templates
            .render(TENANT, language, Topic::DocumentsRequested, &args)
            .expect("renders");
        assert_eq!(rendered.direction, Direction::Ltr);
        let all = format!("{}{}", rendered.subject, rendered.body);
        assert!(!all.contains(FSI) && !all.contains(PDI), "{language}");
    }
}

#[test]
fn a_language_tag_with_a_region_renders_and_an_unknown_language_is_an_error() {
    let templates = templates();
    let args = example_args(Topic::DecisionIssued);
    let rendered = templates
        .render(TENANT, "de-DE", Topic::DecisionIssued, &args)
        .expect("renders");
    assert_eq!(rendered.language, "de");
    assert!(matches!(
        templates.render(TENANT, "fr", Topic::DecisionIssued, &args),
        Err(TemplateError::UnknownLanguage { .. })
    ));
    assert!(matches!(
        templates.render_message(TENANT, "de", "no-such-message", &args),
        Err(TemplateError::MissingMessage { .. })
    ));
}

#[test]
fn templates_can_be_shared_between_threads() {
    fn shared<T: Send + Sync>() {}
    shared::<Templates>();
}

fn write(dir: &Path, relative: &str, content: &str) {
    let path = dir.join(relative);
    std::fs::create_dir_all(path.parent().expect("has a parent")).expect("create dirs");
    std::fs::write(path, content).expect("write file");
}

#[test]
fn an_override_replaces_one_message_for_one_tenant_and_falls_back_for_the_rest() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(
        dir.path(),
        "jc-a/de/messages.ftl",
        "decision-issued-subject = Ihr Bescheid vom { $jobcenter } ist da\n",
    );
    write(
        dir.path(),
        "README.md",
        "plain files beside tenants are ignored",
    );
    write(dir.path(), "..data/x/de/messages.ftl", "hidden: ignored {");
    let templates = templates()
        .with_overrides(dir.path())
        .expect("overrides load");
    let args = example_args(Topic::DecisionIssued);
    let embedded = templates
        .render("jc-b", "de", Topic::DecisionIssued, &args)
        .expect("renders");

    let a = templates
        .render("jc-a", "de", Topic::DecisionIssued, &args)
        .expect("renders");
    assert_eq!(a.subject, "Ihr Bescheid vom Jobcenter Musterstadt ist da");
    assert_eq!(
        a.body, embedded.body,
        "the body falls back to the embedded one"
    );
    assert_eq!(embedded.subject, "Sie haben einen neuen Bescheid");

    let english = templates
        .render("jc-a", "en", Topic::DecisionIssued, &args)
        .expect("renders");
    assert_eq!(english.subject, "You have a new decision letter");
    assert!(format!("{templates:?}").contains("jc-a/de"));
}

#[test]
fn later_overrides_go_on_top_of_earlier_ones() {
    let first = tempfile::tempdir().expect("tempdir");
    write(
        first.path(),
        "jc-a/en/messages.ftl",
        "push-title = First\npush-body = First body\n",
    );
    let second = tempfile::tempdir().expect("tempdir");
    write(
        second.path(),
        "jc-a/en/messages.ftl",
        "push-title = Second\n",
    );
    let templates = templates()
        .with_overrides(first.path())
        .and_then(|t| t.with_overrides(second.path()))
        .expect("overrides load");
    let render = |id| {
        templates
            .render_message("jc-a", "en", id, &extra_args())
            .expect("renders")
    };
    assert_eq!(render("push-title"), "Second");
    assert_eq!(render("push-body"), "First body");
}

#[test]
fn a_syntax_error_in_an_override_fails_the_load_naming_the_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(
        dir.path(),
        "jc-a/en/messages.ftl",
        "push-title = Fine\npush-body = Broken { $portal_url\n",
    );
    let error = templates()
        .with_overrides(dir.path())
        .expect_err("syntax error");
    let file = dir.path().join("jc-a/en/messages.ftl");
    match &error {
        TemplateError::Syntax {
            file: named, line, ..
        } => {
            assert_eq!(named, &file.display().to_string());
            assert_eq!(*line, 2);
        }
        other => panic!("expected Syntax, got {other:?}"),
    }
    assert!(
        error.to_string().contains(&file.display().to_string()),
        "{error}"
    );
}

#[test]
fn an_override_that_would_put_personal_data_into_a_hint_is_refused() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(
        dir.path(),
        "jc-a/de/messages.ftl",
        "hint-body = Hallo, Ihr { $jobcenter } hat geschrieben: { $portal_url }\n",
    );
    match templates().with_overrides(dir.path()) {
        Err(TemplateError::UnknownVariable {
            id, variable, file, ..
        }) => {
            assert_eq!((id.as_str(), variable.as_str()), ("hint-body", "jobcenter"));
            assert!(file.ends_with("messages.ftl"), "{file}");
        }
        other => panic!("expected UnknownVariable, got {other:?}"),
    }
    // Nor through a reference to a message that has personal data.
    write(
        dir.path(),
        "jc-a/de/messages.ftl",
        "hint-body = { reply-body } { $portal_url }\n",
    );
    assert!(matches!(
        templates().with_overrides(dir.path()),
        Err(TemplateError::UnknownVariable { .. })
    ));
}

#[test]
fn overrides_for_unknown_messages_or_languages_are_refused() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(
        dir.path(),
        "jc-a/de/messages.ftl",
        "push-titel = Tippfehler\n",
    );
    let error = templates().with_overrides(dir.path()).expect_err("typo");
    assert!(error.to_string().contains("push-titel"), "{error}");

    let dir = tempfile::tempdir().expect("tempdir");
    write(dir.path(), "jc-a/fr/messages.ftl", "push-title = Nouveau\n");
    let error = templates().with_overrides(dir.path()).expect_err("fr");
    assert!(error.to_string().contains("fr"), "{error}");

    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::create_dir_all(dir.path().join("jc-a/de")).expect("dir");
    let error = templates().with_overrides(dir.path()).expect_err("no file");
    assert!(matches!(error, TemplateError::Read { .. }), "{error:?}");

    let missing = dir.path().join("does-not-exist");
    assert!(matches!(
        templates().with_overrides(&missing),
        Err(TemplateError::Read { .. })
    ));
}

/// Prints every message in every language with the example arguments, for reviewers and
/// translators: `cargo test -p notification --lib preview_every_message -- --ignored --nocapture`.
#[test]
#[ignore = "a preview for people, not a check"]
fn preview_every_message() {
    let templates = templates();
    for language in LANGUAGES {
        for topic in Topic::ALL {
            let rendered = templates
                .render(TENANT, language, topic, &example_args(topic))
                .expect("renders");
            println!(
                "===== {language} {} =====\n{}\n-----\n{}\n",
                topic.template_id(),
                rendered.subject,
                rendered.body
            );
        }
        for id in catalog::EXTRA_MESSAGES {
            let text = templates
                .render_message(TENANT, language, id, &extra_args())
                .expect("renders");
            println!("===== {language} {id} =====\n{text}\n");
        }
    }
}
