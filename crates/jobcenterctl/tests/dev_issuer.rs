//! `jobcenterctl dev-issuer serve` and `dev-token` make tokens the services' own validator
//! accepts; the key survives a restart; the issuer stays on loopback.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::time::Duration;

use platform::Role;
use platform::auth::oidc::{OidcConfig, TokenValidator};

fn jobcenterctl(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_jobcenterctl"))
        .args(args)
        .env_remove("JC_TOKEN")
        .env_remove("JC_DEV_ISSUER_DIR")
        .output()
        .expect("running jobcenterctl")
}

/// Starts `dev-issuer serve` on a free loopback port and waits for its recorded URL.
async fn serve(dir: &Path) -> (Child, String) {
    let child = Command::new(env!("CARGO_BIN_EXE_jobcenterctl"))
        .args(["dev-issuer", "serve", "--listen", "127.0.0.1:0", "--dir"])
        .arg(dir)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawning the issuer");
    let url_file = dir.join("issuer-url");
    let url = tokio::time::timeout(Duration::from_secs(20), async {
        loop {
            if let Ok(url) = std::fs::read_to_string(&url_file) {
                return url;
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
    })
    .await
    .expect("the issuer records its URL");
    (child, url)
}

/// Stops the issuer with SIGTERM, as an operator's Ctrl-C would, and waits for a clean exit.
fn stop(mut child: Child) {
    let status = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .expect("kill");
    assert!(status.success());
    assert!(child.wait().expect("exit status").success());
}

fn dev_token(dir: &Path, identity: &[&str], extra: &[&str]) -> String {
    let dir = dir.to_str().expect("utf-8 path");
    let mut args = identity.to_vec();
    args.extend(["dev-token", "--dir", dir]);
    args.extend(extra);
    let output = jobcenterctl(&args);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout)
        .expect("utf-8")
        .trim()
        .to_owned()
}

#[tokio::test]
async fn tokens_from_dev_token_pass_the_services_validator() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (issuer, url) = serve(dir.path()).await;
    assert!(url.starts_with("http://127.0.0.1:"), "{url}");

    let token = dev_token(
        dir.path(),
        &[
            "--tenant",
            "jc-demo",
            "--subject",
            "cw-7",
            "--roles",
            "caseworker,team-lead",
        ],
        &["--audience", "jobcenter-case", "--ttl-secs", "120"],
    );
    let validator =
        TokenValidator::new(OidcConfig::new(url.clone(), "jobcenter-case")).expect("validator");
    let caller = validator.validate(&token).await.expect("valid token");
    assert_eq!(caller.tenant_id.as_str(), "jc-demo");
    assert_eq!(caller.subject, "cw-7");
    assert_eq!(caller.roles, [Role::Caseworker, Role::TeamLead]);
    assert_eq!(caller.client, "jobcenterctl");

    // Meant for the case service only: intake refuses it.
    let intake = TokenValidator::new(OidcConfig::new(url, "jobcenter-intake")).expect("validator");
    assert_eq!(
        intake
            .validate(&token)
            .await
            .expect_err("other audience")
            .reason(),
        "token_wrong_audience"
    );
    stop(issuer);
    assert!(
        !dir.path().join("issuer-url").exists(),
        "a stopped issuer leaves no stale URL behind"
    );
}

#[tokio::test]
async fn the_issuer_key_survives_a_restart_and_stays_private() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (first, url) = serve(dir.path()).await;
    let token = dev_token(dir.path(), &[], &["--issuer", &url]);
    stop(first);

    let (second, second_url) = serve(dir.path()).await;
    // Same key, new port: a token for the new URL verifies with the keys the old one published.
    let validator = TokenValidator::new(OidcConfig::new(second_url.clone(), "jobcenter-intake"))
        .expect("validator");
    let reissued = dev_token(dir.path(), &[], &[]);
    validator.validate(&reissued).await.expect("valid token");
    let header = |token: &str| token.split('.').next().map(str::to_owned);
    assert_eq!(
        header(&token),
        header(&reissued),
        "same key id after the restart"
    );
    stop(second);

    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(dir.path().join("signing-key.pem"))
            .expect("key file")
            .permissions()
            .mode();
        assert_eq!(mode & 0o077, 0, "the private key is readable by others");
    }
}

#[test]
fn dev_token_without_an_issuer_says_how_to_start_one() {
    let dir = tempfile::tempdir().expect("temp dir");
    let output = jobcenterctl(&["dev-token", "--dir", dir.path().to_str().expect("utf-8")]);
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("dev-issuer serve"), "{stderr}");
}

#[test]
fn the_issuer_refuses_to_listen_beyond_loopback() {
    let dir = tempfile::tempdir().expect("temp dir");
    let output = jobcenterctl(&[
        "dev-issuer",
        "serve",
        "--listen",
        "0.0.0.0:0",
        "--dir",
        dir.path().to_str().expect("utf-8"),
    ]);
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("loopback"));
    assert!(!dir.path().join("signing-key.pem").exists());
}
