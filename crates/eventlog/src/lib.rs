//! The append-only event log in PostgreSQL: append, read in commit order, verify, relay to JetStream.
