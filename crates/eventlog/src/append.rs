//! One call of the SQL `append` function for many commands, and what it returns.

use sqlx::PgExecutor;
use uuid::Uuid;

use crate::error::{AppendError, EventLogError};
use crate::model::{AppendCommand, AppendOutcome};
use crate::position::LogPosition;

/// A command ready for the database: metadata encoded and event ids derived.
#[derive(Debug)]
pub(crate) struct EncodedCommand {
    pub command: AppendCommand,
    pub event_ids: Vec<Uuid>,
    pub metadata: Vec<Vec<u8>>,
}

impl EncodedCommand {
    pub(crate) fn new(command: AppendCommand) -> Result<Self, EventLogError> {
        let metadata = command
            .events
            .iter()
            .map(|event| serde_json::to_vec(&event.metadata))
            .collect::<Result<Vec<_>, _>>()
            .map_err(EventLogError::EncodeMetadata)?;
        let event_ids = command.event_ids();
        Ok(EncodedCommand {
            command,
            event_ids,
            metadata,
        })
    }
}

/// A row the function returns for one command.
type OutcomeRow = (
    i32,
    i32,
    Option<i32>,
    Option<i32>,
    Option<i64>,
    Option<i64>,
    Option<i32>,
);

const APPENDED: i32 = 0;
const DUPLICATE: i32 = 1;
const CONFLICT: i32 = 2;
const COMMAND_ID_TAKEN: i32 = 3;

/// Calls the append function once for all `commands`: one round trip, one statement (so all of
/// it commits together, or inside the caller's transaction).
pub(crate) async fn call<'e, E: PgExecutor<'e>>(
    executor: E,
    sql: &str,
    commands: &[EncodedCommand],
) -> Result<Vec<OutcomeRow>, sqlx::Error> {
    let events: usize = commands.iter().map(|c| c.command.events.len()).sum();
    let mut streams = Vec::with_capacity(commands.len());
    let mut expected = Vec::with_capacity(commands.len());
    let mut counts = Vec::with_capacity(commands.len());
    let mut ids = Vec::with_capacity(events);
    let mut tenants = Vec::with_capacity(events);
    let mut types = Vec::with_capacity(events);
    let mut schemas = Vec::with_capacity(events);
    let mut payloads: Vec<&[u8]> = Vec::with_capacity(events);
    let mut metadata: Vec<&[u8]> = Vec::with_capacity(events);
    for encoded in commands {
        let command = &encoded.command;
        streams.push(command.stream_id.as_str());
        expected.push(command.expected.to_sql());
        counts.push(i32::try_from(command.events.len()).unwrap_or(i32::MAX));
        ids.extend_from_slice(&encoded.event_ids);
        for (event, meta) in command.events.iter().zip(&encoded.metadata) {
            tenants.push(command.tenant_id.as_str());
            types.push(event.event_type.as_str());
            schemas.push(event.schema_version);
            payloads.push(event.payload.as_slice());
            metadata.push(meta.as_slice());
        }
    }
    sqlx::query_as::<_, OutcomeRow>(sql)
        .bind(streams)
        .bind(expected)
        .bind(counts)
        .bind(ids)
        .bind(tenants)
        .bind(types)
        .bind(schemas)
        .bind(payloads)
        .bind(metadata)
        .fetch_all(executor)
        .await
}

/// Pairs the function's rows with the commands, in order.
pub(crate) fn outcomes(
    commands: Vec<EncodedCommand>,
    rows: Vec<OutcomeRow>,
) -> Vec<Result<AppendOutcome, AppendError>> {
    let mut rows = rows.into_iter();
    commands
        .into_iter()
        .enumerate()
        .map(|(index, encoded)| match rows.next() {
            Some(row) if usize::try_from(row.0).ok() == Some(index) => outcome(encoded, row),
            _ => Err(EventLogError::UnexpectedResult("missing or misordered outcome row").into()),
        })
        .collect()
}

fn outcome(encoded: EncodedCommand, row: OutcomeRow) -> Result<AppendOutcome, AppendError> {
    let (_, code, first_version, last_version, position, tx, actual) = row;
    let command = encoded.command;
    match code {
        APPENDED | DUPLICATE => {
            let (Some(first_version), Some(last_version), Some(position), Some(tx)) =
                (first_version, last_version, position, tx)
            else {
                return Err(EventLogError::UnexpectedResult("outcome row without versions").into());
            };
            Ok(AppendOutcome {
                stream_id: command.stream_id,
                first_version,
                last_version,
                position: LogPosition {
                    tx_id: u64::try_from(tx).unwrap_or(0),
                    position,
                },
                event_ids: encoded.event_ids,
                duplicate: code == DUPLICATE,
            })
        }
        CONFLICT => Err(AppendError::Conflict {
            stream_id: command.stream_id,
            expected: command.expected,
            actual: actual.unwrap_or(0),
        }),
        COMMAND_ID_TAKEN => Err(AppendError::CommandIdTaken {
            stream_id: command.stream_id,
            command_id: command.command_id,
        }),
        _ => Err(EventLogError::UnexpectedResult("unknown outcome code").into()),
    }
}
