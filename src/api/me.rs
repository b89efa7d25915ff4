//! A social worker's own plan: for a date or a week in JSON, and as a private iCalendar feed
//! with its own revocable read-only token. Every read is written to the audit log.

use super::auth::Caller;
use super::error::ApiError;
use super::handlers::parse_date;
use super::{AppState, Loaded};
use crate::domain::{Endpoint, Transport, WorkerDay, WorkerId};
use crate::format::ics::{self, IcsEvent};
use crate::store::{hash_token, rotate_feed_token, Role, User};
use crate::travel::TravelModel;
use axum::extract::{Path, Query, State};
use axum::http::{header, StatusCode};
use axum::response::IntoResponse;
use axum::routing::{get, post};
use axum::{Json, Router};
use chrono::{Datelike, Days, NaiveDate};
use serde::Deserialize;
use serde_json::{json, Value};

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route("/me/plan/{date}", get(plan))
        .route("/me/plan/week/{date}", get(week))
        .route("/me/calendar.ics", get(calendar))
        .route("/me/feed-token", post(new_feed_token).delete(revoke_feed_token))
}

fn own_worker(caller: &Caller) -> Result<WorkerId, ApiError> {
    caller.require(&[Role::SocialWorker])?;
    caller
        .0
        .worker
        .clone()
        .map(WorkerId)
        .ok_or_else(|| ApiError::Forbidden("this user has no worker id".into()))
}

/// The worker's day from the published rotas of `date` (each scope's latest version).
async fn worker_day(
    state: &AppState,
    worker: &WorkerId,
    date: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<(NaiveDate, WorkerDay)>, ApiError> {
    let mut days: Vec<(NaiveDate, WorkerDay)> = Vec::new();
    for (key, doc) in state.published(date, to).await? {
        if days.iter().any(|(d, _)| *d == key.date) {
            continue;
        }
        if let Some(day) = doc.worker_day(worker) {
            days.push((key.date, day));
        }
    }
    days.sort_by_key(|(date, _)| *date);
    Ok(days)
}

/// A day's plan with car, hub, addresses and travel minutes.
fn plan_view(loaded: &Loaded, date: NaiveDate, day: Option<&WorkerDay>) -> Value {
    let dataset = &loaded.dataset;
    let model = TravelModel::with_towns(dataset.towns.clone());
    let trips: Vec<Value> = day
        .map(|day| {
            day.trips
                .iter()
                .map(|trip| {
                    let hub = match &trip.from {
                        Endpoint::Hub(hub) => dataset.hub(hub).map(|h| h.name.clone()),
                        Endpoint::Home => Some("home".to_owned()),
                    };
                    let mut at = match &trip.from {
                        Endpoint::Hub(hub) => dataset.hub(hub).map(|h| h.location),
                        Endpoint::Home => None,
                    };
                    let stops: Vec<Value> = trip
                        .stops
                        .iter()
                        .map(|stop| {
                            let child = loaded.child(&stop.child);
                            let place = child.and_then(|c| c.places().nth(stop.place));
                            let travel = match (at, place) {
                                (Some(from), Some(to)) => model.drive(from, to.location).seconds / 60,
                                _ => 0,
                            };
                            at = place.map(|p| p.location);
                            json!({"visit": stop.visit.0, "case_reference": stop.child.0,
                                "child_name": child.map(|c| c.name.clone()),
                                "address": place.map(|p| p.address.clone()),
                                "arrive": stop.arrive.to_string(), "start": stop.start.to_string(),
                                "end": stop.end.to_string(), "travel_minutes": travel})
                        })
                        .collect();
                    let (transport, car) = match &trip.transport {
                        Transport::PoolCar(car) => ("pool_car", Some(car.0.clone())),
                        Transport::OwnCar => ("own_car", None),
                        Transport::OnFoot => ("on_foot", None),
                    };
                    json!({"transport": transport, "car": car, "hub": hub,
                        "depart": trip.depart.to_string(), "back": trip.back.to_string(), "stops": stops})
                })
                .collect()
        })
        .unwrap_or_default();
    json!({"date": date.to_string(), "trips": trips})
}

fn children_read(days: &[(NaiveDate, WorkerDay)]) -> String {
    let refs: Vec<&str> = days
        .iter()
        .flat_map(|(_, d)| d.trips.iter().flat_map(|t| t.stops.iter().map(|s| s.child.as_str())))
        .collect();
    refs.join(",")
}

async fn plan(
    State(state): State<AppState>,
    caller: Caller,
    Path(date): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let worker = own_worker(&caller)?;
    let date = parse_date("date", &date)?;
    let loaded = state.dataset().await?;
    let days = worker_day(&state, &worker, date, date).await?;
    let detail = format!("{date}: {}", children_read(&days));
    state.audit(&caller.0.id, "read_plan", &detail).await?;
    let mut view = plan_view(&loaded, date, days.first().map(|(_, d)| d));
    view["worker"] = json!(worker.0);
    Ok(Json(view))
}

async fn week(
    State(state): State<AppState>,
    caller: Caller,
    Path(date): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let worker = own_worker(&caller)?;
    let date = parse_date("date", &date)?;
    let monday = date - Days::new(u64::from(date.weekday().num_days_from_monday()));
    let sunday = monday + Days::new(6);
    let loaded = state.dataset().await?;
    let days = worker_day(&state, &worker, monday, sunday).await?;
    let detail = format!("week of {monday}: {}", children_read(&days));
    state.audit(&caller.0.id, "read_plan_week", &detail).await?;
    let views: Vec<Value> = monday
        .iter_days()
        .take(7)
        .map(|d| plan_view(&loaded, d, days.iter().find(|(x, _)| *x == d).map(|(_, w)| w)))
        .collect();
    Ok(Json(
        json!({"worker": worker.0, "from": monday.to_string(), "to": sunday.to_string(), "days": views}),
    ))
}

#[derive(Deserialize)]
struct FeedQuery {
    token: Option<String>,
}

async fn calendar(
    State(state): State<AppState>,
    Query(query): Query<FeedQuery>,
) -> Result<impl IntoResponse, ApiError> {
    let token = query.token.ok_or(ApiError::Unauthorized)?;
    let user: User = state.feed_holder(&hash_token(&token)).await?.ok_or(ApiError::Unauthorized)?;
    let caller = Caller(user);
    let worker = own_worker(&caller)?;
    let today = state.now().date_naive();
    let loaded = state.dataset().await?;
    let dataset = &loaded.dataset;
    let days = worker_day(&state, &worker, today - Days::new(7), today + Days::new(28)).await?;
    let model = TravelModel::with_towns(dataset.towns.clone());
    let mut events = Vec::new();
    for (date, day) in &days {
        for trip in &day.trips {
            let hub = match &trip.from {
                Endpoint::Hub(hub) => dataset.hub(hub),
                Endpoint::Home => None,
            };
            let car = match &trip.transport {
                Transport::PoolCar(car) => format!("pool car {car}"),
                Transport::OwnCar => "own car".to_owned(),
                Transport::OnFoot => "on foot".to_owned(),
            };
            let mut at = hub.map(|h| h.location);
            for stop in &trip.stops {
                let place = loaded.child(&stop.child).and_then(|c| c.places().nth(stop.place));
                let travel = match (at, place) {
                    (Some(from), Some(to)) => model.drive(from, to.location).seconds / 60,
                    _ => 0,
                };
                at = place.map(|p| p.location);
                events.push(IcsEvent {
                    uid: format!("{}-{}@rounds", stop.visit, date),
                    start: ics::at(*date, stop.start.seconds()),
                    end: ics::at(*date, stop.end.seconds()),
                    summary: format!("Visit {}", stop.child),
                    location: place.map(|p| p.address.clone()).unwrap_or_default(),
                    description: format!(
                        "{car} from {} (leave {}, back {}); {travel} min drive before; arrive {}",
                        hub.map(|h| h.name.as_str()).unwrap_or("home"),
                        trip.depart,
                        trip.back,
                        stop.arrive
                    ),
                });
            }
        }
    }
    let detail = format!("calendar: {}", children_read(&days));
    state.audit(&caller.0.id, "read_calendar", &detail).await?;
    let text = ics::calendar("Rounds visits", &events, state.now().naive_utc());
    Ok(([(header::CONTENT_TYPE, "text/calendar; charset=utf-8")], text))
}

async fn new_feed_token(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<impl IntoResponse, ApiError> {
    own_worker(&caller)?;
    if caller.0.id.starts_with(super::oidc::USER_PREFIX) {
        // Outlook cannot sign in to the provider: the feed token is Rounds', so the user is too.
        state.store().keep_vouched_user(&caller.0, state.now()).await?;
    }
    let token = rotate_feed_token(state.store(), &caller.0.id)
        .await?
        .ok_or_else(|| ApiError::NotFound("user".into()))?;
    state.users_changed();
    let url = format!("/api/v1/me/calendar.ics?token={token}");
    Ok((StatusCode::CREATED, Json(json!({"token": token, "url": url}))))
}

async fn revoke_feed_token(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<StatusCode, ApiError> {
    own_worker(&caller)?;
    state.store().set_feed_token_hash(&caller.0.id, None).await?;
    state.users_changed();
    Ok(StatusCode::NO_CONTENT)
}
