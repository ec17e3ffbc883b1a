//! Messages composed from other services' events (docs/notification/service.md, "Triggers").
//!
//! Each source projection ([`crate::sources`]) first keeps its directory table and then hands
//! the event to [`Composer::react`] in the same batch transaction, so a composed message, its
//! outbox rows and the projection's checkpoint commit together: exactly once. Per event:
//! decode the trigger ([`triggers::decode`]), look up whose case or appointment it is (the
//! directories), ask the trigger table for its notices ([`triggers::notices`]), and for each:
//! fold the recipient's profile from the log (the decision rests on the recorded events, not on
//! a read model that may lag), plan the channels ([`planning`]), render the template in the
//! message's language, append `MessageComposed` (command id from the trigger event, recipient
//! and topic: a redelivery appends nothing) and enqueue push, e-mail and post.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use chrono::{NaiveDate, TimeDelta, Utc};
use eventlog::{AppendCommand, EventLog, EventMetadata, ExpectedVersion, RecordedEvent};
use jobcenter_proto::notification::v1 as proto;
use projection::ProjectionError;
use sqlx::PgConnection;
use uuid::Uuid;

use crate::commands::profile;
use crate::domain::planning::{self, ChannelDecision, Offered, Reachability};
use crate::domain::profile::DEFAULT_LANGUAGE;
use crate::domain::triggers::{self, Context, Notice, Recipient, Trigger};
use crate::domain::{ArgValue, Topic, day, ids};
use crate::events::NotificationEvent;
use crate::outbox;
use crate::settings::TenantSettings;
use crate::sources::{appointment, case};
use crate::templates::{Direction, Rendered, Templates, catalog};

/// The actor of composed messages in the events' metadata.
pub const ACTOR: &str = "notification";

/// How long a trigger naming a case this service does not know yet is retried (the case log
/// may simply be behind the E-Akte's) before it is passed by with a warning.
const UNKNOWN_CASE_PATIENCE: TimeDelta = TimeDelta::minutes(10);

/// Why an event composes nothing, or could not yet.
#[derive(Debug, thiserror::Error)]
pub enum ComposeError {
    /// The trigger names a case whose `case.CaseOpened` has not arrived yet.
    #[error("the case of the trigger is not known yet")]
    CaseNotYetKnown,
    /// The service's own log or a table failed.
    #[error("composing failed")]
    Log(#[source] Box<dyn std::error::Error + Send + Sync>),
}

/// What composing needs: the log to append to, the tenants' settings and the templates; shared
/// by the four source projections.
#[derive(Debug, Clone)]
pub struct Composer {
    log: EventLog,
    templates: Arc<Templates>,
    tenants: Arc<BTreeMap<String, TenantSettings>>,
    offered: Offered,
    appended: Arc<AtomicBool>,
}

/// One message as it is recorded: everything `MessageComposed` says.
#[derive(Debug, Clone)]
pub struct Draft {
    /// The message.
    pub message_id: Uuid,
    /// Applicant or staff.
    pub recipient_kind: proto::RecipientKind,
    /// The recipient's subject; empty for an applicant reached only by post.
    pub recipient: String,
    /// The case, if any.
    pub case_id: Option<Uuid>,
    /// The topic.
    pub topic: Topic,
    /// The rendered text.
    pub rendered: Rendered,
    /// A deadline it is about.
    pub deadline: Option<NaiveDate>,
    /// E-Akte documents attached.
    pub attachments: Vec<Uuid>,
    /// Where it came from.
    pub origin: proto::message_composed::Origin,
    /// Every channel's decision.
    pub channels: Vec<ChannelDecision>,
}

impl Draft {
    /// The event recording it.
    pub fn event(&self) -> NotificationEvent {
        NotificationEvent::MessageComposed(proto::MessageComposed {
            message_id: self.message_id.to_string(),
            recipient_kind: self.recipient_kind as i32,
            recipient: self.recipient.clone(),
            case_id: self.case_id.map(|c| c.to_string()).unwrap_or_default(),
            topic: self.topic.to_proto() as i32,
            language: self.rendered.language.clone(),
            direction: match self.rendered.direction {
                Direction::Ltr => proto::TextDirection::Ltr,
                Direction::Rtl => proto::TextDirection::Rtl,
            } as i32,
            subject: self.rendered.subject.clone(),
            body: self.rendered.body.clone(),
            deadline: self.deadline.map(day::to_proto),
            attachment_document_ids: self.attachments.iter().map(Uuid::to_string).collect(),
            origin: Some(self.origin.clone()),
            channels: self
                .channels
                .iter()
                .map(|decision| proto::ChannelDecision {
                    channel: decision.channel.to_proto() as i32,
                    send: decision.send,
                    reason: decision.reason.clone(),
                })
                .collect(),
        })
    }
}

/// Appends `draft` to its stream `message-<id>` with `command_id` (refused as a duplicate when
/// recorded before) and enqueues its push, e-mail and post deliveries, all on `tx`: the
/// decision to send and the sending commit together. `letter_application` names the
/// application whose postal address a letter without a case goes to. Whether it was new.
pub async fn record(
    log: &EventLog,
    tx: &mut PgConnection,
    tenant: &str,
    draft: &Draft,
    command_id: Uuid,
    metadata: EventMetadata,
    letter_application: Option<Uuid>,
) -> Result<eventlog::AppendOutcome, ComposeError> {
    let append = AppendCommand {
        command_id,
        stream_id: ids::message_stream(draft.message_id),
        tenant_id: tenant.to_owned(),
        expected: ExpectedVersion::NoStream,
        events: vec![draft.event().to_new_event(metadata)],
    };
    let outcome = log
        .append_in(&mut *tx, vec![append])
        .await
        .map_err(boxed)?
        .pop()
        .ok_or_else(|| boxed(std::io::Error::other("the append answered nothing")))?
        .map_err(boxed)?;
    let due = Utc::now();
    for decision in draft.channels.iter().filter(|decision| decision.send) {
        outbox::enqueue(
            &mut *tx,
            tenant,
            draft.message_id,
            decision.channel,
            due,
            letter_application,
        )
        .await
        .map_err(boxed)?;
    }
    Ok(outcome)
}

impl Composer {
    /// A composer appending to `log` (the worker role's), rendering with `templates`, naming
    /// each jobcenter as `tenants` say, sending on the `offered` hint channels only.
    pub fn new(
        log: EventLog,
        templates: Arc<Templates>,
        tenants: Arc<BTreeMap<String, TenantSettings>>,
        offered: Offered,
    ) -> Self {
        Self {
            log,
            templates,
            tenants,
            offered,
            appended: Arc::new(AtomicBool::new(false)),
        }
    }

    /// The messages `event` of `source_log` composes, recorded on `tx`.
    pub async fn react(
        &self,
        tx: &mut PgConnection,
        source_log: &str,
        event: &RecordedEvent,
    ) -> Result<(), ProjectionError> {
        match self.compose(tx, source_log, event).await {
            Ok(()) => Ok(()),
            Err(ComposeError::CaseNotYetKnown)
                if Utc::now() - event.recorded_at > UNKNOWN_CASE_PATIENCE =>
            {
                tracing::warn!(event_id = %event.event_id, event_type = %event.event_type,
                    "trigger names a case this service does not know: passed by");
                Ok(())
            }
            Err(error) => Err(ProjectionError::Apply(Box::new(error))),
        }
    }

    /// Called after a source projection's batch committed: wakes the relay when something
    /// was appended.
    pub fn after_commit(&self) {
        if self.appended.swap(false, Ordering::AcqRel) {
            self.log.notify_appended();
        }
    }

    async fn compose(
        &self,
        tx: &mut PgConnection,
        source_log: &str,
        event: &RecordedEvent,
    ) -> Result<(), ComposeError> {
        let trigger = match triggers::decode(
            source_log,
            &event.event_type,
            &event.stream_id,
            &event.payload,
        ) {
            Ok(Some(trigger)) => trigger,
            Ok(None) => return Ok(()),
            // One unreadable event must not stop every message behind it.
            Err(error) => {
                tracing::warn!(event_id = %event.event_id, %error, "trigger unreadable: passed by");
                return Ok(());
            }
        };
        let tenant = event.tenant_id.as_str();
        let context = self.context(tx, tenant, source_log, &trigger).await?;
        let settings = self.tenant(tenant);
        for notice in triggers::notices(&trigger, &context) {
            self.compose_notice(tx, tenant, &settings, event, source_log, &notice)
                .await?;
        }
        Ok(())
    }

    /// What the directories say about the trigger's case and appointment.
    async fn context(
        &self,
        tx: &mut PgConnection,
        tenant: &str,
        source_log: &str,
        trigger: &Trigger,
    ) -> Result<Context, ComposeError> {
        let mut context = Context::default();
        if let Some(appointment_id) = trigger.appointment_id()
            && let Some(contact) = appointment::get(&mut *tx, tenant, appointment_id)
                .await
                .map_err(boxed)?
        {
            context.applicant_account = Some(contact.applicant_account).filter(|a| !a.is_empty());
            context.case_id = contact.case_id;
            context.appointment_reference = Some(contact.reference).filter(|r| !r.is_empty());
        }
        let Some(case_id) = trigger.case_id().or(context.case_id) else {
            return Ok(context);
        };
        match case::get(&mut *tx, tenant, case_id).await.map_err(boxed)? {
            Some(contact) => {
                if context.applicant_account.is_none() {
                    context.applicant_account =
                        Some(contact.applicant_account).filter(|a| !a.is_empty());
                }
                context.case_id = Some(case_id);
                context.application_id = contact.application_id;
                context.caseworker = contact.caseworker;
                context.documents_due = contact.documents_due;
                Ok(context)
            }
            // The case log's own triggers always follow their CaseOpened; another log's may
            // run ahead of this service's copy of the case log.
            None if source_log != triggers::CASE_LOG => Err(ComposeError::CaseNotYetKnown),
            None => Ok(context),
        }
    }

    async fn compose_notice(
        &self,
        tx: &mut PgConnection,
        tenant: &str,
        settings: &TenantSettings,
        event: &RecordedEvent,
        source_log: &str,
        notice: &Notice,
    ) -> Result<(), ComposeError> {
        let (recipient_kind, recipient, channels, preferred) = match &notice.recipient {
            Recipient::Staff { subject } => (
                proto::RecipientKind::Staff,
                subject.clone(),
                planning::plan_for_staff(),
                DEFAULT_LANGUAGE.to_owned(),
            ),
            Recipient::Applicant {
                account: Some(account),
                ..
            } => {
                let loaded = profile::load(&self.log, &mut *tx, tenant, account)
                    .await
                    .map_err(boxed)?;
                (
                    proto::RecipientKind::Applicant,
                    account.clone(),
                    planning::plan_for_applicant(notice.topic, &loaded.profile.reachability()),
                    offered(settings, loaded.profile.language()),
                )
            }
            Recipient::Applicant { account: None, .. } => (
                proto::RecipientKind::Applicant,
                String::new(),
                planning::plan_for_applicant(notice.topic, &Reachability::default()),
                DEFAULT_LANGUAGE.to_owned(),
            ),
        };
        let channels = planning::limit_to_offered(channels, self.offered);
        let language = planning::message_language(&channels, &preferred).to_owned();
        let mut args = notice.args.clone();
        args.set(catalog::JOBCENTER, ArgValue::Text(settings.name.clone()));
        let rendered = self
            .templates
            .render(tenant, &language, notice.topic, &args)
            .map_err(boxed)?;
        let message_id = ids::trigger_message_id(
            event.event_id,
            &notice.recipient.message_key(),
            notice.topic,
        );
        let draft = Draft {
            message_id,
            recipient_kind,
            recipient,
            case_id: notice.case_id,
            topic: notice.topic,
            rendered,
            deadline: notice.deadline,
            attachments: notice.attachments.clone(),
            origin: proto::message_composed::Origin::Trigger(proto::Trigger {
                source_log: source_log.to_owned(),
                event_id: event.event_id.to_string(),
                event_type: event.event_type.clone(),
            }),
            channels,
        };
        let stream = ids::message_stream(message_id);
        let command_id = ids::command_id(tenant, &stream, message_id);
        let metadata = EventMetadata {
            actor: Some(ACTOR.to_owned()),
            correlation_id: event.metadata.correlation_id,
            causation_id: Some(event.event_id),
            command_id: Some(command_id),
            traceparent: event.metadata.traceparent.clone(),
            case_id: notice.case_id.map(|case| case.to_string()),
        };
        let letter_application = match &notice.recipient {
            Recipient::Applicant { application_id, .. } => *application_id,
            Recipient::Staff { .. } => None,
        };
        let outcome = record(
            &self.log,
            tx,
            tenant,
            &draft,
            command_id,
            metadata,
            letter_application,
        )
        .await?;
        if !outcome.duplicate {
            self.appended.store(true, Ordering::Release);
            tracing::info!(message_id = %message_id, topic = notice.topic.template_id(),
                trigger = %event.event_id, "message composed");
        }
        Ok(())
    }

    /// The settings of `tenant`.
    fn tenant(&self, tenant: &str) -> TenantSettings {
        self.tenants.get(tenant).cloned().unwrap_or_default()
    }
}

/// The language to write in: the preferred one if the jobcenter offers it, else German.
fn offered(settings: &TenantSettings, preferred: &str) -> String {
    if settings.languages.iter().any(|l| l == preferred) {
        preferred.to_owned()
    } else {
        DEFAULT_LANGUAGE.to_owned()
    }
}

fn boxed(error: impl std::error::Error + Send + Sync + 'static) -> ComposeError {
    ComposeError::Log(Box::new(error))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Channel;

    #[test]
    fn a_language_the_jobcenter_does_not_offer_falls_back_to_german() {
        let settings = TenantSettings::default();
        assert_eq!(offered(&settings, "en"), "en");
        assert_eq!(offered(&settings, "ar"), "de");
    }

    #[test]
    fn a_draft_records_every_channel_decision_and_its_origin() {
        let draft = Draft {
            message_id: Uuid::from_u128(1),
            recipient_kind: proto::RecipientKind::Applicant,
            recipient: "user-1".into(),
            case_id: Some(Uuid::from_u128(2)),
            topic: Topic::DocumentsRequested,
            rendered: Rendered {
                subject: "s".into(),
                body: "b".into(),
                language: "ar".into(),
                direction: Direction::Rtl,
            },
            deadline: NaiveDate::from_ymd_opt(2026, 12, 15),
            attachments: vec![Uuid::from_u128(3)],
            origin: proto::message_composed::Origin::Trigger(proto::Trigger::default()),
            channels: planning::plan_for_staff(),
        };
        let NotificationEvent::MessageComposed(composed) = draft.event() else {
            panic!("a draft is a MessageComposed");
        };
        assert_eq!(composed.channels.len(), Channel::ALL.len());
        assert_eq!(composed.direction, proto::TextDirection::Rtl as i32);
        assert_eq!(composed.deadline.map(|d| d.day), Some(15));
        assert_eq!(
            composed.attachment_document_ids,
            [Uuid::from_u128(3).to_string()]
        );
        assert!(composed.origin.is_some());
    }
}
