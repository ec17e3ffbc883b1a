//! The case service binary: configuration, telemetry, signal, run. Wiring only.

use std::path::PathBuf;

use anyhow::Context;
use case::{Application, Config, ENV_PREFIX};

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    // Optional TOML file named by JC_CASE_CONFIG_FILE; the environment overrides it.
    let file = std::env::var_os(format!("{ENV_PREFIX}CONFIG_FILE")).map(PathBuf::from);
    let config: Config =
        platform::config::load(ENV_PREFIX, file.as_deref()).context("loading configuration")?;
    let telemetry =
        platform::telemetry::init("case", &config.telemetry).context("starting telemetry")?;
    let cancel = platform::shutdown::signal_token();
    let listener = tokio::net::TcpListener::bind(config.server.grpc_addr)
        .await
        .context("binding the gRPC address")?;
    let app = Application::build(config, listener)
        .await
        .context("starting the case service")?;
    let result = app.run_until_stopped(cancel).await;
    telemetry.shutdown().context("flushing telemetry")?;
    result.context("running the case service")
}
