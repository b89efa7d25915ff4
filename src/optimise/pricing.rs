//! Pricing: for one worker and the master's duals, the worker-days of least reduced cost, by a
//! labelling search over their feasible trips (a resource-constrained elementary shortest path
//! with several trips a day).
//!
//! A label is a partial day: where the worker is, when, what it has cost so far less the duals
//! collected, which visits it made (a bitset), and the open trip's transport, free interval,
//! km and latest departure. Labels are extended in time order; one dominates another at the same
//! place and trip state when it is no later, no dearer, has made a subset of the visits, no more
//! visits (fairness), no more km (battery) and, when cars are priced, a core no wider.
//!
//! Only visits whose dual exceeds the worker's continuity cost are candidates: any other visit
//! adds cost and collects less than it costs (travel legs obey the triangle inequality, which
//! the travel model's distances do up to its rounding to the second). A search is *exact* when it
//! kept every candidate (at most 128, the bitset) and hit no label cap; its minimum reduced cost
//! is then a true minimum, which the Lagrangian bound needs.

use super::column::{core_instants, schedule_day, Column, TripSpec};
use super::master::Duals;
use super::model::{End, Mode, Model};
use std::cmp::Reverse;
use std::collections::BinaryHeap;

/// How hard to search.
#[derive(Clone, Copy, Debug)]
pub struct Effort {
    /// Most candidate visits kept.
    pub candidates: usize,
    /// Most labels created.
    pub labels: usize,
    /// Most columns returned.
    pub columns: usize,
    /// Most nodes (places and starts) kept per visit.
    pub nodes_per_visit: usize,
}

impl Effort {
    /// A quick search over the most promising visits.
    pub const HEURISTIC: Effort =
        Effort { candidates: 10, labels: 3_000, columns: 3, nodes_per_visit: 4 };
    /// A complete search (within the bitset and a generous label cap).
    pub const EXACT: Effort =
        Effort { candidates: 128, labels: 400_000, columns: 5, nodes_per_visit: usize::MAX };
}

/// What one pricing search found.
#[derive(Clone, Debug)]
pub struct Priced {
    /// Columns of negative reduced cost, best first.
    pub columns: Vec<Column>,
    /// The least reduced cost found (0 if none negative).
    pub min_rc: f64,
    /// Whether `min_rc` is the true minimum over all the worker's days.
    pub exact: bool,
}

#[derive(Clone, Copy, Debug)]
enum Event {
    Root,
    Start(Mode),
    Visit(usize),
    Close(End),
}

#[derive(Clone, Debug)]
struct Label {
    parent: usize,
    event: Event,
    at: usize,
    /// Local node index, for open labels standing at a node.
    node: Option<usize>,
    open: bool,
    end: End,
    mode: Mode,
    interval: usize,
    time: u32,
    cost: f64,
    visited: u128,
    n: u16,
    load: u32,
    km: f64,
    busy: u32,
    depart: u32,
    latest_depart: u32,
    profit_left: f64,
    dead: bool,
}

/// A lower bound on the reduced cost of every day of worker `w` that needs no search: a
/// fractional knapsack over the worker's free time. Each visit is worth at most its dual less
/// its continuity cost and the cost of the shortest leg into it, and takes at least its duration
/// plus that leg; no day holds more than the worker's free intervals. The knapsack's value bounds
/// what any day can collect, so `-(worker dual) - value` bounds its reduced cost (car rows only
/// add to a reduced cost: their duals are never positive).
pub fn weak_bound(model: &Model, duals: &Duals, w: usize) -> f64 {
    let worker = &model.workers[w];
    let per_second = model.weights.travel_minute / 60.0;
    let mut items: Vec<(f64, f64)> = Vec::new();
    for v in 0..model.problem.visits.len() {
        let Some(cost) = worker.cost[v] else { continue };
        let nodes = &model.visit_nodes[v];
        let profit = nodes
            .iter()
            .map(|&n| duals.node[n] - cost - per_second * f64::from(model.min_in[n]))
            .fold(f64::NEG_INFINITY, f64::max);
        if profit <= 0.0 {
            continue;
        }
        let travel = nodes.iter().map(|&n| model.min_in[n]).min().unwrap_or(0);
        let seconds = f64::from(model.visit(v).duration + travel);
        items.push((profit, seconds));
    }
    let mut room: f64 = worker.intervals.iter().map(|&(a, b)| f64::from(b.saturating_sub(a))).sum();
    items.sort_by(|a, b| (b.0 * a.1).total_cmp(&(a.0 * b.1)));
    let mut value = 0.0;
    for (profit, seconds) in items {
        if room <= 0.0 {
            break;
        }
        if seconds <= room {
            value += profit;
            room -= seconds;
        } else {
            value += profit * room / seconds;
            room = 0.0;
        }
    }
    (-duals.worker[w] - value).min(0.0)
}

fn visit_profit(model: &Model, duals: &Duals, w: usize, v: usize) -> Option<f64> {
    let cost = model.workers[w].cost[v]?;
    model.visit_nodes[v].iter().map(|&n| duals.node[n] - cost).reduce(f64::max)
}

/// Prices worker `w`.
///
/// `stop` is polled every few hundred labels: a search cut short returns what it found as
/// inexact, so a time limit holds even inside one worker's search.
pub fn price(
    model: &Model,
    duals: &Duals,
    w: usize,
    effort: Effort,
    stop: &dyn Fn() -> bool,
) -> Priced {
    let worker = &model.workers[w];
    let weights = model.weights;
    let sigma = duals.worker[w];
    let eps = 1e-7;
    // Candidate visits, most profitable first.
    let mut visits: Vec<(f64, usize)> = (0..model.problem.visits.len())
        .filter_map(|v| visit_profit(model, duals, w, v).map(|p| (p, v)))
        .filter(|(p, _)| *p > eps)
        .collect();
    visits.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    let mut exact = true;
    if visits.len() > effort.candidates {
        visits.truncate(effort.candidates);
        exact = false;
    }
    let limit = effort.candidates.min(128);
    if visits.len() > limit {
        visits.truncate(limit);
        exact = false;
    }
    let mut bit = vec![u128::MAX; model.problem.visits.len()];
    for (i, &(_, v)) in visits.iter().enumerate() {
        bit[v] = i as u128;
    }
    let mut nodes: Vec<usize> = Vec::new();
    for &(_, v) in &visits {
        let cost = worker.cost[v].unwrap_or(f64::INFINITY);
        let mut mine: Vec<usize> =
            model.visit_nodes[v].iter().copied().filter(|&n| duals.node[n] - cost > eps).collect();
        if effort.nodes_per_visit < mine.len() {
            // A quick search tries only the best-paid starts of a joint visit.
            mine.sort_by(|&a, &b| duals.node[b].total_cmp(&duals.node[a]).then(a.cmp(&b)));
            mine.truncate(effort.nodes_per_visit);
            exact = false;
        }
        nodes.extend(mine);
    }
    let profit_total: f64 = visits.iter().map(|p| p.0).sum();
    if nodes.is_empty() || -sigma - profit_total >= -eps {
        return Priced { columns: Vec::new(), min_rc: 0.0, exact };
    }
    let car_priced = worker.hub.is_some_and(|h| duals.car[h].iter().any(|d| *d < -eps));
    let hub = worker.hub.unwrap_or(0);
    let capacity = model.problem.workers[w].capacity;
    let fair_share = model.problem.workers[w].fair_share;
    let shift_end = worker.shift.1;
    let day_end = shift_end + model.problem.policy.max_overtime_seconds;

    let n_modes = 3;
    let n_iv = worker.intervals.len().max(1);
    let mode_ix = |m: Mode| match m {
        Mode::Pool => 0,
        Mode::Own => 1,
        Mode::Foot => 2,
    };
    let end_ix = |e: End| match e {
        End::Hub => 0,
        End::Home => 1,
    };
    let open_key = |node: Option<usize>, mode: Mode, iv: usize, origin: End| -> usize {
        let place = node.map_or(0, |i| i + 1);
        ((place * n_modes + mode_ix(mode)) * n_iv + iv) * 2 + end_ix(origin)
    };
    let closed_base = (nodes.len() + 1) * n_modes * n_iv * 2;
    let closed_key = |end: End, iv: usize| closed_base + iv * 2 + end_ix(end);
    let mut buckets: Vec<Vec<usize>> = vec![Vec::new(); closed_base + n_iv * 2];

    let mut labels: Vec<Label> = Vec::new();
    let mut heap: BinaryHeap<Reverse<(u32, usize)>> = BinaryHeap::new();
    let mut complete: Vec<(f64, Label)> = Vec::new();
    let mut best = 0.0f64;

    let dominates = |a: &Label, b: &Label| -> bool {
        a.time <= b.time
            && a.cost <= b.cost + 1e-9
            && a.visited & !b.visited == 0
            && (a.n <= b.n || b.n >= fair_share)
            && a.load <= b.load
            && (a.mode != Mode::Pool || !a.open || a.km <= b.km + 1e-9)
            && (!car_priced
                || !a.open
                || a.mode != Mode::Pool
                || a.latest_depart >= b.latest_depart)
    };

    let root = Label {
        parent: usize::MAX,
        event: Event::Root,
        at: worker.point(worker.start),
        node: None,
        open: false,
        end: worker.start,
        mode: Mode::Own,
        interval: 0,
        time: worker.shift.0,
        cost: 0.0,
        visited: 0,
        n: 0,
        load: 0,
        km: 0.0,
        busy: 0,
        depart: worker.shift.0,
        latest_depart: u32::MAX,
        profit_left: profit_total,
        dead: false,
    };
    labels.push(root);
    heap.push(Reverse((worker.shift.0, 0)));
    let mut truncated = false;

    // Inserts a label unless dominated; kills labels it dominates.
    let insert = |labels: &mut Vec<Label>,
                  heap: &mut BinaryHeap<Reverse<(u32, usize)>>,
                  buckets: &mut Vec<Vec<usize>>,
                  key: usize,
                  label: Label,
                  best: f64|
     -> Option<usize> {
        if label.cost - sigma - label.profit_left >= best.min(0.0) - eps {
            return None;
        }
        for &i in &buckets[key] {
            if !labels[i].dead && dominates(&labels[i], &label) {
                return None;
            }
        }
        let idx = labels.len();
        buckets[key].retain(|&i| {
            if dominates(&label, &labels[i]) {
                labels[i].dead = true;
                false
            } else {
                !labels[i].dead
            }
        });
        buckets[key].push(idx);
        heap.push(Reverse((label.time, idx)));
        labels.push(label);
        Some(idx)
    };

    while let Some(Reverse((_, idx))) = heap.pop() {
        if labels[idx].dead {
            continue;
        }
        if labels.len() >= effort.labels || (labels.len() % 256 == 0 && stop()) {
            truncated = true;
            break;
        }
        let label = labels[idx].clone();
        if label.cost - sigma - label.profit_left >= best.min(0.0) - eps {
            continue;
        }
        if !label.open {
            // Start a new trip from this endpoint.
            for &mode in &worker.modes {
                if mode == Mode::Pool && label.end != End::Hub {
                    continue;
                }
                for (j, &(open, close)) in worker.intervals.iter().enumerate().skip(label.interval)
                {
                    if close <= label.time {
                        continue;
                    }
                    let time = label.time.max(open);
                    let next = Label {
                        parent: idx,
                        event: Event::Start(mode),
                        node: None,
                        open: true,
                        mode,
                        interval: j,
                        time,
                        load: 0,
                        km: 0.0,
                        busy: 0,
                        depart: time,
                        latest_depart: u32::MAX,
                        dead: false,
                        ..label.clone()
                    };
                    insert(
                        &mut labels,
                        &mut heap,
                        &mut buckets,
                        open_key(None, mode, j, label.end),
                        next,
                        best,
                    );
                }
            }
            continue;
        }
        let (_, close) = worker.intervals[label.interval];
        let first = label.node.is_none();
        // Extend to a node.
        for (i, &n) in nodes.iter().enumerate() {
            let node = &model.nodes[n];
            let v = node.visit;
            if label.visited >> bit[v] & 1 == 1 {
                continue;
            }
            let leg = model.leg(label.mode, label.at, node.point);
            if !model.leg_ok(label.mode, leg) {
                continue;
            }
            let arrive = label.time + leg.seconds;
            let Some((start, latest)) = node.earliest_start(arrive) else { continue };
            let visit = model.visit(v);
            let end = start + visit.duration;
            if end > shift_end || end > close {
                continue;
            }
            let load = label.load + visit.demand;
            if capacity.is_some_and(|c| load > c) {
                continue;
            }
            let km = label.km + leg.km;
            if label.mode == Mode::Pool && km > worker.pool_km + 1e-9 {
                continue;
            }
            let depart = if first { start - leg.seconds } else { label.depart };
            let busy = label.busy + leg.seconds;
            let latest = latest.min(shift_end - visit.duration);
            let latest_depart = label.latest_depart.min(latest.saturating_sub(busy));
            let n_made = label.n + 1;
            let mut cost = label.cost
                + weights.travel_minute * f64::from(leg.seconds) / 60.0
                + worker.cost[v].unwrap_or(0.0)
                - duals.node[n];
            if label.mode == Mode::Own {
                cost += weights.grey_km * leg.km;
            }
            if n_made > fair_share {
                cost += weights.over_fair_share;
            }
            let profit = visits[bit[v] as usize].0;
            let next = Label {
                parent: idx,
                event: Event::Visit(n),
                at: node.point,
                node: Some(i),
                time: end,
                cost,
                visited: label.visited | 1 << bit[v],
                n: n_made,
                load,
                km,
                busy: busy + visit.duration,
                depart,
                latest_depart,
                profit_left: label.profit_left - profit,
                dead: false,
                ..label.clone()
            };
            let key = open_key(Some(i), label.mode, label.interval, label.end);
            insert(&mut labels, &mut heap, &mut buckets, key, next, best);
        }
        if first {
            continue;
        }
        // Close the trip at an endpoint.
        for e in worker.ends() {
            if label.mode == Mode::Pool && (e != End::Hub || label.end != End::Hub) {
                continue;
            }
            let leg = model.leg(label.mode, label.at, worker.point(e));
            if !model.leg_ok(label.mode, leg) {
                continue;
            }
            let back = label.time + leg.seconds;
            if back > close || back > day_end {
                continue;
            }
            let km = label.km + leg.km;
            if label.mode == Mode::Pool && km > worker.pool_km + 1e-9 {
                continue;
            }
            let mut cost =
                label.cost + weights.travel_minute * f64::from(leg.seconds) / 60.0 + weights.trip;
            if label.mode == Mode::Own {
                cost += weights.grey_km * leg.km;
            }
            if label.mode == Mode::Pool {
                let mut blocked = false;
                for k in core_instants(label.latest_depart.max(label.depart), back) {
                    if model.hub_capacity[hub][k] == 0 {
                        blocked = true;
                    }
                    cost -= duals.car[hub][k];
                }
                if blocked {
                    continue;
                }
            }
            let next = Label {
                parent: idx,
                event: Event::Close(e),
                at: worker.point(e),
                node: None,
                open: false,
                end: e,
                time: back,
                cost,
                km: 0.0,
                dead: false,
                ..label.clone()
            };
            if e == worker.end {
                let rc = cost + model.overtime_cost(w, back) - sigma;
                if rc < -eps {
                    complete.push((rc, next.clone()));
                    best = best.min(rc);
                }
            }
            insert(&mut labels, &mut heap, &mut buckets, closed_key(e, label.interval), next, best);
        }
    }
    // Completed days are kept whole: a closed label that `insert` refused still describes a
    // feasible day.
    complete.sort_by(|a, b| a.0.total_cmp(&b.0));
    let mut columns: Vec<Column> = Vec::new();
    for (_, last) in &complete {
        if columns.len() >= effort.columns {
            break;
        }
        let Some(specs) = specs_of(&labels, last) else { continue };
        let Some(column) = schedule_day(model, w, &specs) else { continue };
        if reduced_cost(model, duals, &column) < -eps && !columns.contains(&column) {
            columns.push(column);
        }
    }
    Priced { columns, min_rc: best.min(0.0), exact: exact && !truncated }
}

/// The trips of the day ending at closed label `last` (which may not be stored in `labels`).
fn specs_of(labels: &[Label], last: &Label) -> Option<Vec<TripSpec>> {
    let mut events = vec![last.event];
    let mut i = last.parent;
    while i != usize::MAX {
        events.push(labels[i].event);
        i = labels[i].parent;
    }
    events.reverse();
    let mut specs = Vec::new();
    let mut current: Option<TripSpec> = None;
    for event in events {
        match event {
            Event::Root => {}
            Event::Start(mode) => {
                current = Some(TripSpec { mode, to: End::Hub, nodes: Vec::new() })
            }
            Event::Visit(n) => current.as_mut()?.nodes.push(n),
            Event::Close(e) => {
                let mut spec = current.take()?;
                spec.to = e;
                specs.push(spec);
            }
        }
    }
    Some(specs)
}

/// The reduced cost of `column` under `duals`.
pub fn reduced_cost(model: &Model, duals: &Duals, column: &Column) -> f64 {
    let mut rc = column.cost - duals.worker[column.worker];
    for n in column.nodes() {
        rc -= duals.node[n];
    }
    for (hub, k, count) in super::master::car_usage(model, column) {
        rc -= count * duals.car[hub][k];
    }
    rc
}
