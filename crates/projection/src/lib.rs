//! Read models fed from JetStream with exactly-once effect, and their rebuild from the PostgreSQL log.
