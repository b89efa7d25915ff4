//! Pricing: for one worker and the master's duals, the worker-days of least reduced cost, by a
//! labelling search over their feasible trips (a resource-constrained elementary shortest path
//! with several trips a day).
//!
//! A label is a partial day: where the worker is, when, what it has cost so far less the duals
//! collected, which visits it made (a bitset), and the open trip's transport, free interval,
//! km, time driving and visiting, and latest departure. Labels are extended in time order; one
//! dominates another at the same place and trip state when it is no later, no dearer, has made a
//! subset of the visits, no more visits (fairness), no more km (battery) and, when cars are
//! priced, leaves no earlier at the latest and has spent no longer driving and visiting.
//!
//! A pool trip pays the car duals of the instants it is out, from departure to return. When it
//! closes, its departure is chosen: as late as its windows allow without a later return, or later
//! still where that leaves a dear instant behind (the return then slides by as much); each such
//! (return, price) pair no other beats becomes a label, so the search is exact over departures.
//!
//! Only visits whose dual exceeds the worker's continuity cost are candidates: any other visit
//! adds cost and collects less than it costs (travel legs obey the triangle inequality, which
//! the travel model's distances do up to its rounding to the second). A search is *exact* when it
//! kept every candidate (at most 128, the bitset) and hit no label cap; its minimum reduced cost
//! is then a lower bound on every day of the worker, which the Lagrangian bound needs. One that
//! kept only the 128 most profitable still bounds every day, less the most the others could
//! add in the worker's free time: dropping visits from a day makes it no dearer.
//!
//! The exact search is an ng-route relaxation (Baldacci, Mingozzi and Roberti): a label
//! remembers only the visits it made among the few nearest to where it stands, so labels at one
//! place compare on a handful of bits instead of every visit made, and a day may in principle
//! come back to a visit it made long before. Such a day is no column, but its reduced cost still
//! bounds the worker's from below. When the cheapest day found makes a visit twice, that visit
//! is remembered everywhere and the search runs again (decremental state-space relaxation), a
//! few times, so the bound tightens and elementary columns come out.
//!
//! Labels are cut when even the best completion cannot make the day's reduced cost negative,
//! or better than the worst of the `columns` best days found (so those come out exactly), or,
//! in a relaxed search, better than the best day found. The completion is bounded by an
//! unbounded knapsack, by whole steps of time, of the visits' profits (dual less continuity and
//! the shortest leg into them) within the working time left, and in an exact search also by an
//! onward table: the best path on from the label's place and step, on real legs and windows
//! but with repeats and without the returns between trips.

use super::column::{instants, schedule_day, Column, TripSpec};
use super::master::Duals;
use super::model::{End, Mode, Model, CAR_INSTANT, N_INSTANTS};
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
    /// How many of the nearest candidate visits a label remembers (ng-route neighbourhood,
    /// itself included); `usize::MAX` remembers every visit made (an elementary search).
    pub ng: usize,
    /// How many times the search may rerun with a repeated visit remembered everywhere.
    pub reruns: usize,
}

impl Effort {
    /// A quick search over the most promising visits. Twenty, not ten: with the car rows
    /// counting trips from departure to return, ten left the quick search empty-handed on
    /// Medway for long stretches, and each exact round that then ran cost more (the bound at
    /// 10 s: 10,381 against 9,759).
    pub const HEURISTIC: Effort = Effort {
        candidates: 20,
        labels: 3_000,
        columns: 3,
        nodes_per_visit: 4,
        ng: usize::MAX,
        reruns: 0,
    };
    /// A wider quick search, for when the quick ones find nothing.
    pub const WIDER: Effort = Effort { candidates: 60, labels: 20_000, ..Effort::HEURISTIC };
    /// A complete search (within the bitset and a generous label cap). Workers with more
    /// candidates than it keeps are first priced [`Effort::WIDER`] (`colgen`).
    pub const EXACT: Effort = Effort {
        candidates: 128,
        labels: 400_000,
        columns: 5,
        nodes_per_visit: usize::MAX,
        ng: 8,
        reruns: 4,
    };
}

/// What one pricing search found.
#[derive(Clone, Debug)]
pub struct Priced {
    /// Columns of negative reduced cost, best first.
    pub columns: Vec<Column>,
    /// The least reduced cost found (0 if none negative); with an ng search it may be a day
    /// that makes a visit twice, so no column has it.
    pub min_rc: f64,
    /// Whether `min_rc` is at most the reduced cost of every day of the worker.
    pub exact: bool,
    /// A lower bound on the reduced cost of every day of the worker: `min_rc` when exact; when
    /// the search was complete but over the most profitable candidates only, `min_rc` less the
    /// most the others could add ([`price`]); `-inf` when it was cut short.
    pub bound: f64,
}

#[derive(Clone, Copy, Debug)]
enum Event {
    Root,
    Start(Mode),
    Visit(usize),
    /// The trip ends there, having left no earlier than the time given (0: as early as it can).
    Close(End, u32),
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
    /// Candidates made and still remembered (every one made, in an elementary search).
    memory: u128,
    n: u16,
    load: u32,
    km: f64,
    busy: u32,
    depart: u32,
    latest_depart: u32,
    dead: bool,
}

/// A lower bound on the reduced cost of every day of worker `w` that needs no search: a
/// fractional knapsack over the worker's free time. Each visit is worth at most its dual less
/// its continuity cost and the cost of the shortest leg into it, and takes at least its duration
/// plus that leg; no day holds more than the worker's free intervals. The knapsack's value bounds
/// what any day can collect, so `-(worker dual) - value` bounds its reduced cost (car and pair
/// rows only add to a reduced cost: their duals are never positive).
pub fn weak_bound(model: &Model, duals: &Duals, w: usize) -> f64 {
    let worker = &model.workers[w];
    let per_second = model.weights.travel_minute / 60.0;
    let mut items: Vec<(f64, u32)> = Vec::new();
    for v in 0..model.problem.visits.len() {
        let Some(cost) = worker.cost[v] else { continue };
        let nodes = &model.visit_nodes[v];
        let profit = nodes
            .iter()
            .map(|&n| duals.node[n] - cost - per_second * f64::from(model.min_in[n]))
            .fold(f64::NEG_INFINITY, f64::max);
        if profit > 0.0 {
            items.push((profit, visit_seconds(model, v)));
        }
    }
    (-duals.worker[w] - free_time_knapsack(model, w, items)).min(0.0)
}

/// The least time making visit `v` takes in a day: its duration and the shortest leg into any
/// of its places.
fn visit_seconds(model: &Model, v: usize) -> u32 {
    let travel = model.visit_nodes[v].iter().map(|&n| model.min_in[n]).min().unwrap_or(0);
    model.visit(v).duration + travel
}

/// The most profit of items `(profit, seconds)` that fit, fractionally, in worker `w`'s free
/// intervals: no day holds more, so this bounds what any day can collect from them.
fn free_time_knapsack(model: &Model, w: usize, mut items: Vec<(f64, u32)>) -> f64 {
    let intervals = &model.workers[w].intervals;
    let mut room: f64 = intervals.iter().map(|&(a, b)| f64::from(b.saturating_sub(a))).sum();
    items.sort_by(|a, b| (b.0 * f64::from(a.1)).total_cmp(&(a.0 * f64::from(b.1))));
    let mut value = 0.0;
    for (profit, seconds) in items {
        let seconds = f64::from(seconds);
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
    value
}

/// A Lagrangian bound before any LP, from duals set by hand: each place of a visit priced at
/// the least any worker pays to make the visit there (its continuity cost and the shortest leg
/// into the place), each visit at the least of its places (twice that for a joint visit, which
/// takes two workers) or its penalty if lower. Under these duals no day has a negative reduced
/// cost, so the bound is the sum of the visits' duals. The first LPs' duals sit near the
/// penalties and bound nothing (0 on Medway until the first exact pricing round, 4 s in).
pub fn assignment_bound(model: &Model) -> f64 {
    let per_second = model.weights.travel_minute / 60.0;
    (0..model.problem.visits.len())
        .map(|v| {
            let least = model.visit_nodes[v]
                .iter()
                .flat_map(|&n| {
                    let leg = per_second * f64::from(model.min_in[n]);
                    model.workers.iter().filter_map(move |w| w.cost[v].map(|c| c + leg))
                })
                .fold(f64::INFINITY, f64::min);
            let makers = if model.visit(v).joint { 2.0 } else { 1.0 };
            (makers * least).min(model.penalty[v])
        })
        .sum()
}

/// How many visits pay worker `w` more than their continuity cost: the candidates of an
/// unlimited search.
pub fn candidates(model: &Model, duals: &Duals, w: usize) -> usize {
    let own = duals.for_worker(w);
    profitable(model, own.as_ref().unwrap_or(duals), w).len()
}

/// The visits that pay worker `w` more than their continuity cost, with that profit.
fn profitable(model: &Model, duals: &Duals, w: usize) -> Vec<(f64, usize)> {
    (0..model.problem.visits.len())
        .filter_map(|v| visit_profit(model, duals, w, v).map(|p| (p, v)))
        .filter(|(p, _)| *p > 1e-7)
        .collect()
}

fn visit_profit(model: &Model, duals: &Duals, w: usize, v: usize) -> Option<f64> {
    let cost = model.workers[w].cost[v]?;
    model.visit_nodes[v].iter().map(|&n| duals.node[n] - cost).reduce(f64::max)
}

/// The visits one search may make, and what it knows of them before labelling.
struct Candidates {
    /// `(profit, visit)`, most profitable first: dual less continuity cost.
    visits: Vec<(f64, usize)>,
    /// Candidate index of each visit of the problem (`u128::MAX` where none).
    bit: Vec<u128>,
    /// The nodes a day may make, as model node indices.
    nodes: Vec<usize>,
    /// The most profit any completion can collect in the working time left, by whole steps.
    completion: Completion,
    /// Whether the cuts may also use the sum of the profits of visits not yet made (only when
    /// every label remembers every visit it made).
    elementary: bool,
    /// The most a day can still collect by the paths on from where it stands (`None` in a quick
    /// search, or where a visit is shorter than a step).
    onward: Option<Onward>,
}

impl Candidates {
    /// The most profit a day standing at `label` can still collect, given the working time
    /// left in its intervals from `label.time` until the shift ends (no visit ends later).
    fn left(&self, label: &Label, intervals: &[(u32, u32)], shift_end: u32) -> f64 {
        let seconds: u32 = intervals[label.interval.min(intervals.len().saturating_sub(1))..]
            .iter()
            .map(|&(open, close)| close.min(shift_end).saturating_sub(open.max(label.time)))
            .sum();
        let mut by_time = self.completion.within(seconds);
        if let Some(onward) = self.onward.as_ref().and_then(|o| o.at(label)) {
            by_time = by_time.min(onward);
        }
        if !self.elementary {
            return by_time;
        }
        let unmade: f64 = self
            .visits
            .iter()
            .enumerate()
            .filter(|&(i, _)| label.memory >> i & 1 == 0)
            .map(|(_, p)| p.0)
            .sum();
        by_time.min(unmade)
    }
}

/// Per whole step of time, the most profit of any multiset of items `(profit, seconds)` whose
/// floored steps sum to at most that (an unbounded knapsack): visits that fit in `s` seconds
/// have floored steps summing to at most `s / step`, so the table bounds every completion,
/// with visits made twice or not. A step is a minute, or longer so that the table has at most
/// [`COMPLETION_STEPS`] entries (the Solomon days are long). An item shorter than a step would
/// be free: the table is then infinite.
#[derive(Clone, Debug, PartialEq)]
struct Completion {
    step: u32,
    table: Vec<f64>,
}

/// The most entries of a completion table.
const COMPLETION_STEPS: u32 = 512;

/// Per place a day can stand (a candidate visit's place, or an endpoint of the worker's trips)
/// and per whole step of time, the most profit less travel of any path on from there: to
/// candidate places on the fastest legs, each visit started in one of its windows at or after
/// its arrival and ended by the shift's end, then straight to where the day ends by the end of
/// overtime. The knapsack above sees neither the legs between the visits nor their windows, so
/// it lets a label at the edge of the patch, or late in the day, hope for every nearby visit's
/// dual; this table knows an after-school visit cannot follow a 16:00 one across the locality.
/// It bounds every real completion: a real one is such a path once its returns to an endpoint
/// between trips are cut out (legs obey the triangle inequality up to rounding to the second, so
/// each leg is taken [`LEG_SLACK`] seconds shorter), made later and dearer (trips, overtime, grey
/// km, fairness and car duals only add cost) and without repeated visits; each step is taken at
/// its earliest time, so a label standing later in it is promised no less. The nodes of one
/// visit at one place (a joint visit has one per start) share a row, with every start of theirs
/// and the best of their duals.
#[derive(Clone, Debug)]
struct Onward {
    from: u32,
    step: u32,
    steps: usize,
    /// The row of each local node.
    row_of: Vec<usize>,
    /// The points of the worker's endpoints, whose rows follow the places'.
    endpoints: Vec<usize>,
    places: usize,
    /// `table[row * (steps + 1) + k]`: standing at a row's place at step `k`; `-inf` where
    /// the day can no longer end in time.
    table: Vec<f64>,
}

/// Seconds each leg is taken shorter in [`Onward`], for the travel model's rounding.
const LEG_SLACK: u32 = 2;

/// The most steps an [`Onward`] table has per row.
const ONWARD_STEPS: u32 = 32;

/// A candidate visit's place as an [`Onward`] row sees it.
struct Place {
    visit: usize,
    point: usize,
    profit: f64,
    /// Every start range of its nodes, sorted by earliest start.
    starts: Vec<(u32, u32)>,
}

impl Onward {
    /// The table for worker `w` over the local `nodes`; `None` where a visit is shorter than a
    /// step (a path could then stay within one step, and the rows would need an order).
    fn new(model: &Model, duals: &Duals, w: usize, nodes: &[usize]) -> Option<Onward> {
        let worker = &model.workers[w];
        let (from, shift_end) = worker.shift;
        let day_end = shift_end + model.problem.policy.max_overtime_seconds;
        let step = day_end.saturating_sub(from).div_ceil(ONWARD_STEPS).max(60);
        let steps = (day_end.saturating_sub(from) / step) as usize;
        let mut places: Vec<Place> = Vec::new();
        let mut row_of = Vec::with_capacity(nodes.len());
        for &n in nodes {
            let node = &model.nodes[n];
            if model.visit(node.visit).duration < step {
                return None;
            }
            let profit = duals.node[n] - worker.cost[node.visit].unwrap_or(f64::INFINITY);
            let row = places.iter().position(|p| p.visit == node.visit && p.point == node.point);
            let row = row.unwrap_or_else(|| {
                places.push(Place {
                    visit: node.visit,
                    point: node.point,
                    profit: f64::NEG_INFINITY,
                    starts: Vec::new(),
                });
                places.len() - 1
            });
            places[row].profit = places[row].profit.max(profit);
            places[row].starts.extend(&node.starts);
            row_of.push(row);
        }
        for place in &mut places {
            place.starts.sort_unstable();
        }
        let per_second = model.weights.travel_minute / 60.0;
        // The fastest leg any of the worker's modes may make, less the slack.
        let fastest = |a: usize, b: usize| -> Option<u32> {
            worker
                .modes
                .iter()
                .map(|&mode| (mode, model.leg(mode, a, b)))
                .filter(|&(mode, leg)| model.leg_ok(mode, leg))
                .map(|(_, leg)| leg.seconds.saturating_sub(LEG_SLACK))
                .min()
        };
        let mut endpoints: Vec<usize> = worker.ends().iter().map(|&e| worker.point(e)).collect();
        endpoints.push(worker.point(worker.start));
        endpoints.sort_unstable();
        endpoints.dedup();
        let points: Vec<usize> =
            places.iter().map(|p| p.point).chain(endpoints.iter().copied()).collect();
        let last = worker.point(worker.end);
        let back: Vec<Option<u32>> = points.iter().map(|&p| fastest(p, last)).collect();
        // Each row's successors: `(place, leg, its profit less the leg's travel)`.
        let successors: Vec<Vec<(usize, u32, f64)>> = (0..points.len())
            .map(|row| {
                let visit = places.get(row).map(|p| p.visit);
                (0..places.len())
                    .filter(|&j| Some(places[j].visit) != visit)
                    .filter_map(|j| {
                        let leg = fastest(points[row], points[j])?;
                        Some((j, leg, places[j].profit - per_second * f64::from(leg)))
                    })
                    .collect()
            })
            .collect();
        let width = steps + 1;
        let mut table = vec![f64::NEG_INFINITY; points.len() * width];
        for k in (0..=steps).rev() {
            let t = from + k as u32 * step;
            for row in 0..points.len() {
                let mut best = match back[row] {
                    Some(leg) if t + leg <= day_end => -per_second * f64::from(leg),
                    _ => f64::NEG_INFINITY,
                };
                if k < steps {
                    best = best.max(table[row * width + k + 1]);
                }
                for &(j, leg, gain) in &successors[row] {
                    let arrive = t + leg;
                    let place = &places[j];
                    let Some(&(early, _)) = place.starts.iter().find(|&&(_, l)| l >= arrive) else {
                        continue;
                    };
                    let end = early.max(arrive) + model.visit(place.visit).duration;
                    if end <= shift_end {
                        let next = (((end - from) / step) as usize).min(steps);
                        best = best.max(gain + table[j * width + next]);
                    }
                }
                table[row * width + k] = best;
            }
        }
        let places = places.len();
        Some(Onward { from, step, steps, row_of, endpoints, places, table })
    }

    /// The most a day can still collect standing at `label` (at a visit, or at an endpoint
    /// between trips or about to leave), if the table has its place.
    fn at(&self, label: &Label) -> Option<f64> {
        let row = match label.node {
            Some(i) if label.open => self.row_of[i],
            _ => self.places + self.endpoints.iter().position(|&p| p == label.at)?,
        };
        Some(self.value(row, label.time))
    }

    /// The most a day can still collect standing at `row`'s place at `time`.
    fn value(&self, row: usize, time: u32) -> f64 {
        let k = ((time.saturating_sub(self.from) / self.step) as usize).min(self.steps);
        self.table[row * (self.steps + 1) + k]
    }
}

impl Completion {
    fn new(items: &[(f64, u32)], horizon: u32) -> Completion {
        let step = horizon.div_ceil(COMPLETION_STEPS).max(60);
        let steps = (horizon / step) as usize;
        if items.iter().any(|&(_, seconds)| seconds < step) {
            return Completion { step, table: vec![f64::INFINITY; steps + 1] };
        }
        let mut table = vec![0.0f64; steps + 1];
        for m in 1..=steps {
            let mut best = table[m - 1];
            for &(profit, seconds) in items {
                let weight = (seconds / step) as usize;
                if weight <= m {
                    best = best.max(table[m - weight] + profit);
                }
            }
            table[m] = best;
        }
        Completion { step, table }
    }

    /// The most profit collectable in `seconds`.
    fn within(&self, seconds: u32) -> f64 {
        self.table[((seconds / self.step) as usize).min(self.table.len() - 1)]
    }
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
    let own = duals.for_worker(w);
    let duals = own.as_ref().unwrap_or(duals);
    let worker = &model.workers[w];
    let eps = 1e-7;
    // Candidate visits, most profitable first.
    let mut visits = profitable(model, duals, w);
    visits.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    let mut exact = true;
    let limit = effort.candidates.min(128);
    // What the visits beyond the search's can add to any day. Dropping visits from a day makes
    // it no dearer (legs obey the triangle inequality, and the other costs only grow with its
    // visits), so a day's reduced cost is at least that of its part over the candidates kept
    // less the profits of the others it makes, which fit in the worker's free time.
    let mut beyond = 0.0;
    if visits.len() > limit {
        let dropped = visits.split_off(limit);
        beyond = free_time_knapsack(
            model,
            w,
            dropped.iter().map(|&(p, v)| (p, visit_seconds(model, v))).collect(),
        );
        exact = false;
    }
    let mut complete = true;
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
            complete = false;
        }
        nodes.extend(mine);
    }
    if nodes.is_empty() {
        let bound = if complete { -beyond } else { f64::NEG_INFINITY };
        return Priced { columns: Vec::new(), min_rc: 0.0, exact, bound };
    }
    let into = shortest_legs_in(model, w, &nodes);
    let completion = Completion::new(
        &items(model, duals, w, &visits, &nodes, &into),
        worker.shift.1.saturating_sub(worker.shift.0),
    );
    let elementary = effort.ng >= visits.len();
    let mut ng =
        neighbourhoods(model, &visits, &nodes, if elementary { usize::MAX } else { effort.ng });
    // Only where the search is to be complete: in the quick searches too it made each 18%
    // faster on Medway's untimed solve, but their columns poorer, so that the solve took 108
    // iterations and 13.6 s instead of 58 and 8.9 s.
    let onward = (effort.nodes_per_visit == usize::MAX)
        .then(|| Onward::new(model, duals, w, &nodes))
        .flatten();
    let candidates = Candidates { visits, bit, nodes, completion, elementary, onward };
    let mut reruns = 0;
    loop {
        let found = label_days(model, duals, w, effort, &candidates, &ng, stop);
        let cheapest = found.complete.iter().min_by(|a, b| a.0.total_cmp(&b.0));
        let repeated =
            cheapest.map(|(_, last)| repeated_visits(model, &candidates.bit, &found.labels, last));
        match repeated {
            Some(repeated)
                if repeated != 0 && reruns < effort.reruns && !found.truncated && !stop() =>
            {
                // Remember the repeated visits everywhere and search again.
                for mask in &mut ng {
                    *mask |= repeated;
                }
                reruns += 1;
            }
            _ => {
                let mut priced = found.priced(model, duals, w, effort, &candidates.bit, exact);
                priced.bound = if complete { priced.bound - beyond } else { f64::NEG_INFINITY };
                return priced;
            }
        }
    }
}

/// Per candidate node, the shortest leg into it that a day of worker `w` can make: from another
/// candidate visit's place or from one of the worker's endpoints, in one of the worker's modes.
fn shortest_legs_in(model: &Model, w: usize, nodes: &[usize]) -> Vec<u32> {
    let worker = &model.workers[w];
    let mut from: Vec<usize> = vec![worker.point(worker.start), worker.hub_point];
    from.extend(worker.home_point);
    nodes
        .iter()
        .map(|&n| {
            let to = model.nodes[n].point;
            let points = from.iter().copied().chain(
                nodes
                    .iter()
                    .filter(|&&m| model.nodes[m].visit != model.nodes[n].visit)
                    .map(|&m| model.nodes[m].point),
            );
            points
                .flat_map(|p| worker.modes.iter().map(move |&mode| (p, mode)))
                .map(|(p, mode)| (model.leg(mode, p, to), mode))
                .filter(|&(leg, mode)| model.leg_ok(mode, leg))
                .map(|(leg, _)| leg.seconds)
                .min()
                .unwrap_or(u32::MAX)
        })
        .collect()
}

/// The knapsack items of the candidates: each visit's best profit over its nodes less the cost
/// of the shortest leg into that node, and its duration plus the shortest leg into any of them.
fn items(
    model: &Model,
    duals: &Duals,
    w: usize,
    visits: &[(f64, usize)],
    nodes: &[usize],
    into: &[u32],
) -> Vec<(f64, u32)> {
    let per_second = model.weights.travel_minute / 60.0;
    let cost_of = |v: usize| model.workers[w].cost[v].unwrap_or(f64::INFINITY);
    visits
        .iter()
        .filter_map(|&(_, v)| {
            let mine = || nodes.iter().zip(into).filter(|(&n, _)| model.nodes[n].visit == v);
            let profit = mine()
                .map(|(&n, &leg)| duals.node[n] - cost_of(v) - per_second * f64::from(leg))
                .fold(f64::NEG_INFINITY, f64::max);
            let leg = mine().map(|(_, &leg)| leg).min()?;
            (profit > 0.0).then(|| (profit, model.visit(v).duration.saturating_add(leg)))
        })
        .collect()
}

/// Per candidate, the bits of the `size` candidates nearest to it (itself included), by the
/// shortest drive between any of their nodes: what a label standing there remembers.
fn neighbourhoods(
    model: &Model,
    visits: &[(f64, usize)],
    nodes: &[usize],
    size: usize,
) -> Vec<u128> {
    let all = if visits.len() >= 128 { u128::MAX } else { (1u128 << visits.len()) - 1 };
    if size >= visits.len() {
        return vec![all; visits.len()];
    }
    let points = |v: usize| {
        nodes.iter().filter(move |&&n| model.nodes[n].visit == v).map(|&n| model.nodes[n].point)
    };
    visits
        .iter()
        .enumerate()
        .map(|(i, &(_, v))| {
            let mut near: Vec<(u32, usize)> = visits
                .iter()
                .enumerate()
                .filter(|&(j, _)| j != i)
                .map(|(j, &(_, u))| {
                    let seconds = points(v)
                        .flat_map(|a| points(u).map(move |b| (a, b)))
                        .map(|(a, b)| model.problem.matrix.drive(a, b).seconds)
                        .min()
                        .unwrap_or(u32::MAX);
                    (seconds, j)
                })
                .collect();
            near.sort_unstable();
            near.iter().take(size.saturating_sub(1)).fold(1u128 << i, |mask, &(_, j)| mask | 1 << j)
        })
        .collect()
}

/// The candidate bits of the visits the day ending at `last` makes more than once.
fn repeated_visits(model: &Model, bit: &[u128], labels: &[Label], last: &Label) -> u128 {
    let (mut seen, mut twice) = (0u128, 0u128);
    for event in events_of(labels, last) {
        if let Event::Visit(n) = event {
            let mask = 1u128 << bit[model.nodes[n].visit];
            twice |= seen & mask;
            seen |= mask;
        }
    }
    twice
}

/// One labelling search of worker `w`'s days over `candidates`, labels remembering `ng`.
fn label_days(
    model: &Model,
    duals: &Duals,
    w: usize,
    effort: Effort,
    candidates: &Candidates,
    ng: &[u128],
    stop: &dyn Fn() -> bool,
) -> Found {
    let worker = &model.workers[w];
    let weights = model.weights;
    let sigma = duals.worker[w];
    let eps = 1e-7;
    let (nodes, bit) = (&candidates.nodes, &candidates.bit);
    // The pool shapes a trip's schedule when its rows have a price or the hub has instants with
    // no car (an outage): a later departure, or a later window of a place, may then be worth
    // its later return, so labels compare more than time and cost.
    let car_priced = worker.hub.is_some_and(|h| {
        let capacity = &model.hub_capacity[h];
        duals.car[h].iter().any(|d| *d < -eps)
            || (capacity.contains(&0) && capacity.iter().any(|&c| c > 0))
    });
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
    // The reduced costs of the best days completed, at most `effort.columns`, ascending; a
    // label that cannot beat the last of them once there are that many is cut.
    let mut tops: Vec<f64> = Vec::new();
    let mut cutoff = 0.0f64;

    let dominates = |a: &Label, b: &Label| -> bool {
        a.time <= b.time
            && a.cost <= b.cost + 1e-9
            && a.memory & !b.memory == 0
            && (a.n <= b.n || b.n >= fair_share)
            && a.load <= b.load
            && (a.mode != Mode::Pool || !a.open || a.km <= b.km + 1e-9)
            && (!car_priced
                || !a.open
                || a.mode != Mode::Pool
                || (a.latest_depart >= b.latest_depart && a.busy <= b.busy))
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
        memory: 0,
        n: 0,
        load: 0,
        km: 0.0,
        busy: 0,
        depart: worker.shift.0,
        latest_depart: u32::MAX,
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
                  cutoff: f64|
     -> Option<usize> {
        if label.cost - sigma - candidates.left(&label, &worker.intervals, shift_end)
            >= cutoff - eps
        {
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
        if label.cost - sigma - candidates.left(&label, &worker.intervals, shift_end)
            >= cutoff - eps
        {
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
                        cutoff,
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
            if label.memory >> bit[v] & 1 == 1 {
                continue;
            }
            let leg = model.leg(label.mode, label.at, node.point);
            if !model.leg_ok(label.mode, leg) {
                continue;
            }
            let arrive = label.time + leg.seconds;
            // Each window of the place open at arrival, for a pool trip whose car shapes it;
            // elsewhere a later window only makes the same day later.
            let windows = if car_priced && label.mode == Mode::Pool { usize::MAX } else { 1 };
            let starts = node.starts.iter().filter(|&&(_, latest)| latest >= arrive);
            for (start, latest) in starts.take(windows).map(|&(e, l)| (e.max(arrive), l)) {
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
                let next = Label {
                    parent: idx,
                    event: Event::Visit(n),
                    at: node.point,
                    node: Some(i),
                    time: end,
                    cost,
                    memory: (label.memory & ng[bit[v] as usize]) | 1 << bit[v],
                    n: n_made,
                    load,
                    km,
                    busy: busy + visit.duration,
                    depart,
                    latest_depart,
                    dead: false,
                    ..label.clone()
                };
                let key = open_key(Some(i), label.mode, label.interval, label.end);
                insert(&mut labels, &mut heap, &mut buckets, key, next, cutoff);
            }
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
            let departures = if label.mode == Mode::Pool {
                let trip = Booking {
                    earliest_back: back,
                    span: label.busy + leg.seconds,
                    latest_depart: label.latest_depart.max(label.depart),
                    last_back: close.min(day_end),
                };
                trip.departures(&model.hub_capacity[hub], &duals.car[hub])
            } else {
                vec![(0, back, 0.0)]
            };
            for (leave, back, charge) in departures {
                let cost = cost + charge;
                let next = Label {
                    parent: idx,
                    event: Event::Close(e, leave),
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
                        let at = tops.partition_point(|&t| t <= rc);
                        tops.insert(at, rc);
                        tops.truncate(effort.columns);
                        if !candidates.elementary {
                            // A relaxed search is for the bound: the best day is what matters,
                            // and cutting against it keeps the search short.
                            cutoff = best;
                        } else if tops.len() == effort.columns {
                            cutoff = tops[tops.len() - 1];
                        }
                    }
                }
                insert(
                    &mut labels,
                    &mut heap,
                    &mut buckets,
                    closed_key(e, label.interval),
                    next,
                    cutoff,
                );
            }
        }
    }
    Found { labels, complete, best, truncated }
}

/// A pool trip about to close, as its earliest schedule has it.
struct Booking {
    /// The return when it leaves as early as it can.
    earliest_back: u32,
    /// Its driving and visiting time: leaving at `d`, it is back at `max(earliest_back, d + span)`.
    span: u32,
    /// The latest departure its windows allow.
    latest_depart: u32,
    /// The latest return its free interval and overtime allow.
    last_back: u32,
}

impl Booking {
    /// The departures worth trying, as `(leave, back, price)`: returns ascending and prices
    /// strictly descending, every other departure beaten on both by one of them. The first
    /// leaves as late as it can without a later return; a later one is worth its later return
    /// only just after an instant it leaves behind. Instants with no car make a departure
    /// impossible; `price` is what the car rows' duals charge (never negative).
    fn departures(&self, capacity: &[u16; N_INSTANTS], duals: &[f64]) -> Vec<(u32, u32, f64)> {
        let price = |from: u32, to: u32| -> Option<f64> {
            instants(from, to).try_fold(0.0, |sum, k| (capacity[k] > 0).then(|| sum - duals[k]))
        };
        let first = self.latest_depart.min(self.earliest_back - self.span);
        let mut found: Vec<(u32, u32, f64)> = Vec::new();
        if let Some(p) = price(first, self.earliest_back) {
            found.push((first, self.earliest_back, p));
        }
        for k in first.div_ceil(CAR_INSTANT)..N_INSTANTS as u32 {
            if found.last().is_some_and(|&(_, _, best)| best <= 1e-9) {
                break;
            }
            let leave = k * CAR_INSTANT + 1;
            let back = leave + self.span;
            if leave > self.latest_depart || back > self.last_back {
                break;
            }
            let Some(p) = price(leave, back) else { continue };
            if found.last().is_none_or(|&(_, _, best)| p < best - 1e-9) {
                found.push((leave, back, p));
            }
        }
        found
    }
}

/// What one labelling search found.
struct Found {
    labels: Vec<Label>,
    /// Completed days of negative reduced cost, with it.
    complete: Vec<(f64, Label)>,
    best: f64,
    truncated: bool,
}

impl Found {
    /// The columns of the cheapest days that make no visit twice, and the bound.
    fn priced(
        mut self,
        model: &Model,
        duals: &Duals,
        w: usize,
        effort: Effort,
        bit: &[u128],
        exact: bool,
    ) -> Priced {
        // Completed days are kept whole: a closed label that the search refused still describes
        // a feasible day.
        self.complete.sort_by(|a, b| a.0.total_cmp(&b.0));
        let mut columns: Vec<Column> = Vec::new();
        for (_, last) in &self.complete {
            if columns.len() >= effort.columns {
                break;
            }
            if repeated_visits(model, bit, &self.labels, last) != 0 {
                continue;
            }
            let Some(specs) = specs_of(&self.labels, last) else { continue };
            let Some(column) = schedule_day(model, w, &specs) else { continue };
            if reduced_cost(model, duals, &column) < -1e-7 && !columns.contains(&column) {
                columns.push(column);
            }
        }
        let min_rc = self.best.min(0.0);
        let bound = if self.truncated { f64::NEG_INFINITY } else { min_rc };
        Priced { columns, min_rc, exact: exact && !self.truncated, bound }
    }
}

/// The trips of the day ending at closed label `last` (which may not be stored in `labels`).
fn specs_of(labels: &[Label], last: &Label) -> Option<Vec<TripSpec>> {
    let mut specs = Vec::new();
    let mut current: Option<TripSpec> = None;
    for event in events_of(labels, last) {
        match event {
            Event::Root => {}
            Event::Start(mode) => current = Some(TripSpec::new(mode, End::Hub, Vec::new())),
            Event::Visit(n) => current.as_mut()?.nodes.push(n),
            Event::Close(e, leave) => {
                let mut spec = current.take()?;
                spec.to = e;
                spec.leave = leave;
                specs.push(spec);
            }
        }
    }
    Some(specs)
}

/// The events of the day ending at `last`, first to last.
fn events_of(labels: &[Label], last: &Label) -> Vec<Event> {
    let mut events = vec![last.event];
    let mut i = last.parent;
    while i != usize::MAX {
        events.push(labels[i].event);
        i = labels[i].parent;
    }
    events.reverse();
    events
}

/// The reduced cost of `column` under `duals`.
pub fn reduced_cost(model: &Model, duals: &Duals, column: &Column) -> f64 {
    let mut rc = column.cost - duals.worker[column.worker];
    for n in column.nodes() {
        rc -= duals.node[n] + duals.pair.get(&(column.worker, n)).unwrap_or(&0.0);
    }
    for (hub, k, count) in super::master::car_usage(model, column) {
        rc -= count * duals.car[hub][k];
    }
    rc
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::optimise::model::N_INSTANTS;
    use crate::optimise::sample::scattered_day;

    #[test]
    fn the_completion_table_is_an_unbounded_knapsack_by_whole_steps() {
        // An hour's shift in minutes: 25 min worth 10, 40 min worth 15 (floored to whole minutes).
        let completion = Completion::new(&[(10.0, 25 * 60 + 59), (15.0, 40 * 60)], 3600);
        assert_eq!(completion.step, 60);
        assert_eq!(completion.within(24 * 60 + 59), 0.0);
        assert_eq!(completion.within(25 * 60), 10.0);
        assert_eq!(completion.within(50 * 60), 20.0, "one item twice");
        assert_eq!(completion.within(3600), 20.0);
        assert_eq!(completion.within(100_000), 20.0, "no further than the horizon");
        let free = Completion::new(&[(1.0, 59)], 3600);
        assert_eq!(free.within(0), f64::INFINITY);
        assert_eq!(Completion::new(&[], 10_000_000).step, 10_000_000_u32.div_ceil(512));
    }

    /// A two-hour trip back at 11:00 at the earliest that may leave up to 10:00: the first
    /// departure keeps the return, later ones pay less and come back later; an instant without
    /// a car rules out every departure that holds the car over it.
    #[test]
    fn a_pool_trip_closes_at_each_departure_that_pays_less_for_its_car() {
        let at = |h: u32, m: u32| h * 3600 + m * 60;
        let k = |h: u32, m: u32| (at(h, m) / CAR_INSTANT) as usize;
        let trip = Booking {
            earliest_back: at(11, 0),
            span: 2 * 3600,
            latest_depart: at(10, 0),
            last_back: at(17, 0),
        };
        let mut duals = [0.0; N_INSTANTS];
        duals[k(9, 0)] = -5.0;
        duals[k(9, 0) + 1] = -1.0;
        let capacity = [1u16; N_INSTANTS];
        let step = CAR_INSTANT;
        assert_eq!(
            trip.departures(&capacity, &duals),
            vec![
                (at(9, 0), at(11, 0), 6.0),
                (at(9, 0) + 1, at(11, 0) + 1, 1.0),
                (at(9, 0) + step + 1, at(11, 0) + step + 1, 0.0),
            ]
        );
        let mut capacity = capacity;
        capacity[k(9, 0)] = 0;
        let departures = trip.departures(&capacity, &duals);
        assert_eq!(departures.first().map(|d| d.0), Some(at(9, 0) + 1));
        // Leaving at the latest its windows allow, before the return would slide.
        let tight = Booking { latest_depart: at(8, 30), ..trip };
        assert_eq!(
            tight.departures(&[1u16; N_INSTANTS], &duals),
            vec![(at(8, 30), at(11, 0), 6.0)]
        );
    }

    /// Duals under which each visit pays a little more than the return drive to it from the
    /// hub, and no row of a worker, car or pair pays anything.
    fn paid_a_little_more(model: &Model) -> Duals {
        Duals {
            node: (0..model.nodes.len())
                .map(|n| {
                    let leg = model.problem.matrix.drive(0, model.nodes[n].point);
                    10.0 + 2.4 * f64::from(leg.seconds) * model.weights.travel_minute / 60.0
                })
                .collect(),
            worker: vec![0.0; model.workers.len()],
            car: vec![vec![0.0; N_INSTANTS]; model.problem.hubs.len()],
            pair: Default::default(),
        }
    }

    /// The most a path of distinct visits can collect from local node `i`'s place at `time`,
    /// less its travel (driving), ending where the day ends; by trying every order.
    fn best_path(model: &Model, duals: &Duals, nodes: &[usize], i: usize, time: u32) -> f64 {
        let worker = &model.workers[0];
        let per_second = model.weights.travel_minute / 60.0;
        let day_end = worker.shift.1 + model.problem.policy.max_overtime_seconds;
        let drive = |a: usize, b: usize| model.leg(Mode::Own, a, b).seconds;
        let end = worker.point(worker.end);
        let at = model.nodes[nodes[i]].point;
        let mut best = if time + drive(at, end) <= day_end {
            -per_second * f64::from(drive(at, end))
        } else {
            f64::NEG_INFINITY
        };
        let made = model.nodes[nodes[i]].visit;
        for &n in nodes {
            let node = &model.nodes[n];
            if node.visit == made {
                continue;
            }
            let leg = drive(at, node.point);
            let Some(start) = node.earliest_start(time + leg) else { continue };
            let done = start + model.visit(node.visit).duration;
            if done > worker.shift.1 {
                continue;
            }
            // The rest of the path may not come back to a visit made: drop its nodes.
            let rest: Vec<usize> =
                nodes.iter().copied().filter(|&m| model.nodes[m].visit != made || m == n).collect();
            let k = rest.iter().position(|&m| m == n).expect("kept");
            let profit = duals.node[n] - worker.cost[node.visit].unwrap_or(f64::INFINITY);
            let on = best_path(model, duals, &rest, k, done);
            best = best.max(profit - per_second * f64::from(leg) + on);
        }
        best
    }

    /// The onward table never promises less than a real path of distinct visits can collect
    /// (its cuts keep the search exact), and it is tighter than the knapsack somewhere (else
    /// this tests nothing the knapsack does not).
    #[test]
    fn the_onward_table_promises_at_least_every_real_path() {
        let mut tighter = 0;
        for seed in 1..=5 {
            let problem = scattered_day(6, 1, seed);
            let model = Model::new(&problem);
            let duals = paid_a_little_more(&model);
            let nodes: Vec<usize> = (0..model.nodes.len())
                .filter(|&n| model.workers[0].cost[model.nodes[n].visit].is_some())
                .collect();
            let onward = Onward::new(&model, &duals, 0, &nodes).expect("visits longer than a step");
            let (open, close) = model.workers[0].shift;
            let into = shortest_legs_in(&model, 0, &nodes);
            let visits: Vec<(f64, usize)> = (0..model.problem.visits.len())
                .filter_map(|v| visit_profit(&model, &duals, 0, v).map(|p| (p, v)))
                .collect();
            let completion =
                Completion::new(&items(&model, &duals, 0, &visits, &nodes, &into), close - open);
            for i in 0..nodes.len() {
                for time in (open..close).step_by(1_234) {
                    let promised = onward.value(onward.row_of[i], time);
                    let real = best_path(&model, &duals, &nodes, i, time);
                    assert!(
                        promised >= real - 1e-9,
                        "seed {seed}, node {i} at {time}: {promised} < {real}"
                    );
                    tighter += usize::from(promised < completion.within(close - time) - 1e-9);
                }
            }
        }
        assert!(tighter > 0, "the table was never tighter than the knapsack");
    }

    fn effort(ng: usize, reruns: usize) -> Effort {
        Effort { ng, reruns, labels: 2_000_000, ..Effort::EXACT }
    }

    /// The candidates counted are those a search keeps when unlimited: every visit the worker
    /// may make that pays more than its continuity cost, none when nothing is paid.
    #[test]
    fn candidates_are_the_visits_that_pay_more_than_their_continuity_cost() {
        let problem = scattered_day(11, 1, 1);
        let model = Model::new(&problem);
        let paid = paid_a_little_more(&model);
        let makeable = model.workers[0].cost.iter().filter(|c| c.is_some()).count();
        assert_eq!(candidates(&model, &paid, 0), makeable);
        let unpaid = Duals { node: vec![0.0; model.nodes.len()], ..paid.clone() };
        assert_eq!(candidates(&model, &unpaid, 0), 0);
    }

    /// A search over the most profitable candidates only still bounds every day of the worker
    /// once it takes off what the others could add; that bound is needed (the kept candidates
    /// alone miss the cheapest day somewhere) and beats the bound needing no search somewhere.
    #[test]
    fn a_search_over_some_candidates_bounds_every_day_with_what_the_others_could_add() {
        let (mut needed, mut tighter) = (0, 0);
        for seed in 1..=6 {
            let problem = scattered_day(11, 1, seed);
            let model = Model::new(&problem);
            let duals = paid_a_little_more(&model);
            let never = || false;
            let every = price(&model, &duals, 0, effort(usize::MAX, 0), &never);
            assert!(every.exact && (every.bound - every.min_rc).abs() < 1e-9, "seed {seed}");
            let some = price(&model, &duals, 0, Effort { candidates: 4, ..effort(3, 0) }, &never);
            assert!(!some.exact, "seed {seed}: more than four candidates");
            assert!(
                some.bound <= every.min_rc + 1e-6,
                "seed {seed}: bound {} above the least reduced cost {}",
                some.bound,
                every.min_rc
            );
            needed += usize::from(some.min_rc > every.min_rc + 1e-6);
            tighter += usize::from(some.bound > weak_bound(&model, &duals, 0) + 1e-6);
        }
        assert!(needed > 0, "the kept candidates always held the cheapest day: nothing tested");
        assert!(tighter > 0, "never tighter than the bound needing no search");
    }

    /// The ng search is a relaxation: its least reduced cost is never above the elementary
    /// search's, the columns it returns are real days (no visit twice) no cheaper than the
    /// elementary minimum, and reruns only bring its minimum up towards the elementary one.
    #[test]
    fn the_ng_search_bounds_the_elementary_one_and_returns_only_real_days() {
        let mut relaxed_below = 0;
        for seed in 1..=6 {
            let problem = scattered_day(11, 1, seed);
            let model = Model::new(&problem);
            let duals = paid_a_little_more(&model);
            let never = || false;
            let elementary = price(&model, &duals, 0, effort(usize::MAX, 0), &never);
            let relaxed = price(&model, &duals, 0, effort(3, 0), &never);
            let rerun = price(&model, &duals, 0, effort(3, 8), &never);
            assert!(elementary.exact && relaxed.exact && rerun.exact, "seed {seed}");
            assert!(elementary.min_rc < 0.0, "seed {seed}: some day prices out");
            let first = elementary.columns.first().expect("the cheapest day");
            assert!((reduced_cost(&model, &duals, first) - elementary.min_rc).abs() < 1e-6);
            for found in [&relaxed, &rerun] {
                assert!(found.min_rc <= elementary.min_rc + 1e-6, "seed {seed}");
                for column in &found.columns {
                    let visits: Vec<usize> = column.nodes().map(|n| model.nodes[n].visit).collect();
                    let mut distinct = visits.clone();
                    distinct.sort_unstable();
                    distinct.dedup();
                    assert_eq!(distinct.len(), visits.len(), "seed {seed}: a visit twice");
                    assert!(reduced_cost(&model, &duals, column) >= elementary.min_rc - 1e-6);
                }
            }
            assert!(rerun.min_rc >= relaxed.min_rc - 1e-6, "seed {seed}");
            relaxed_below += usize::from(relaxed.min_rc < elementary.min_rc - 1e-6);
        }
        assert!(relaxed_below > 0, "no seed made the relaxation differ: the test tests nothing");
    }
}
