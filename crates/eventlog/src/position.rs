//! Positions in the log's commit order and the consistency tokens built from them.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::num::ParseIntError;
use std::str::FromStr;

/// A place in the log's commit order: `(tx_id, position)`, compared lexicographically.
///
/// Readers ([`crate::EventLog::read_all`]) return events after a position, in this order.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize,
)]
pub struct LogPosition {
    /// The ordering transaction id of the event (`events.tx_id`).
    pub tx_id: u64,
    /// The event's `global_position`.
    pub position: i64,
}

impl LogPosition {
    /// Before the first event.
    pub const START: LogPosition = LogPosition {
        tx_id: 0,
        position: 0,
    };

    /// A position from its parts.
    pub const fn new(tx_id: u64, position: i64) -> Self {
        LogPosition { tx_id, position }
    }
}

impl fmt::Display for LogPosition {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.tx_id, self.position)
    }
}

/// A consistency token: a position in a named log, written `<log>:<tx_id>:<position>`,
/// e.g. `intake:1234:56`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct PositionToken {
    /// The log (service) the position belongs to.
    pub log: String,
    /// The position.
    pub at: LogPosition,
}

impl PositionToken {
    /// A token for a position in a log.
    pub fn new(log: impl Into<String>, at: LogPosition) -> Self {
        PositionToken {
            log: log.into(),
            at,
        }
    }
}

impl fmt::Display for PositionToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}", self.log, self.at.tx_id, self.at.position)
    }
}

/// Why a string is not a [`PositionToken`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ParsePositionTokenError {
    /// Fewer than three `:`-separated parts.
    #[error("a position token has the form <log>:<tx_id>:<position>")]
    Format,
    /// The log name is empty.
    #[error("the log name of a position token is empty")]
    EmptyLog,
    /// The transaction id is not an unsigned integer.
    #[error("the transaction id of a position token is not an unsigned integer")]
    TxId(#[source] ParseIntError),
    /// The position is not an integer.
    #[error("the position of a position token is not an integer")]
    Position(#[source] ParseIntError),
}

impl FromStr for PositionToken {
    type Err = ParsePositionTokenError;

    /// Parses `<log>:<tx_id>:<position>`; the log name may itself contain `:`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let mut parts = s.rsplitn(3, ':');
        let position = parts.next().ok_or(ParsePositionTokenError::Format)?;
        let tx_id = parts.next().ok_or(ParsePositionTokenError::Format)?;
        let log = parts.next().ok_or(ParsePositionTokenError::Format)?;
        if log.is_empty() {
            return Err(ParsePositionTokenError::EmptyLog);
        }
        let tx_id = tx_id
            .parse::<u64>()
            .map_err(ParsePositionTokenError::TxId)?;
        let position = position
            .parse::<i64>()
            .map_err(ParsePositionTokenError::Position)?;
        Ok(PositionToken {
            log: log.to_owned(),
            at: LogPosition { tx_id, position },
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn order_is_lexicographic() {
        assert!(LogPosition::new(1, 100) < LogPosition::new(2, 1));
        assert!(LogPosition::new(2, 1) < LogPosition::new(2, 2));
        assert!(LogPosition::START < LogPosition::new(0, 1));
        assert_eq!(LogPosition::default(), LogPosition::START);
    }

    #[test]
    fn token_text() {
        let token = PositionToken::new("intake", LogPosition::new(1234, 56));
        assert_eq!(token.to_string(), "intake:1234:56");
        assert_eq!("intake:1234:56".parse::<PositionToken>(), Ok(token));
        assert_eq!(
            "intake:1234".parse::<PositionToken>(),
            Err(ParsePositionTokenError::Format)
        );
        assert_eq!(
            ":1:2".parse::<PositionToken>(),
            Err(ParsePositionTokenError::EmptyLog)
        );
        assert!(matches!(
            "x:-1:2".parse::<PositionToken>(),
            Err(ParsePositionTokenError::TxId(_))
        ));
        assert!(matches!(
            "x:1:y".parse::<PositionToken>(),
            Err(ParsePositionTokenError::Position(_))
        ));
    }
}
