//! What the API asks of a planner, and a simple greedy planner used until the optimiser's
//! `planner::plan_day` is wired in (and by tests, which need a fast, predictable planner).
//!
//! The planner is a plain function value in the app state, so the server can be started with
//! the optimiser and tests with the greedy one; both answer the same [`PlanRequest`].

use crate::api::scope::Scope;
use crate::day::Pin;
use crate::domain::{
    BoundKind, Dataset, Endpoint, Rota, SolveReport, Stop, TimeOfDay, TimeSpan, Transport, Trip,
    Unscheduled, VisitId, WorkerDay, WorkerId,
};
use crate::rules::{due_by, RulesTable};
use crate::travel::TravelModel;
use chrono::NaiveDate;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;
use std::time::Duration;

/// One day's planning request, after the API has applied pins and events.
#[derive(Clone, Debug)]
pub struct PlanRequest {
    /// The day.
    pub date: NaiveDate,
    /// Whose visits and workers.
    pub scope: Scope,
    /// Visit id -> the officer's pin (a worker, a start, or both).
    pub pins: BTreeMap<String, Pin>,
    /// Parts of the day a worker cannot work (a sickness from 10:00).
    pub blocked: BTreeMap<WorkerId, Vec<TimeSpan>>,
    /// Visits done or under way, kept as they are, per worker.
    pub kept: BTreeMap<WorkerId, Vec<Stop>>,
    /// Visits that need no planning today (done, or no access recorded).
    pub settled: BTreeSet<String>,
    /// Nothing new starts before this time (the moment of a re-plan).
    pub not_before: TimeOfDay,
    /// How long the solve may take.
    pub time_limit: Duration,
}

/// A solved rota and the checker's word on it.
#[derive(Clone, Debug)]
pub struct Solved {
    /// The rota.
    pub rota: Rota,
    /// Whether the independent checker passed it.
    pub publishable: bool,
    /// The checker's findings, in words.
    pub violations: Vec<String>,
}

/// A planner: dataset and request in, rota out (or a reason it could not plan).
pub type Planner = Arc<dyn Fn(&Dataset, &PlanRequest) -> Result<Solved, String> + Send + Sync>;

/// The greedy planner as a [`Planner`].
pub fn greedy_planner() -> Planner {
    Arc::new(|dataset, request| {
        let rota = greedy(dataset, &RulesTable::england(), request);
        Ok(Solved { rota, publishable: true, violations: Vec::new() })
    })
}

/// Visits due by the day, in deadline order, each given to the first worker who can fit it
/// (pinned worker, then the allocated worker, then a pod colleague, then anyone in scope), one
/// trip per worker from their hub, in a pool car of the hub while one is free, else their own.
pub fn greedy(dataset: &Dataset, rules: &RulesTable, request: &PlanRequest) -> Rota {
    let date = request.date;
    let model = TravelModel::with_towns(dataset.towns.clone());
    let in_scope = request.scope.pods(dataset);
    let mut days: BTreeMap<WorkerId, WorkerState> = BTreeMap::new();
    for worker in &dataset.workers {
        if !in_scope.contains(&worker.pod) || !worker.role.visits() {
            continue;
        }
        let Some(shift) = worker.pattern.on(date) else { continue };
        let mut blocked: Vec<TimeSpan> = dataset
            .absences
            .iter()
            .filter(|a| a.worker == worker.id && a.date == date)
            .map(|a| a.blocked())
            .collect();
        blocked.extend(request.blocked.get(&worker.id).cloned().unwrap_or_default());
        let Some(hub) = dataset.hub(&worker.base_hub) else { continue };
        let kept = request.kept.get(&worker.id).cloned().unwrap_or_default();
        let mut cursor = shift.start.max(request.not_before);
        let mut at = hub.location;
        if let Some(last) = kept.last() {
            cursor = cursor.max(last.end);
            if let Some(place) = place_of(dataset, last) {
                at = place;
            }
        }
        days.insert(
            worker.id.clone(),
            WorkerState { shift, blocked, stops: kept, cursor, at, hub: hub.location },
        );
    }
    let mut unscheduled = Vec::new();
    for due in due_by(dataset, rules, date) {
        let Some(child) = dataset.child(&due.child) else { continue };
        let visit = VisitId(child.id.0.clone());
        if !in_scope.contains(&child.pod)
            || request.settled.contains(&visit.0)
            || days.values().any(|d| d.stops.iter().any(|s| s.visit == visit))
        {
            continue;
        }
        let mut candidates: Vec<WorkerId> = Vec::new();
        let pin = request.pins.get(&visit.0);
        if let Some(pinned) = pin.and_then(|p| p.worker.clone()) {
            candidates.push(pinned);
        } else {
            candidates.push(child.allocated.clone());
            let colleagues = dataset.workers.iter().filter(|w| w.pod == child.pod);
            candidates.extend(colleagues.map(|w| w.id.clone()));
            candidates.extend(days.keys().cloned());
        }
        let duration = u32::from(child.visit_minutes) * 60;
        let placed = candidates.iter().find_map(|id| {
            let state = days.get(id)?;
            let leg = model.drive(state.at, child.home.location);
            let arrive = state.cursor.plus(leg.seconds);
            let start = child
                .home
                .windows
                .iter()
                .map(|w| match pin.and_then(|p| p.start) {
                    // A pinned start is kept exactly, or the worker cannot take the visit.
                    Some(pinned) if pinned >= arrive && pinned >= w.start => (pinned, w.end),
                    Some(_) => (TimeOfDay::END_OF_DAY, w.end),
                    None => (arrive.max(w.start), w.end),
                })
                .find(|(start, end)| start.plus(duration) <= *end)?
                .0;
            let end = start.plus(duration);
            let back = end.plus(model.drive(child.home.location, state.hub).seconds);
            let busy = TimeSpan::new(state.cursor, back)?;
            let fits = end <= state.shift.end && !state.blocked.iter().any(|b| b.overlaps(busy));
            fits.then(|| {
                (
                    id.clone(),
                    Stop {
                        visit: visit.clone(),
                        child: child.id.clone(),
                        place: 0,
                        arrive,
                        start,
                        end,
                    },
                )
            })
        });
        match placed {
            Some((id, stop)) => {
                let state = days.get_mut(&id).expect("candidate has a state");
                state.cursor = stop.end;
                state.at = child.home.location;
                state.stops.push(stop);
            }
            None if due.deadline <= date => unscheduled.push(Unscheduled {
                visit,
                child: child.id.clone(),
                deadline: due.deadline,
                code: "NO_WORKER_FREE",
                reason: "no worker in scope has time for this visit today".to_owned(),
            }),
            None => {}
        }
    }
    let mut cars_free: BTreeMap<_, Vec<_>> = BTreeMap::new();
    for car in &dataset.cars {
        cars_free.entry(car.hub.clone()).or_default().push(car.id.clone());
    }
    let mut travel_minutes = 0.0;
    let workers = days
        .into_iter()
        .map(|(id, state)| {
            let worker = dataset.worker(&id).expect("worker of the dataset");
            let trips = if state.stops.is_empty() {
                Vec::new()
            } else {
                let first = &state.stops[0];
                let last = state.stops.last().expect("non-empty");
                let lead = place_of(dataset, first)
                    .map(|p| model.drive(state.hub, p).seconds)
                    .unwrap_or(0);
                let depart = TimeOfDay(first.arrive.seconds().saturating_sub(lead));
                let home = place_of(dataset, last).unwrap_or(state.hub);
                let back = last.end.plus(model.drive(home, state.hub).seconds);
                travel_minutes += f64::from(back.seconds() - depart.seconds()) / 60.0;
                let car = cars_free.get_mut(&worker.base_hub).and_then(|cars| cars.pop());
                let transport = match car {
                    Some(car) if worker.can_drive => Transport::PoolCar(car),
                    _ => Transport::OwnCar,
                };
                let hub = Endpoint::Hub(worker.base_hub.clone());
                vec![Trip {
                    transport,
                    from: hub.clone(),
                    depart,
                    stops: state.stops,
                    to: hub,
                    back,
                }]
            };
            WorkerDay { worker: id, trips }
        })
        .collect();
    let objective = unscheduled.len() as f64 * 10_000.0 + travel_minutes;
    Rota {
        date,
        workers,
        unscheduled,
        report: SolveReport {
            objective,
            bound: 0.0,
            bound_kind: BoundKind::Trivial,
            iterations: 0,
            columns: 0,
            millis: 0,
            timed_out: false,
        },
    }
}

struct WorkerState {
    shift: TimeSpan,
    blocked: Vec<TimeSpan>,
    stops: Vec<Stop>,
    cursor: TimeOfDay,
    at: crate::domain::Location,
    hub: crate::domain::Location,
}

/// Where a stop happens.
pub fn place_of(dataset: &Dataset, stop: &Stop) -> Option<crate::domain::Location> {
    dataset.child(&stop.child)?.places().nth(stop.place).map(|p| p.location)
}
