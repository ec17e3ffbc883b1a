//! The issuer's keys, cached by `kid`, and when to fetch them again.
//!
//! - First need: fetched (discovery first, unless a JWKS URL is configured).
//! - Older than `jwks_refresh_secs`: refetched, by the background task of
//!   [`super::TokenValidator::spawn_refresh`] or, failing that, by the next token.
//! - A token with an unknown `kid` (the issuer rotated its key): refetched at once, but at most
//!   every `jwks_min_refetch_ms`, so tokens with invented key ids cannot flood the issuer.
//! - A failed refresh keeps the cached keys in use up to `jwks_max_age_secs` (an issuer outage
//!   of a few minutes does not log everybody out); older keys are dropped and tokens refused.
//!
//! Fetches are single-flight: callers that find the keys wanting queue on one lock and, once
//! inside, first look whether the caller before them already fetched what they need.

use std::error::Error as _;
use std::sync::{Arc, RwLock};
use std::time::Duration;

use jsonwebtoken::Algorithm;
use tokio::time::Instant;

use super::config::{JwksSource, Settings};
use super::error::{JwksError, OidcError, TokenError};
use super::fetch::Fetcher;
use super::jwks::{KeySet, Lookup, VerifyingKey};

/// A fetched key set and when it was fetched.
#[derive(Debug)]
struct Cached {
    keys: KeySet,
    fetched_at: Instant,
}

/// What the fetch lock guards: when the last attempt was, how it ended, the discovered URL.
#[derive(Debug, Default)]
struct FetchState {
    last_attempt: Option<Instant>,
    last_error: Option<Arc<JwksError>>,
    jwks_url: Option<http::Uri>,
}

/// The issuer's verification keys with their refresh policy.
#[derive(Debug)]
pub struct KeyCache {
    source: JwksSource,
    issuer: String,
    algorithms: Vec<Algorithm>,
    refresh: Duration,
    min_refetch: Duration,
    max_age: Duration,
    fetcher: Fetcher,
    current: RwLock<Option<Arc<Cached>>>,
    fetch: tokio::sync::Mutex<FetchState>,
}

impl KeyCache {
    /// An empty cache for the issuer in `settings` (no network access yet).
    pub fn new(settings: &Settings) -> Result<Self, OidcError> {
        Ok(Self {
            source: settings.jwks.clone(),
            issuer: settings.issuer.clone(),
            algorithms: settings.algorithms.clone(),
            refresh: settings.refresh,
            min_refetch: settings.min_refetch,
            max_age: settings.max_age,
            fetcher: Fetcher::new(settings)?,
            current: RwLock::new(None),
            fetch: tokio::sync::Mutex::new(FetchState::default()),
        })
    }

    /// How often the keys are refreshed.
    pub fn refresh_interval(&self) -> Duration {
        self.refresh
    }

    /// The key to verify a token naming `kid` with, fetching the JWKS if needed.
    pub async fn key_for(&self, kid: Option<&str>) -> Result<VerifyingKey, TokenError> {
        let cached = match self.snapshot() {
            Some(cached) if cached.fetched_at.elapsed() < self.refresh => cached,
            _ => {
                self.refresh_if(|cached| cached.fetched_at.elapsed() < self.refresh)
                    .await?
            }
        };
        match cached.keys.find(kid) {
            Lookup::Found(key) => return Ok(key.clone()),
            Lookup::Ambiguous => return Err(TokenError::UnknownKey),
            Lookup::Unknown => {}
        }
        // The issuer may have rotated: fetch again (throttled) and look once more.
        let refetched = self
            .refresh_if(|cached| matches!(cached.keys.find(kid), Lookup::Found(_)))
            .await?;
        match refetched.keys.find(kid) {
            Lookup::Found(key) => Ok(key.clone()),
            Lookup::Unknown | Lookup::Ambiguous => Err(TokenError::UnknownKey),
        }
    }

    /// Fetches the keys now (still at most every `jwks_min_refetch_ms`).
    pub async fn refresh_now(&self) -> Result<(), TokenError> {
        self.refresh_if(|_| false).await.map(|_| ())
    }

    fn snapshot(&self) -> Option<Arc<Cached>> {
        // A poisoned lock only means a panic elsewhere while swapping an Arc: the value is whole.
        match self.current.read() {
            Ok(guard) => guard.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }

    fn store(&self, cached: Arc<Cached>) {
        match self.current.write() {
            Ok(mut guard) => *guard = Some(cached),
            Err(poisoned) => *poisoned.into_inner() = Some(cached),
        }
    }

    /// Keys that may still be used while refreshing fails.
    fn usable(&self, cached: Option<Arc<Cached>>) -> Option<Arc<Cached>> {
        cached.filter(|cached| cached.fetched_at.elapsed() < self.max_age)
    }

    /// Fetches unless the cached keys already satisfy `enough` (someone fetched while this
    /// caller waited) or the last attempt was too recent.
    async fn refresh_if(
        &self,
        enough: impl Fn(&Cached) -> bool,
    ) -> Result<Arc<Cached>, TokenError> {
        let mut state = self.fetch.lock().await;
        let current = self.snapshot();
        if let Some(cached) = current.as_ref().filter(|cached| enough(cached)) {
            return Ok(Arc::clone(cached));
        }
        let throttled = state
            .last_attempt
            .is_some_and(|at| at.elapsed() < self.min_refetch);
        if throttled {
            return self
                .usable(current)
                .ok_or_else(|| TokenError::JwksUnavailable(unavailable(&state)));
        }
        state.last_attempt = Some(Instant::now());
        match self.fetch_keys(&mut state).await {
            Ok(keys) => {
                tracing::debug!(keys = keys.len(), "fetched the issuer's JWKS");
                let cached = Arc::new(Cached {
                    keys,
                    fetched_at: Instant::now(),
                });
                self.store(Arc::clone(&cached));
                state.last_error = None;
                Ok(cached)
            }
            Err(error) => {
                tracing::warn!(
                    error = %error,
                    cause = error.source().map(ToString::to_string).unwrap_or_default(),
                    "cannot fetch the issuer's JWKS; cached keys stay in use up to their max age"
                );
                let error = Arc::new(error);
                state.last_error = Some(Arc::clone(&error));
                self.usable(current)
                    .ok_or(TokenError::JwksUnavailable(error))
            }
        }
    }

    async fn fetch_keys(&self, state: &mut FetchState) -> Result<KeySet, JwksError> {
        let url = match (&self.source, &state.jwks_url) {
            (JwksSource::Url(url), _) => url.clone(),
            (JwksSource::Discovery(_), Some(url)) => url.clone(),
            (JwksSource::Discovery(discovery), None) => {
                let url = self.fetcher.discover(discovery, &self.issuer).await?;
                state.jwks_url = Some(url.clone());
                url
            }
        };
        let result = async {
            let body = self.fetcher.get(&url).await?;
            KeySet::parse(&body, &self.algorithms)
        }
        .await;
        if result.is_err() {
            // The issuer may have moved its JWKS: discover again next time.
            state.jwks_url = None;
        }
        result
    }
}

/// The error behind a throttled refusal: the last failure, else "no usable key" (the last
/// fetch succeeded, but its keys have outlived `jwks_max_age_secs`).
fn unavailable(state: &FetchState) -> Arc<JwksError> {
    state
        .last_error
        .clone()
        .unwrap_or_else(|| Arc::new(JwksError::NoUsableKey))
}
