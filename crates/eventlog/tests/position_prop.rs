//! Consistency tokens survive their text form.

use eventlog::{LogPosition, PositionToken};
use proptest::prelude::*;

proptest! {
    #[test]
    fn token_round_trips(log in "[a-z:_0-9-]{1,20}", tx_id in any::<u64>(), position in any::<i64>()) {
        let token = PositionToken { log, at: LogPosition { tx_id, position } };
        let text = token.to_string();
        prop_assert_eq!(text.parse::<PositionToken>(), Ok(token));
    }

    #[test]
    fn order_is_lexicographic(a in any::<(u64, i64)>(), b in any::<(u64, i64)>()) {
        let (pa, pb) = (LogPosition { tx_id: a.0, position: a.1 }, LogPosition { tx_id: b.0, position: b.1 });
        prop_assert_eq!(pa.cmp(&pb), a.cmp(&b));
    }

    #[test]
    fn garbage_does_not_panic(text in ".{0,40}") {
        let _ = text.parse::<PositionToken>();
    }
}
