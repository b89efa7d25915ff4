//! Trip elimination by an ejection pool, for days whose trips are the plain routes of one fleet.
//!
//! `eliminate` empties a trip by ruining strings of visits and recreating them by cheapest
//! insertion, which on the Solomon benchmark's long, tightly windowed routes left ten of 56
//! instances one vehicle over the best known. This is the route minimisation of Nagata and
//! Bräysy (Operations Research Letters 2009): a trip's visits go into a pool and come back one at
//! a time; a visit that fits nowhere goes in anyway, and up to [`MOST_EJECTED`] visits of the
//! trip it joins leave for the pool, chosen among those that make the trip feasible again as
//! the ones that have caused the fewest failures so far (a visit that keeps failing to fit is a
//! hard one and stays in once placed; easy ones move). Random moves between trips after each
//! ejection keep the search from cycling. Their squeeze step (inserting into an infeasible trip
//! and repairing it) is not built.
//!
//! Deciding each step in constant time needs every trip's earliest and latest starts, which have
//! this simple form only where all trips belong to one fleet: one base, one free interval, one
//! way of travelling, one capacity, and one place and window per visit (the Solomon days).
//! Other days, the councils' among them, use `eliminate`. Every route found is scheduled again
//! by `schedule_day` before it replaces the rota, so this module's arithmetic never decides
//! alone what is feasible.

use super::column::{schedule_day, Column, TripSpec};
use super::eliminate::{fewest_trips, trips};
use super::model::{End, Mode, Model};
use super::ruin::UNTIMED_STEPS;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use std::cell::Cell;

/// The most visits one ejection takes out of a trip (Nagata and Bräysy's k_max).
const MOST_EJECTED: usize = 5;
/// Random moves after each ejection (their I_rand).
const RANDOM_MOVES: usize = 1000;
/// Nearest visits a random move pairs a visit with.
const NEAR: usize = 30;
/// Nodes one ejection search visits at most, so a long trip cannot stall the search.
const SEARCH_NODES: usize = 100_000;

/// A latest start no start meets.
const NEVER: i64 = i64::MIN / 4;

/// The day as one fleet's routing problem. Stop 0 is the base; stops 1.. are the visits the
/// rota makes.
struct Fleet {
    mode: Mode,
    end: End,
    /// The model's node of each stop (the base's is unused).
    node: Vec<usize>,
    early: Vec<i64>,
    /// The latest start that also ends the visit in the shift.
    late: Vec<i64>,
    duration: Vec<i64>,
    demand: Vec<i64>,
    /// Leg times between stops, row by row.
    travel: Vec<i64>,
    /// When the fleet may leave the base.
    open: i64,
    /// When every trip must be back.
    back_by: i64,
    capacity: i64,
}

impl Fleet {
    /// The fleet view of `days`, or `None` where the day is not one fleet of single-trip days
    /// (see the module's documentation).
    fn of(model: &Model, days: &[Option<Column>]) -> Option<Fleet> {
        let first = model.workers.first()?;
        let &[mode] = first.modes.as_slice() else { return None };
        let &[(open, close)] = first.intervals.as_slice() else { return None };
        let capacity = model.problem.workers[0].capacity;
        let same = model.workers.iter().zip(&model.problem.workers).all(|(w, worker)| {
            w.modes == first.modes
                && w.start == first.start
                && w.end == first.start
                && w.point(w.start) == first.point(first.start)
                && w.intervals == first.intervals
                && w.shift == first.shift
                && worker.capacity == capacity
        });
        if mode == Mode::Pool || !same || days.iter().flatten().any(|c| c.trips.len() > 1) {
            return None;
        }
        let base = first.point(first.start);
        let shift_end = first.shift.1;
        let visits_by = i64::from(close.min(shift_end));
        let back_by = close.min(shift_end + model.problem.policy.max_overtime_seconds);
        let mut fleet = Fleet {
            mode,
            end: first.end,
            node: vec![usize::MAX],
            early: vec![0],
            late: vec![i64::from(back_by)],
            duration: vec![0],
            demand: vec![0],
            travel: Vec::new(),
            open: i64::from(open),
            back_by: i64::from(back_by),
            capacity: capacity.map_or(i64::MAX, i64::from),
        };
        let mut points = vec![base];
        for n in days.iter().flatten().flat_map(Column::nodes) {
            let node = &model.nodes[n];
            let visit = model.visit(node.visit);
            let plain = model.visit_nodes[node.visit].len() == 1
                && !visit.joint
                && model.workers.iter().all(|w| w.cost[node.visit].is_some());
            let &[(early, late)] = node.starts.as_slice() else { return None };
            if !plain {
                return None;
            }
            let duration = i64::from(visit.duration);
            fleet.node.push(n);
            fleet.early.push(i64::from(early));
            fleet.late.push(i64::from(late).min(visits_by - duration));
            fleet.duration.push(duration);
            fleet.demand.push(i64::from(visit.demand));
            points.push(node.point);
        }
        fleet.travel = points
            .iter()
            .flat_map(|&a| points.iter().map(move |&b| (a, b)))
            .map(|(a, b)| i64::from(model.leg(mode, a, b).seconds))
            .collect();
        Some(fleet)
    }

    fn stops(&self) -> usize {
        self.node.len()
    }

    fn leg(&self, a: usize, b: usize) -> i64 {
        self.travel[a * self.stops() + b]
    }

    /// When a visit at `to` can start, leaving `from` (a stop and the time it is free); for the
    /// base, the time back.
    fn arrive(&self, (from, free): (usize, i64), to: usize) -> i64 {
        (free + self.leg(from, to)).max(self.early[to])
    }
}

/// One trip with its earliest starts, latest starts and loads, for checks in constant time.
#[derive(Clone, Default)]
struct Route {
    stops: Vec<usize>,
    /// Earliest start of each stop.
    start: Vec<i64>,
    /// Latest start of each stop that keeps the rest of the trip feasible.
    latest: Vec<i64>,
    /// Load of the first `k` stops, for `k` from 0 to the length.
    load: Vec<i64>,
}

impl Route {
    fn new(fleet: &Fleet, stops: Vec<usize>) -> Route {
        let mut route = Route { stops, ..Route::default() };
        route.refresh(fleet);
        route
    }

    fn refresh(&mut self, fleet: &Fleet) {
        let n = self.stops.len();
        self.start.clear();
        self.load.clear();
        self.load.push(0);
        let mut at = (0, fleet.open);
        for &s in &self.stops {
            let start = fleet.arrive(at, s);
            self.start.push(start);
            self.load.push(self.load.last().copied().unwrap_or(0) + fleet.demand[s]);
            at = (s, start + fleet.duration[s]);
        }
        self.latest.clear();
        self.latest.resize(n, 0);
        let mut next = (0, fleet.back_by);
        for k in (0..n).rev() {
            let s = self.stops[k];
            let latest = fleet.late[s].min(next.1 - fleet.leg(s, next.0) - fleet.duration[s]);
            // A stop whose latest start is before its window opens cannot be made by any start
            // of the stops before it (only in a search's route, where a visit went in anyway).
            self.latest[k] = if latest < fleet.early[s] { NEVER } else { latest };
            next = (s, self.latest[k]);
        }
    }

    fn total(&self) -> i64 {
        self.load.last().copied().unwrap_or(0)
    }

    /// Where and when the worker is free before position `k`.
    fn before(&self, fleet: &Fleet, k: usize) -> (usize, i64) {
        match k.checked_sub(1) {
            None => (0, fleet.open),
            Some(i) => (self.stops[i], self.start[i] + fleet.duration[self.stops[i]]),
        }
    }

    /// Whether the trip from position `k` on (the base if `k` is the length) is still feasible
    /// when reached from `at`.
    fn reaches(&self, fleet: &Fleet, k: usize, at: (usize, i64)) -> bool {
        match self.stops.get(k) {
            None => at.1 + fleet.leg(at.0, 0) <= fleet.back_by,
            Some(&s) => fleet.arrive(at, s) <= self.latest[k],
        }
    }

    /// Whether stop `v` fits at position `k` (before the stop there now).
    fn fits(&self, fleet: &Fleet, v: usize, k: usize) -> bool {
        let start = fleet.arrive(self.before(fleet, k), v);
        start <= fleet.late[v]
            && self.reaches(fleet, k, (v, start + fleet.duration[v]))
            && self.total() + fleet.demand[v] <= fleet.capacity
    }

    /// Whether the trip stays feasible without its stop at position `k`.
    fn spares(&self, fleet: &Fleet, k: usize) -> bool {
        self.reaches(fleet, k + 1, self.before(fleet, k))
    }
}

/// The routes of the search, by worker, and where each stop is.
struct Routes {
    routes: Vec<Route>,
    /// Each stop's route and position.
    at: Vec<(usize, usize)>,
}

impl Routes {
    fn new(fleet: &Fleet, routes: Vec<Route>) -> Routes {
        let mut all = Routes { routes, at: vec![(usize::MAX, 0); fleet.stops()] };
        for r in 0..all.routes.len() {
            all.locate(r);
        }
        all
    }

    fn locate(&mut self, r: usize) {
        for (k, &s) in self.routes[r].stops.iter().enumerate() {
            self.at[s] = (r, k);
        }
    }

    fn set(&mut self, fleet: &Fleet, r: usize, stops: Vec<usize>) {
        self.routes[r].stops = stops;
        self.routes[r].refresh(fleet);
        self.locate(r);
    }

    fn used(&self) -> usize {
        self.routes.iter().filter(|r| !r.stops.is_empty()).count()
    }
}

/// Takes trips out of `days` while its visits fit in the others, until `spent` reaches 1
/// (without a clock, `None`: after [`UNTIMED_STEPS`] visits taken from the pool) or `stop`; returns `None` where the day is not one fleet's (the caller then
/// uses `eliminate`), else whether the rota has fewer trips. The rota returned makes every visit
/// `days` made.
pub fn eliminate_routes(
    model: &Model,
    days: &mut [Option<Column>],
    stop: &dyn Fn() -> bool,
    spent: &dyn Fn() -> Option<f64>,
) -> Option<bool> {
    let fleet = Fleet::of(model, days)?;
    // Stops are numbered in the order `Fleet::of` met the visits.
    let mut next = 1;
    let routes = days
        .iter()
        .map(|day| {
            let count = day.iter().flat_map(Column::nodes).count();
            next += count;
            Route::new(&fleet, (next - count..next).collect())
        })
        .collect();
    let mut routes = Routes::new(&fleet, routes);
    let near = nearest(&fleet);
    let mut rng = ChaCha8Rng::seed_from_u64(0x5eed);
    let steps = Cell::new(0);
    let over = || {
        steps.set(steps.get() + 1);
        stop()
            || match spent() {
                Some(fraction) => fraction >= 1.0,
                None => steps.get() > UNTIMED_STEPS,
            }
    };
    let fewest = fewest_trips(model, days);
    let mut fewer = false;
    while routes.used() > fewest {
        let used: Vec<usize> =
            (0..routes.routes.len()).filter(|&r| !routes.routes[r].stops.is_empty()).collect();
        let r = used[rng.gen_range(0..used.len())];
        if !delete_route(&fleet, &mut routes, r, &near, &mut rng, &over) {
            break;
        }
        let Some(rota) = schedule(model, &fleet, &routes) else { break };
        debug_assert!(trips(&rota) < trips(days));
        days.clone_from_slice(&rota);
        fewer = true;
    }
    Some(fewer)
}

/// Each worker's day from the routes, every one scheduled by `schedule_day`; `None` if any
/// fails (which would be this module's error, and leaves the rota as it was).
fn schedule(model: &Model, fleet: &Fleet, routes: &Routes) -> Option<Vec<Option<Column>>> {
    routes
        .routes
        .iter()
        .enumerate()
        .map(|(w, route)| {
            if route.stops.is_empty() {
                return Some(None);
            }
            let nodes = route.stops.iter().map(|&s| fleet.node[s]).collect();
            schedule_day(model, w, &[TripSpec::new(fleet.mode, fleet.end, nodes)]).map(Some)
        })
        .collect()
}

/// Each visit's [`NEAR`] nearest others, by the shorter of the legs between them.
fn nearest(fleet: &Fleet) -> Vec<Vec<usize>> {
    (0..fleet.stops())
        .map(|a| {
            let mut others: Vec<usize> = (1..fleet.stops()).filter(|&b| b != a).collect();
            others.sort_by_key(|&b| fleet.leg(a, b).min(fleet.leg(b, a)));
            others.truncate(NEAR);
            others
        })
        .collect()
}

/// Empties route `r` into the ejection pool and puts its visits into the other routes; on
/// success the routes have one fewer used, else (`over` came first) they are as they were.
fn delete_route(
    fleet: &Fleet,
    routes: &mut Routes,
    r: usize,
    near: &[Vec<usize>],
    rng: &mut ChaCha8Rng,
    over: &dyn Fn() -> bool,
) -> bool {
    let saved = routes.routes.clone();
    let mut pool = std::mem::take(&mut routes.routes[r].stops);
    routes.set(fleet, r, Vec::new());
    for &v in &pool {
        routes.at[v] = (usize::MAX, 0);
    }
    pool.shuffle(rng);
    // How often each visit has failed to fit: Nagata and Bräysy's penalty counters.
    let mut failures = vec![1u64; fleet.stops()];
    while let Some(v) = pool.pop() {
        if over() {
            *routes = Routes::new(fleet, saved);
            return false;
        }
        let places: Vec<(usize, usize)> = (0..routes.routes.len())
            .filter(|&q| !routes.routes[q].stops.is_empty())
            .flat_map(|q| (0..=routes.routes[q].stops.len()).map(move |k| (q, k)))
            .filter(|&(q, k)| routes.routes[q].fits(fleet, v, k))
            .collect();
        if let Some(&(q, k)) = places.choose(rng) {
            let mut stops = routes.routes[q].stops.clone();
            stops.insert(k, v);
            routes.set(fleet, q, stops);
            continue;
        }
        failures[v] += 1;
        match best_ejection(fleet, &routes.routes, v, &failures, rng) {
            Some(Ejection { route, stops, ejected, .. }) => {
                routes.set(fleet, route, stops);
                for &e in &ejected {
                    routes.at[e] = (usize::MAX, 0);
                }
                pool.extend(ejected);
            }
            // Nothing makes room for it now: try it again once the pool is empty.
            None => pool.insert(0, v),
        }
        perturb(fleet, routes, near, rng);
    }
    true
}

/// Route `route` with the visit in and `ejected` out, the ejected visits' failures summed.
struct Ejection {
    route: usize,
    stops: Vec<usize>,
    ejected: Vec<usize>,
    failures: u64,
}

/// The insertion of `v` anywhere in the used routes, with at most [`MOST_EJECTED`] of that
/// route's visits taken out, whose ejected visits have failed least often (ties: the first
/// found, the routes in random order).
fn best_ejection(
    fleet: &Fleet,
    routes: &[Route],
    v: usize,
    failures: &[u64],
    rng: &mut ChaCha8Rng,
) -> Option<Ejection> {
    let mut order: Vec<usize> =
        (0..routes.len()).filter(|&r| !routes[r].stops.is_empty()).collect();
    order.shuffle(rng);
    let mut best: Option<Ejection> = None;
    let mut search = Search::default();
    for r in order {
        for k in 0..=routes[r].stops.len() {
            let mut stops = routes[r].stops.clone();
            stops.insert(k, v);
            let bound = best.as_ref().map_or(u64::MAX, |b| b.failures);
            search.reset(fleet, &stops, v, bound);
            search.visit(fleet, failures, 0, (0, fleet.open), 0, 0);
            if let Some((sum, ejected)) = search.found.take() {
                stops.retain(|s| !ejected.contains(s));
                best = Some(Ejection { route: r, stops, ejected, failures: sum });
            }
            if search.nodes > SEARCH_NODES {
                return best;
            }
        }
    }
    best
}

/// The depth-first search of one ejection: over the route's stops in order, each kept or
/// ejected, cut where a kept stop starts too late or the failures reach the best found.
#[derive(Default)]
struct Search {
    stops: Vec<usize>,
    /// Latest starts of `stops` (the route with the visit in), as in [`Route`].
    latest: Vec<i64>,
    /// The visit going in, never ejected.
    entering: usize,
    load: i64,
    ejected: Vec<usize>,
    /// The cheapest ejection so far: its failures and visits.
    found: Option<(u64, Vec<usize>)>,
    bound: u64,
    nodes: usize,
}

impl Search {
    fn reset(&mut self, fleet: &Fleet, stops: &[usize], entering: usize, bound: u64) {
        let route = Route::new(fleet, stops.to_vec());
        self.load = route.total();
        self.stops = route.stops;
        self.latest = route.latest;
        self.entering = entering;
        self.bound = bound;
        self.ejected.clear();
    }

    /// Decides stop `k` on: `at` is where and when the worker is free, `sum` the failures and
    /// `out` the load of those ejected so far.
    fn visit(
        &mut self,
        fleet: &Fleet,
        failures: &[u64],
        k: usize,
        at: (usize, i64),
        sum: u64,
        out: i64,
    ) {
        self.nodes += 1;
        if sum >= self.bound || self.nodes > SEARCH_NODES {
            return;
        }
        let loaded = self.load - out <= fleet.capacity;
        let Some(&s) = self.stops.get(k) else {
            if loaded && at.1 + fleet.leg(at.0, 0) <= fleet.back_by {
                self.bound = sum;
                self.found = Some((sum, self.ejected.clone()));
            }
            return;
        };
        let start = fleet.arrive(at, s);
        if start <= fleet.late[s] {
            if loaded && start <= self.latest[k] {
                // Feasible from here as it is: ejecting more would only cost more.
                self.bound = sum;
                self.found = Some((sum, self.ejected.clone()));
                return;
            }
            self.visit(fleet, failures, k + 1, (s, start + fleet.duration[s]), sum, out);
        }
        if s != self.entering && self.ejected.len() < MOST_EJECTED {
            self.ejected.push(s);
            self.visit(fleet, failures, k + 1, at, sum + failures[s], out + fleet.demand[s]);
            self.ejected.pop();
        }
    }
}

/// [`RANDOM_MOVES`] tries of a random feasible move between two routes (a visit moved next to a
/// near one, two visits swapped, or the routes' tails exchanged), so the ejections that follow
/// meet other routes.
fn perturb(fleet: &Fleet, routes: &mut Routes, near: &[Vec<usize>], rng: &mut ChaCha8Rng) {
    for _ in 0..RANDOM_MOVES {
        let u = rng.gen_range(1..fleet.stops());
        let Some(&w) = near[u].choose(rng) else { return };
        let ((a, i), (b, j)) = (routes.at[u], routes.at[w]);
        if a == usize::MAX || b == usize::MAX || a == b {
            continue;
        }
        let (ra, rb) = (&routes.routes[a], &routes.routes[b]);
        match rng.gen_range(0..3) {
            // u moves to just after w.
            0 => {
                if ra.spares(fleet, i) && rb.fits(fleet, u, j + 1) {
                    let mut from = ra.stops.clone();
                    from.remove(i);
                    let mut to = rb.stops.clone();
                    to.insert(j + 1, u);
                    routes.set(fleet, a, from);
                    routes.set(fleet, b, to);
                }
            }
            // u and w swap places.
            1 => {
                let swaps = |r: &Route, k: usize, by: usize| {
                    let start = fleet.arrive(r.before(fleet, k), by);
                    start <= fleet.late[by]
                        && r.reaches(fleet, k + 1, (by, start + fleet.duration[by]))
                        && r.total() - fleet.demand[r.stops[k]] + fleet.demand[by] <= fleet.capacity
                };
                if swaps(ra, i, w) && swaps(rb, j, u) {
                    let (mut sa, mut sb) = (ra.stops.clone(), rb.stops.clone());
                    sa[i] = w;
                    sb[j] = u;
                    routes.set(fleet, a, sa);
                    routes.set(fleet, b, sb);
                }
            }
            // After u, a's trip goes on with b's after w, and b's with a's.
            _ => {
                let (ka, kb) = (i + 1, j + 1);
                let loads = ra.load[ka] + rb.total() - rb.load[kb] <= fleet.capacity
                    && rb.load[kb] + ra.total() - ra.load[ka] <= fleet.capacity;
                if loads
                    && rb.reaches(fleet, kb, ra.before(fleet, ka))
                    && ra.reaches(fleet, ka, rb.before(fleet, kb))
                {
                    let sa = [&ra.stops[..ka], &rb.stops[kb..]].concat();
                    let sb = [&rb.stops[..kb], &ra.stops[ka..]].concat();
                    routes.set(fleet, a, sa);
                    routes.set(fleet, b, sb);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::optimise::column::TripSpec;
    use crate::optimise::heuristic::construct;
    use crate::optimise::rounding::made;
    use crate::optimise::sample::scattered_day;

    /// A day of one fleet (every worker drives their own car from the hub).
    fn fleet_day(seed: u64) -> crate::day::DayProblem {
        let mut problem = scattered_day(24, 12, seed);
        problem.policy.walk_max_km = 0.0;
        problem
    }

    /// A day of one fleet where a trip costs more than any travel, and the construction's rota
    /// for it when a trip costs what it costs on Medway (more trips than the day needs).
    fn trips_first_day(seed: u64) -> (crate::day::DayProblem, Vec<Option<Column>>) {
        let problem = fleet_day(seed);
        let specs: Vec<Vec<TripSpec>> = construct(&Model::new(&problem))
            .days
            .iter()
            .map(|d| d.as_ref().map(Column::specs).unwrap_or_default())
            .collect();
        let mut problem = problem;
        problem.policy.weights.trip = 1e6;
        let model = Model::new(&problem);
        let days = specs
            .iter()
            .enumerate()
            .map(|(w, s)| if s.is_empty() { None } else { schedule_day(&model, w, s) })
            .collect();
        (problem, days)
    }

    #[test]
    fn takes_trips_out_and_keeps_every_visit() {
        let mut fewer = 0;
        for seed in 1..=4 {
            let (problem, start) = trips_first_day(seed);
            let model = Model::new(&problem);
            let run = || {
                let mut days = start.clone();
                let better = eliminate_routes(&model, &mut days, &|| false, &|| None);
                (better, days)
            };
            let (better, days) = run();
            assert_eq!(run().1, days, "seed {seed}: the same steps give the same rota");
            let better = better.expect("one fleet");
            for (w, day) in days.iter().enumerate() {
                if let Some(column) = day {
                    assert_eq!(schedule_day(&model, w, &column.specs()).as_ref(), Some(column));
                }
            }
            assert_eq!(made(&model, &days), made(&model, &start), "seed {seed}: visits lost");
            assert_eq!(better, trips(&days) < trips(&start), "seed {seed}");
            assert!(trips(&days) <= trips(&start));
            fewer += usize::from(better);
        }
        assert!(fewer > 0, "no seed lost a trip: the test tests nothing");
    }

    /// Workers based at different places, or with pool cars to share, are not one fleet: the
    /// search leaves the rota to `eliminate`.
    #[test]
    fn leaves_days_that_are_not_one_fleet_alone() {
        let (mut problem, mut days) = trips_first_day(1);
        problem.workers[3].hub_point = 5;
        let model = Model::new(&problem);
        let before = days.clone();
        assert_eq!(eliminate_routes(&model, &mut days, &|| false, &|| None), None);
        assert_eq!(days, before);
        let (mut problem, _) = trips_first_day(1);
        problem.workers[0].own_car = false;
        assert!(Fleet::of(&Model::new(&problem), &before).is_none());
    }

    /// Whether `stops` is a feasible trip, by simulating it: none of `Route`'s arrays.
    fn feasible(fleet: &Fleet, stops: &[usize]) -> bool {
        let (mut at, mut time, mut load) = (0, fleet.open, 0);
        for &s in stops {
            let start = (time + fleet.leg(at, s)).max(fleet.early[s]);
            if start > fleet.late[s] {
                return false;
            }
            (at, time, load) = (s, start + fleet.duration[s], load + fleet.demand[s]);
        }
        time + fleet.leg(at, 0) <= fleet.back_by && load <= fleet.capacity
    }

    /// An ejection takes out the visits that failed least often, never the one going in, and
    /// leaves a feasible trip: checked against every way of ejecting up to five visits.
    #[test]
    fn ejects_the_visits_that_failed_least() {
        // Routes with little room: those left once trips have been taken out.
        let (problem, mut days) = trips_first_day(2);
        let model = Model::new(&problem);
        assert_eq!(eliminate_routes(&model, &mut days, &|| false, &|| None), Some(true));
        let fleet = Fleet::of(&model, &days).expect("one fleet");
        let mut next = 1;
        let routes: Vec<Route> = days
            .iter()
            .map(|day| {
                let count = day.iter().flat_map(Column::nodes).count();
                next += count;
                Route::new(&fleet, (next - count..next).collect())
            })
            .collect();
        let mut rng = ChaCha8Rng::seed_from_u64(1);
        let mut ejecting = 0;
        for v in 1..fleet.stops() {
            // v's route deleted, so v must join another.
            let others: Vec<Route> = routes
                .iter()
                .map(|r| if r.stops.contains(&v) { Route::default() } else { r.clone() })
                .collect();
            let failures: Vec<u64> = (0..fleet.stops()).map(|_| rng.gen_range(1..10)).collect();
            let found = best_ejection(&fleet, &others, v, &failures, &mut rng);
            let mut cheapest: Option<u64> = None;
            for route in others.iter().filter(|r| !r.stops.is_empty()) {
                for k in 0..=route.stops.len() {
                    let mut stops = route.stops.clone();
                    stops.insert(k, v);
                    for mask in 0u32..1 << stops.len() {
                        let out = |i: usize| mask & 1 << i != 0;
                        if mask.count_ones() as usize > MOST_EJECTED || out(k) {
                            continue;
                        }
                        let kept: Vec<usize> =
                            (0..stops.len()).filter(|&i| !out(i)).map(|i| stops[i]).collect();
                        if feasible(&fleet, &kept) {
                            let sum =
                                (0..stops.len()).filter(|&i| out(i)).map(|i| failures[stops[i]]);
                            let sum = sum.sum();
                            cheapest = Some(cheapest.map_or(sum, |c: u64| c.min(sum)));
                        }
                    }
                }
            }
            assert_eq!(found.as_ref().map(|e| e.failures), cheapest, "visit {v}");
            let Some(ejection) = found else { continue };
            assert!(!ejection.ejected.contains(&v));
            let sum: u64 = ejection.ejected.iter().map(|&e| failures[e]).sum();
            assert_eq!(sum, ejection.failures);
            assert!(ejection.stops.contains(&v) && feasible(&fleet, &ejection.stops));
            let before = &others[ejection.route].stops;
            assert_eq!(ejection.stops.len() + ejection.ejected.len(), before.len() + 1);
            ejecting += usize::from(!ejection.ejected.is_empty());
        }
        assert!(ejecting > 0, "every visit fitted without an ejection: the test tests nothing");
    }
}
