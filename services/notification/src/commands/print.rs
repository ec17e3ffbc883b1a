//! The print service's confirmation: `LetterPrinted` on the message's stream (command id from
//! the print job, so a second confirmation records nothing) and the job marked printed, in one
//! transaction.

use eventlog::{AppendCommand, ExpectedVersion, LogPosition};
use jobcenter_proto::notification::v1 as proto;
use uuid::Uuid;

use super::{Issuer, NotificationCommands, read_stream};
use crate::domain::ids::{command_id, message_stream};
use crate::error::NotificationError;
use crate::events::NotificationEvent;
use crate::print_queue;

impl NotificationCommands {
    /// The print service `issuer` printed the job `print_job_id`; the position of its
    /// `LetterPrinted` (the first one's, when confirmed before).
    pub async fn confirm_printed(
        &self,
        issuer: &Issuer,
        print_job_id: Uuid,
    ) -> Result<LogPosition, NotificationError> {
        let tenant = issuer.tenant_id.as_str();
        let mut tx = self.log.pool().begin().await?;
        let job = print_queue::lock(&mut tx, tenant, print_job_id)
            .await?
            .ok_or(NotificationError::NotFound)?;
        let stream = message_stream(job.message_id);
        // The letter prints a message of this tenant's log; a job without one is not ours to
        // confirm onto a new stream.
        if read_stream(&self.log, &mut tx, &stream, tenant)
            .await?
            .is_none()
        {
            return Err(NotificationError::Precondition(
                "the letter's message is not recorded",
            ));
        }
        let command_id = command_id(tenant, &stream, print_job_id);
        let printed = NotificationEvent::LetterPrinted(proto::LetterPrinted {
            print_job_id: print_job_id.to_string(),
            confirmed_by: issuer.actor.clone(),
        });
        let append = AppendCommand {
            command_id,
            stream_id: stream,
            tenant_id: tenant.to_owned(),
            // The outbox worker may append to the message meanwhile; the command id alone
            // makes the confirmation once.
            expected: ExpectedVersion::Any,
            events: vec![printed.to_new_event(issuer.metadata(command_id, None))],
        };
        let outcome = self
            .log
            .append_in(&mut tx, vec![append])
            .await?
            .pop()
            .ok_or(NotificationError::Conflict)??;
        print_queue::mark_printed(&mut tx, tenant, print_job_id, &issuer.actor).await?;
        tx.commit().await?;
        if !outcome.duplicate {
            self.log.notify_appended();
        }
        Ok(outcome.position)
    }
}
