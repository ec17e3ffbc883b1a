//! Reads delivered in parts: server-streaming RPCs such as a feed of case events.
//!
//! A stream may run for days and disclose many cases, so one record per call is not enough.
//! The handler records the start of the call with [`AccessLog::audited`] (which also refuses a
//! bad purpose and records a refused start), then, before it sends each part, calls
//! [`AccessLog::record_part`] with the objects that part discloses. The part is sent only if its
//! record was written; otherwise the stream ends (`UNAVAILABLE`) without it.

use chrono::Utc;

use crate::audited::ReadContext;
use crate::error::{AccessLogError, chain};
use crate::log::AccessLog;
use crate::record::{ObjectRef, Outcome};

impl AccessLog {
    /// Records that the call described by `context` is about to deliver a part naming
    /// `objects`: outcome `granted`, timed now (not at the call's start). Returns once the
    /// record is written; on `Err` the part must not be sent (a failure is also logged, without
    /// personal data).
    pub async fn record_part(
        &self,
        context: &ReadContext,
        objects: Vec<ObjectRef>,
    ) -> Result<(), AccessLogError> {
        let record = context.record(objects, Outcome::Granted).at(Utc::now());
        self.record(record).await.inspect_err(|error| {
            tracing::error!(
                rpc = %context.rpc(),
                error = %chain(error),
                "streamed part withheld: its read-access record could not be written"
            );
        })
    }
}
