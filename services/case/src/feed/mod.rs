//! The case feed (`jobcenter.case.v1.CaseFeedService`): a server-streaming subscription to the
//! events of the caller's jobcenter's cases, for its case-processing system and partner
//! systems (docs/partners/case-feed.md).
//!
//! - [`token`]: resume tokens, bound to tenant and log;
//! - [`reader`]: one batch of the tenant's case events, below the transaction horizon, through
//!   the api role (row-level security as the second wall);
//! - [`wake`]: one `LISTEN` per replica, fanned out to the subscriptions, and the stop signal;
//! - [`subscription`]: the stream of one subscriber: read, record, send; wait; heartbeat.
//!
//! A subscription's start is one audited read (a bad token or purpose, or no free slot, is
//! refused and recorded); every batch is recorded with the cases it names before it is sent.

pub mod reader;
pub mod subscription;
pub mod token;
pub mod wake;

use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use access_log::{AccessLog, ReadContext};
use eventlog::{EventLog, LogPosition};
use futures::Stream;
use jobcenter_proto::case::v1 as proto;
use jobcenter_proto::case::v1::case_feed_service_server::CaseFeedService;
use platform::authz::Scope;
use serde::Deserialize;
use sqlx::PgPool;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tonic::{Request, Response, Status};

use crate::error::CaseError;
use reader::Reader;
use subscription::{Pace, Subscription};
use wake::Wakeups;

/// Settings of the feed (environment `JC_CASE_FEED__*`).
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct FeedConfig {
    /// The most events read, recorded in the read-access log and sent as one batch. Default 256.
    pub batch_size: u32,
    /// How often a caught-up subscription reads when no notification arrives, in ms (events
    /// held back by the transaction horizon notify no one). Default 500.
    pub poll_interval_ms: u64,
    /// A heartbeat after this long without a message, in ms. Default 30000.
    pub heartbeat_interval_ms: u64,
    /// The most subscriptions one replica serves at once; more are `RESOURCE_EXHAUSTED`.
    /// Default 64.
    pub max_subscriptions: usize,
}

impl Default for FeedConfig {
    fn default() -> Self {
        FeedConfig {
            batch_size: 256,
            poll_interval_ms: 500,
            heartbeat_interval_ms: 30_000,
            max_subscriptions: 64,
        }
    }
}

/// The feed's gRPC service.
#[derive(Debug, Clone)]
pub struct CaseFeed {
    pool: PgPool,
    log: EventLog,
    access: AccessLog,
    wakeups: Wakeups,
    config: FeedConfig,
    slots: Arc<Semaphore>,
}

impl CaseFeed {
    /// A feed of `log` read through `pool` (the api role's), recording in `access`, woken by
    /// `wakeups`.
    pub fn new(
        pool: PgPool,
        log: EventLog,
        access: AccessLog,
        wakeups: Wakeups,
        config: FeedConfig,
    ) -> Self {
        let slots = Arc::new(Semaphore::new(config.max_subscriptions));
        CaseFeed {
            pool,
            log,
            access,
            wakeups,
            config,
            slots,
        }
    }

    /// Checks the request and takes a slot: what the start record is about.
    fn start(
        &self,
        read: &ReadContext,
        req: &proto::SubscribeRequest,
    ) -> Result<(LogPosition, OwnedSemaphorePermit), Status> {
        // Every grant of the feed is tenant-wide; a narrower one would need a filter per
        // object, which the feed does not have: refuse rather than over-share.
        if read.scope() != Scope::Tenant {
            return Err(Status::permission_denied(
                "the feed needs tenant-wide access",
            ));
        }
        let after = token::decode(&req.after, &read.caller().tenant_id, self.log.log_name())
            .map_err(|error| CaseError::invalid("after", error.to_string()))?;
        let slot =
            self.slots.clone().try_acquire_owned().map_err(|_| {
                Status::resource_exhausted("too many feed subscriptions; retry later")
            })?;
        Ok((after, slot))
    }
}

/// The stream a subscription answers with.
pub type SubscribeStream =
    Pin<Box<dyn Stream<Item = Result<proto::SubscribeResponse, Status>> + Send + 'static>>;

#[tonic::async_trait]
impl CaseFeedService for CaseFeed {
    type SubscribeStream = SubscribeStream;

    #[tracing::instrument(skip_all)]
    async fn subscribe(
        &self,
        request: Request<proto::SubscribeRequest>,
    ) -> Result<Response<Self::SubscribeStream>, Status> {
        let read = ReadContext::from_request(&request)?;
        let req = request.into_inner();
        let started = async { self.start(&read, &req) };
        let (after, slot) = self.access.audited(&read, None, started).await?;
        let reader = Reader::new(
            self.pool.clone(),
            self.log.clone(),
            read.caller().tenant_id.clone(),
            self.config.batch_size,
        );
        let pace = Pace {
            poll: Duration::from_millis(self.config.poll_interval_ms.max(1)),
            heartbeat: Duration::from_millis(self.config.heartbeat_interval_ms.max(1)),
        };
        let subscription = Subscription::new(
            reader,
            self.access.clone(),
            read,
            self.wakeups.clone(),
            pace,
            after,
            slot,
        );
        Ok(Response::new(Box::pin(subscription.into_stream())))
    }
}
