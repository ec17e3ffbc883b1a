//! The local demo's OIDC issuer: `jobcenterctl dev-issuer serve` and `jobcenterctl dev-token`.
//!
//! A directory holds the issuer's signing key (`signing-key.pem`, made on first use, mode 0600)
//! and, while `serve` runs, the URL it serves under (`issuer-url`). `dev-token` signs tokens
//! with that key for that URL, so the services (configured with `oidc.issuer = <issuer-url>`)
//! accept them. For a laptop only: the issuer listens on loopback and signs whatever it is
//! asked to.

use std::net::SocketAddr;
use std::path::Path;

use anyhow::{Context, bail, ensure};
use test_identities::issuer::{DevIssuer, KEY_FILE, SigningKey, TokenBuilder};
use tokio::net::TcpListener;

/// File in the issuer directory naming the URL `serve` listens under.
pub const ISSUER_URL_FILE: &str = "issuer-url";
/// Longest lifetime `dev-token` signs, in seconds (a day).
pub const MAX_TTL_SECS: u64 = 86_400;
/// The client (`azp`) named in tokens this CLI signs.
const CLIENT: &str = "jobcenterctl";

/// Runs the issuer on `listen` until SIGINT or SIGTERM.
pub async fn serve(dir: &Path, listen: SocketAddr) -> anyhow::Result<()> {
    ensure!(
        listen.ip().is_loopback(),
        "the development issuer listens on loopback addresses only"
    );
    let key = SigningKey::load_or_create(dir)
        .with_context(|| format!("cannot read or create the issuer key in {}", dir.display()))?;
    let listener = TcpListener::bind(listen)
        .await
        .with_context(|| format!("cannot listen on {listen}"))?;
    let issuer = DevIssuer::serve(listener, key).context("cannot start the issuer")?;
    record_url(dir, issuer.issuer_url())?;

    eprintln!(
        "WARNING: DEVELOPMENT OIDC ISSUER. It signs any token it is asked for; never let a \
         service that trusts it face anything but this machine."
    );
    println!("issuer:    {}", issuer.issuer_url());
    println!("jwks:      {}", issuer.jwks_url());
    println!("discovery: {}", issuer.discovery_url());
    println!("key id:    {}", issuer.current_key().kid());
    println!();
    println!(
        "Configure a service with oidc.issuer = {}",
        issuer.issuer_url()
    );
    println!("and its audience (jobcenter-intake or jobcenter-case). Get a token with:");
    println!(
        "  export JC_TOKEN=$(jobcenterctl --tenant jc-musterstadt --subject caseworker-1 \
         --roles caseworker dev-token --dir {})",
        dir.display()
    );

    wait_for_signal().await;
    issuer.shutdown().await;
    // The URL is stale once the issuer stops; a later `dev-token` should say so.
    let _ = std::fs::remove_file(dir.join(ISSUER_URL_FILE));
    Ok(())
}

/// What a token minted by [`token`] says about its caller.
#[derive(Debug, Clone)]
pub struct TokenRequest<'a> {
    /// The tenant claim.
    pub tenant: &'a str,
    /// `sub`.
    pub subject: &'a str,
    /// Realm roles, comma separated as on the command line.
    pub roles: &'a str,
    /// `aud`.
    pub audiences: &'a [String],
    /// Lifetime in seconds (1 to [`MAX_TTL_SECS`]).
    pub ttl_secs: u64,
    /// `iss`; if `None`, the URL recorded by a running `serve`.
    pub issuer: Option<&'a str>,
}

/// A token signed with the key in `dir`.
pub fn token(dir: &Path, request: &TokenRequest<'_>) -> anyhow::Result<String> {
    ensure!(
        (1..=MAX_TTL_SECS).contains(&request.ttl_secs),
        "--ttl-secs must be between 1 and {MAX_TTL_SECS}"
    );
    let key_path = dir.join(KEY_FILE);
    let pem = match std::fs::read_to_string(&key_path) {
        Ok(pem) => pem,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => bail!(
            "no development issuer key in {}: run `jobcenterctl dev-issuer serve --dir {}` first",
            dir.display(),
            dir.display()
        ),
        Err(error) => {
            return Err(error).with_context(|| format!("cannot read {}", key_path.display()));
        }
    };
    let key = SigningKey::from_pkcs8_pem(&pem).context("the issuer key is not a P-256 key")?;
    let issuer = match request.issuer {
        Some(issuer) => issuer.to_owned(),
        None => recorded_url(dir)?,
    };
    let roles: Vec<&str> = request
        .roles
        .split(',')
        .map(str::trim)
        .filter(|role| !role.is_empty())
        .collect();
    ensure!(!roles.is_empty(), "--roles names no role");
    let audiences: Vec<&str> = request.audiences.iter().map(String::as_str).collect();
    ensure!(!audiences.is_empty(), "--audience names no audience");
    let ttl = i64::try_from(request.ttl_secs).context("--ttl-secs is too large")?;
    TokenBuilder::new(&issuer, key)
        .tenant(request.tenant)
        .subject(request.subject)
        .roles(&roles)
        .audiences(&audiences)
        .authorized_party(CLIENT)
        .expires_in(ttl)
        .sign()
        .context("cannot sign the token")
}

/// Writes `url` to the issuer directory (via a temporary file, so readers never see half).
fn record_url(dir: &Path, url: &str) -> anyhow::Result<()> {
    let path = dir.join(ISSUER_URL_FILE);
    let partial = dir.join(format!("{ISSUER_URL_FILE}.partial"));
    std::fs::write(&partial, url)
        .and_then(|()| std::fs::rename(&partial, &path))
        .with_context(|| format!("cannot write {}", path.display()))
}

fn recorded_url(dir: &Path) -> anyhow::Result<String> {
    let path = dir.join(ISSUER_URL_FILE);
    match std::fs::read_to_string(&path) {
        Ok(url) => Ok(url.trim().to_owned()),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => bail!(
            "no running development issuer recorded in {}: start `jobcenterctl dev-issuer serve \
             --dir {}` or pass --issuer",
            dir.display(),
            dir.display()
        ),
        Err(error) => Err(error).with_context(|| format!("cannot read {}", path.display())),
    }
}

async fn wait_for_signal() {
    use tokio::signal::unix::{SignalKind, signal};
    match signal(SignalKind::terminate()) {
        Ok(mut terminate) => {
            tokio::select! {
                _ = terminate.recv() => {}
                _ = tokio::signal::ctrl_c() => {}
            }
        }
        Err(_) => {
            let _ = tokio::signal::ctrl_c().await;
        }
    }
}
