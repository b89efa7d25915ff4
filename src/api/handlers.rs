//! The officer-facing resources: imports, rotas (generate, read, publish, pins, events), fleet
//! figures, children at risk, the audit log, health and the OpenAPI document.

use super::auth::Caller;
use super::dto::{parse_doc, parse_time, RotaDoc, VerdictDoc};
use super::error::ApiError;
use super::scope::Scope;
use super::{AppState, Loaded};
use crate::day::Pin;
use crate::domain::{CarId, Dataset, PodId, TimeOfDay, TimeSpan, Transport, VisitId, WorkerId};
use crate::planner::{visits_due, DayRequest};
use crate::store::{NewRota, Role, RotaStatus, StoredEvent, StoredPin};
use axum::extract::rejection::JsonRejection;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::routing::{get, post};
use axum::{Json, Router};
use chrono::NaiveDate;
use serde::Deserialize;
use serde_json::{json, Value};
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route("/imports", post(import))
        .route("/rotas/{date}", get(read_rota))
        .route("/rotas/{date}/generate", post(generate))
        .route("/rotas/{date}/publish", post(publish))
        .route("/rotas/{date}/pins", post(pin))
        .route("/rotas/{date}/events", post(event))
        .route("/fleet/utilisation", get(fleet))
        .route("/children/at-risk", get(at_risk))
        .route("/audit", get(audit))
        .route("/openapi.json", get(|| async { Json(super::openapi::document()) }))
}

pub(super) async fn healthz() -> &'static str {
    "ok"
}

pub(super) async fn readyz(State(state): State<AppState>) -> impl IntoResponse {
    match state.store().ping().await {
        Ok(()) => (StatusCode::OK, "ready"),
        Err(_) => (StatusCode::SERVICE_UNAVAILABLE, "database unavailable"),
    }
}

/// Parses a `YYYY-MM-DD` path or query value.
pub(super) fn parse_date(field: &str, text: &str) -> Result<NaiveDate, ApiError> {
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .map_err(|_| ApiError::bad(field, format!("'{text}' is not a date (YYYY-MM-DD)")))
}

#[derive(Deserialize)]
struct ScopeQuery {
    scope: Option<String>,
    status: Option<String>,
}

fn parse_scope(query: &ScopeQuery) -> Result<Scope, ApiError> {
    let text = query.scope.as_deref().ok_or_else(|| ApiError::bad("scope", "required"))?;
    Scope::parse(text).ok_or_else(|| {
        ApiError::bad("scope", format!("'{text}': expected all, pod:ID or locality:ID"))
    })
}

async fn import(
    State(state): State<AppState>,
    caller: Caller,
    mut multipart: Multipart,
) -> Result<impl IntoResponse, ApiError> {
    caller.require(&[Role::Admin])?;
    let mut files: BTreeMap<String, Vec<u8>> = BTreeMap::new();
    while let Some(field) =
        multipart.next_field().await.map_err(|e| ApiError::multipart("body", &e))?
    {
        let name = field
            .file_name()
            .or(field.name())
            .map(str::to_owned)
            .ok_or_else(|| ApiError::bad("body", "a part has no file name"))?;
        let bytes = field.bytes().await.map_err(|e| ApiError::multipart(&name, &e))?;
        files.insert(name, bytes.to_vec());
    }
    let dataset = crate::format::csv::load_files(&files).map_err(|e| ApiError::Import(e.errors))?;
    let mut texts = BTreeMap::new();
    for (name, bytes) in files {
        let base = name.rsplit(['/', '\\']).next().unwrap_or(&name).to_lowercase();
        let text = String::from_utf8(bytes).map_err(|_| ApiError::bad(&name, "not UTF-8"))?;
        texts.insert(base, text);
    }
    let version = state.store().save_import(&texts, state.now(), &caller.0.id).await?;
    state.audit(&caller.0.id, "import", &format!("version {version}")).await?;
    let counts = json!({"children": dataset.children.len(), "workers": dataset.workers.len(),
                        "cars": dataset.cars.len(), "pods": dataset.pods.len()});
    state.set_dataset(Arc::new(Loaded::new(version, dataset)));
    Ok((StatusCode::CREATED, Json(json!({"version": version, "counts": counts}))))
}

fn rota_answer(doc: &RotaDoc, version: i64, status: RotaStatus) -> Value {
    json!({
        "date": doc.date, "scope": doc.scope, "version": version, "status": status.code(),
        "objective": doc.objective, "bound": doc.bound, "gap": doc.gap,
        "verdict": {"publishable": doc.verdict.publishable, "violations": doc.verdict.violations},
        "rota": doc,
    })
}

async fn read_rota(
    State(state): State<AppState>,
    caller: Caller,
    Path(date): Path<String>,
    Query(query): Query<ScopeQuery>,
) -> Result<Json<Value>, ApiError> {
    let date = parse_date("date", &date)?;
    let scope = parse_scope(&query)?;
    let loaded = state.dataset().await?;
    caller.may_plan(&scope, &loaded.dataset)?;
    let status = match query.status.as_deref() {
        None => None,
        Some("draft") => Some(RotaStatus::Draft),
        Some("published") => Some(RotaStatus::Published),
        Some(other) => {
            return Err(ApiError::bad("status", format!("'{other}': draft or published")))
        }
    };
    let stored = state
        .store()
        .latest_rota(date, &scope.to_string(), status)
        .await?
        .ok_or_else(|| ApiError::NotFound(format!("no rota for {date} {scope}")))?;
    let detail = format!("{date} {scope} v{}", stored.version);
    state.audit(&caller.0.id, "read_rota", &detail).await?;
    Ok(Json(rota_answer(&parse_doc(&stored.body)?, stored.version, stored.status)))
}

async fn generate(
    State(state): State<AppState>,
    caller: Caller,
    Path(date): Path<String>,
    Query(query): Query<ScopeQuery>,
) -> Result<impl IntoResponse, ApiError> {
    let date = parse_date("date", &date)?;
    let scope = parse_scope(&query)?;
    let loaded = state.dataset().await?;
    caller.may_plan(&scope, &loaded.dataset)?;
    let request = day_request(&state, &loaded.dataset, date, &scope, None).await?;
    let answer = solve_and_store(&state, &caller, loaded, &scope, request).await?;
    Ok((StatusCode::CREATED, Json(answer)))
}

/// The request for a day: the visits due (within the policy's lookahead) in scope, pins and
/// events applied; with `replan`, the latest rota's visits that started before that time
/// pinned where they are, and nothing new before it.
async fn day_request(
    state: &AppState,
    dataset: &Dataset,
    date: NaiveDate,
    scope: &Scope,
    replan: Option<TimeOfDay>,
) -> Result<DayRequest, ApiError> {
    let options = state.options();
    let mut pins = BTreeMap::new();
    for pin in state.store().pins_on(date).await? {
        let start = pin.start.as_deref().and_then(parse_time);
        pins.insert(VisitId(pin.visit), Pin { worker: pin.worker.map(WorkerId), start });
    }
    let mut blocked: BTreeMap<WorkerId, Vec<TimeSpan>> = BTreeMap::new();
    let mut settled = BTreeSet::new();
    for event in state.store().events_on(date).await? {
        match (event.kind.as_str(), event.worker, event.visit) {
            ("sick", Some(worker), _) => {
                let from = event.at.as_deref().and_then(parse_time).unwrap_or_default();
                if let Some(span) = TimeSpan::new(from, TimeOfDay::END_OF_DAY) {
                    blocked.entry(WorkerId(worker)).or_default().push(span);
                }
            }
            (_, _, Some(visit)) => {
                settled.insert(VisitId(visit));
            }
            _ => {}
        }
    }
    if let Some(cut) = replan {
        if let Some(latest) = state.store().latest_rota(date, &scope.to_string(), None).await? {
            for day in parse_doc(&latest.body)?.worker_days() {
                for stop in day.trips.iter().flat_map(|trip| &trip.stops) {
                    if stop.start < cut {
                        // Done or under way: it stays with its worker at its time.
                        settled.remove(&stop.visit);
                        let pin = Pin { worker: Some(day.worker.clone()), start: Some(stop.start) };
                        pins.insert(stop.visit.clone(), pin);
                    }
                }
            }
        }
    }
    let pods = (*scope != Scope::All).then(|| scope.pods(dataset));
    let cars_booked = match &pods {
        Some(pods) => cars_booked_elsewhere(state, dataset, date, scope, pods).await?,
        None => BTreeMap::new(),
    };
    Ok(DayRequest {
        date,
        visits: visits_due(dataset, &options.rules, date, options.lookahead),
        policy: options.policy.clone(),
        overrides: BTreeMap::new(),
        pods,
        pins,
        blocked,
        settled,
        not_before: replan.unwrap_or_default(),
        cars_booked,
    })
}

/// The pool cars the day's published rotas of other scopes book, and when, for trips of
/// workers outside `pods` (a rota for the same workers is what this one replaces). A pod plans
/// from the hub's whole pool, so without this two pods sharing a hub could both book one car.
async fn cars_booked_elsewhere(
    state: &AppState,
    dataset: &Dataset,
    date: NaiveDate,
    scope: &Scope,
    pods: &BTreeSet<PodId>,
) -> Result<BTreeMap<CarId, Vec<TimeSpan>>, ApiError> {
    let ours = scope.to_string();
    let mut booked: BTreeMap<CarId, Vec<TimeSpan>> = BTreeMap::new();
    for (key, doc) in state.published_now(date, date).await? {
        if key.scope == ours {
            continue;
        }
        for day in doc.worker_days() {
            if dataset.worker(&day.worker).is_some_and(|worker| pods.contains(&worker.pod)) {
                continue;
            }
            for trip in &day.trips {
                let Transport::PoolCar(car) = &trip.transport else { continue };
                let Some(span) = TimeSpan::new(trip.depart, trip.back) else { continue };
                let spans = booked.entry(car.clone()).or_default();
                if !spans.contains(&span) {
                    spans.push(span);
                }
            }
        }
    }
    Ok(booked)
}

/// Solves on the blocking pool (one solve per date and scope), stores a new draft, answers.
async fn solve_and_store(
    state: &AppState,
    caller: &Caller,
    loaded: Arc<Loaded>,
    scope: &Scope,
    request: DayRequest,
) -> Result<Value, ApiError> {
    let scope = scope.to_string();
    let date = request.date;
    let _guard = state
        .begin_solve(date, scope.clone())
        .ok_or_else(|| ApiError::Conflict(format!("a solve of {date} {scope} is under way")))?;
    let planner = state.options().planner.clone();
    let limit = state.options().solve_limit;
    let data = loaded.clone();
    let task = tokio::task::spawn_blocking(move || planner(&data.dataset, &request, limit));
    // The planner keeps to its own time limit; the grace covers a planner that does not.
    let plan =
        match tokio::time::timeout(limit + limit / 2 + std::time::Duration::from_secs(1), task)
            .await
        {
            Err(_) => {
                return Err(ApiError::Unprocessable("the solve ran past its time limit".into()))
            }
            Ok(Err(join)) => return Err(ApiError::Internal(format!("solve task failed: {join}"))),
            Ok(Ok(Err(reason))) => return Err(ApiError::Unprocessable(reason)),
            Ok(Ok(Ok(plan))) => plan,
        };
    let violations = plan.verdict().violations.iter().map(|v| v.message.clone()).collect();
    let verdict = VerdictDoc { publishable: plan.is_publishable(), violations };
    let doc = RotaDoc::new(plan.rota(), &scope, loaded.version, verdict);
    let body = serde_json::to_string(&doc).map_err(|e| ApiError::Internal(e.to_string()))?;
    let new = NewRota {
        date,
        scope: &scope,
        status: RotaStatus::Draft,
        import_version: loaded.version,
        body: &body,
    };
    let version = state.store().save_rota(&new, state.now(), &caller.0.id).await?;
    let detail = format!("{date} {scope} v{version}");
    state.audit(&caller.0.id, "generate", &detail).await?;
    Ok(rota_answer(&doc, version, RotaStatus::Draft))
}

async fn publish(
    State(state): State<AppState>,
    caller: Caller,
    Path(date): Path<String>,
    Query(query): Query<ScopeQuery>,
) -> Result<impl IntoResponse, ApiError> {
    let date = parse_date("date", &date)?;
    let scope = parse_scope(&query)?;
    let loaded = state.dataset().await?;
    caller.may_plan(&scope, &loaded.dataset)?;
    let scope = scope.to_string();
    let latest = state
        .store()
        .latest_rota(date, &scope, None)
        .await?
        .ok_or_else(|| ApiError::NotFound(format!("no rota for {date} {scope}")))?;
    if latest.status == RotaStatus::Draft && !parse_doc(&latest.body)?.verdict.publishable {
        return Err(ApiError::Unprocessable("the checker refused this draft".into()));
    }
    let version = state
        .store()
        .publish_rota(date, &scope, state.now(), &caller.0.id)
        .await?
        .ok_or_else(|| ApiError::Conflict("no draft newer than the published rota".into()))?;
    state.published_changed();
    state.audit(&caller.0.id, "publish", &format!("{date} {scope} v{version}")).await?;
    Ok((
        StatusCode::CREATED,
        Json(
            json!({"date": date.to_string(), "scope": scope, "version": version, "status": "published"}),
        ),
    ))
}

/// What every change to a day's plan checks first, in the order a client can fix it: the date,
/// the scope, the body, then whether the caller may plan that scope.
async fn day_edit<T>(
    state: &AppState,
    caller: &Caller,
    date: &str,
    query: &ScopeQuery,
    body: Result<Json<T>, JsonRejection>,
) -> Result<(NaiveDate, Scope, T, Arc<Loaded>), ApiError> {
    let date = parse_date("date", date)?;
    let scope = parse_scope(query)?;
    let Json(body) = body.map_err(|e| ApiError::bad("body", e.body_text()))?;
    let loaded = state.dataset().await?;
    caller.may_plan(&scope, &loaded.dataset)?;
    Ok((date, scope, body, loaded))
}

/// A 400 naming the `worker` field unless the dataset has that worker.
fn known_worker(dataset: &Dataset, worker: &str) -> Result<(), ApiError> {
    match dataset.worker(&WorkerId(worker.to_owned())) {
        Some(_) => Ok(()),
        None => Err(ApiError::bad("worker", format!("no worker '{worker}'"))),
    }
}

#[derive(Deserialize)]
struct PinBody {
    visit: String,
    worker: Option<String>,
    start: Option<String>,
}

async fn pin(
    State(state): State<AppState>,
    caller: Caller,
    Path(date): Path<String>,
    Query(query): Query<ScopeQuery>,
    body: Result<Json<PinBody>, JsonRejection>,
) -> Result<impl IntoResponse, ApiError> {
    let (date, _, body, loaded) = day_edit(&state, &caller, &date, &query, body).await?;
    if let Some(worker) = &body.worker {
        known_worker(&loaded.dataset, worker)?;
    }
    if let Some(start) = &body.start {
        parse_time(start).ok_or_else(|| ApiError::bad("start", "expected HH:MM"))?;
    }
    if body.worker.is_none() && body.start.is_none() {
        return Err(ApiError::bad("worker", "a pin needs a worker or a start"));
    }
    let pin = StoredPin { date, visit: body.visit, worker: body.worker, start: body.start };
    state.store().add_pin(&pin, state.now(), &caller.0.id).await?;
    Ok((
        StatusCode::CREATED,
        Json(
            json!({"date": date.to_string(), "visit": pin.visit, "worker": pin.worker, "start": pin.start}),
        ),
    ))
}

#[derive(Deserialize)]
struct EventBody {
    kind: String,
    worker: Option<String>,
    visit: Option<String>,
    at: Option<String>,
}

async fn event(
    State(state): State<AppState>,
    caller: Caller,
    Path(date): Path<String>,
    Query(query): Query<ScopeQuery>,
    body: Result<Json<EventBody>, JsonRejection>,
) -> Result<impl IntoResponse, ApiError> {
    let (date, scope, body, loaded) = day_edit(&state, &caller, &date, &query, body).await?;
    let at = match &body.at {
        Some(text) => Some(parse_time(text).ok_or_else(|| ApiError::bad("at", "expected HH:MM"))?),
        None => None,
    };
    match body.kind.as_str() {
        "sick" => {
            let worker =
                body.worker.as_ref().ok_or_else(|| ApiError::bad("worker", "required for sick"))?;
            known_worker(&loaded.dataset, worker)?;
            at.ok_or_else(|| ApiError::bad("at", "required for sick (from when)"))?;
        }
        "done" | "no_access" => {
            body.visit.as_ref().ok_or_else(|| ApiError::bad("visit", "required"))?;
        }
        other => return Err(ApiError::bad("kind", format!("'{other}': sick, done or no_access"))),
    }
    let event =
        StoredEvent { date, kind: body.kind, worker: body.worker, visit: body.visit, at: body.at };
    state.store().add_event(&event, state.now(), &caller.0.id).await?;
    // Re-plan the rest of the day from the event's time, keeping what is done or under way.
    let cut = at.unwrap_or_default();
    let request = day_request(&state, &loaded.dataset, date, &scope, Some(cut)).await?;
    let answer = solve_and_store(&state, &caller, loaded, &scope, request).await?;
    Ok((StatusCode::CREATED, Json(answer)))
}

#[derive(Deserialize)]
struct RangeQuery {
    from: Option<String>,
    to: Option<String>,
}

async fn fleet(
    State(state): State<AppState>,
    caller: Caller,
    Query(query): Query<RangeQuery>,
) -> Result<Json<Value>, ApiError> {
    caller.require(&[Role::FleetManager, Role::PracticeManager, Role::Admin])?;
    let from = parse_date(
        "from",
        query.from.as_deref().ok_or_else(|| ApiError::bad("from", "required"))?,
    )?;
    let to = parse_date("to", query.to.as_deref().ok_or_else(|| ApiError::bad("to", "required"))?)?;
    if to < from || (to - from).num_days() > 92 {
        return Err(ApiError::bad("to", "must be on or after from, at most 92 days later"));
    }
    let loaded = state.dataset().await?;
    let mut days: BTreeMap<NaiveDate, Vec<crate::domain::WorkerDay>> = BTreeMap::new();
    for (key, doc) in state.published(from, to).await? {
        days.entry(key.date).or_default().extend(doc.worker_days());
    }
    let days: Vec<_> = days.into_iter().collect();
    let figures = crate::fleet::utilisation(&loaded.dataset, &days);
    let car = |f: &crate::fleet::CarFigures| {
        json!({"hours_booked": f.hours_booked, "hours_available": f.hours_available,
               "utilisation": f.utilisation(), "km": f.km, "kwh": f.kwh, "trips": f.trips})
    };
    let by_day: serde_json::Map<String, Value> = figures
        .days
        .iter()
        .map(|(date, day)| {
            (
                date.to_string(),
                json!({"cars": per_car(&day.cars, &car), "hubs": per_hub(&day.hubs, &car),
              "idle_cars": day.idle_cars, "grey_km": day.grey_km, "pool_km": day.pool_km}),
            )
        })
        .collect();
    Ok(Json(json!({
        "from": from.to_string(), "to": to.to_string(),
        "cars": per_car(&figures.cars, &car), "hubs": per_hub(&figures.hubs, &car), "days": by_day,
        "grey_km": figures.grey_km, "pool_km": figures.pool_km, "co2_saved_kg": figures.co2_saved_kg,
    })))
}

fn per_car(
    m: &BTreeMap<crate::domain::CarId, crate::fleet::CarFigures>,
    f: &dyn Fn(&crate::fleet::CarFigures) -> Value,
) -> Value {
    m.iter().map(|(k, v)| (k.to_string(), f(v))).collect::<serde_json::Map<_, _>>().into()
}

fn per_hub(
    m: &BTreeMap<crate::domain::HubId, crate::fleet::CarFigures>,
    f: &dyn Fn(&crate::fleet::CarFigures) -> Value,
) -> Value {
    m.iter().map(|(k, v)| (k.to_string(), f(v))).collect::<serde_json::Map<_, _>>().into()
}

#[derive(Deserialize)]
struct DateQuery {
    date: Option<String>,
}

async fn at_risk(
    State(state): State<AppState>,
    caller: Caller,
    Query(query): Query<DateQuery>,
) -> Result<Json<Value>, ApiError> {
    caller.require(&[Role::Officer, Role::PracticeManager, Role::Admin])?;
    let scope = caller.own_scope().ok_or_else(|| ApiError::Forbidden("no scope".into()))?;
    let date = match &query.date {
        Some(text) => parse_date("date", text)?,
        None => state.now().date_naive(),
    };
    let loaded = state.dataset().await?;
    let dataset = &loaded.dataset;
    let horizon = dataset.calendar.add_working_days(date, 3);
    let pods = scope.pods(dataset);
    let rules = crate::rules::RulesTable::england();
    let mut scheduled: BTreeMap<String, NaiveDate> = BTreeMap::new();
    let mut unscheduled: BTreeMap<String, String> = BTreeMap::new();
    for (key, doc) in state.published(date, horizon).await? {
        for day in doc.worker_days() {
            for stop in day.trips.iter().flat_map(|t| &t.stops) {
                scheduled.entry(stop.child.0.clone()).or_insert(key.date);
            }
        }
        for u in &doc.unscheduled {
            unscheduled.insert(u.child.clone(), u.reason.clone());
        }
    }
    let mut children = Vec::new();
    for due in crate::rules::due_by(dataset, &rules, horizon) {
        let Some(child) = dataset.child(&due.child) else { continue };
        let planned = scheduled.get(&child.id.0);
        let overdue = (date - due.deadline).num_days();
        // A child planned by their deadline is safe; an overdue one stays listed until seen.
        if !pods.contains(&child.pod)
            || (overdue <= 0 && planned.is_some_and(|d| *d <= due.deadline))
        {
            continue;
        }
        let mut reasons = Vec::new();
        if overdue > 0 {
            reasons.push(format!("overdue by {overdue} days"));
        } else {
            reasons.push(format!("due by {} and not on a published rota", due.deadline));
        }
        if let Some(day) = planned {
            reasons.push(format!("planned for {day}"));
        }
        if let Some(reason) = unscheduled.get(&child.id.0) {
            reasons.push(reason.clone());
        }
        children.push(json!({"child": child.id.0, "pod": child.pod.0, "allocated": child.allocated.0,
            "plan": child.plan.code(), "deadline": due.deadline.to_string(), "rule": due.rule, "reasons": reasons}));
    }
    let detail = format!("{date} {scope}: {} children", children.len());
    state.audit(&caller.0.id, "read_at_risk", &detail).await?;
    Ok(Json(json!({"date": date.to_string(), "scope": scope.to_string(), "children": children})))
}

#[derive(Deserialize)]
struct LimitQuery {
    limit: Option<i64>,
}

async fn audit(
    State(state): State<AppState>,
    caller: Caller,
    Query(query): Query<LimitQuery>,
) -> Result<Json<Value>, ApiError> {
    caller.require(&[Role::Admin])?;
    let limit = query.limit.unwrap_or(200).clamp(1, 10_000);
    let rows = state.store().audit_log(limit).await?;
    let rows: Vec<Value> = rows
        .into_iter()
        .map(|r| json!({"at": r.at, "who": r.who, "action": r.action, "detail": r.detail}))
        .collect();
    Ok(Json(json!({ "entries": rows })))
}
