//! Columns: one worker's whole day (trips of nodes), and the one schedule evaluator every part of
//! the optimiser uses to turn a sequence into times and a cost.
//!
//! A trip is scheduled forward at the earliest: the worker leaves just in time for the first
//! stop's earliest start, then starts each stop as early as its window allows. A trip lies inside
//! one free interval of the worker (shift plus overtime, minus blocks); if it cannot fit in the
//! first free interval after the previous trip, later ones are tried.

use super::model::{End, Mode, Model, CAR_INSTANT, N_INSTANTS};

/// A stop of a trip.
#[derive(Clone, Debug, PartialEq)]
pub struct StopPlan {
    /// The node visited.
    pub node: usize,
    /// Arrival.
    pub arrive: u32,
    /// Start.
    pub start: u32,
    /// End.
    pub end: u32,
}

/// A scheduled trip.
#[derive(Clone, Debug, PartialEq)]
pub struct TripPlan {
    /// How.
    pub mode: Mode,
    /// From.
    pub from: End,
    /// To.
    pub to: End,
    /// Departure.
    pub depart: u32,
    /// Stops.
    pub stops: Vec<StopPlan>,
    /// Return.
    pub back: u32,
    /// Km travelled.
    pub km: f64,
    /// Seconds travelled.
    pub travel: u32,
}

impl TripPlan {
    /// The nodes in order.
    pub fn nodes(&self) -> impl Iterator<Item = usize> + '_ {
        self.stops.iter().map(|s| s.node)
    }
}

/// The instants `k` with `from <= k * CAR_INSTANT < to`.
pub fn instants(from: u32, to: u32) -> impl Iterator<Item = usize> {
    let first = from.div_ceil(CAR_INSTANT) as usize;
    let last = (to.div_ceil(CAR_INSTANT) as usize).min(N_INSTANTS);
    first..last.max(first)
}

/// A column: one worker's day.
#[derive(Clone, Debug, PartialEq)]
pub struct Column {
    /// The worker.
    pub worker: usize,
    /// The trips in order.
    pub trips: Vec<TripPlan>,
    /// The exact cost under the objective (without unscheduled penalties).
    pub cost: f64,
}

impl Column {
    /// Every node made, in order.
    pub fn nodes(&self) -> impl Iterator<Item = usize> + '_ {
        self.trips.iter().flat_map(|t| t.nodes())
    }

    /// The trips' specifications, to rebuild or modify the day (each trip leaving as early as
    /// it can).
    pub fn specs(&self) -> Vec<TripSpec> {
        self.trips.iter().map(|t| TripSpec::new(t.mode, t.to, t.nodes().collect())).collect()
    }

    /// [`Column::specs`] with each trip leaving no earlier than it does now, to move one trip
    /// and keep the others where the car stage found them cars.
    pub fn specs_as_scheduled(&self) -> Vec<TripSpec> {
        self.specs()
            .into_iter()
            .zip(&self.trips)
            .map(|(s, t)| TripSpec { leave: t.depart, ..s })
            .collect()
    }
}

/// What a trip is before it is scheduled.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TripSpec {
    /// How.
    pub mode: Mode,
    /// Where it ends.
    pub to: End,
    /// Nodes in order.
    pub nodes: Vec<usize>,
    /// The trip leaves no earlier than this (0: as early as it can). Pricing sets it when a
    /// later departure books the car over cheaper instants.
    pub leave: u32,
}

impl TripSpec {
    /// A trip that leaves as early as it can.
    pub fn new(mode: Mode, to: End, nodes: Vec<usize>) -> TripSpec {
        TripSpec { mode, to, nodes, leave: 0 }
    }
}

/// Schedules one trip of worker `w` leaving `from` no earlier than `earliest`, in the first free
/// interval where it fits; `None` when it fits nowhere.
pub fn schedule_trip(
    model: &Model,
    w: usize,
    mode: Mode,
    from: End,
    to: End,
    nodes: &[usize],
    earliest: u32,
) -> Option<TripPlan> {
    let worker = &model.workers[w];
    if !worker.modes.contains(&mode) || nodes.is_empty() {
        return None;
    }
    if mode == Mode::Pool && (from != End::Hub || to != End::Hub) {
        return None;
    }
    if let Some(capacity) = model.problem.workers[w].capacity {
        let load: u32 = nodes.iter().map(|&n| model.visit(model.nodes[n].visit).demand).sum();
        if load > capacity {
            return None;
        }
    }
    for &(open, close) in &worker.intervals {
        if close <= earliest {
            continue;
        }
        if let Some(trip) = schedule_in(model, w, mode, from, to, nodes, earliest.max(open), close)
        {
            return Some(trip);
        }
    }
    None
}

#[allow(clippy::too_many_arguments)]
fn schedule_in(
    model: &Model,
    w: usize,
    mode: Mode,
    from: End,
    to: End,
    nodes: &[usize],
    ready: u32,
    close: u32,
) -> Option<TripPlan> {
    let worker = &model.workers[w];
    let shift_end = worker.shift.1;
    let mut at = worker.point(from);
    let mut time = ready;
    let mut km = 0.0;
    let mut travel = 0;
    let mut depart = ready;
    let mut stops = Vec::with_capacity(nodes.len());
    for (i, &n) in nodes.iter().enumerate() {
        let node = &model.nodes[n];
        let leg = model.leg(mode, at, node.point);
        if !model.leg_ok(mode, leg) {
            return None;
        }
        let arrive = time + leg.seconds;
        let start = node.earliest_start(arrive)?;
        let mut arrive = arrive;
        if i == 0 {
            // Leave just in time: the first arrival is the start.
            depart = start - leg.seconds;
            arrive = start;
        }
        let duration = model.visit(node.visit).duration;
        let end = start + duration;
        if end > shift_end || end > close {
            return None;
        }
        km += leg.km;
        travel += leg.seconds;
        stops.push(StopPlan { node: n, arrive, start, end });
        time = end;
        at = node.point;
    }
    let leg = model.leg(mode, at, worker.point(to));
    if !model.leg_ok(mode, leg) {
        return None;
    }
    let back = time + leg.seconds;
    if back > close || back > shift_end + model.problem.policy.max_overtime_seconds {
        return None;
    }
    km += leg.km;
    travel += leg.seconds;
    if mode == Mode::Pool && km > worker.pool_km + 1e-9 {
        return None;
    }
    let depart = push_waits_forward(model, mode, worker.point(from), &mut stops, depart);
    Some(TripPlan { mode, from, to, depart, stops, back, km, travel })
}

/// Moves each stop but the last as late as it can go without delaying the next (so the trip's
/// return stays the earliest), turning waits between stops into a later departure: the same
/// cost, and the car is held for less. Returns the new departure.
fn push_waits_forward(
    model: &Model,
    mode: Mode,
    origin: usize,
    stops: &mut [StopPlan],
    depart: u32,
) -> u32 {
    let n = stops.len();
    for k in (0..n.saturating_sub(1)).rev() {
        let node = &model.nodes[stops[k].node];
        let next = &model.nodes[stops[k + 1].node];
        let duration = stops[k].end - stops[k].start;
        let leg = model.leg(mode, node.point, next.point).seconds;
        let range_end = node
            .starts
            .iter()
            .find(|&&(e, l)| e <= stops[k].start && stops[k].start <= l)
            .map_or(stops[k].start, |&(_, l)| l);
        let latest = range_end.min(stops[k + 1].start - leg - duration);
        if latest > stops[k].start {
            stops[k].start = latest;
            stops[k].end = latest + duration;
        }
        stops[k + 1].arrive = stops[k].end + leg;
    }
    let Some(first) = stops.first_mut() else { return depart };
    let leg = model.leg(mode, origin, model.nodes[first.node].point).seconds;
    first.arrive = first.start;
    (first.start - leg).max(depart)
}

/// Schedules a whole day of worker `w` from trip specifications; `None` if infeasible (the last
/// trip must end where the worker's day ends, and no visit may appear twice).
pub fn schedule_day(model: &Model, w: usize, specs: &[TripSpec]) -> Option<Column> {
    let worker = &model.workers[w];
    let mut trips = Vec::with_capacity(specs.len());
    let mut from = worker.start;
    let mut ready = worker.shift.0;
    let mut seen = Vec::new();
    for spec in specs {
        for &n in &spec.nodes {
            let v = model.nodes[n].visit;
            worker.cost[v]?;
            if seen.contains(&v) {
                return None;
            }
            seen.push(v);
        }
        let earliest = ready.max(spec.leave);
        let trip = schedule_trip(model, w, spec.mode, from, spec.to, &spec.nodes, earliest)?;
        from = trip.to;
        ready = trip.back;
        trips.push(trip);
    }
    if !trips.is_empty() && from != worker.end {
        return None;
    }
    let cost = column_cost(model, w, &trips);
    Some(Column { worker: w, trips, cost })
}

/// The exact objective of a worker's day.
pub fn column_cost(model: &Model, w: usize, trips: &[TripPlan]) -> f64 {
    let worker = &model.workers[w];
    let mut cost = 0.0;
    let mut n = 0;
    for trip in trips {
        cost += model.travel_cost(trip.mode, trip.travel, trip.km);
        for stop in &trip.stops {
            cost += worker.cost[model.nodes[stop.node].visit].unwrap_or(0.0);
            n += 1;
        }
    }
    if let Some(last) = trips.last() {
        cost += model.overtime_cost(w, last.back);
    }
    cost + model.fairness_cost(w, n)
}
