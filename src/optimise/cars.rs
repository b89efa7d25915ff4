//! Concrete cars for the pool-car trips: interval scheduling per hub in order of departure,
//! keeping each car in one trip at a time, out of its outages, and its charge at or above the
//! reserve (charging at the hub's charger while parked). A trip that gets no car falls back to
//! the worker's own car, then to walking, and otherwise its visits are left out with a reason.

use super::column::{schedule_day, schedule_day_from, Column, TripSpec};
use super::model::{Mode, Model};
use crate::domain::TimeOfDay;

/// The car of every pool trip: `cars[w][t]` is the car index of worker `w`'s trip `t`.
#[derive(Clone, Debug, Default)]
pub struct CarPlan {
    /// Per worker, per trip, the car (`None` for trips not by pool car).
    pub cars: Vec<Vec<Option<usize>>>,
    /// Visits dropped here, with code and reason.
    pub dropped: Vec<(usize, &'static str, String)>,
}

/// Per worker, per trip, the car.
type Cars = Vec<Vec<Option<usize>>>;

/// Why a trip found no car.
enum NoCar {
    Busy { hub: usize, from: u32, to: u32, next_free: Option<u32> },
    Battery { hub: usize, km: f64, kwh: f64 },
}

/// Assigns cars to the pool trips of `days`, changing days where a trip must fall back.
pub fn assign_cars(model: &Model, days: &mut [Option<Column>]) -> CarPlan {
    let mut dropped = Vec::new();
    loop {
        match try_assign(model, days) {
            Ok(cars) => {
                if drop_half_joint(model, days, &mut dropped) {
                    continue;
                }
                return CarPlan { cars, dropped };
            }
            Err((w, t, why)) => {
                fall_back(model, days, w, t, why, &mut dropped);
            }
        }
    }
}

fn try_assign(model: &Model, days: &[Option<Column>]) -> Result<Cars, (usize, usize, NoCar)> {
    let mut cars: Vec<Vec<Option<usize>>> =
        days.iter().map(|d| d.as_ref().map_or(Vec::new(), |c| vec![None; c.trips.len()])).collect();
    let mut trips: Vec<(u32, u32, usize, usize)> = Vec::new();
    for (w, day) in days.iter().enumerate() {
        for (t, trip) in day.iter().flat_map(|c| c.trips.iter().enumerate()) {
            if trip.mode == Mode::Pool {
                trips.push((trip.depart, trip.back, w, t));
            }
        }
    }
    trips.sort();
    // Per car: (last back, charge then).
    let mut state: Vec<Option<(u32, f64)>> = vec![None; model.problem.cars.len()];
    for (depart, back, w, t) in trips {
        let Some(hub) = model.workers[w].hub else {
            return Err((w, t, NoCar::Busy { hub: 0, from: depart, to: back, next_free: None }));
        };
        let km = days[w].as_ref().map_or(0.0, |c| c.trips[t].km);
        let mut best: Option<(f64, usize)> = None;
        let mut any_free = false;
        for &c in &model.hub_cars[hub] {
            let car = &model.problem.cars[c];
            if car.unavailable.iter().any(|s| s.start.0 < back && depart < s.end.0) {
                continue;
            }
            let charge = match state[c] {
                Some((last, _)) if last > depart => continue,
                Some((last, charge)) => (charge
                    + car.charger_kw * f64::from(depart - last) / 3600.0)
                    .min(car.usable_kwh),
                None => car.charge_kwh,
            };
            any_free = true;
            let after = charge - km * car.kwh_per_km;
            if after + 1e-9 < car.reserve_kwh {
                continue;
            }
            let surplus = after - car.reserve_kwh;
            if best.is_none_or(|b| surplus < b.0) {
                best = Some((surplus, c));
            }
        }
        match best {
            Some((_, c)) => {
                let car = &model.problem.cars[c];
                let charge = state[c].map_or(car.charge_kwh, |(last, charge)| {
                    (charge + car.charger_kw * f64::from(depart - last) / 3600.0)
                        .min(car.usable_kwh)
                });
                state[c] = Some((back, charge - km * car.kwh_per_km));
                cars[w][t] = Some(c);
            }
            None if any_free => {
                let kwh = model.hub_cars[hub]
                    .iter()
                    .map(|&c| km * model.problem.cars[c].kwh_per_km)
                    .fold(f64::INFINITY, f64::min);
                return Err((w, t, NoCar::Battery { hub, km, kwh }));
            }
            None => {
                // When the first car at the hub comes back (or out of service).
                let next_free = model.hub_cars[hub]
                    .iter()
                    .filter_map(|&c| {
                        let busy = state[c].map(|s| s.0).filter(|&last| last > depart);
                        let out = model.problem.cars[c]
                            .unavailable
                            .iter()
                            .filter(|s| s.start.0 < back && depart < s.end.0)
                            .map(|s| s.end.0)
                            .max();
                        match (busy, out) {
                            (Some(a), Some(b)) => Some(a.max(b)),
                            (a, b) => a.or(b),
                        }
                    })
                    .min();
                return Err((w, t, NoCar::Busy { hub, from: depart, to: back, next_free }));
            }
        }
    }
    Ok(cars)
}

/// Trip `t` of worker `w` got no car: own car, else on foot, else its visits are left out.
fn fall_back(
    model: &Model,
    days: &mut [Option<Column>],
    w: usize,
    t: usize,
    why: NoCar,
    dropped: &mut Vec<(usize, &'static str, String)>,
) {
    let Some(column) = days[w].clone() else { return };
    let specs = column.specs();
    // Cheapest of: the same day started when a car is back, the own car, walking.
    let mut options: Vec<Column> = Vec::new();
    if let NoCar::Busy { next_free: Some(free), .. } = why {
        if t == 0 && free > column.trips[0].depart {
            options.extend(schedule_day_from(model, w, &specs, free));
        }
    }
    for mode in [Mode::Own, Mode::Foot] {
        let mut candidate = specs.clone();
        candidate[t].mode = mode;
        options.extend(schedule_day(model, w, &candidate));
    }
    if let Some(best) =
        options.into_iter().reduce(|a, b| if b.cost < a.cost - 1e-9 { b } else { a })
    {
        days[w] = Some(best);
        return;
    }
    let (code, reason) = match why {
        NoCar::Busy { hub, from, to, .. } => {
            let n = model.hub_cars.get(hub).map_or(0, Vec::len);
            (
                "NO_CAR_FREE",
                format!(
                    "all {n} cars at {} booked or out of service between {} and {}",
                    model.problem.hubs.get(hub).map_or("the hub", |h| h.id.as_str()),
                    TimeOfDay(from),
                    TimeOfDay(to)
                ),
            )
        }
        NoCar::Battery { hub, km, kwh } => (
            "NO_CAR_CHARGE",
            format!(
                "no car at {} has the charge for a {km:.0} km trip ({kwh:.1} kWh above its reserve)",
                model.problem.hubs.get(hub).map_or("the hub", |h| h.id.as_str())
            ),
        ),
    };
    for n in &specs[t].nodes {
        dropped.push((model.nodes[*n].visit, code, reason.clone()));
    }
    let mut rest: Vec<TripSpec> = specs;
    rest.remove(t);
    days[w] = reschedule_or_trim(model, w, rest);
}

/// Schedules `specs`, dropping trips from the end until it fits (removing a trip never makes
/// the trips before it infeasible).
pub fn reschedule_or_trim(model: &Model, w: usize, mut specs: Vec<TripSpec>) -> Option<Column> {
    loop {
        if specs.is_empty() {
            return None;
        }
        if let Some(day) = schedule_day(model, w, &specs) {
            return Some(day);
        }
        specs.pop();
    }
}

/// A joint visit that lost one of its two workers is taken from the other too.
fn drop_half_joint(
    model: &Model,
    days: &mut [Option<Column>],
    dropped: &mut Vec<(usize, &'static str, String)>,
) -> bool {
    let mut makers: Vec<Vec<usize>> = vec![Vec::new(); model.problem.visits.len()];
    for (w, day) in days.iter().enumerate() {
        for n in day.iter().flat_map(|c| c.nodes()) {
            makers[model.nodes[n].visit].push(w);
        }
    }
    for (v, workers) in makers.iter().enumerate() {
        if model.visit(v).joint && workers.len() == 1 {
            let w = workers[0];
            let Some(column) = days[w].clone() else { continue };
            let mut specs = column.specs();
            for spec in &mut specs {
                spec.nodes.retain(|&n| model.nodes[n].visit != v);
            }
            specs.retain(|s| !s.nodes.is_empty());
            days[w] = reschedule_or_trim(model, w, specs);
            if !dropped.iter().any(|d| d.0 == v) {
                dropped.push((
                    v,
                    "JOINT_ONE_WORKER",
                    "joint visit: only one worker could go once cars were assigned".into(),
                ));
            }
            return true;
        }
    }
    false
}
