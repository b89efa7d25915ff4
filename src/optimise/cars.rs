//! Concrete cars for the pool-car trips: interval scheduling per hub in order of departure,
//! keeping each car in one trip at a time, out of its outages, and its charge at or above the
//! reserve (charging at the hub's charger while parked). A trip that gets no car falls back to
//! the worker's own car, then to walking, and otherwise its visits are left out with a reason.

use super::column::{schedule_day, Column, TripSpec};
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
    Battery { hub: usize, km: f64 },
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
    let mut by_hub: Vec<Vec<PoolTrip>> = vec![Vec::new(); model.hub_cars.len()];
    for (w, day) in days.iter().enumerate() {
        for (t, trip) in day.iter().flat_map(|c| c.trips.iter().enumerate()) {
            if trip.mode != Mode::Pool {
                continue;
            }
            let Some(hub) = model.workers[w].hub else {
                let why = NoCar::Busy { hub: 0, from: trip.depart, to: trip.back, next_free: None };
                return Err((w, t, why));
            };
            by_hub[hub].push(PoolTrip { depart: trip.depart, back: trip.back, km: trip.km, w, t });
        }
    }
    for (hub, mut trips) in by_hub.into_iter().enumerate() {
        trips.sort_by_key(|p| (p.depart, p.back, p.w, p.t));
        let mut search = HubSearch::new(model, hub, &trips);
        if !search.descend(0) {
            let (i, why) = search.first_failure.expect("a failed search failed somewhere");
            return Err((trips[i].w, trips[i].t, why));
        }
        for (trip, c) in trips.iter().zip(search.chosen) {
            cars[trip.w][trip.t] = Some(c);
        }
    }
    Ok(cars)
}

/// Whether the cars of `hub` hold the charge for `trips` (`(depart, back, km)`), each car in one
/// at a time. The searches that build rotas count cars but not charge, and on a large council
/// (five times Medway: trips of 150-280 km to children placed far away, near a full battery)
/// their rotas lost 5-14 visits here for want of charge, each then left out at its penalty.
/// Where every car starts the day with the charge for all the trips together the count decides
/// alone; otherwise the search below assigns the hub's cars as the car stage will.
pub fn hub_charge_suffices(model: &Model, hub: usize, trips: &[(u32, u32, f64)]) -> bool {
    let cars = &model.problem.cars;
    let hungriest = model.hub_cars[hub].iter().map(|&c| cars[c].kwh_per_km).fold(0.0, f64::max);
    let poorest = model.hub_cars[hub]
        .iter()
        .map(|&c| cars[c].charge_kwh - cars[c].reserve_kwh)
        .fold(f64::INFINITY, f64::min);
    if trips.iter().map(|t| t.2).sum::<f64>() * hungriest <= poorest {
        return true;
    }
    let mut trips: Vec<PoolTrip> =
        trips.iter().map(|&(depart, back, km)| PoolTrip { depart, back, km, w: 0, t: 0 }).collect();
    trips.sort_by(|a, b| (a.depart, a.back).cmp(&(b.depart, b.back)).then(a.km.total_cmp(&b.km)));
    HubSearch::new(model, hub, &trips).descend(0)
}

/// A pool trip waiting for a car.
#[derive(Clone, Copy, Debug)]
struct PoolTrip {
    depart: u32,
    back: u32,
    km: f64,
    w: usize,
    t: usize,
}

/// The most cars tried, per hub, before its search gives up with the first failure it met.
const HUB_SEARCH_NODES: usize = 4_000;

/// A depth-first search for a car for each of one hub's trips in order of departure. At each
/// trip the free cars with the charge are tried best fit first (least charge to spare after
/// it), so the first descent is the greedy assignment and costs no more; when a trip finds no
/// car, earlier choices are revisited (a car spent on a short morning trip may be the one an
/// afternoon trip needed charged). Cars alike in their data and state are tried once.
struct HubSearch<'a> {
    model: &'a Model<'a>,
    hub: usize,
    trips: &'a [PoolTrip],
    /// Per car of the problem: when it is back and its charge then (`None`: not yet out).
    state: Vec<Option<(u32, f64)>>,
    chosen: Vec<usize>,
    nodes: usize,
    /// Where the first descent stopped and why: what the caller falls back on.
    first_failure: Option<(usize, NoCar)>,
}

impl<'a> HubSearch<'a> {
    fn new(model: &'a Model<'a>, hub: usize, trips: &'a [PoolTrip]) -> HubSearch<'a> {
        HubSearch {
            model,
            hub,
            trips,
            state: vec![None; model.problem.cars.len()],
            chosen: Vec::with_capacity(trips.len()),
            nodes: 0,
            first_failure: None,
        }
    }

    /// The charge of car `c` when `trip` leaves, if the car is free for the whole trip.
    fn charge_at(&self, c: usize, trip: &PoolTrip) -> Option<f64> {
        let car = &self.model.problem.cars[c];
        if car.unavailable.iter().any(|s| s.start.0 < trip.back && trip.depart < s.end.0) {
            return None;
        }
        match self.state[c] {
            Some((last, _)) if last > trip.depart => None,
            Some((last, charge)) => Some(
                (charge + car.charger_kw * f64::from(trip.depart - last) / 3600.0)
                    .min(car.usable_kwh),
            ),
            None => Some(car.charge_kwh),
        }
    }

    /// Assigns trips `i..`; true when every one got a car.
    fn descend(&mut self, i: usize) -> bool {
        let Some(trip) = self.trips.get(i).copied() else { return true };
        let cars = &self.model.problem.cars;
        // (charge to spare, charge at departure, car), best fit first.
        let mut options: Vec<(f64, f64, usize)> = Vec::new();
        let mut any_free = false;
        for &c in &self.model.hub_cars[self.hub] {
            let Some(charge) = self.charge_at(c, &trip) else { continue };
            any_free = true;
            let spare = charge - trip.km * cars[c].kwh_per_km - cars[c].reserve_kwh;
            if spare + 1e-9 < 0.0 {
                continue;
            }
            let twin = options.iter().any(|&(_, other_charge, o)| {
                alike(&cars[o], &cars[c])
                    && self.state[o].map(|s| s.0) == self.state[c].map(|s| s.0)
                    && (other_charge - charge).abs() < 1e-9
            });
            if !twin {
                options.push((spare, charge, c));
            }
        }
        options.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.2.cmp(&b.2)));
        if options.is_empty() && self.first_failure.is_none() {
            self.first_failure = Some((i, self.no_car(&trip, any_free)));
        }
        for (_, charge, c) in options {
            if self.nodes >= HUB_SEARCH_NODES {
                return false;
            }
            self.nodes += 1;
            let before = self.state[c];
            self.state[c] = Some((trip.back, charge - trip.km * cars[c].kwh_per_km));
            self.chosen.push(c);
            if self.descend(i + 1) {
                return true;
            }
            self.chosen.pop();
            self.state[c] = before;
        }
        false
    }

    /// Why `trip` found no car.
    fn no_car(&self, trip: &PoolTrip, any_free: bool) -> NoCar {
        let (model, hub) = (self.model, self.hub);
        if any_free {
            return NoCar::Battery { hub, km: trip.km };
        }
        // When the first car at the hub comes back (or out of service).
        let next_free = model.hub_cars[hub]
            .iter()
            .filter_map(|&c| {
                let busy = self.state[c].map(|s| s.0).filter(|&last| last > trip.depart);
                let out = model.problem.cars[c]
                    .unavailable
                    .iter()
                    .filter(|s| s.start.0 < trip.back && trip.depart < s.end.0)
                    .map(|s| s.end.0)
                    .max();
                match (busy, out) {
                    (Some(a), Some(b)) => Some(a.max(b)),
                    (a, b) => a.or(b),
                }
            })
            .min();
        NoCar::Busy { hub, from: trip.depart, to: trip.back, next_free }
    }
}

/// Whether two cars differ in nothing a search could tell apart but their registration.
fn alike(a: &crate::day::DayCar, b: &crate::day::DayCar) -> bool {
    a.usable_kwh == b.usable_kwh
        && a.kwh_per_km == b.kwh_per_km
        && a.reserve_kwh == b.reserve_kwh
        && a.charger_kw == b.charger_kw
        && a.unavailable == b.unavailable
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
    // Cheapest of: the trip leaving when a car is back (the trips before it as they were, the
    // ones after it later if they must), the own car, walking.
    let mut options: Vec<Column> = Vec::new();
    if let NoCar::Busy { next_free: Some(free), .. } = why {
        if free > column.trips[t].depart {
            let mut later = column.specs_as_scheduled();
            later[t].leave = free;
            options.extend(schedule_day(model, w, &later));
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
        NoCar::Battery { hub, km } => charge_reason(model, hub, km),
    };
    for n in &specs[t].nodes {
        dropped.push((model.nodes[*n].visit, code, reason.clone()));
    }
    let mut rest: Vec<TripSpec> = specs;
    rest.remove(t);
    days[w] = reschedule_or_trim(model, w, rest);
}

/// Why a `km` trip from `hub` got no car: the code and sentence of a visit left out for want
/// of charge, with the least charge the trip takes from any of the hub's cars.
pub fn charge_reason(model: &Model, hub: usize, km: f64) -> (&'static str, String) {
    let kwh = model.hub_cars[hub]
        .iter()
        .map(|&c| km * model.problem.cars[c].kwh_per_km)
        .fold(f64::INFINITY, f64::min);
    (
        "NO_CAR_CHARGE",
        format!(
            "no car at {} has the charge for a {km:.0} km trip ({kwh:.1} kWh above its reserve)",
            model.problem.hubs.get(hub).map_or("the hub", |h| h.id.as_str())
        ),
    )
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::day::DayCar;
    use crate::optimise::sample::scattered_day;

    fn car(id: &str, charge_kwh: f64) -> DayCar {
        DayCar {
            id: id.into(),
            hub: "GUN".into(),
            hub_point: 0,
            usable_kwh: 40.0,
            kwh_per_km: 1.0,
            reserve_kwh: 0.0,
            charger_kw: 0.0,
            charge_kwh,
            unavailable: Vec::new(),
        }
    }

    fn trip(from_h: u32, to_h: u32, km: f64, w: usize) -> PoolTrip {
        PoolTrip { depart: from_h * 1800, back: to_h * 1800, km, w, t: 0 }
    }

    /// Two cars hold 10 and 7 kWh (1 kWh a km, no charger): two trips at once of 8 and 8 km
    /// fit their count but not their charge, 8 and 3 km fit both, and 5 km then 6 km one
    /// after the other need both cars, which the total (11 kWh, more than the poorer car
    /// holds) sends to the search.
    #[test]
    fn a_hub_s_charge_suffices_only_where_its_cars_can_make_every_trip() {
        let mut problem = scattered_day(0, 3, 1);
        problem.cars = vec![car("FULL", 10.0), car("HALF", 7.0)];
        let model = Model::new(&problem);
        let hours = |from: u32, to: u32, km: f64| (from * 3600, to * 3600, km);
        assert!(!hub_charge_suffices(&model, 0, &[hours(11, 12, 8.0), hours(11, 12, 8.0)]));
        assert!(hub_charge_suffices(&model, 0, &[hours(11, 12, 8.0), hours(11, 12, 3.0)]));
        assert!(hub_charge_suffices(&model, 0, &[hours(9, 10, 5.0), hours(11, 12, 6.0)]));
        assert!(!hub_charge_suffices(&model, 0, &[hours(9, 10, 11.0)]));
        assert!(hub_charge_suffices(&model, 0, &[hours(9, 10, 3.0), hours(11, 12, 3.0)]));
    }

    /// Best fit gives the morning's 5 km to the car with 7 kWh (2 to spare, against 5), and then
    /// two trips at once at noon need 6 and 3 kWh from cars holding 10 and 2: the search goes
    /// back and gives the morning to the fuller car instead.
    #[test]
    fn the_hub_search_revisits_a_best_fit_choice_that_left_a_later_trip_without_charge() {
        let mut problem = scattered_day(0, 3, 1);
        problem.cars = vec![car("FULL", 10.0), car("HALF", 7.0)];
        let model = Model::new(&problem);
        // Half hours: 09:00-10:00, then 11:00-12:00 twice.
        let trips = [trip(18, 20, 5.0, 0), trip(22, 24, 6.0, 1), trip(22, 24, 3.0, 2)];
        let mut search = HubSearch::new(&model, 0, &trips);
        assert!(search.descend(0));
        assert_eq!(search.chosen, vec![0, 1, 0]);
        let (at, why) = search.first_failure.expect("best fit alone fails");
        assert_eq!(at, 2);
        assert!(matches!(why, NoCar::Battery { .. }));
        // With too little charge anywhere, the search fails where best fit first did.
        problem.cars[1].charge_kwh = 3.0;
        let model = Model::new(&problem);
        let mut search = HubSearch::new(&model, 0, &trips);
        assert!(!search.descend(0));
        assert_eq!(search.first_failure.map(|f| f.0), Some(1));
    }
}
