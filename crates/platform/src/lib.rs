//! What every service shares: configuration, telemetry, gRPC serving, caller context, shutdown.
