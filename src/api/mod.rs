//! The HTTP API under `/api/v1` (axum 0.8): one router per resource, the [`AppState`] they
//! share, and [`serve`], which runs the router on a bound listener until a shutdown future ends.
//!
//! Solves are CPU-bound, so they run on tokio's blocking pool (`spawn_blocking`), never on the
//! async workers; one solve per (date, scope) at a time, guarded by a std `Mutex` (it is never
//! held across an `.await`). A failed solve stores nothing, so the published rota stays.

pub mod auth;
pub mod dto;
pub mod error;
mod handlers;
mod me;
pub mod oidc;
pub mod openapi;
mod recent;
pub mod scope;
pub mod solve;

use crate::clock::Clock;
use crate::day::Policy;
use crate::domain::{Child, ChildId, Dataset};
use crate::rules::RulesTable;
use crate::store::{AuditEntry, RotaKey, Store, User, AUDIT_ROWS_PER_INSERT};
use axum::extract::DefaultBodyLimit;
use axum::Router;
use chrono::NaiveDate;
use dto::RotaDoc;
use error::ApiError;
use recent::Recent;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::future::Future;
use std::sync::{Arc, Mutex, OnceLock, RwLock};
use std::time::Duration;
use tokio::sync::{mpsc, oneshot};
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::trace::TraceLayer;

/// The largest request body accepted (an import of a large council's CSVs).
pub const BODY_LIMIT: usize = 32 * 1024 * 1024;

/// How the server is set up.
#[derive(Clone)]
pub struct Options {
    /// Where "now" comes from.
    pub clock: Clock,
    /// The planner.
    pub planner: solve::Planner,
    /// How long a solve may take.
    pub solve_limit: Duration,
    /// The statutory rules that say which visits are due.
    pub rules: Arc<RulesTable>,
    /// The objective's weights and the day's limits.
    pub policy: Policy,
    /// A day's rota takes on visits due up to this many working days later, so quiet days
    /// absorb the next days' work and busy days stay feasible.
    pub lookahead: u32,
    /// How long the server may answer from memory what another process can change: who holds
    /// a token (`rounds users revoke` takes effect within this) and which rota versions are
    /// published (by a second instance on the same database). Changes made through this server
    /// take effect at once. Zero asks the database every time.
    pub recall_for: Duration,
    /// The council's identity provider, if its tokens are accepted besides Rounds' own.
    pub oidc: Option<Arc<oidc::Oidc>>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            clock: Clock::System,
            planner: solve::optimiser(),
            solve_limit: Duration::from_secs(30),
            rules: Arc::new(RulesTable::england()),
            policy: Policy::default(),
            lookahead: 2,
            recall_for: Duration::from_secs(2),
            oidc: None,
        }
    }
}

/// A dataset loaded from an import.
#[derive(Debug)]
pub struct Loaded {
    /// The import's version.
    pub version: i64,
    /// The data.
    pub dataset: Dataset,
    /// Where each child is in `dataset.children`: every plan read and feed looks up the
    /// child of each stop, a scan of the whole caseload each otherwise.
    children: HashMap<ChildId, usize>,
}

impl Loaded {
    /// The import `version` of `dataset`.
    pub fn new(version: i64, dataset: Dataset) -> Loaded {
        let children =
            dataset.children.iter().enumerate().map(|(at, child)| (child.id.clone(), at)).collect();
        Loaded { version, dataset, children }
    }

    /// The child with this id.
    pub fn child(&self, id: &ChildId) -> Option<&Child> {
        self.children.get(id).map(|&at| &self.dataset.children[at])
    }
}

/// What every handler shares.
#[derive(Clone)]
pub struct AppState {
    inner: Arc<Inner>,
}

struct Inner {
    store: Store,
    options: Options,
    cache: RwLock<Option<Arc<Loaded>>>,
    solving: Mutex<BTreeSet<(NaiveDate, String)>>,
    /// Published rotas as parsed, by version (immutable, so never stale); the oldest days go
    /// first past [`PUBLISHED_KEPT`].
    published: Mutex<BTreeMap<RotaKey, Arc<RotaDoc>>>,
    /// The published versions of a date range, as recently read ([`Options::recall_for`]).
    published_keys: Recent<(NaiveDate, NaiveDate), Vec<RotaKey>>,
    /// The users holding API tokens, by the token's hash, as recently read.
    bearers: Recent<String, User>,
    /// The users holding calendar feed tokens, by the token's hash: kept apart from the API
    /// tokens so a feed token never authenticates an API call.
    feeds: Recent<String, User>,
    /// Where requests send their audit rows: the one task committing them, started by the
    /// first row ([`AppState::audit`]).
    audit_rows: OnceLock<mpsc::Sender<(AuditEntry, Committed)>>,
}

/// Told when a queued audit row is committed, or why it is not.
type Committed = oneshot::Sender<Result<(), String>>;

/// Commits audit rows as they come, each batch everything queued since the last commit.
async fn write_audit(store: Store, mut queued: mpsc::Receiver<(AuditEntry, Committed)>) {
    let mut batch = Vec::new();
    while queued.recv_many(&mut batch, AUDIT_ROWS_PER_INSERT).await > 0 {
        let (entries, waiting): (Vec<_>, Vec<_>) = batch.drain(..).unzip();
        let result = store.audit_all(&entries).await.map_err(|e| e.to_string());
        for done in waiting {
            let _ = done.send(result.clone());
        }
    }
}

/// Audit rows that may wait for the writer before a request waits to send its own: beyond it
/// the server is writing less than it reads, and reads slow down rather than memory grow.
const AUDIT_QUEUE: usize = 8_192;

/// How many parsed published rotas a server keeps: a day's scopes over a few weeks.
const PUBLISHED_KEPT: usize = 512;

impl AppState {
    /// A state over `store`.
    pub fn new(store: Store, options: Options) -> AppState {
        AppState {
            inner: Arc::new(Inner {
                store,
                published_keys: Recent::new(options.recall_for),
                bearers: Recent::new(options.recall_for),
                feeds: Recent::new(options.recall_for),
                options,
                cache: RwLock::new(None),
                solving: Mutex::new(BTreeSet::new()),
                published: Mutex::new(BTreeMap::new()),
                audit_rows: OnceLock::new(),
            }),
        }
    }

    /// The store.
    pub fn store(&self) -> &Store {
        &self.inner.store
    }

    /// The options.
    pub fn options(&self) -> &Options {
        &self.inner.options
    }

    /// For each scope, the latest published rota of each day from `from` to `to`, parsed,
    /// as published up to [`Options::recall_for`] ago (what readers see); each version's body
    /// is read and parsed once (every plan read and feed would otherwise parse every scope's
    /// whole rota of the day).
    pub async fn published(
        &self,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<Vec<(RotaKey, Arc<RotaDoc>)>, ApiError> {
        let keys = match self.inner.published_keys.get(&(from, to)) {
            Some(keys) => keys,
            None => {
                let ticket = self.inner.published_keys.ticket();
                let keys = self.store().published_between(from, to).await?;
                self.inner.published_keys.put((from, to), keys.clone(), ticket);
                keys
            }
        };
        self.parsed(keys).await
    }

    /// As [`AppState::published`], but as the database holds it now: for a solve, which must
    /// not book a car that another instance's rota published a moment ago holds.
    pub async fn published_now(
        &self,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<Vec<(RotaKey, Arc<RotaDoc>)>, ApiError> {
        let keys = self.store().published_between(from, to).await?;
        self.parsed(keys).await
    }

    /// Tells readers at once that a rota was published through this server.
    pub fn published_changed(&self) {
        self.inner.published_keys.clear();
    }

    async fn parsed(&self, keys: Vec<RotaKey>) -> Result<Vec<(RotaKey, Arc<RotaDoc>)>, ApiError> {
        let mut out = Vec::with_capacity(keys.len());
        for key in keys {
            let kept = self.inner.published.lock().expect("rota cache lock").get(&key).cloned();
            let doc = match kept {
                Some(doc) => doc,
                None => {
                    let body = self.store().rota_body(&key).await?.ok_or_else(|| {
                        ApiError::Internal(format!("published rota {key:?} has no body"))
                    })?;
                    let doc = Arc::new(dto::parse_doc(&body)?);
                    let mut kept = self.inner.published.lock().expect("rota cache lock");
                    kept.insert(key.clone(), doc.clone());
                    while kept.len() > PUBLISHED_KEPT {
                        kept.pop_first();
                    }
                    doc
                }
            };
            out.push((key, doc));
        }
        Ok(out)
    }

    /// The user holding the API token with this hash, as recently read.
    pub async fn bearer(&self, hash: &str) -> Result<Option<User>, ApiError> {
        let store = self.store();
        recall(&self.inner.bearers, hash, store.user_by_token_hash(hash)).await
    }

    /// The user holding the calendar feed token with this hash, as recently read.
    pub async fn feed_holder(&self, hash: &str) -> Result<Option<User>, ApiError> {
        let store = self.store();
        recall(&self.inner.feeds, hash, store.user_by_feed_hash(hash)).await
    }

    /// Tells the token checks at once that a token was issued or revoked through this server.
    pub fn users_changed(&self) {
        self.inner.bearers.clear();
        self.inner.feeds.clear();
    }

    /// Writes an audit row for `who` now, and returns once it is committed: nothing is
    /// answered that the audit log does not hold. Rows of concurrent requests commit together
    /// (group commit): one task owns the writing, takes every row queued while it committed
    /// the last batch, commits them in one statement and tells each request. A request waits
    /// for at most the batch in progress and its own, and never in turn behind the others (the
    /// lock every request took in turn before capped a 2-core server near 7,000 reads a
    /// second). The task is not the request's, so a client that goes away mid-commit cannot
    /// take other requests' rows with it.
    pub async fn audit(&self, who: &str, action: &str, detail: &str) -> Result<(), ApiError> {
        let entry = AuditEntry {
            at: self.now().to_rfc3339(),
            who: who.into(),
            action: action.into(),
            detail: detail.into(),
        };
        let rows = self.inner.audit_rows.get_or_init(|| {
            let (rows, queued) = mpsc::channel(AUDIT_QUEUE);
            tokio::spawn(write_audit(self.inner.store.clone(), queued));
            rows
        });
        let (done, committed) = oneshot::channel();
        let lost = || ApiError::Internal("audit row not committed".into());
        rows.send((entry, done)).await.map_err(|_| lost())?;
        // The writer gone (its runtime shut down) drops the senders: the row may not be
        // written, so the read fails rather than answer unaudited.
        committed.await.map_err(|_| lost())?.map_err(|e| ApiError::Internal(format!("audit: {e}")))
    }

    /// The current instant.
    pub fn now(&self) -> chrono::DateTime<chrono::Utc> {
        self.inner.options.clock.now()
    }

    /// The latest imported dataset (parsed once, then cached until the next import).
    pub async fn dataset(&self) -> Result<Arc<Loaded>, ApiError> {
        if let Some(loaded) = self.inner.cache.read().expect("cache lock").clone() {
            return Ok(loaded);
        }
        let Some(import) = self.store().latest_import().await? else {
            return Err(ApiError::NotFound("no data imported yet: POST /api/v1/imports".into()));
        };
        let files =
            import.files.into_iter().map(|(name, body)| (name, body.into_bytes())).collect();
        let dataset = crate::format::csv::load_files(&files)
            .map_err(|e| ApiError::Internal(format!("stored import does not parse: {e:?}")))?;
        let loaded = Arc::new(Loaded::new(import.version, dataset));
        *self.inner.cache.write().expect("cache lock") = Some(loaded.clone());
        Ok(loaded)
    }

    fn set_dataset(&self, loaded: Arc<Loaded>) {
        *self.inner.cache.write().expect("cache lock") = Some(loaded);
    }

    /// Marks (date, scope) as being solved; `None` if it already is. Dropping the guard ends it.
    fn begin_solve(&self, date: NaiveDate, scope: String) -> Option<SolveGuard> {
        let mut solving = self.inner.solving.lock().expect("solve lock");
        solving
            .insert((date, scope.clone()))
            .then(|| SolveGuard { state: self.clone(), key: (date, scope) })
    }
}

/// The user `kept` holds for `hash`, or the one `read` finds (kept if there is one: an unknown
/// token is asked again each time, so it cannot fill the memory).
async fn recall(
    kept: &Recent<String, User>,
    hash: &str,
    read: impl Future<Output = Result<Option<User>, crate::store::StoreError>>,
) -> Result<Option<User>, ApiError> {
    if let Some(user) = kept.get(&hash.to_owned()) {
        return Ok(Some(user));
    }
    let ticket = kept.ticket();
    let user = read.await?;
    if let Some(user) = &user {
        kept.put(hash.to_owned(), user.clone(), ticket);
    }
    Ok(user)
}

struct SolveGuard {
    state: AppState,
    key: (NaiveDate, String),
}

impl Drop for SolveGuard {
    fn drop(&mut self) {
        self.state.inner.solving.lock().expect("solve lock").remove(&self.key);
    }
}

/// The whole application: the API routes with request ids, tracing and a body limit.
pub fn router(state: AppState) -> Router {
    let api = handlers::routes().merge(me::routes());
    Router::new()
        .nest("/api/v1", api)
        .route("/healthz", axum::routing::get(handlers::healthz))
        .route("/readyz", axum::routing::get(handlers::readyz))
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .layer(CatchPanicLayer::custom(error::from_panic))
        .layer(PropagateRequestIdLayer::x_request_id())
        .layer(TraceLayer::new_for_http())
        .layer(SetRequestIdLayer::x_request_id(MakeRequestUuid))
        .with_state(state)
}

/// Serves the router on `listener` until `shutdown` completes, then lets requests in flight
/// finish (graceful shutdown).
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let checkpoints = tokio::spawn(checkpoint_every(state.store().clone(), CHECKPOINT_EVERY));
    let served = axum::serve(listener, router(state)).with_graceful_shutdown(shutdown).await;
    checkpoints.abort();
    served
}

/// How often a server checkpoints its SQLite log: often enough that the log stays a few
/// megabytes under full load, seldom enough that the checkpoint's fsync is rare.
const CHECKPOINT_EVERY: Duration = Duration::from_secs(1);

/// Checkpoints the store's log every `period` while the server runs ([`Store::checkpoint`]).
async fn checkpoint_every(store: Store, period: Duration) {
    let mut ticks = tokio::time::interval(period);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        ticks.tick().await;
        if let Err(error) = store.checkpoint().await {
            tracing::warn!(%error, "checkpoint of the write-ahead log failed");
        }
    }
}
