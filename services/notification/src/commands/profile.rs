//! Profile commands: fold the applicant's recipient stream, decide ([`profile::decide`]),
//! append at the version decided on.

use eventlog::{AppendCommand, EventLog, ExpectedVersion, LogPosition};
use sqlx::PgConnection;
use uuid::Uuid;

use super::{Issuer, NotificationCommands, last_position, read_stream};
use crate::domain::ids::{command_id, recipient_stream};
use crate::domain::profile::{self, Command, Profile};
use crate::error::NotificationError;
use crate::events::{from_profile_event, to_profile_event};

/// A recipient stream as recorded, folded.
#[derive(Debug, Clone)]
pub struct LoadedProfile {
    /// The profile as it stands.
    pub profile: Profile,
    /// The stream's version (0: nothing recorded).
    pub version: i32,
    /// The position of its last event ([`LogPosition::START`] for none).
    pub position: LogPosition,
}

/// The profile of `account` of `tenant` as its stream holds it, read on `conn` (the worker's
/// transaction of a command, or a tenant transaction of the api role).
pub async fn load(
    log: &EventLog,
    conn: &mut PgConnection,
    tenant: &str,
    account: &str,
) -> Result<LoadedProfile, NotificationError> {
    let stream = recipient_stream(tenant, account);
    let Some(events) = read_stream(log, conn, &stream, tenant).await? else {
        return Ok(LoadedProfile {
            profile: Profile::new(account),
            version: 0,
            position: LogPosition::START,
        });
    };
    let mut changes = Vec::with_capacity(events.len());
    for (_, event) in &events {
        if let Some((_, change)) = to_profile_event(event)? {
            changes.push(change);
        }
    }
    Ok(LoadedProfile {
        profile: profile::fold(account, &changes),
        version: events.last().map_or(0, |(recorded, _)| recorded.version),
        position: last_position(&events),
    })
}

/// What a profile command did.
#[derive(Debug, Clone)]
pub struct ProfileChanged {
    /// The profile after it.
    pub profile: Profile,
    /// How many events it recorded (0: nothing changed).
    pub recorded: usize,
    /// Where it committed, or the stream's last position when it recorded nothing.
    pub position: LogPosition,
}

impl NotificationCommands {
    /// Runs `command` on the profile of `account`, as `issuer`.
    pub async fn change_profile(
        &self,
        issuer: &Issuer,
        account: &str,
        command: Command,
    ) -> Result<ProfileChanged, NotificationError> {
        let tenant = issuer.tenant_id.as_str();
        let stream = recipient_stream(tenant, account);
        let mut tx = self.log.pool().begin().await?;
        let loaded = load(&self.log, &mut tx, tenant, account).await?;
        let events = profile::decide(&loaded.profile, command, &issuer.actor)?;
        if events.is_empty() {
            return Ok(ProfileChanged {
                profile: loaded.profile,
                recorded: 0,
                position: loaded.position,
            });
        }
        let after = events.iter().fold(loaded.profile, profile::evolve);
        // Each decision is new (the decider records nothing twice), so a fresh id will do;
        // the version check keeps two concurrent changes from both deciding on one state.
        let command_id = command_id(tenant, &stream, Uuid::new_v4());
        let metadata = issuer.metadata(command_id, None);
        let append = AppendCommand {
            command_id,
            stream_id: stream,
            tenant_id: tenant.to_owned(),
            expected: match loaded.version {
                0 => ExpectedVersion::NoStream,
                version => ExpectedVersion::Exact(version),
            },
            events: events
                .iter()
                .map(|event| from_profile_event(account, event).to_new_event(metadata.clone()))
                .collect(),
        };
        let outcome = self
            .log
            .append_in(&mut tx, vec![append])
            .await?
            .pop()
            .ok_or(NotificationError::Conflict)??;
        tx.commit().await?;
        self.log.notify_appended();
        Ok(ProfileChanged {
            profile: after,
            recorded: events.len(),
            position: outcome.position,
        })
    }
}
