//! Online applications and notices, validated and accepted idempotently.
