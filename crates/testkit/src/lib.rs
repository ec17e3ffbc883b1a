//! Test harness: a fresh database per test, a private NATS server, services on port 0, test identities.
