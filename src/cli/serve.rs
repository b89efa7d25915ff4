//! `rounds serve`: the API on a local address. On an empty database it imports the demo data
//! and makes a demo token per role, and prints the URL and the tokens.

use super::data::{load_rules, read_policy};
use crate::api::{self, oidc::Oidc, AppState, Options};
use crate::store::{create_user, Role, Store, User};
use anyhow::Context;
use chrono::{DateTime, Utc};
use clap::Args;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

/// Serve the API.
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:8080")]
    pub addr: String,
    /// The database: a SQLite file (`sqlite://rounds.db`, created if missing) or a PostgreSQL
    /// server (`postgres://...`); `DATABASE_URL` sets it too.
    #[arg(long, env = "DATABASE_URL", default_value = "sqlite://rounds.db")]
    pub db: String,
    /// The folder of CSVs imported into an empty database.
    #[arg(long, default_value = "fixtures/medway")]
    pub data: PathBuf,
    /// A rules table to use instead of the data folder's `rules.csv` or the England default.
    #[arg(long)]
    pub rules: Option<PathBuf>,
    /// The objective's weights and the day's limits (see fixtures/policy.conf).
    #[arg(long)]
    pub policy: Option<PathBuf>,
    /// Time limit of a solve, in seconds.
    #[arg(long, default_value_t = 30)]
    pub solve_seconds: u64,
    /// Also accept tokens from the council's identity provider (OpenID Connect JWTs): the key
    /// set it publishes (the JSON at its `jwks_uri`, saved to a file; a new key needs a
    /// restart). Needs --oidc-issuer and --oidc-audience.
    #[arg(long, env = "ROUNDS_OIDC_JWKS", requires_all = ["oidc_issuer", "oidc_audience"])]
    pub oidc_jwks: Option<PathBuf>,
    /// The issuer (`iss`) the provider's tokens must name.
    #[arg(long, env = "ROUNDS_OIDC_ISSUER", requires = "oidc_jwks")]
    pub oidc_issuer: Option<String>,
    /// The audience (`aud`) they must be for: Rounds' application id at the provider.
    #[arg(long, env = "ROUNDS_OIDC_AUDIENCE", requires = "oidc_jwks")]
    pub oidc_audience: Option<String>,
}

/// Runs `rounds serve` until Ctrl-C.
pub fn run(args: ServeArgs) -> anyhow::Result<()> {
    crate::telemetry::init();
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    runtime.block_on(async {
        let store =
            Store::connect(&args.db).await.with_context(|| format!("opening {}", args.db))?;
        let mut options =
            Options { solve_limit: Duration::from_secs(args.solve_seconds), ..Options::default() };
        options.rules = Arc::new(load_rules(&args.data, args.rules.as_deref())?);
        if let Some(path) = &args.policy {
            options.policy = read_policy(path)?;
        }
        options.oidc = identity_provider(&args)?.map(Arc::new);
        let state = AppState::new(store.clone(), options);
        let demo = seed_if_empty(&state, &args).await?;
        let listener = tokio::net::TcpListener::bind(&args.addr)
            .await
            .with_context(|| format!("binding {}", args.addr))?;
        let url = format!("http://{}", listener.local_addr()?);
        println!("Rounds is serving {url}/api/v1 (OpenAPI: {url}/api/v1/openapi.json)");
        for (role, token) in &demo {
            println!("  demo token {role:<34} {token}");
        }
        let shutdown = async {
            shutdown_signal().await;
            tracing::info!("shutting down: finishing requests in flight");
        };
        api::serve(listener, state, shutdown).await?;
        store.close().await;
        anyhow::Ok(())
    })
}

/// The identity provider of `--oidc-jwks`, `--oidc-issuer` and `--oidc-audience`, if given.
fn identity_provider(args: &ServeArgs) -> anyhow::Result<Option<Oidc>> {
    let (Some(path), Some(issuer), Some(audience)) =
        (&args.oidc_jwks, &args.oidc_issuer, &args.oidc_audience)
    else {
        return Ok(None);
    };
    let jwks = std::fs::read_to_string(path)
        .with_context(|| format!("reading the key set {}", path.display()))?;
    let oidc = Oidc::new(&jwks, issuer, audience)
        .with_context(|| format!("the key set {}", path.display()))?;
    Ok(Some(oidc))
}

/// Imports the demo data into a database that has none, and makes one user per role (printing
/// their tokens once) into a database that has no users.
async fn seed_if_empty(
    state: &AppState,
    args: &ServeArgs,
) -> anyhow::Result<Vec<(String, String)>> {
    let store = state.store();
    if store.latest_import().await?.is_none() {
        import_dir(store, &args.data, state.now()).await?;
    }
    if store.count_users().await? > 0 {
        return Ok(Vec::new());
    }
    let loaded = state.dataset().await.map_err(|e| anyhow::anyhow!("{e:?}"))?;
    let worker = loaded
        .dataset
        .workers
        .iter()
        .find(|w| w.role.visits())
        .context("the imported data has no visiting worker to make a demo user of")?;
    let mut tokens = Vec::new();
    for role in Role::ALL {
        let user = User {
            id: format!("demo-{}", role.code()),
            role,
            worker: (role == Role::SocialWorker).then(|| worker.id.0.clone()),
            pod: matches!(role, Role::Officer | Role::PracticeManager)
                .then(|| worker.pod.0.clone()),
            locality: None,
        };
        let reach = match (&user.worker, &user.pod) {
            (Some(worker), _) => format!("{} (worker {worker})", role.code()),
            (None, Some(pod)) => format!("{} (pod {pod})", role.code()),
            (None, None) => role.code().to_owned(),
        };
        tokens.push((reach, create_user(store, &user, state.now()).await?));
    }
    Ok(tokens)
}

/// Imports a folder of CSVs into the store as the new version (the demo data, or a benchmark's).
pub async fn import_dir(store: &Store, dir: &Path, at: DateTime<Utc>) -> anyhow::Result<()> {
    let dataset = crate::format::csv::load_dir(dir)
        .map_err(|e| anyhow::anyhow!("{e}"))
        .with_context(|| format!("the data in {} does not import", dir.display()))?;
    let files: BTreeMap<String, String> = crate::format::csv::to_files(&dataset)
        .into_iter()
        .map(|(name, bytes)| (name, String::from_utf8_lossy(&bytes).into_owned()))
        .collect();
    store.save_import(&files, at, "demo").await?;
    Ok(())
}

/// Completes on Ctrl-C, or on SIGTERM (how service managers and containers stop a process).
async fn shutdown_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = tokio::signal::ctrl_c() => {}
                    _ = term.recv() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}
