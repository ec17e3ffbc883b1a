//! The hash chain of a stream, computed in Rust (independently of the SQL that writes it).

use sha2::{Digest, Sha256};
use uuid::Uuid;

/// The `prev_hash` of a stream's first event.
pub const GENESIS_HASH: [u8; 32] = [0u8; 32];

/// The fields of an event that its hash covers.
#[derive(Debug, Clone, Copy)]
pub struct HashInput<'a> {
    /// The event id.
    pub event_id: Uuid,
    /// The stream id.
    pub stream_id: &'a str,
    /// The version in the stream.
    pub version: i32,
    /// The tenant id.
    pub tenant_id: &'a str,
    /// The event type.
    pub event_type: &'a str,
    /// The payload's schema version.
    pub schema_version: i32,
    /// `recorded_at` in microseconds since the Unix epoch.
    pub recorded_at_micros: i64,
    /// The exact stored metadata JSON bytes.
    pub metadata: &'a [u8],
    /// The payload bytes.
    pub payload: &'a [u8],
}

/// `SHA-256(prev_hash || header || payload)` with header = event id (16 bytes) || len-prefixed
/// UTF-8 stream id || int4 version || len-prefixed tenant id || len-prefixed event type || int4
/// schema version || int8 recorded_at (µs since epoch) || len-prefixed metadata JSON bytes;
/// big-endian, lengths as int4.
pub fn compute_hash(prev_hash: &[u8], event: &HashInput<'_>) -> [u8; 32] {
    let mut hasher = Sha256::new();
    hasher.update(prev_hash);
    hasher.update(event.event_id.as_bytes());
    update_prefixed(&mut hasher, event.stream_id.as_bytes());
    hasher.update(event.version.to_be_bytes());
    update_prefixed(&mut hasher, event.tenant_id.as_bytes());
    update_prefixed(&mut hasher, event.event_type.as_bytes());
    hasher.update(event.schema_version.to_be_bytes());
    hasher.update(event.recorded_at_micros.to_be_bytes());
    update_prefixed(&mut hasher, event.metadata);
    hasher.update(event.payload);
    hasher.finalize().into()
}

fn update_prefixed(hasher: &mut Sha256, bytes: &[u8]) {
    // PostgreSQL's octet_length is an int4; values in the log are far below 2 GiB.
    let len = i32::try_from(bytes.len()).unwrap_or(i32::MAX);
    hasher.update(len.to_be_bytes());
    hasher.update(bytes);
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The expected value was computed by PostgreSQL 15 with the expression of `sql/append.sql`:
    /// `sha256(decode(repeat('00',32),'hex') || uuid_send('00000000-0000-0000-0000-000000000001')
    /// || int4send(8) || 'stream-1' || int4send(3) || int4send(2) || 't1' || int4send(10)
    /// || 'x.Happened' || int4send(2) || int8send(1700000000123456) || int4send(2) || '{}'
    /// || '\x0102ff')`.
    #[test]
    fn matches_a_vector_computed_by_postgres() {
        let input = HashInput {
            event_id: Uuid::from_u128(1),
            stream_id: "stream-1",
            version: 3,
            tenant_id: "t1",
            event_type: "x.Happened",
            schema_version: 2,
            recorded_at_micros: 1_700_000_000_123_456,
            metadata: b"{}",
            payload: &[0x01, 0x02, 0xff],
        };
        assert_eq!(hex::encode(compute_hash(&GENESIS_HASH, &input)), SQL_VECTOR);
    }

    const SQL_VECTOR: &str = "2113e021a9283e655b2d159d3fc1fd11d75112d62a79dd37839cae145c65b3ee";
}
