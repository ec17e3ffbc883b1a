//! An applicant's communication profile: the language of their messages, their consent per
//! channel, the address for e-mail hints and their Web Push subscriptions.
//!
//! The profile is the fold of the recipient stream (`recipient-<uuid>`, [`super::ids`]) and
//! changes only through [`decide`]: a pure decider in the Chassaing style, `decide(&Profile,
//! Command) -> events` and `evolve(Profile, &Event) -> Profile`. A command that would change
//! nothing records nothing (choosing the language already chosen, consenting again to the same
//! wording, registering the same subscription again with the same keys), so a client that
//! retries after a lost answer causes no second event.
//!
//! Withdrawing a consent that is not given is such a no-op too, not FAILED_PRECONDITION: the
//! applicant's intent ("no consent to this channel") holds, and a withdrawal retried after a
//! lost answer must not fail.

use std::collections::{BTreeMap, BTreeSet};

use uuid::Uuid;

use super::Channel;
use super::planning::Reachability;

/// The language of an applicant's messages until they choose one (the official language,
/// § 19 SGB X).
pub const DEFAULT_LANGUAGE: &str = "de";
/// The longest consent wording version ("2026-11").
pub const MAX_WORDING_VERSION_CHARS: usize = 64;
/// The longest e-mail address (RFC 5321: a path is at most 256 octets with its brackets).
pub const MAX_EMAIL_CHARS: usize = 254;
/// The longest push endpoint URL.
pub const MAX_ENDPOINT_CHARS: usize = 2048;
/// Length of a push subscription's `p256dh` key: an uncompressed P-256 point.
pub const P256DH_BYTES: usize = 65;
/// Length of a push subscription's `auth` secret.
pub const AUTH_BYTES: usize = 16;

/// A Web Push subscription of one browser or app.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PushSubscription {
    /// UUIDv5 of the endpoint URL ([`subscription_id`]).
    pub id: Uuid,
    /// The push service's endpoint (https).
    pub endpoint: String,
    /// The user agent's P-256 public key (65 bytes, uncompressed).
    pub p256dh: Vec<u8>,
    /// The user agent's authentication secret (16 bytes).
    pub auth: Vec<u8>,
}

/// The id of the subscription at `endpoint`: UUIDv5 in the URL namespace, so registering the
/// same endpoint again is the same subscription.
pub fn subscription_id(endpoint: &str) -> Uuid {
    Uuid::new_v5(&Uuid::NAMESPACE_URL, endpoint.as_bytes())
}

/// An applicant's communication profile as it stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Profile {
    /// The account subject.
    pub account: String,
    /// The chosen language; `None` until they choose ([`Profile::language`] is then German).
    pub chosen_language: Option<String>,
    /// Consent given per channel, with the wording version agreed to.
    pub consents: BTreeMap<Channel, String>,
    /// The address for e-mail hints.
    pub email_address: Option<String>,
    /// Active push subscriptions by id.
    pub push_subscriptions: BTreeMap<Uuid, PushSubscription>,
    /// Subscriptions registered once and removed since (removing them again changes nothing).
    pub removed_subscriptions: BTreeSet<Uuid>,
}

impl Profile {
    /// The profile of `account` before anything was recorded: German, no consent.
    pub fn new(account: impl Into<String>) -> Self {
        Self {
            account: account.into(),
            chosen_language: None,
            consents: BTreeMap::new(),
            email_address: None,
            push_subscriptions: BTreeMap::new(),
            removed_subscriptions: BTreeSet::new(),
        }
    }

    /// The language of their messages.
    pub fn language(&self) -> &str {
        self.chosen_language.as_deref().unwrap_or(DEFAULT_LANGUAGE)
    }

    /// Whether consent to `channel` is given.
    pub fn consents_to(&self, channel: Channel) -> bool {
        self.consents.contains_key(&channel)
    }

    /// What the profile says about reaching the applicant, for channel planning
    /// ([`super::planning::plan_for_applicant`]). Every profile belongs to an online account.
    pub fn reachability(&self) -> Reachability {
        Reachability {
            has_account: true,
            mailbox_consent: self.consents_to(Channel::Mailbox),
            push_consent: self.consents_to(Channel::Push),
            push_subscriptions: self.push_subscriptions.len(),
            email_consent: self.consents_to(Channel::Email),
            email_address: self.email_address.is_some(),
        }
    }
}

/// What happened to a profile (one event of the recipient stream). The account is the
/// stream's; who recorded a change is kept where the contract records it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProfileEvent {
    /// A language was chosen.
    LanguagePreferred {
        /// The language.
        language: String,
        /// Who recorded it.
        recorded_by: String,
    },
    /// Consent to a channel was given.
    ConsentGiven {
        /// The channel (never post).
        channel: Channel,
        /// The consent text's version.
        wording_version: String,
        /// Who recorded it.
        recorded_by: String,
    },
    /// Consent to a channel was withdrawn.
    ConsentWithdrawn {
        /// The channel.
        channel: Channel,
        /// Who recorded it.
        recorded_by: String,
    },
    /// The e-mail address was set.
    EmailAddressSet {
        /// The address.
        address: String,
    },
    /// The e-mail address was removed.
    EmailAddressRemoved,
    /// A push subscription was registered (or its keys renewed).
    PushSubscriptionRegistered(PushSubscription),
    /// A push subscription ended.
    PushSubscriptionRemoved {
        /// The subscription.
        subscription_id: Uuid,
        /// Why, in words.
        reason: String,
    },
}

/// What someone wants done to a profile. Values are checked when the command is made
/// ([`Command::set_preferred_language`] and the others): a command that exists is well formed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    /// Choose a language (one the tenant offers).
    SetPreferredLanguage {
        /// The language.
        language: String,
    },
    /// Consent to a channel.
    GiveConsent {
        /// The channel.
        channel: Channel,
        /// The consent text's version.
        wording_version: String,
    },
    /// Withdraw consent to a channel.
    WithdrawConsent {
        /// The channel.
        channel: Channel,
    },
    /// Set the e-mail address (`None`: remove it).
    SetEmailAddress {
        /// The address.
        address: Option<String>,
    },
    /// Register a push subscription.
    RegisterPushSubscription(PushSubscription),
    /// Remove a push subscription.
    RemovePushSubscription {
        /// The subscription.
        subscription_id: Uuid,
        /// Why, in words.
        reason: String,
    },
}

/// Why a field of a profile command is refused: each is a field violation of the request.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Problem {
    /// A required value is empty.
    #[error("is required")]
    Required,
    /// The language is not offered by the jobcenter.
    #[error("must be one of the languages the jobcenter offers ({0})")]
    LanguageNotOffered(String),
    /// Post needs no consent; unspecified is no channel.
    #[error("must be mailbox, push or e-mail (post needs no consent)")]
    NotAConsentChannel,
    /// A text too long or with control characters.
    #[error("must be at most {0} characters without control characters")]
    BadText(usize),
    /// Not an e-mail address.
    #[error("must be an e-mail address (local@domain.tld)")]
    NotAnEmailAddress,
    /// Not an https URL.
    #[error("must be an https URL of at most {MAX_ENDPOINT_CHARS} characters")]
    NotAnHttpsUrl,
    /// Not base64url of the right length.
    #[error("must be base64url of {0} bytes")]
    BadKey(usize),
    /// The p256dh key is not an uncompressed point.
    #[error("must be an uncompressed P-256 point (65 bytes starting with 0x04)")]
    NotAnUncompressedPoint,
    /// The endpoint's host is not a push service the installation allows.
    #[error("must be an endpoint of a known push service")]
    PushServiceNotAllowed,
}

/// Which push endpoints may be registered: the browser vendors' push services (an applicant
/// must not make the service post to arbitrary, e.g. internal, hosts), and in tests plain
/// `http://` on a loopback address.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EndpointRules {
    /// Allowed hosts; a leading `*.` allows every subdomain.
    pub allowed_hosts: Vec<String>,
    /// Accept `http://` endpoints on loopback addresses (tests only).
    pub allow_loopback_http: bool,
}

impl EndpointRules {
    /// Whether `endpoint` may be registered.
    pub fn check(&self, endpoint: &str) -> Result<(), Problem> {
        let loopback = self.allow_loopback_http
            && [
                "http://127.0.0.1:",
                "http://127.0.0.1/",
                "http://[::1]:",
                "http://localhost:",
            ]
            .iter()
            .any(|prefix| endpoint.starts_with(prefix));
        if loopback {
            return Ok(());
        }
        if !is_https_url(endpoint) {
            return Err(Problem::NotAnHttpsUrl);
        }
        let host = endpoint
            .trim_start_matches("https://")
            .split(['/', '?', '#', ':'])
            .next()
            .unwrap_or_default()
            .to_ascii_lowercase();
        let allowed = self
            .allowed_hosts
            .iter()
            .any(|allowed| match allowed.strip_prefix("*.") {
                Some(domain) => host.ends_with(&format!(".{domain}")),
                None => host == allowed.to_ascii_lowercase(),
            });
        if allowed {
            Ok(())
        } else {
            Err(Problem::PushServiceNotAllowed)
        }
    }
}

/// A refused field: its path in the request and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {problem}")]
pub struct FieldProblem {
    /// The request field, e.g. `language`.
    pub field: &'static str,
    /// What is wrong.
    pub problem: Problem,
}

fn refused(field: &'static str, problem: Problem) -> FieldProblem {
    FieldProblem { field, problem }
}

/// Why [`decide`] refuses a command.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Rejection {
    /// The push subscription was never registered in this profile.
    #[error("no such push subscription")]
    UnknownSubscription,
}

impl Command {
    /// Choose `language` out of the tenant's `offered` ones (compared case-insensitively,
    /// stored as offered).
    pub fn set_preferred_language(
        language: &str,
        offered: &[String],
    ) -> Result<Self, FieldProblem> {
        let given = language.trim();
        if given.is_empty() {
            return Err(refused("language", Problem::Required));
        }
        offered
            .iter()
            .find(|candidate| candidate.eq_ignore_ascii_case(given))
            .map(|language| Command::SetPreferredLanguage {
                language: language.clone(),
            })
            .ok_or_else(|| refused("language", Problem::LanguageNotOffered(offered.join(", "))))
    }

    /// Consent to `channel` (mailbox, push or e-mail) in the wording `wording_version`.
    pub fn give_consent(
        channel: Option<Channel>,
        wording_version: &str,
    ) -> Result<Self, Vec<FieldProblem>> {
        let mut problems = Vec::new();
        let channel = consent_channel(channel).map_err(|p| problems.push(p)).ok();
        let wording = wording_version.trim();
        if wording.is_empty() {
            problems.push(refused("wording_version", Problem::Required));
        } else if !plain_text(wording, MAX_WORDING_VERSION_CHARS) {
            problems.push(refused(
                "wording_version",
                Problem::BadText(MAX_WORDING_VERSION_CHARS),
            ));
        }
        match channel {
            Some(channel) if problems.is_empty() => Ok(Command::GiveConsent {
                channel,
                wording_version: wording.to_owned(),
            }),
            _ => Err(problems),
        }
    }

    /// Withdraw consent to `channel`.
    pub fn withdraw_consent(channel: Option<Channel>) -> Result<Self, FieldProblem> {
        consent_channel(channel).map(|channel| Command::WithdrawConsent { channel })
    }

    /// Set `address` (checked for shape only); empty removes the address.
    pub fn set_email_address(address: &str) -> Result<Self, FieldProblem> {
        let address = address.trim();
        if address.is_empty() {
            return Ok(Command::SetEmailAddress { address: None });
        }
        if !is_email_address(address) {
            return Err(refused("address", Problem::NotAnEmailAddress));
        }
        Ok(Command::SetEmailAddress {
            address: Some(address.to_owned()),
        })
    }

    /// Register the subscription at `endpoint` with the browser's keys (base64url, padded or
    /// not), if `rules` allow its push service.
    pub fn register_push_subscription(
        endpoint: &str,
        p256dh: &str,
        auth: &str,
        rules: &EndpointRules,
    ) -> Result<Self, Vec<FieldProblem>> {
        let mut problems = Vec::new();
        let endpoint = endpoint.trim();
        if let Err(problem) = rules.check(endpoint) {
            problems.push(refused("endpoint", problem));
        }
        let p256dh = match base64url(p256dh, P256DH_BYTES) {
            Some(key) if key.first() == Some(&0x04) => Some(key),
            Some(_) => {
                problems.push(refused("p256dh", Problem::NotAnUncompressedPoint));
                None
            }
            None => {
                problems.push(refused("p256dh", Problem::BadKey(P256DH_BYTES)));
                None
            }
        };
        let auth = base64url(auth, AUTH_BYTES);
        if auth.is_none() {
            problems.push(refused("auth", Problem::BadKey(AUTH_BYTES)));
        }
        match (p256dh, auth) {
            (Some(p256dh), Some(auth)) if problems.is_empty() => {
                Ok(Command::RegisterPushSubscription(PushSubscription {
                    id: subscription_id(endpoint),
                    endpoint: endpoint.to_owned(),
                    p256dh,
                    auth,
                }))
            }
            _ => Err(problems),
        }
    }
}

/// A channel one consents to: mailbox, push or e-mail.
fn consent_channel(channel: Option<Channel>) -> Result<Channel, FieldProblem> {
    match channel {
        Some(channel) if channel.needs_consent() => Ok(channel),
        _ => Err(refused("channel", Problem::NotAConsentChannel)),
    }
}

/// Text of at most `max` characters without control characters.
fn plain_text(text: &str, max: usize) -> bool {
    text.chars().count() <= max && !text.chars().any(char::is_control)
}

/// The shape of an e-mail address: one `@`, a local part, a domain with a dot and labels of
/// letters, digits and hyphens; no spaces. Deliverability is the mail server's to find out.
pub fn is_email_address(address: &str) -> bool {
    if address.chars().count() > MAX_EMAIL_CHARS
        || address.chars().any(|c| c.is_whitespace() || c.is_control())
    {
        return false;
    }
    let Some((local, domain)) = address.rsplit_once('@') else {
        return false;
    };
    if local.is_empty() || local.len() > 64 || local.contains('@') {
        return false;
    }
    let labels: Vec<&str> = domain.split('.').collect();
    labels.len() >= 2
        && labels.iter().all(|label| {
            !label.is_empty()
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label.chars().all(|c| c.is_alphanumeric() || c == '-')
        })
}

/// An absolute https URL with a host, no spaces, at most [`MAX_ENDPOINT_CHARS`].
fn is_https_url(url: &str) -> bool {
    let Some(rest) = url.strip_prefix("https://") else {
        return false;
    };
    let host = rest.split(['/', '?', '#']).next().unwrap_or_default();
    url.len() <= MAX_ENDPOINT_CHARS
        && !host.is_empty()
        && !host.contains('@')
        && !url.chars().any(|c| c.is_whitespace() || c.is_control())
}

/// The bytes of base64url `text` (padding tolerated) if there are exactly `len`.
fn base64url(text: &str, len: usize) -> Option<Vec<u8>> {
    use base64::Engine;
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    let bytes = URL_SAFE_NO_PAD
        .decode(text.trim().trim_end_matches('='))
        .ok()?;
    (bytes.len() == len).then_some(bytes)
}

/// The events `command` by `recorded_by` causes on `profile`; none when it would change
/// nothing (see the module comment).
pub fn decide(
    profile: &Profile,
    command: Command,
    recorded_by: &str,
) -> Result<Vec<ProfileEvent>, Rejection> {
    let by = recorded_by.to_owned();
    let events = match command {
        Command::SetPreferredLanguage { language } => {
            if profile.chosen_language.as_deref() == Some(language.as_str()) {
                vec![]
            } else {
                vec![ProfileEvent::LanguagePreferred {
                    language,
                    recorded_by: by,
                }]
            }
        }
        Command::GiveConsent {
            channel,
            wording_version,
        } => {
            if profile.consents.get(&channel) == Some(&wording_version) {
                vec![]
            } else {
                // A consent to a newer wording is recorded again: it is what the applicant
                // agreed to from now on.
                vec![ProfileEvent::ConsentGiven {
                    channel,
                    wording_version,
                    recorded_by: by,
                }]
            }
        }
        Command::WithdrawConsent { channel } => {
            if profile.consents_to(channel) {
                vec![ProfileEvent::ConsentWithdrawn {
                    channel,
                    recorded_by: by,
                }]
            } else {
                vec![]
            }
        }
        Command::SetEmailAddress { address } => match (address, &profile.email_address) {
            (None, None) => vec![],
            (None, Some(_)) => vec![ProfileEvent::EmailAddressRemoved],
            (Some(new), Some(old)) if new == *old => vec![],
            (Some(address), _) => vec![ProfileEvent::EmailAddressSet { address }],
        },
        Command::RegisterPushSubscription(subscription) => {
            if profile.push_subscriptions.get(&subscription.id) == Some(&subscription) {
                vec![]
            } else {
                vec![ProfileEvent::PushSubscriptionRegistered(subscription)]
            }
        }
        Command::RemovePushSubscription {
            subscription_id,
            reason,
        } => {
            if profile.push_subscriptions.contains_key(&subscription_id) {
                vec![ProfileEvent::PushSubscriptionRemoved {
                    subscription_id,
                    reason,
                }]
            } else if profile.removed_subscriptions.contains(&subscription_id) {
                vec![]
            } else {
                return Err(Rejection::UnknownSubscription);
            }
        }
    };
    Ok(events)
}

/// The profile after `event`.
pub fn evolve(mut profile: Profile, event: &ProfileEvent) -> Profile {
    match event {
        ProfileEvent::LanguagePreferred { language, .. } => {
            profile.chosen_language = Some(language.clone());
        }
        ProfileEvent::ConsentGiven {
            channel,
            wording_version,
            ..
        } => {
            profile.consents.insert(*channel, wording_version.clone());
        }
        ProfileEvent::ConsentWithdrawn { channel, .. } => {
            profile.consents.remove(channel);
        }
        ProfileEvent::EmailAddressSet { address } => {
            profile.email_address = Some(address.clone());
        }
        ProfileEvent::EmailAddressRemoved => profile.email_address = None,
        ProfileEvent::PushSubscriptionRegistered(subscription) => {
            profile.removed_subscriptions.remove(&subscription.id);
            profile
                .push_subscriptions
                .insert(subscription.id, subscription.clone());
        }
        ProfileEvent::PushSubscriptionRemoved {
            subscription_id, ..
        } => {
            if profile.push_subscriptions.remove(subscription_id).is_some() {
                profile.removed_subscriptions.insert(*subscription_id);
            }
        }
    }
    profile
}

/// The profile of `account` after `events` (its recipient stream, in order).
pub fn fold<'a>(account: &str, events: impl IntoIterator<Item = &'a ProfileEvent>) -> Profile {
    events.into_iter().fold(Profile::new(account), evolve)
}

#[cfg(test)]
mod tests;
