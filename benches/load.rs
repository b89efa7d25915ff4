//! Load benchmark of the API's busiest path: social workers reading their published plan (JSON)
//! and their calendar feed, over real HTTP on loopback, against the optimised build.
//!
//! The server is the real router (`api::serve`) on its own runtime with the Medway demo data in
//! SQLite (or the PostgreSQL of `DATABASE_URL`); a pod's rota is generated and published through
//! the API first, so every read returns real visits, passes the token check and writes its audit
//! entry. The generator runs on a second runtime in the same process:
//! - **open loop**: requests sent on a fixed schedule (2,000 a second by default) whatever the
//!   server does, each latency measured from its *scheduled* send time, so a server that falls
//!   behind shows queueing instead of hiding it (no coordinated omission);
//! - **closed loop**: N connections each sending the next request when the last answers, for
//!   the throughput ceiling.
//!
//! Percentiles are exact (every latency kept and sorted). `cargo bench --bench load` runs the
//! measurements; `cargo test --all-targets` runs this binary without `--bench` as a smoke test
//! (a few requests, every answer 200).

use axum::body::Bytes;
use axum::http::{header, Method, Request, StatusCode};
use chrono::{NaiveDate, TimeZone, Utc};
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::{connect::HttpConnector, Client};
use hyper_util::rt::TokioExecutor;
use rounds::api::{self, solve::optimiser, AppState, Options};
use rounds::cli::serve::import_dir;
use rounds::store::{create_user, Role, Store, User};
use std::net::SocketAddr;
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

type HttpClient = Client<HttpConnector, Full<Bytes>>;

/// The day the demo plans.
fn day() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 23).expect("valid date")
}

/// What the generator reads: each social worker's plan URL with their token, and feed URLs.
struct Targets {
    plans: Vec<(String, String)>,
    feeds: Vec<String>,
}

fn main() {
    let bench = std::env::args().any(|arg| arg == "--bench");
    let dir = tempfile::tempdir().expect("a temporary directory");
    let url = std::env::var("DATABASE_URL")
        .unwrap_or_else(|_| format!("sqlite://{}", dir.path().join("load.db").display()));
    let engine = if url.starts_with("postgres") { "PostgreSQL" } else { "SQLite" };

    // The server on a runtime of its own, as `rounds serve` runs it.
    let server = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("server runtime");
    let client_rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .expect("client runtime");
    let (store, officer, workers) = server.block_on(prepare(&url));
    let state = AppState::new(
        store.clone(),
        Options {
            planner: optimiser(),
            solve_limit: Duration::from_secs(20),
            ..Options::default()
        },
    );
    let listener =
        server.block_on(tokio::net::TcpListener::bind("127.0.0.1:0")).expect("a loopback port");
    let addr = listener.local_addr().expect("bound address");
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let serving = server.spawn(api::serve(listener, state, async {
        let _ = stopped.await;
    }));

    let client: HttpClient =
        Client::builder(TokioExecutor::new()).pool_max_idle_per_host(256).build_http();
    let targets = client_rt.block_on(publish_and_collect(&client, addr, &officer, &workers));
    eprintln!(
        "load: {engine}, {} social workers' plans published for {}",
        targets.plans.len(),
        day()
    );

    if bench {
        let seconds = 10;
        for (what, feed) in [("plan JSON", false), ("calendar feed", true)] {
            let report = client_rt.block_on(open_loop(&client, &targets, feed, 2_000, seconds));
            println!("{engine} open loop 2000/s {seconds}s {what}: {report}");
        }
        for connections in [16, 64] {
            let report = client_rt.block_on(closed_loop(&client, &targets, connections, seconds));
            println!(
                "{engine} closed loop {connections} connections {seconds}s plan JSON: {report}"
            );
        }
    } else {
        let report = client_rt.block_on(closed_loop(&client, &targets, 2, 1));
        assert!(report.ok > 0 && report.errors == 0, "smoke run: {report}");
        eprintln!("load smoke run: {report}");
    }
    stop.send(()).expect("server still running");
    server.block_on(serving).expect("server task").expect("server shut down cleanly");
    server.block_on(store.close());
}

/// Imports the Medway demo data; returns the store, an officer token for pod P001 and a token
/// for each of P001's social workers who work on the day.
async fn prepare(url: &str) -> (Store, String, Vec<(String, String)>) {
    let store = Store::connect(url).await.expect("the database");
    let at = Utc.with_ymd_and_hms(2026, 11, 23, 7, 0, 0).unwrap();
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/medway");
    import_dir(&store, &data, at).await.expect("the Medway fixtures import");
    let dataset = rounds::format::csv::load_dir(&data).expect("the Medway fixtures load");
    let pod = "P001";
    let suffix = rounds::store::new_token("");
    let officer = User {
        id: format!("officer-{suffix}"),
        role: Role::Officer,
        worker: None,
        pod: Some(pod.into()),
        locality: None,
    };
    let officer = create_user(&store, &officer, at).await.expect("officer");
    let mut workers = Vec::new();
    for worker in dataset
        .workers
        .iter()
        .filter(|w| w.pod.0 == pod && w.role.visits() && w.pattern.on(day()).is_some())
    {
        let user = User {
            id: format!("{}-{suffix}", worker.id.0),
            role: Role::SocialWorker,
            worker: Some(worker.id.0.clone()),
            pod: None,
            locality: None,
        };
        workers.push((worker.id.0.clone(), create_user(&store, &user, at).await.expect("user")));
    }
    (store, officer, workers)
}

/// Generates and publishes the pod's rota as the officer, and gives each worker a feed URL.
async fn publish_and_collect(
    client: &HttpClient,
    addr: SocketAddr,
    officer: &str,
    workers: &[(String, String)],
) -> Targets {
    for step in ["generate", "publish"] {
        let uri = format!("http://{addr}/api/v1/rotas/{}/{step}?scope=pod:P001", day());
        let (status, body) = call(client, Method::POST, &uri, officer).await;
        assert!(status.is_success(), "{step}: {status} {body}");
    }
    let mut plans = Vec::new();
    let mut feeds = Vec::new();
    for (_, token) in workers {
        plans.push((format!("http://{addr}/api/v1/me/plan/{}", day()), token.clone()));
        let uri = format!("http://{addr}/api/v1/me/feed-token");
        let (status, body) = call(client, Method::POST, &uri, token).await;
        assert!(status.is_success(), "feed token: {status} {body}");
        let feed: serde_json::Value = serde_json::from_str(&body).expect("feed JSON");
        let path = feed["url"].as_str().expect("a feed url");
        feeds.push(format!("http://{addr}{path}"));
    }
    assert!(!plans.is_empty(), "P001 has social workers working on {}", day());
    Targets { plans, feeds }
}

/// One request; the status and the body as text.
async fn call(client: &HttpClient, method: Method, uri: &str, token: &str) -> (StatusCode, String) {
    let mut request = Request::builder().method(method).uri(uri);
    if !token.is_empty() {
        request = request.header(header::AUTHORIZATION, format!("Bearer {token}"));
    }
    let request = request.body(Full::new(Bytes::new())).expect("a request");
    match client.request(request).await {
        Ok(response) => {
            let status = response.status();
            let bytes = response.into_body().collect().await.map(|b| b.to_bytes());
            (status, bytes.map(|b| String::from_utf8_lossy(&b).into_owned()).unwrap_or_default())
        }
        Err(error) => (StatusCode::SERVICE_UNAVAILABLE, error.to_string()),
    }
}

/// Request `i` of a run: a plan read (round-robin over the workers) or a feed read.
fn target(targets: &Targets, feed: bool, i: usize) -> (String, String) {
    if feed {
        (targets.feeds[i % targets.feeds.len()].clone(), String::new())
    } else {
        targets.plans[i % targets.plans.len()].clone()
    }
}

/// Latencies and outcome counts of a run.
struct Report {
    latencies: Vec<Duration>,
    ok: usize,
    errors: usize,
    seconds: f64,
}

impl std::fmt::Display for Report {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut sorted = self.latencies.clone();
        sorted.sort();
        let at = |q: f64| {
            if sorted.is_empty() {
                return 0.0;
            }
            let rank = ((q * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len());
            sorted[rank - 1].as_secs_f64() * 1000.0
        };
        write!(
            f,
            "{:.0} req/s ({} ok, {} errors), p50 {:.2} ms, p90 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
            self.ok as f64 / self.seconds,
            self.ok,
            self.errors,
            at(0.50),
            at(0.90),
            at(0.99),
            at(1.0)
        )
    }
}

type Shared = Arc<Mutex<(Vec<Duration>, usize, usize)>>;

fn record(shared: &Shared, latency: Duration, ok: bool) {
    let mut tally = shared.lock().expect("tally lock");
    tally.0.push(latency);
    if ok {
        tally.1 += 1;
    } else {
        tally.2 += 1;
    }
}

fn into_report(shared: Shared, seconds: f64) -> Report {
    let tally = std::mem::take(&mut *shared.lock().expect("tally lock"));
    Report { latencies: tally.0, ok: tally.1, errors: tally.2, seconds }
}

/// `rate` requests a second for `seconds`, each on its own schedule.
async fn open_loop(
    client: &HttpClient,
    targets: &Targets,
    feed: bool,
    rate: u32,
    seconds: u64,
) -> Report {
    let shared: Shared = Arc::default();
    let start = tokio::time::Instant::now() + Duration::from_millis(50);
    let total = rate as usize * seconds as usize;
    let mut tasks = Vec::with_capacity(total);
    for i in 0..total {
        let due = start + Duration::from_secs_f64(i as f64 / f64::from(rate));
        let (uri, token) = target(targets, feed, i);
        let (client, shared) = (client.clone(), shared.clone());
        tasks.push(tokio::spawn(async move {
            tokio::time::sleep_until(due).await;
            let (status, _) = call(&client, Method::GET, &uri, &token).await;
            record(&shared, due.elapsed(), status == StatusCode::OK);
        }));
    }
    for task in tasks {
        task.await.expect("request task");
    }
    let elapsed = start.elapsed().as_secs_f64();
    into_report(shared, elapsed)
}

/// `connections` loops each sending the next plan read when the last answers, for `seconds`.
async fn closed_loop(
    client: &HttpClient,
    targets: &Targets,
    connections: usize,
    seconds: u64,
) -> Report {
    let shared: Shared = Arc::default();
    let started = Instant::now();
    let until = started + Duration::from_secs(seconds);
    let mut tasks = Vec::new();
    for c in 0..connections {
        let (uri, token) = target(targets, false, c);
        let (client, shared) = (client.clone(), shared.clone());
        tasks.push(tokio::spawn(async move {
            while Instant::now() < until {
                let sent = Instant::now();
                let (status, _) = call(&client, Method::GET, &uri, &token).await;
                record(&shared, sent.elapsed(), status == StatusCode::OK);
            }
        }));
    }
    for task in tasks {
        task.await.expect("connection task");
    }
    into_report(shared, started.elapsed().as_secs_f64())
}
