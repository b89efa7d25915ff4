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
//! ejection keep the search from cycling. Before ejecting, their *squeeze* tries to make room:
//! the visit goes where it breaks the windows least, and moves between the broken trip and its
//! neighbours follow while they lessen the breach.
//!
//! Deciding each step in constant time needs every trip summed up as time-warp segments, which
//! have this simple form only where all trips belong to one fleet: one base, one free interval, one
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
/// Nodes the search for one ejection visits at most, over every trip and place, so that long
/// trips cannot stall the route minimisation on one visit.
const SEARCH_NODES: usize = 100_000;

/// The day as one fleet's routing problem. Stop 0 is the base; stops 1.. are the visits the
/// rota makes. `early` and `late` bound each stop's start.
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
            early: vec![i64::from(open)],
            // The base: the fleet leaves from when it may and is back by when it must.
            late: vec![i64::from(back_by)],
            duration: vec![0],
            demand: vec![0],
            travel: Vec::new(),
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

    /// The segment of stop `s` alone (the base for 0: open from when the fleet may leave to when
    /// it must be back).
    fn stop(&self, s: usize) -> Segment {
        Segment {
            duration: self.duration[s],
            warp: 0,
            early: self.early[s],
            late: self.late[s],
            load: self.demand[s],
            first: s,
            last: s,
        }
    }
}

/// A sequence of stops summed up so that two join in constant time: the time-warp segments of
/// Vidal, Crainic, Gendreau and Prins (Computers & Operations Research 2013). A sequence whose
/// windows cannot all be met is charged the *time warp*, the time it would have to go back to
/// start each stop in its window; it is feasible exactly when the warp is zero and the load
/// within capacity. The squeeze ranks infeasible routes by it.
#[derive(Clone, Copy, Debug, Default)]
struct Segment {
    /// Travel, service and waiting from the first start to the last end.
    duration: i64,
    warp: i64,
    /// The earliest and latest start of the first stop with the least duration and warp.
    early: i64,
    late: i64,
    load: i64,
    first: usize,
    last: usize,
}

impl Segment {
    /// This sequence, then `next`.
    fn then(&self, fleet: &Fleet, next: &Segment) -> Segment {
        let leg = fleet.leg(self.last, next.first);
        let delta = self.duration - self.warp + leg;
        let wait = (next.early - delta - self.late).max(0);
        let warp = (self.early + delta - next.late).max(0);
        Segment {
            duration: self.duration + next.duration + leg + wait,
            warp: self.warp + next.warp + warp,
            early: (next.early - delta).max(self.early) - wait,
            late: (next.late - delta).min(self.late) + warp,
            load: self.load + next.load,
            first: self.first,
            last: next.last,
        }
    }

    fn feasible(&self, fleet: &Fleet) -> bool {
        self.warp == 0 && self.load <= fleet.capacity
    }
}

/// One trip with the segments of its every prefix (from the base) and suffix (to the base), so
/// that the trip changed at one or two places is judged in constant time.
#[derive(Clone, Default)]
struct Route {
    stops: Vec<usize>,
    /// `prefix[k]`: the base, then the first `k` stops.
    prefix: Vec<Segment>,
    /// `suffix[k]`: the stops from position `k`, then the base.
    suffix: Vec<Segment>,
}

impl Route {
    fn new(fleet: &Fleet, stops: Vec<usize>) -> Route {
        let mut route = Route { stops, ..Route::default() };
        route.refresh(fleet);
        route
    }

    fn refresh(&mut self, fleet: &Fleet) {
        let base = fleet.stop(0);
        self.prefix.clear();
        self.prefix.push(base);
        for &s in &self.stops {
            let next = self.prefix[self.prefix.len() - 1].then(fleet, &fleet.stop(s));
            self.prefix.push(next);
        }
        suffixes(fleet, &self.stops, &mut self.suffix);
    }

    /// The whole trip, base to base.
    fn whole(&self, fleet: &Fleet) -> Segment {
        self.prefix[0].then(fleet, &self.suffix[0])
    }

    /// The trip with stop `s` put in at position `k`.
    fn with(&self, fleet: &Fleet, k: usize, s: usize) -> Segment {
        self.prefix[k].then(fleet, &fleet.stop(s)).then(fleet, &self.suffix[k])
    }

    /// The trip without its stop at position `k`.
    fn without(&self, fleet: &Fleet, k: usize) -> Segment {
        self.prefix[k].then(fleet, &self.suffix[k + 1])
    }

    /// The trip with stop `s` instead of its stop at position `k`.
    fn replaced(&self, fleet: &Fleet, k: usize, s: usize) -> Segment {
        self.prefix[k].then(fleet, &fleet.stop(s)).then(fleet, &self.suffix[k + 1])
    }
}

/// Into `suffix`, the segment of `stops` from each position `k` on, then the base.
fn suffixes(fleet: &Fleet, stops: &[usize], suffix: &mut Vec<Segment>) {
    suffix.clear();
    suffix.resize(stops.len() + 1, fleet.stop(0));
    for k in (0..stops.len()).rev() {
        suffix[k] = fleet.stop(stops[k]).then(fleet, &suffix[k + 1]);
    }
}

/// The routes of the search, by worker, and where each stop is.
struct Routes {
    routes: Vec<Route>,
    /// Each stop's route and position (`NOWHERE` while in the pool).
    at: Vec<(usize, usize)>,
}

/// Where a visit in the pool is.
const NOWHERE: (usize, usize) = (usize::MAX, 0);

impl Routes {
    fn new(fleet: &Fleet, routes: Vec<Route>) -> Routes {
        let mut all = Routes { routes, at: vec![NOWHERE; fleet.stops()] };
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

    fn used(&self) -> impl Iterator<Item = usize> + '_ {
        (0..self.routes.len()).filter(|&r| !self.routes[r].stops.is_empty())
    }

    /// Every place in a used route where a stop could go in: a route and a position.
    fn places(&self) -> Vec<(usize, usize)> {
        self.used().flat_map(|r| (0..=self.routes[r].stops.len()).map(move |k| (r, k))).collect()
    }

    fn insert(&mut self, fleet: &Fleet, (r, k): (usize, usize), v: usize) {
        let mut stops = self.routes[r].stops.clone();
        stops.insert(k, v);
        self.set(fleet, r, stops);
    }
}

/// Takes trips out of `days` while its visits fit in the others, until `spent` reaches 1
/// (without a clock, `None`: after [`UNTIMED_STEPS`] visits taken from the pool) or `stop`;
/// returns `None` where the day is not one fleet's (the caller then uses `eliminate`), else
/// whether the rota has fewer trips. The rota returned makes every visit `days` made.
pub fn eliminate_routes(
    model: &Model,
    days: &mut [Option<Column>],
    stop: &dyn Fn() -> bool,
    spent: &dyn Fn() -> Option<f64>,
) -> Option<bool> {
    let fleet = Fleet::of(model, days)?;
    let mut routes = Routes::new(&fleet, routes_of(&fleet, days));
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
    let search = Squeeze::new(&fleet, near);
    while routes.used().count() > fewest {
        let used: Vec<usize> = routes.used().collect();
        let r = used[rng.gen_range(0..used.len())];
        if !search.delete_route(&mut routes, r, &mut rng, &over) {
            break;
        }
        let Some(rota) = schedule(model, &fleet, &routes) else { break };
        debug_assert!(trips(&rota) < trips(days));
        days.clone_from_slice(&rota);
        fewer = true;
    }
    Some(fewer)
}

/// Each worker's route in `days`, numbered as `Fleet::of` met the visits.
fn routes_of(fleet: &Fleet, days: &[Option<Column>]) -> Vec<Route> {
    let mut next = 1;
    days.iter()
        .map(|day| {
            let count = day.iter().flat_map(Column::nodes).count();
            next += count;
            Route::new(fleet, (next - count..next).collect())
        })
        .collect()
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

/// The search's fixed parts: the fleet, each visit's nearest, and the weights that make time
/// warp and excess load one penalty.
struct Squeeze<'f> {
    fleet: &'f Fleet,
    near: Vec<Vec<usize>>,
    /// Penalty per second of warp and per unit of excess load: one per mean leg between near
    /// visits and per mean demand, so that neither dominates by its unit alone.
    per_warp: f64,
    per_load: f64,
}

impl<'f> Squeeze<'f> {
    fn new(fleet: &'f Fleet, near: Vec<Vec<usize>>) -> Squeeze<'f> {
        let legs: Vec<i64> = near
            .iter()
            .enumerate()
            .skip(1)
            .flat_map(|(a, n)| n.iter().map(move |&b| (a, b)))
            .map(|(a, b)| fleet.leg(a, b))
            .collect();
        let mean = |xs: &[i64]| xs.iter().sum::<i64>() as f64 / xs.len().max(1) as f64;
        let per_warp = 1.0 / mean(&legs).max(1.0);
        let per_load = 1.0 / mean(&fleet.demand[1..]).max(1.0);
        Squeeze { fleet, near, per_warp, per_load }
    }

    fn penalty(&self, segment: &Segment) -> f64 {
        let excess = (segment.load - self.fleet.capacity).max(0);
        self.per_warp * segment.warp as f64 + self.per_load * excess as f64
    }

    /// Empties route `r` into the ejection pool and puts its visits into the other routes; on
    /// success the routes have one fewer used, else (`over` came first) they are as they were.
    fn delete_route(
        &self,
        routes: &mut Routes,
        r: usize,
        rng: &mut ChaCha8Rng,
        over: &dyn Fn() -> bool,
    ) -> bool {
        let fleet = self.fleet;
        let saved = routes.routes.clone();
        let mut pool = std::mem::take(&mut routes.routes[r].stops);
        routes.set(fleet, r, Vec::new());
        for &v in &pool {
            routes.at[v] = NOWHERE;
        }
        pool.shuffle(rng);
        // How often each visit has failed to fit: Nagata and Bräysy's penalty counters.
        let mut failures = vec![1u64; fleet.stops()];
        while let Some(v) = pool.pop() {
            if over() {
                *routes = Routes::new(fleet, saved);
                return false;
            }
            let places: Vec<(usize, usize)> = routes
                .places()
                .into_iter()
                .filter(|&(q, k)| routes.routes[q].with(fleet, k, v).feasible(fleet))
                .collect();
            if let Some(&place) = places.choose(rng) {
                routes.insert(fleet, place, v);
                continue;
            }
            if self.squeeze(routes, v, rng) {
                continue;
            }
            failures[v] += 1;
            match best_ejection(fleet, &routes.routes, v, &failures, rng) {
                Some(Ejection { route, stops, ejected, .. }) => {
                    routes.set(fleet, route, stops);
                    for &e in &ejected {
                        routes.at[e] = NOWHERE;
                    }
                    pool.extend(ejected);
                }
                // Nothing makes room for it now: try it again once the pool is empty.
                None => pool.insert(0, v),
            }
            self.perturb(routes, rng);
        }
        true
    }

    /// Puts `v` where it breaks the windows and capacity least, then moves visits between the
    /// routes it broke and their neighbours' while that lessens the penalty, until every route
    /// is feasible (true) or no move helps (false, and the routes are as they were).
    fn squeeze(&self, routes: &mut Routes, v: usize, rng: &mut ChaCha8Rng) -> bool {
        let fleet = self.fleet;
        let cost = |r: &Route, k: usize| {
            self.penalty(&r.with(fleet, k, v)) - self.penalty(&r.whole(fleet))
        };
        let Some(place) = routes.places().into_iter().min_by(|&(q, k), &(p, j)| {
            cost(&routes.routes[q], k).total_cmp(&cost(&routes.routes[p], j))
        }) else {
            return false;
        };
        let saved = routes.routes.clone();
        routes.insert(fleet, place, v);
        loop {
            let penalty: Vec<f64> =
                routes.routes.iter().map(|r| self.penalty(&r.whole(fleet))).collect();
            let broken: Vec<usize> = routes.used().filter(|&q| penalty[q] > 0.0).collect();
            let Some(&r) = broken.choose(rng) else { return true };
            let mut best: Option<(f64, Move)> = None;
            // One visit of the broken route and its neighbours' moves, as Nagata and Bräysy:
            // every visit of the route at each step made the squeeze take 40% of the search's
            // time on Solomon R204 and leave a third of the steps.
            let u = *routes.routes[r].stops.choose(rng).expect("a used route");
            for &w in &self.near[u] {
                for (change, a, b) in moves(fleet, routes, u, w).into_iter().flatten() {
                    let (before_a, before_b) = change.routes();
                    let gain =
                        self.penalty(&a) + self.penalty(&b) - penalty[before_a] - penalty[before_b];
                    if best.as_ref().is_none_or(|(g, _)| gain < *g) {
                        best = Some((gain, change));
                    }
                }
            }
            match best {
                Some((gain, change)) if gain < -1e-9 => change.apply(fleet, routes),
                _ => {
                    *routes = Routes::new(fleet, saved);
                    return false;
                }
            }
        }
    }

    /// [`RANDOM_MOVES`] tries of a random feasible move between two routes, so the ejections
    /// that follow meet other routes.
    fn perturb(&self, routes: &mut Routes, rng: &mut ChaCha8Rng) {
        let fleet = self.fleet;
        for _ in 0..RANDOM_MOVES {
            let u = rng.gen_range(1..fleet.stops());
            let Some(&w) = self.near[u].choose(rng) else { return };
            let Some(at) = pair(routes, u, w) else { continue };
            let (change, a, b) = one_move(fleet, routes, at, rng.gen_range(0..MOVE_KINDS));
            if a.feasible(fleet) && b.feasible(fleet) {
                change.apply(fleet, routes);
            }
        }
    }
}

/// A change to two routes.
#[derive(Clone, Copy, Debug)]
enum Move {
    /// The stop at `(from, k)` moves into route `to`, before the stop at `j` now.
    Relocate { from: usize, k: usize, to: usize, j: usize },
    /// The stops at `(a, i)` and `(b, j)` swap.
    Swap { a: usize, i: usize, b: usize, j: usize },
    /// Route `a` keeps its first `i` stops and goes on with `b`'s from `j`, and `b` its first
    /// `j` with `a`'s from `i` (2-opt*).
    Tails { a: usize, i: usize, b: usize, j: usize },
}

impl Move {
    /// The two routes it changes.
    fn routes(&self) -> (usize, usize) {
        match *self {
            Move::Relocate { from, to, .. } => (from, to),
            Move::Swap { a, b, .. } | Move::Tails { a, b, .. } => (a, b),
        }
    }

    fn apply(&self, fleet: &Fleet, routes: &mut Routes) {
        let stops = |r: usize| routes.routes[r].stops.clone();
        let (first, second) = match *self {
            Move::Relocate { from, k, to, j } => {
                let (mut a, mut b) = (stops(from), stops(to));
                b.insert(j, a.remove(k));
                (a, b)
            }
            Move::Swap { a, i, b, j } => {
                let (mut sa, mut sb) = (stops(a), stops(b));
                std::mem::swap(&mut sa[i], &mut sb[j]);
                (sa, sb)
            }
            Move::Tails { a, i, b, j } => {
                let (sa, sb) = (stops(a), stops(b));
                ([&sa[..i], &sb[j..]].concat(), [&sb[..j], &sa[i..]].concat())
            }
        };
        let (a, b) = self.routes();
        routes.set(fleet, a, first);
        routes.set(fleet, b, second);
    }
}

/// The kinds of move [`one_move`] makes from a pair of stops.
const MOVE_KINDS: usize = 7;

/// Where stops `u` and `w` are, `None` where they share a route or one is in the pool (no move
/// pairs them).
fn pair(routes: &Routes, u: usize, w: usize) -> Option<[(usize, usize); 2]> {
    let ((a, i), (b, j)) = (routes.at[u], routes.at[w]);
    (a != usize::MAX && b != usize::MAX && a != b).then_some([(a, i), (b, j)])
}

/// Every move pairing stop `u` with stop `w` of another route, with the two routes it makes
/// (in the order of [`Move::routes`]); `None` where [`pair`] finds none.
fn moves(
    fleet: &Fleet,
    routes: &Routes,
    u: usize,
    w: usize,
) -> Option<[(Move, Segment, Segment); MOVE_KINDS]> {
    let at = pair(routes, u, w)?;
    Some(std::array::from_fn(|kind| one_move(fleet, routes, at, kind)))
}

/// Move `kind` (of [`MOVE_KINDS`]) between the stops at `at` (from [`pair`]), as in [`moves`].
/// The perturbation draws one kind and judges only it: judging all seven to use one made it
/// most of the route minimisation's time.
fn one_move(
    fleet: &Fleet,
    routes: &Routes,
    [(a, i), (b, j)]: [(usize, usize); 2],
    kind: usize,
) -> (Move, Segment, Segment) {
    let (u, w) = (routes.routes[a].stops[i], routes.routes[b].stops[j]);
    let (ra, rb) = (&routes.routes[a], &routes.routes[b]);
    let relocate = |from: usize, k: usize, to: usize, j: usize, s: usize| {
        let (rf, rt) = (&routes.routes[from], &routes.routes[to]);
        (Move::Relocate { from, k, to, j }, rf.without(fleet, k), rt.with(fleet, j, s))
    };
    let tails = |i: usize, j: usize| {
        let sa = ra.prefix[i].then(fleet, &rb.suffix[j]);
        let sb = rb.prefix[j].then(fleet, &ra.suffix[i]);
        (Move::Tails { a, i, b, j }, sa, sb)
    };
    match kind {
        0 => relocate(a, i, b, j + 1, u),
        1 => relocate(a, i, b, j, u),
        2 => relocate(b, j, a, i + 1, w),
        3 => relocate(b, j, a, i, w),
        4 => (Move::Swap { a, i, b, j }, ra.replaced(fleet, i, w), rb.replaced(fleet, j, u)),
        5 => tails(i + 1, j + 1),
        _ => tails(i, j),
    }
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
    let mut search = Search { entering: v, ..Search::default() };
    // Fewest ejections first: most insertions need one or two, which a search allowed five
    // from the start found only after diving through the many ways of ejecting five (on the
    // long routes of Solomon R204 it ran out of nodes before finding any). Each later depth
    // starts from the cheapest found, and one whose every ejection has failed once cannot beat
    // a sum of `most` or less.
    for most in 1..=MOST_EJECTED {
        if search.found.as_ref().is_some_and(|f| f.failures <= most as u64) {
            break;
        }
        search.most = most;
        for &r in &order {
            search.start(&routes[r], r, failures);
            search.visit(fleet, failures, 0, fleet.stop(0), 0, None);
            if search.nodes > SEARCH_NODES {
                return search.found;
            }
        }
    }
    search.found
}

/// The depth-first search of one ejection over one route: its stops in order, each kept or
/// ejected, and the entering visit put in before one of them (or at the end); cut where a kept
/// stop makes the prefix warp or the failures cannot beat the best found. One search covers
/// every position of the entering visit, so the choices before it are not searched again for
/// each position, and it reads the route's own suffixes.
#[derive(Default)]
struct Search<'r> {
    route: Option<&'r Route>,
    /// The route's index.
    index: usize,
    /// The visit going in, never ejected.
    entering: usize,
    ejected: Vec<usize>,
    /// The cheapest ejection so far.
    found: Option<Ejection>,
    /// The most visits this depth of the search may eject.
    most: usize,
    /// `cheapest[k]`: the fewest failures of the route's stops from position `k` on.
    cheapest: Vec<u64>,
    nodes: usize,
}

impl<'r> Search<'r> {
    fn start(&mut self, route: &'r Route, index: usize, failures: &[u64]) {
        self.route = Some(route);
        self.index = index;
        self.ejected.clear();
        self.cheapest.clear();
        self.cheapest.resize(route.stops.len() + 1, u64::MAX);
        for k in (0..route.stops.len()).rev() {
            self.cheapest[k] = failures[route.stops[k]].min(self.cheapest[k + 1]);
        }
    }

    /// Decides the route's stop `k` on, after `prefix` (the base, the stops kept so far and
    /// the entering visit if `at` says where it went in), the ejected so far having failed
    /// `sum` times.
    fn visit(
        &mut self,
        fleet: &Fleet,
        failures: &[u64],
        k: usize,
        prefix: Segment,
        sum: u64,
        at: Option<usize>,
    ) {
        self.nodes += 1;
        if sum >= self.bound() || self.nodes > SEARCH_NODES {
            return;
        }
        let route = self.route.expect("a search starts on a route");
        match at {
            Some(at) if prefix.then(fleet, &route.suffix[k]).feasible(fleet) => {
                // Feasible from here as it is: ejecting more would only cost more.
                self.record(sum, at);
                return;
            }
            Some(_) => {}
            None => {
                let with = prefix.then(fleet, &fleet.stop(self.entering));
                if with.warp == 0 {
                    self.visit(fleet, failures, k, with, sum, Some(k));
                }
            }
        }
        // Only an ejection of exactly `most` can beat what fewer found: the rest must go from
        // here on, each having failed at least as often as the least failed of them.
        let rest = (self.most - self.ejected.len()) as u64;
        if sum.saturating_add(rest.saturating_mul(self.cheapest[k])) >= self.bound()
            || (rest == 0 && at.is_some())
        {
            return;
        }
        let Some(&s) = route.stops.get(k) else { return };
        let kept = prefix.then(fleet, &fleet.stop(s));
        if kept.warp == 0 {
            self.visit(fleet, failures, k + 1, kept, sum, at);
        }
        if rest > 0 {
            self.ejected.push(s);
            self.visit(fleet, failures, k + 1, prefix, sum + failures[s], at);
            self.ejected.pop();
        }
    }

    /// The failures of the cheapest ejection so far (`u64::MAX` before one).
    fn bound(&self) -> u64 {
        self.found.as_ref().map_or(u64::MAX, |f| f.failures)
    }

    /// Keeps the current path, which fails `sum` times with the entering visit in before the
    /// route's stop `at`, as the cheapest ejection.
    fn record(&mut self, sum: u64, at: usize) {
        let route = self.route.expect("a search starts on a route");
        let mut stops: Vec<usize> =
            route.stops.iter().copied().filter(|s| !self.ejected.contains(s)).collect();
        let before = route.stops[..at].iter().filter(|s| !self.ejected.contains(s)).count();
        stops.insert(before, self.entering);
        self.found = Some(Ejection {
            route: self.index,
            stops,
            ejected: self.ejected.clone(),
            failures: sum,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::optimise::sample::{assert_takes_trips_out, scattered_day, trips_first};

    /// A day of one fleet (every worker drives their own car from the hub).
    fn fleet_day(seed: u64) -> crate::day::DayProblem {
        let mut problem = scattered_day(24, 12, seed);
        problem.policy.walk_max_km = 0.0;
        problem
    }

    /// A day of one fleet where a trip costs more than any travel, and the construction's rota
    /// for it when a trip costs what it costs on Medway (more trips than the day needs).
    fn trips_first_day(seed: u64) -> (crate::day::DayProblem, Vec<Option<Column>>) {
        trips_first(fleet_day(seed))
    }

    #[test]
    fn takes_trips_out_and_keeps_every_visit() {
        assert_takes_trips_out(trips_first_day, |model, days| {
            eliminate_routes(model, days, &|| false, &|| None).expect("one fleet")
        });
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

    /// `routes` with the route that makes `v` emptied, as when the search deletes it.
    fn with_route_deleted(fleet: &Fleet, routes: &[Route], v: usize) -> Vec<Route> {
        let emptied = |r: &Route| r.stops.contains(&v);
        routes
            .iter()
            .map(|r| if emptied(r) { Route::new(fleet, Vec::new()) } else { r.clone() })
            .collect()
    }

    /// Whether `stops` is a feasible trip, by simulating it: none of `Route`'s arrays.
    fn feasible(fleet: &Fleet, stops: &[usize]) -> bool {
        let (mut at, mut time, mut load) = (0, fleet.early[0], 0);
        for &s in stops {
            let start = (time + fleet.leg(at, s)).max(fleet.early[s]);
            if start > fleet.late[s] {
                return false;
            }
            (at, time, load) = (s, start + fleet.duration[s], load + fleet.demand[s]);
        }
        time + fleet.leg(at, 0) <= fleet.late[0] && load <= fleet.capacity
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
        let routes = routes_of(&fleet, &days);
        let mut rng = ChaCha8Rng::seed_from_u64(1);
        let mut ejecting = 0;
        for v in 1..fleet.stops() {
            // v's route deleted, so v must join another.
            let others = with_route_deleted(&fleet, &routes, v);
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

    /// Routes with little room (those left once trips have been taken out) and their fleet.
    fn tight(seed: u64) -> (crate::day::DayProblem, Vec<Option<Column>>) {
        let (problem, mut days) = trips_first_day(seed);
        let model = Model::new(&problem);
        assert_eq!(eliminate_routes(&model, &mut days, &|| false, &|| None), Some(true));
        (problem, days)
    }

    /// A segment's verdict is the simulation's, for every sequence tried, feasible or not.
    #[test]
    fn segments_judge_a_trip_as_simulating_it_does() {
        let (problem, days) = tight(2);
        let model = Model::new(&problem);
        let fleet = Fleet::of(&model, &days).expect("one fleet");
        let mut rng = ChaCha8Rng::seed_from_u64(7);
        let (mut yes, mut no) = (0, 0);
        for _ in 0..2000 {
            let mut stops: Vec<usize> = (1..fleet.stops()).collect();
            stops.shuffle(&mut rng);
            stops.truncate(rng.gen_range(1..8));
            let route = Route::new(&fleet, stops.clone());
            let verdict = feasible(&fleet, &stops);
            assert_eq!(route.whole(&fleet).feasible(&fleet), verdict, "{stops:?}");
            // Every split of it agrees too: prefix then suffix.
            for k in 0..=stops.len() {
                let joined = route.prefix[k].then(&fleet, &route.suffix[k]);
                assert_eq!(joined.feasible(&fleet), verdict);
            }
            if verdict {
                yes += 1
            } else {
                no += 1
            }
        }
        assert!(yes > 50 && no > 50, "{yes} feasible, {no} not: the test tests one side only");
    }

    /// The squeeze either makes every route feasible with the visit in, or leaves the routes
    /// exactly as they were.
    #[test]
    fn a_squeeze_succeeds_feasibly_or_changes_nothing() {
        let (problem, days) = trips_first_day(2);
        let model = Model::new(&problem);
        let fleet = Fleet::of(&model, &days).expect("one fleet");
        let start = routes_of(&fleet, &days);
        let squeeze = Squeeze::new(&fleet, nearest(&fleet));
        let mut rng = ChaCha8Rng::seed_from_u64(3);
        let (mut made, mut refused) = (0, 0);
        for v in 1..fleet.stops() {
            let without = with_route_deleted(&fleet, &start, v);
            let mut routes = Routes::new(&fleet, without.clone());
            if squeeze.squeeze(&mut routes, v, &mut rng) {
                made += 1;
                assert!(routes.routes.iter().any(|r| r.stops.contains(&v)));
                for route in &routes.routes {
                    assert!(feasible(&fleet, &route.stops), "visit {v}: {:?}", route.stops);
                }
                let mut all: Vec<usize> =
                    routes.routes.iter().flat_map(|r| r.stops.clone()).collect();
                all.sort();
                let mut want: Vec<usize> = without.iter().flat_map(|r| r.stops.clone()).collect();
                want.push(v);
                want.sort();
                assert_eq!(all, want, "visit {v}: visits lost or doubled");
            } else {
                refused += 1;
                let stops = |rs: &[Route]| rs.iter().map(|r| r.stops.clone()).collect::<Vec<_>>();
                assert_eq!(stops(&routes.routes), stops(&without), "visit {v}");
            }
        }
        assert!(made > 0 && refused > 0, "{made} squeezed, {refused} refused");
    }
}
