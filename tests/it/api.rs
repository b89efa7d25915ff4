//! The API driven over real HTTP: each test's server (`api::serve`, the real router) on a
//! loopback port, a hyper client sending every request; on SQLite always and on PostgreSQL when
//! `DATABASE_URL` is set.
//!
//! The data is the Medway fixture cut down to two pods, so each test imports and solves in a
//! fraction of a second; solves use the day optimiser with a short limit.

use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use chrono::{NaiveDate, TimeZone, Utc};
use hyper_util::client::legacy::{connect::HttpConnector, Client};
use hyper_util::rt::TokioExecutor;
use rounds::api::solve::{optimiser, Planner};
use rounds::api::{self, AppState, Options};
use rounds::clock::Clock;
use rounds::domain::Dataset;
use rounds::store::{create_user, Role, RotaStatus, Store, User};
use serde_json::{json, Value};
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;
use std::time::Duration;

mod oidc;

struct App {
    server: Server,
    store: Store,
    dataset: Dataset,
    tokens: BTreeMap<Role, String>,
    pod: String,
    worker: String,
    _dir: Option<tempfile::TempDir>,
}

/// The API on a loopback port for one test, so every request goes over real HTTP; it shuts
/// down when the last handle to it is dropped.
#[derive(Clone)]
struct Server(Arc<Serving>);

struct Serving {
    base: String,
    client: Client<HttpConnector, Body>,
    _stop: tokio::sync::oneshot::Sender<()>,
}

impl Server {
    async fn start(state: AppState) -> Server {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        tokio::spawn(api::serve(listener, state, async {
            let _ = stopped.await;
        }));
        let client = Client::builder(TokioExecutor::new()).build_http();
        Server(Arc::new(Serving { base, client, _stop: stop }))
    }

    /// Sends `request` (its URI a path) to the server and returns the answer.
    async fn send(&self, request: Request<Body>) -> axum::response::Response {
        let (mut parts, body) = request.into_parts();
        let path = parts.uri.path_and_query().map_or("/", |p| p.as_str());
        parts.uri = format!("{}{path}", self.0.base).parse().unwrap();
        let response = self.0.client.request(Request::from_parts(parts, body)).await;
        response.expect("the server answers").map(Body::new)
    }
}

fn day() -> NaiveDate {
    rounds::fixtures::reference_date()
}

/// Medway, two pods of it.
fn small_dataset() -> Dataset {
    let mut data = rounds::fixtures::generate(1, 1);
    let pods: BTreeSet<_> = data.pods.iter().take(2).map(|p| p.id.clone()).collect();
    data.pods.retain(|p| pods.contains(&p.id));
    data.workers.retain(|w| pods.contains(&w.pod));
    let workers: BTreeSet<_> = data.workers.iter().map(|w| w.id.clone()).collect();
    data.absences.retain(|a| workers.contains(&a.worker));
    data.children.retain(|c| pods.contains(&c.pod) && workers.contains(&c.allocated));
    data
}

fn csv_files(dataset: &Dataset) -> BTreeMap<String, String> {
    rounds::format::csv::to_files(dataset)
        .into_iter()
        .map(|(name, bytes)| (name, String::from_utf8(bytes).expect("utf-8")))
        .collect()
}

async fn app_with(planner: Planner) -> App {
    let (store, dir) = match super::store::postgres_store().await {
        Some(store) => (store, None),
        None => {
            let (store, dir) = super::store::sqlite_store().await;
            (store, Some(dir))
        }
    };
    let dataset = small_dataset();
    let at = Utc.with_ymd_and_hms(2026, 11, 23, 7, 0, 0).unwrap();
    store.save_import(&csv_files(&dataset), at, "test").await.unwrap();
    // The social worker: the allocated worker of the first child due today who works today.
    let worker = dataset
        .workers
        .iter()
        .find(|w| {
            w.role.visits()
                && w.pattern.on(day()).is_some()
                && dataset.children.iter().filter(|c| c.allocated == w.id).count() >= 5
        })
        .expect("a working social worker")
        .clone();
    let pod = worker.pod.0.clone();
    let locality = dataset.pod(&worker.pod).unwrap().locality.0.clone();
    let mut tokens = BTreeMap::new();
    for role in Role::ALL {
        let user = User {
            id: role.code().to_owned(),
            role,
            worker: (role == Role::SocialWorker).then(|| worker.id.0.clone()),
            pod: (role == Role::Officer).then(|| pod.clone()),
            locality: (role == Role::PracticeManager).then(|| locality.clone()),
        };
        tokens.insert(role, create_user(&store, &user, at).await.unwrap());
    }
    let options = Options {
        clock: Clock::Fixed(at),
        planner,
        solve_limit: Duration::from_secs(5),
        ..Options::default()
    };
    let server = Server::start(AppState::new(store.clone(), options)).await;
    App { server, store, dataset, tokens, pod, worker: worker.id.0.clone(), _dir: dir }
}

async fn app() -> App {
    app_with(optimiser()).await
}

impl App {
    async fn call(
        &self,
        method: Method,
        uri: &str,
        role: Option<Role>,
        body: Option<Value>,
    ) -> (StatusCode, String) {
        let mut request = Request::builder().method(method).uri(uri);
        if let Some(role) = role {
            request =
                request.header(header::AUTHORIZATION, format!("Bearer {}", self.tokens[&role]));
        }
        let body = match body {
            Some(value) => {
                request = request.header(header::CONTENT_TYPE, "application/json");
                Body::from(value.to_string())
            }
            None => Body::empty(),
        };
        let response = self.server.send(request.body(body).unwrap()).await;
        let status = response.status();
        let bytes = axum::body::to_bytes(response.into_body(), usize::MAX).await.unwrap();
        (status, String::from_utf8_lossy(&bytes).into_owned())
    }

    async fn json(&self, method: Method, uri: &str, role: Role, body: Option<Value>) -> Value {
        let (status, text) = self.call(method, uri, Some(role), body).await;
        assert!(status.is_success(), "{uri}: {status} {text}");
        serde_json::from_str(&text).unwrap()
    }

    async fn import(
        &self,
        role: Option<Role>,
        files: &BTreeMap<String, String>,
    ) -> (StatusCode, String) {
        let boundary = "XBOUNDARYX";
        let mut body = String::new();
        for (name, text) in files {
            body.push_str(&format!("--{boundary}\r\nContent-Disposition: form-data; name=\"files\"; filename=\"{name}\"\r\nContent-Type: text/csv\r\n\r\n{text}\r\n"));
        }
        body.push_str(&format!("--{boundary}--\r\n"));
        let mut request = Request::builder()
            .method(Method::POST)
            .uri("/api/v1/imports")
            .header(header::CONTENT_TYPE, format!("multipart/form-data; boundary={boundary}"));
        if let Some(role) = role {
            request =
                request.header(header::AUTHORIZATION, format!("Bearer {}", self.tokens[&role]));
        }
        let response = self.server.send(request.body(Body::from(body)).unwrap()).await;
        let status = response.status();
        let bytes = axum::body::to_bytes(response.into_body(), usize::MAX).await.unwrap();
        (status, String::from_utf8_lossy(&bytes).into_owned())
    }

    fn scope(&self) -> String {
        format!("pod:{}", self.pod)
    }

    /// Generates and publishes the pod's rota for the day, as the admin.
    async fn publish_day(&self) -> Value {
        let rota = self
            .json(
                Method::POST,
                &format!("/api/v1/rotas/{}/generate?scope={}", day(), self.scope()),
                Role::Admin,
                None,
            )
            .await;
        self.json(
            Method::POST,
            &format!("/api/v1/rotas/{}/publish?scope={}", day(), self.scope()),
            Role::Admin,
            None,
        )
        .await;
        rota
    }

    /// Every child's name and address (home and alternative) in the dataset.
    fn personal_data(&self) -> Vec<String> {
        let mut out = Vec::new();
        for child in &self.dataset.children {
            out.push(child.name.clone());
            out.extend(child.places().map(|p| p.address.clone()));
        }
        out
    }
}

fn stops_of(rota: &Value, worker: &str) -> Vec<Value> {
    rota["rota"]["workers"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|w| w["worker"] == worker)
        .flat_map(|w| {
            w["trips"]
                .as_array()
                .unwrap()
                .iter()
                .flat_map(|t| t["stops"].as_array().unwrap().clone())
        })
        .collect()
}

#[tokio::test]
async fn every_endpoint_refuses_a_missing_or_unknown_token() {
    let app = app().await;
    let d = day();
    let s = app.scope();
    let endpoints = [
        (Method::GET, format!("/api/v1/rotas/{d}?scope={s}")),
        (Method::POST, format!("/api/v1/rotas/{d}/generate?scope={s}")),
        (Method::POST, format!("/api/v1/rotas/{d}/publish?scope={s}")),
        (Method::POST, format!("/api/v1/rotas/{d}/pins?scope={s}")),
        (Method::POST, format!("/api/v1/rotas/{d}/events?scope={s}")),
        (Method::GET, format!("/api/v1/me/plan/{d}")),
        (Method::GET, format!("/api/v1/me/plan/week/{d}")),
        (Method::POST, "/api/v1/me/feed-token".to_owned()),
        (Method::GET, "/api/v1/me/calendar.ics?token=nope".to_owned()),
        (Method::GET, format!("/api/v1/fleet/utilisation?from={d}&to={d}")),
        (Method::GET, "/api/v1/children/at-risk".to_owned()),
        (Method::GET, "/api/v1/audit".to_owned()),
    ];
    for (method, uri) in endpoints {
        let (status, text) = app.call(method.clone(), &uri, None, None).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{method} {uri}: {text}");
        assert!(text.contains("\"status\":401"), "problem details: {text}");
        let request = Request::builder()
            .method(method.clone())
            .uri(&uri)
            .header(header::AUTHORIZATION, "Bearer rk_wrong");
        let response = app.server.send(request.body(Body::empty()).unwrap()).await;
        assert_eq!(
            response.status(),
            StatusCode::UNAUTHORIZED,
            "{method} {uri} with a wrong token"
        );
    }
    assert_eq!(app.import(None, &csv_files(&app.dataset)).await.0, StatusCode::UNAUTHORIZED);
}

/// An endpoint, its body, the roles allowed and the status they get.
type Case = (Method, String, Option<Value>, Vec<Role>, StatusCode);

#[tokio::test]
async fn each_role_gets_exactly_its_endpoints() {
    let app = app().await;
    app.publish_day().await;
    each_role_gets_exactly_its_endpoints_on(&app).await;
}

/// Every endpoint called with each role's token of `app`, whose pod's day is published.
async fn each_role_gets_exactly_its_endpoints_on(app: &App) {
    use Role::*;
    let d = day();
    let s = app.scope();
    let planners = [Officer, PracticeManager, Admin];
    let visit = app.dataset.children.iter().find(|c| c.pod.0 == app.pod).unwrap().id.0.clone();
    let cases: Vec<Case> = vec![
        (
            Method::GET,
            format!("/api/v1/rotas/{d}?scope={s}"),
            None,
            planners.to_vec(),
            StatusCode::OK,
        ),
        (
            Method::POST,
            format!("/api/v1/rotas/{d}/generate?scope={s}"),
            None,
            planners.to_vec(),
            StatusCode::CREATED,
        ),
        (
            Method::POST,
            format!("/api/v1/rotas/{d}/pins?scope={s}"),
            Some(json!({"visit": visit, "worker": app.worker})),
            planners.to_vec(),
            StatusCode::CREATED,
        ),
        (
            Method::POST,
            format!("/api/v1/rotas/{d}/events?scope={s}"),
            Some(json!({"kind": "no_access", "visit": visit, "at": "16:00"})),
            planners.to_vec(),
            StatusCode::CREATED,
        ),
        (Method::GET, format!("/api/v1/me/plan/{d}"), None, vec![SocialWorker], StatusCode::OK),
        (
            Method::GET,
            format!("/api/v1/me/plan/week/{d}"),
            None,
            vec![SocialWorker],
            StatusCode::OK,
        ),
        (
            Method::POST,
            "/api/v1/me/feed-token".to_owned(),
            None,
            vec![SocialWorker],
            StatusCode::CREATED,
        ),
        (
            Method::GET,
            format!("/api/v1/fleet/utilisation?from={d}&to={d}"),
            None,
            vec![FleetManager, PracticeManager, Admin],
            StatusCode::OK,
        ),
        (
            Method::GET,
            format!("/api/v1/children/at-risk?date={d}"),
            None,
            planners.to_vec(),
            StatusCode::OK,
        ),
        (Method::GET, "/api/v1/audit".to_owned(), None, vec![Admin], StatusCode::OK),
    ];
    for (method, uri, body, allowed, ok) in cases {
        for role in Role::ALL {
            let (status, text) = app.call(method.clone(), &uri, Some(role), body.clone()).await;
            let expected = if allowed.contains(&role) { ok } else { StatusCode::FORBIDDEN };
            assert_eq!(status, expected, "{method} {uri} as {}: {text}", role.code());
        }
        // Publish after each generate/event so the next publish has a fresh draft.
    }
    for role in Role::ALL {
        app.json(Method::POST, &format!("/api/v1/rotas/{d}/generate?scope={s}"), Admin, None).await;
        let (status, text) = app
            .call(Method::POST, &format!("/api/v1/rotas/{d}/publish?scope={s}"), Some(role), None)
            .await;
        let expected =
            if planners.contains(&role) { StatusCode::CREATED } else { StatusCode::FORBIDDEN };
        assert_eq!(status, expected, "publish as {}: {text}", role.code());
        let (status, _) = app.import(Some(role), &csv_files(&app.dataset)).await;
        let expected = if role == Admin { StatusCode::CREATED } else { StatusCode::FORBIDDEN };
        assert_eq!(status, expected, "import as {}", role.code());
        let (status, _) = app.call(Method::GET, "/api/v1/openapi.json", Some(role), None).await;
        assert_eq!(status, StatusCode::OK);
    }
    // An officer of one pod may not plan the whole service or another pod.
    let other = app.dataset.pods.iter().find(|p| p.id.0 != app.pod).unwrap().id.0.clone();
    for scope in ["all".to_owned(), format!("pod:{other}")] {
        let (status, _) = app
            .call(
                Method::POST,
                &format!("/api/v1/rotas/{d}/generate?scope={scope}"),
                Some(Officer),
                None,
            )
            .await;
        assert_eq!(status, StatusCode::FORBIDDEN, "officer generating {scope}");
    }
}

#[tokio::test]
async fn fleet_manager_sees_no_child_name_or_address() {
    let app = app().await;
    app.publish_day().await;
    let d = day();
    let (status, text) = app
        .call(
            Method::GET,
            &format!("/api/v1/fleet/utilisation?from={d}&to={d}"),
            Some(Role::FleetManager),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{text}");
    let figures: Value = serde_json::from_str(&text).unwrap();
    assert!(
        figures["pool_km"].as_f64().unwrap() + figures["grey_km"].as_f64().unwrap() > 0.0,
        "{text}"
    );
    for secret in app.personal_data() {
        assert!(!text.contains(&secret), "fleet figures leak '{secret}'");
    }
    for child in &app.dataset.children {
        assert!(
            !text.contains(&format!("\"{}\"", child.id)),
            "fleet figures name case {}",
            child.id
        );
    }
    // Everything else the fleet manager can call is refused before any data is read.
    for uri in [
        format!("/api/v1/rotas/{d}?scope={}", app.scope()),
        format!("/api/v1/me/plan/{d}"),
        "/api/v1/children/at-risk".to_owned(),
    ] {
        let (status, text) = app.call(Method::GET, &uri, Some(Role::FleetManager), None).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        for secret in app.personal_data() {
            assert!(!text.contains(&secret));
        }
    }
}

#[tokio::test]
async fn import_is_all_or_nothing_and_lists_every_error() {
    let app = app().await;
    let before = app.store.latest_import().await.unwrap().unwrap().version;
    let mut files = csv_files(&app.dataset);
    let children = files.get_mut("children.csv").unwrap();
    let mut lines: Vec<String> = children.lines().map(str::to_owned).collect();
    // Row 3 (the second child) gets a bad pod reference.
    let header: Vec<&str> = lines[0].split(',').collect();
    let pod_col = header.iter().position(|h| *h == "pod").expect("a pod column");
    let mut fields: Vec<String> = lines[2].split(',').map(str::to_owned).collect();
    fields[pod_col] = "NO_SUCH_POD".to_owned();
    lines[2] = fields.join(",");
    *children = lines.join("\n") + "\n";
    let (status, text) = app.import(Some(Role::Admin), &files).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{text}");
    let problem: Value = serde_json::from_str(&text).unwrap();
    let errors = problem["errors"].as_array().unwrap();
    assert!(
        errors.iter().any(|e| e["file"] == "children.csv" && e["row"] == 3 && e["column"] == "pod"),
        "{text}"
    );
    assert_eq!(app.store.latest_import().await.unwrap().unwrap().version, before, "nothing stored");
    let (status, text) = app.import(Some(Role::Admin), &csv_files(&app.dataset)).await;
    assert_eq!(status, StatusCode::CREATED, "{text}");
    assert!(app.store.latest_import().await.unwrap().unwrap().version > before);
}

#[tokio::test]
async fn can_generate_publish_and_read_a_plan() {
    let app = app().await;
    let d = day();
    let rota = app
        .json(
            Method::POST,
            &format!("/api/v1/rotas/{d}/generate?scope={}", app.scope()),
            Role::Officer,
            None,
        )
        .await;
    for key in ["objective", "bound", "gap"] {
        assert!(rota[key].is_number(), "{key} in {rota}");
    }
    assert_eq!(rota["verdict"]["publishable"], true);
    assert_eq!(rota["status"], "draft");
    let stops = stops_of(&rota, &app.worker);
    assert!(!stops.is_empty(), "the worker has visits: {rota}");
    // Not published yet: the worker's plan is empty.
    let plan =
        app.json(Method::GET, &format!("/api/v1/me/plan/{d}"), Role::SocialWorker, None).await;
    assert_eq!(plan["trips"].as_array().unwrap().len(), 0);
    app.json(
        Method::POST,
        &format!("/api/v1/rotas/{d}/publish?scope={}", app.scope()),
        Role::Officer,
        None,
    )
    .await;
    let read = app
        .json(
            Method::GET,
            &format!("/api/v1/rotas/{d}?scope={}&status=published", app.scope()),
            Role::Officer,
            None,
        )
        .await;
    assert_eq!(read["status"], "published");
    assert_eq!(read["rota"], rota["rota"]);
    let plan =
        app.json(Method::GET, &format!("/api/v1/me/plan/{d}"), Role::SocialWorker, None).await;
    let visits: Vec<&Value> = plan["trips"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|t| t["stops"].as_array().unwrap())
        .collect();
    assert_eq!(visits.len(), stops.len());
    assert!(visits.iter().all(|v| v["address"].is_string()));
    let week =
        app.json(Method::GET, &format!("/api/v1/me/plan/week/{d}"), Role::SocialWorker, None).await;
    assert_eq!(week["days"].as_array().unwrap().len(), 7);
    // The reads of the child's data were audited.
    let log = app.json(Method::GET, "/api/v1/audit", Role::Admin, None).await;
    let actions: Vec<&str> =
        log["entries"].as_array().unwrap().iter().map(|e| e["action"].as_str().unwrap()).collect();
    for action in ["generate", "publish", "read_rota", "read_plan", "read_plan_week"] {
        assert!(actions.contains(&action), "{action} in {actions:?}");
    }
}

#[tokio::test]
async fn calendar_feed_parses_back_without_child_names() {
    let app = app().await;
    let rota = app.publish_day().await;
    let stops = stops_of(&rota, &app.worker);
    let feed = app.json(Method::POST, "/api/v1/me/feed-token", Role::SocialWorker, None).await;
    let url = feed["url"].as_str().unwrap().to_owned();
    let (status, ics) = app.call(Method::GET, &url, None, None).await;
    assert_eq!(status, StatusCode::OK, "{ics}");
    assert!(ics.starts_with("BEGIN:VCALENDAR\r\n") && ics.ends_with("END:VCALENDAR\r\n"));
    assert_eq!(ics.matches("BEGIN:VEVENT").count(), stops.len());
    assert_eq!(ics.matches("END:VEVENT").count(), stops.len());
    let unfolded = ics.replace("\r\n ", "");
    for stop in &stops {
        let child = stop["child"].as_str().unwrap();
        assert!(unfolded.contains(&format!("SUMMARY:Visit {child}\r\n")), "{child}");
        let name = &app.dataset.children.iter().find(|c| c.id.0 == child).unwrap().name;
        assert!(!unfolded.contains(name.as_str()), "feed names {name}");
    }
    assert!(unfolded.contains("LOCATION:") && unfolded.contains("DESCRIPTION:"));
    // Revoked, the feed URL stops working.
    let (status, _) =
        app.call(Method::DELETE, "/api/v1/me/feed-token", Some(Role::SocialWorker), None).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    assert_eq!(app.call(Method::GET, &url, None, None).await.0, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn sick_worker_replan_keeps_what_is_under_way_and_moves_the_rest() {
    let app = app().await;
    let rota = app.publish_day().await;
    // The worker with the most visits falls sick after their first visit starts.
    let workers = rota["rota"]["workers"].as_array().unwrap();
    let (sick, stops) = workers
        .iter()
        .map(|w| {
            (
                w["worker"].as_str().unwrap().to_owned(),
                stops_of(&rota, w["worker"].as_str().unwrap()),
            )
        })
        .max_by_key(|(_, s)| s.len())
        .unwrap();
    assert!(stops.len() >= 2, "a worker with two visits: {rota}");
    let first_start = stops[0]["start"].as_str().unwrap();
    let cut = &stops[1]["start"].as_str().unwrap()[..5];
    assert!(first_start[..5] < *cut);
    let answer = app
        .json(
            Method::POST,
            &format!("/api/v1/rotas/{}/events?scope={}", day(), app.scope()),
            Role::Officer,
            Some(json!({"kind": "sick", "worker": sick, "at": cut})),
        )
        .await;
    let after = stops_of(&answer, &sick);
    assert!(
        after.iter().all(|s| s["start"].as_str().unwrap()[..5] < *cut),
        "nothing after {cut}: {after:?}"
    );
    assert_eq!(after[0], stops[0], "the visit under way is kept as it was");
    // Every visit the sick worker lost is made by someone else or listed as unscheduled.
    let made: BTreeSet<String> = answer["rota"]["workers"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|w| stops_of(&answer, w["worker"].as_str().unwrap()))
        .map(|s| s["visit"].as_str().unwrap().to_owned())
        .collect();
    let left: BTreeSet<String> = answer["rota"]["unscheduled"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["visit"].as_str().unwrap().to_owned())
        .collect();
    for lost in &stops[1..] {
        let visit = lost["visit"].as_str().unwrap();
        let child = app.dataset.children.iter().find(|c| c.id.0 == lost["child"]).unwrap();
        let rules = rounds::rules::RulesTable::england();
        let deferrable =
            rounds::rules::next_deadline(child, &rules, &app.dataset.calendar).date > day();
        assert!(made.contains(visit) || left.contains(visit) || deferrable, "{visit} vanished");
    }
    assert_eq!(answer["status"], "draft");
    // The published rota is still the one before the event until the officer publishes.
    let published = app
        .store
        .latest_rota(day(), &app.scope(), Some(RotaStatus::Published))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(published.version, 2);
}

#[tokio::test]
async fn a_failed_solve_leaves_the_published_rota_as_it_was() {
    let app = app().await;
    app.publish_day().await;
    let before = app.store.latest_rota(day(), &app.scope(), None).await.unwrap().unwrap();
    let failing: Planner = Arc::new(|_, _, _| Err("no feasible rota".to_owned()));
    let options = Options { planner: failing, ..Options::default() };
    let server = Server::start(AppState::new(app.store.clone(), options)).await;
    let broken = App { server, ..app };
    let uri = format!("/api/v1/rotas/{}/generate?scope={}", day(), broken.scope());
    let (status, text) = broken.call(Method::POST, &uri, Some(Role::Admin), None).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{text}");
    assert!(text.contains("no feasible rota"));
    let after = broken.store.latest_rota(day(), &broken.scope(), None).await.unwrap().unwrap();
    assert_eq!(after, before);
    assert_eq!(after.status, RotaStatus::Published);
}

#[tokio::test]
async fn bad_requests_get_problem_details_naming_the_field() {
    let app = app().await;
    for (uri, field) in [
        (format!("/api/v1/rotas/2026-13-01?scope={}", app.scope()), "date"),
        ("/api/v1/rotas/2026-11-23?scope=team:X".to_owned(), "scope"),
        ("/api/v1/rotas/2026-11-23".to_owned(), "scope"),
        ("/api/v1/fleet/utilisation?from=2026-11-23".to_owned(), "to"),
    ] {
        let (status, text) = app.call(Method::GET, &uri, Some(Role::Admin), None).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{uri}: {text}");
        let problem: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(problem["field"], field, "{uri}: {text}");
    }
    let (status, text) = app
        .call(
            Method::POST,
            &format!("/api/v1/rotas/{}/events?scope={}", day(), app.scope()),
            Some(Role::Admin),
            Some(json!({"kind": "holiday"})),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(text.contains("\"field\":\"kind\""), "{text}");
}

#[tokio::test]
async fn can_serve_over_a_real_socket_and_shut_down() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let app = app().await;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let state =
        AppState::new(app.store.clone(), Options { planner: optimiser(), ..Options::default() });
    let server = tokio::spawn(api::serve(listener, state, async {
        let _ = stopped.await;
    }));
    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    let request = format!(
        "GET /api/v1/me/plan/{} HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer {}\r\nConnection: close\r\n\r\n",
        day(),
        app.tokens[&Role::SocialWorker]
    );
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).await.unwrap();
    assert!(response.starts_with("HTTP/1.1 200"), "{response}");
    assert!(response.to_ascii_lowercase().contains("x-request-id:"), "{response}");
    assert!(response.contains(&format!("\"worker\":\"{}\"", app.worker)));
    stop.send(()).unwrap();
    server.await.unwrap().unwrap();
}

#[tokio::test]
async fn health_and_openapi_list_every_route() {
    let app = app().await;
    assert_eq!(app.call(Method::GET, "/healthz", None, None).await.0, StatusCode::OK);
    assert_eq!(app.call(Method::GET, "/readyz", None, None).await.0, StatusCode::OK);
    let (status, text) = app.call(Method::GET, "/api/v1/openapi.json", None, None).await;
    assert_eq!(status, StatusCode::OK);
    let doc: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(doc["openapi"], "3.1.0");
    for path in [
        "/imports",
        "/rotas/{date}",
        "/rotas/{date}/generate",
        "/rotas/{date}/publish",
        "/rotas/{date}/pins",
        "/rotas/{date}/events",
        "/me/plan/{date}",
        "/me/plan/week/{date}",
        "/me/calendar.ics",
        "/me/feed-token",
        "/fleet/utilisation",
        "/children/at-risk",
        "/audit",
        "/healthz",
        "/readyz",
    ] {
        assert!(doc["paths"][path].is_object(), "{path} missing");
    }
}

#[tokio::test]
async fn children_at_risk_are_listed_until_a_published_rota_covers_them() {
    let app = app().await;
    let uri = format!("/api/v1/children/at-risk?date={}", day());
    let before = app.json(Method::GET, &uri, Role::Officer, None).await;
    let listed: BTreeSet<String> = before["children"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["child"].as_str().unwrap().to_owned())
        .collect();
    assert!(!listed.is_empty(), "children due in the pod: {before}");
    assert!(before["children"].as_array().unwrap().iter().all(|c| c["pod"] == app.pod.as_str()));
    assert!(before["children"][0]["reasons"].as_array().is_some_and(|r| !r.is_empty()));
    let rota = app.publish_day().await;
    let after = app.json(Method::GET, &uri, Role::Officer, None).await;
    // Overdue children stay listed (their deadline is already missed); others planned drop out.
    let still: BTreeSet<String> = after["children"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| !c["reasons"][0].as_str().unwrap().starts_with("overdue"))
        .map(|c| c["child"].as_str().unwrap().to_owned())
        .collect();
    let planned: BTreeSet<String> = rota["rota"]["workers"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|w| stops_of(&rota, w["worker"].as_str().unwrap()))
        .map(|s| s["child"].as_str().unwrap().to_owned())
        .collect();
    assert!(!planned.is_empty());
    assert!(still.is_disjoint(&planned), "planned children are no longer at risk");
    assert!(after["children"].as_array().unwrap().len() < listed.len());
}

#[tokio::test]
async fn refuses_a_second_solve_of_the_same_date_and_scope_while_one_runs() {
    use std::sync::mpsc;
    use std::sync::Mutex;
    let (started_tx, started_rx) = tokio::sync::mpsc::unbounded_channel::<()>();
    let (release_tx, release_rx) = mpsc::channel::<()>();
    let release_rx = Arc::new(Mutex::new(release_rx));
    let optimiser = optimiser();
    let blocking: Planner = Arc::new(move |dataset, request, limit| {
        let _ = started_tx.send(());
        let _ = release_rx.lock().unwrap().recv();
        optimiser(dataset, request, limit)
    });
    let app = Arc::new(app_with(blocking).await);
    let uri = format!("/api/v1/rotas/{}/generate?scope={}", day(), app.scope());
    let first = {
        let (app, uri) = (app.clone(), uri.clone());
        tokio::spawn(async move { app.call(Method::POST, &uri, Some(Role::Admin), None).await })
    };
    let mut started_rx = started_rx;
    started_rx.recv().await.unwrap();
    let (status, text) = app.call(Method::POST, &uri, Some(Role::Admin), None).await;
    assert_eq!(status, StatusCode::CONFLICT, "{text}");
    release_tx.send(()).unwrap();
    assert_eq!(first.await.unwrap().0, StatusCode::CREATED);
}

#[tokio::test]
async fn refuses_a_body_over_the_limit() {
    let app = app().await;
    let mut files = BTreeMap::new();
    files.insert("children.csv".to_owned(), "x".repeat(api::BODY_LIMIT + 1));
    let (status, text) = app.import(Some(Role::Admin), &files).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE, "{text}");
    assert!(text.contains("\"field\":\"body\""), "problem details: {text}");
}

#[tokio::test]
async fn a_pin_puts_the_visit_with_that_worker_at_that_time() {
    let app = app().await;
    let rota = app.publish_day().await;
    // Take a visit someone else makes and pin it to our worker at 15:30 (when homes are open).
    let workers = rota["rota"]["workers"].as_array().unwrap();
    let visit = workers
        .iter()
        .filter(|w| w["worker"] != app.worker.as_str())
        .flat_map(|w| stops_of(&rota, w["worker"].as_str().unwrap()))
        .next()
        .expect("another worker's visit");
    let visit = visit["visit"].as_str().unwrap().to_owned();
    let base = format!("/api/v1/rotas/{}", day());
    let pin = json!({"visit": visit, "worker": app.worker, "start": "15:30"});
    app.json(Method::POST, &format!("{base}/pins?scope={}", app.scope()), Role::Officer, Some(pin))
        .await;
    let again = app
        .json(Method::POST, &format!("{base}/generate?scope={}", app.scope()), Role::Officer, None)
        .await;
    let mine = stops_of(&again, &app.worker);
    let pinned = mine.iter().find(|s| s["visit"] == visit.as_str());
    let left = again["rota"]["unscheduled"]
        .as_array()
        .unwrap()
        .iter()
        .any(|u| u["visit"] == visit.as_str());
    match pinned {
        Some(stop) => assert_eq!(stop["start"], "15:30:00"),
        None => assert!(left, "the pinned visit is with {} or listed as left out", app.worker),
    }
    for other in again["rota"]["workers"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|w| w["worker"] != app.worker.as_str())
    {
        let theirs = stops_of(&again, other["worker"].as_str().unwrap());
        assert!(
            theirs.iter().all(|s| s["visit"] != visit.as_str()),
            "pinned visit made by someone else"
        );
    }
    let (status, text) = app
        .call(
            Method::POST,
            &format!("{base}/pins?scope={}", app.scope()),
            Some(Role::Officer),
            Some(json!({"visit": visit, "start": "25:99"})),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(text.contains("\"field\":\"start\""), "{text}");
}

/// A rota's pool-car bookings: (registration, depart, back).
fn car_bookings(rota: &Value) -> Vec<(String, String, String)> {
    rota["rota"]["workers"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|w| w["trips"].as_array().unwrap().iter())
        .filter(|t| t["transport"] == "pool_car")
        .map(|t| {
            let text = |key: &str| t[key].as_str().unwrap().to_owned();
            (text("car"), text("depart"), text("back"))
        })
        .collect()
}

#[tokio::test]
async fn a_pod_does_not_book_a_car_that_another_pods_published_rota_holds() {
    let app = app().await;
    // One car per hub, so pods sharing a hub compete for it.
    let mut data = app.dataset.clone();
    let mut hubs = BTreeSet::new();
    data.cars.retain(|car| hubs.insert(car.hub.clone()));
    let (status, text) = app.import(Some(Role::Admin), &csv_files(&data)).await;
    assert!(status.is_success(), "{status} {text}");
    let ours = app.publish_day().await;
    let other = data.pods.iter().find(|p| p.id.0 != app.pod).unwrap().id.clone();
    let hub_of = |pod: &str| {
        data.workers
            .iter()
            .filter(|w| w.pod.0 == pod)
            .map(|w| w.base_hub.clone())
            .collect::<Vec<_>>()
    };
    assert!(hub_of(&app.pod).iter().any(|h| hub_of(&other.0).contains(h)), "the pods share a hub");
    let theirs = app
        .json(
            Method::POST,
            &format!("/api/v1/rotas/{}/generate?scope=pod:{}", day(), other.0),
            Role::Admin,
            None,
        )
        .await;
    assert_eq!(theirs["verdict"]["publishable"], true, "{theirs}");
    let held = car_bookings(&ours);
    assert!(!held.is_empty(), "the first pod uses the pool");
    for (car, depart, back) in car_bookings(&theirs) {
        for (taken, from, until) in held.iter().filter(|h| h.0 == car) {
            assert!(
                back <= *from || *until <= depart,
                "{taken} {from}-{until} booked again {depart}-{back}"
            );
        }
    }
}

/// The visits of a social worker's plan answer, in order.
fn plan_visits(plan: &Value) -> Vec<String> {
    plan["trips"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|t| t["stops"].as_array().unwrap().iter())
        .map(|s| s["visit"].as_str().unwrap().to_owned())
        .collect()
}

/// Published rotas are kept parsed by version: a new publication must show at once.
/// `rounds users revoke` writes to the database, not to the server: a server that remembers
/// tokens for a while refuses the revoked one once that while is over, one that remembers
/// nothing at once.
#[tokio::test]
async fn a_token_revoked_by_another_process_stops_working_within_the_recall_time() {
    let app = app().await;
    app.publish_day().await;
    let feed = app.json(Method::POST, "/api/v1/me/feed-token", Role::SocialWorker, None).await;
    let feed = feed["url"].as_str().unwrap().to_owned();
    let recall_for = Duration::from_millis(300);
    let revoked_at = Utc.with_ymd_and_hms(2026, 11, 23, 8, 0, 0).unwrap();
    let server = |recall_for| {
        let clock = Clock::Fixed(revoked_at);
        let options = Options { clock, planner: optimiser(), recall_for, ..Options::default() };
        Server::start(AppState::new(app.store.clone(), options))
    };
    let (remembers, forgets) = (server(recall_for).await, server(Duration::ZERO).await);
    let plan = format!("/api/v1/me/plan/{}", day());
    let get = |server: Server, uri: String, bearer: bool| {
        let mut request = Request::builder().uri(uri);
        if bearer {
            let token = format!("Bearer {}", app.tokens[&Role::SocialWorker]);
            request = request.header(header::AUTHORIZATION, token);
        }
        async move { server.send(request.body(Body::empty()).unwrap()).await.status() }
    };
    for server in [&remembers, &forgets] {
        assert_eq!(get(server.clone(), plan.clone(), true).await, StatusCode::OK);
        assert_eq!(get(server.clone(), feed.clone(), false).await, StatusCode::OK);
    }
    assert!(app.store.revoke_user("social_worker", revoked_at).await.unwrap());
    assert_eq!(get(forgets.clone(), plan.clone(), true).await, StatusCode::UNAUTHORIZED);
    assert_eq!(get(forgets, feed.clone(), false).await, StatusCode::UNAUTHORIZED);
    tokio::time::sleep(recall_for + Duration::from_millis(50)).await;
    assert_eq!(get(remembers.clone(), plan, true).await, StatusCode::UNAUTHORIZED);
    assert_eq!(get(remembers, feed, false).await, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn a_plan_read_after_a_new_publication_shows_the_new_version() {
    let app = app().await;
    let rota = app.publish_day().await;
    let uri = format!("/api/v1/me/plan/{}", day());
    let before = app.json(Method::GET, &uri, Role::SocialWorker, None).await;
    let mine: Vec<String> = stops_of(&rota, &app.worker)
        .iter()
        .map(|s| s["visit"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(plan_visits(&before), mine);
    // Pin another worker's visit to ours, plan again and publish version 2.
    let visit = rota["rota"]["workers"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|w| w["worker"] != app.worker.as_str())
        .flat_map(|w| stops_of(&rota, w["worker"].as_str().unwrap()))
        .map(|s| s["visit"].as_str().unwrap().to_owned())
        .find(|v| !mine.contains(v))
        .expect("another worker's visit");
    let base = format!("/api/v1/rotas/{}", day());
    let pin = json!({"visit": visit, "worker": app.worker});
    app.json(Method::POST, &format!("{base}/pins?scope={}", app.scope()), Role::Officer, Some(pin))
        .await;
    let again = app.publish_day().await;
    let now_mine: Vec<String> = stops_of(&again, &app.worker)
        .iter()
        .map(|s| s["visit"].as_str().unwrap().to_owned())
        .collect();
    assert!(now_mine.contains(&visit), "the pin holds: {now_mine:?}");
    let after = app.json(Method::GET, &uri, Role::SocialWorker, None).await;
    assert_eq!(plan_visits(&after), now_mine, "the plan shows version 2, not the kept version 1");
}

/// Reads running at once share audit commits: every one must still get its own row, committed
/// before it is answered.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_reads_each_get_their_own_committed_audit_row() {
    let app = app().await;
    app.publish_day().await;
    let reads_logged = |log: Vec<rounds::store::AuditEntry>| {
        log.iter().filter(|e| e.action == "read_plan" && e.who == "social_worker").count()
    };
    let before = reads_logged(app.store.audit_log(100_000).await.unwrap());
    let mut reads = tokio::task::JoinSet::new();
    for _ in 0..40 {
        let server = app.server.clone();
        let token = app.tokens[&Role::SocialWorker].clone();
        let store = app.store.clone();
        reads.spawn(async move {
            let request = Request::get(format!("/api/v1/me/plan/{}", day()))
                .header(header::AUTHORIZATION, format!("Bearer {token}"))
                .body(Body::empty())
                .unwrap();
            let status = server.send(request).await.status();
            // Answered means committed: the row is there as the answer arrives.
            let logged = store.audit_log(100_000).await.unwrap();
            (status, logged.len())
        });
    }
    let mut answered = 0;
    while let Some(read) = reads.join_next().await {
        let (status, rows) = read.unwrap();
        assert_eq!(status, StatusCode::OK);
        assert!(rows > before, "an answer came before any read's audit row");
        answered += 1;
    }
    assert_eq!(answered, 40);
    let after = reads_logged(app.store.audit_log(100_000).await.unwrap());
    assert_eq!(after - before, 40, "one row per read, none lost or doubled");
}
