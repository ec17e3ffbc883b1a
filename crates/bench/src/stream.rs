//! Relay and projection phases: written once their crates settle.
use crate::Options;
use crate::report::Report;
use eventlog::EventLog;

/// Measures the relay to JetStream and a projection catching up.
pub async fn measure(
    _log: &EventLog,
    _options: &Options,
    _report: &mut Report,
) -> anyhow::Result<()> {
    anyhow::bail!("relay and projection phases are not written yet: run with --skip-nats")
}
