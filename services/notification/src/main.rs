//! The notification service binary: configuration, telemetry, signal, run. Wiring only.
//!
//! `notification` serves; `notification migrate` only installs or updates the service's schema
//! through the owner role (`JC_NOTIFICATION_DATABASE__OWNER_URL`) and exits: what a migration
//! job runs before an upgrade, so the running service needs no owner credentials.

use std::path::PathBuf;

use anyhow::Context;
use notification::{Application, Config, ENV_PREFIX};

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let migrate_only = match std::env::args().nth(1).as_deref() {
        None => false,
        Some("migrate") => true,
        Some(_) => anyhow::bail!("usage: notification [migrate]"),
    };
    // Optional TOML file named by JC_NOTIFICATION_CONFIG_FILE; the environment overrides it.
    let file = std::env::var_os(format!("{ENV_PREFIX}CONFIG_FILE")).map(PathBuf::from);
    let config: Config =
        platform::config::load(ENV_PREFIX, file.as_deref()).context("loading configuration")?;
    let telemetry = platform::telemetry::init("notification", &config.telemetry)
        .context("starting telemetry")?;
    if migrate_only {
        let migrated = Application::migrate(&config)
            .await
            .context("migrating the notification schema");
        telemetry.shutdown().context("flushing telemetry")?;
        return migrated;
    }
    let cancel = platform::shutdown::signal_token();
    let listener = tokio::net::TcpListener::bind(config.server.grpc_addr)
        .await
        .context("binding the gRPC address")?;
    let app = Application::build(config, listener)
        .await
        .context("starting the notification service")?;
    let result = app.run_until_stopped(cancel).await;
    telemetry.shutdown().context("flushing telemetry")?;
    result.context("running the notification service")
}
