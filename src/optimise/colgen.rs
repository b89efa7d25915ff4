//! The column generation loop: LP master, pricing (quick; when that finds nothing, wider for
//! the workers an exact search cannot prove; then exact, which also runs when the quick rounds'
//! columns have stopped moving the LP), bounds, and the final integer solve over the columns
//! found.
//!
//! Bounds. After every LP solve, `z + sum over workers of min(0, least reduced cost)` is a
//! Lagrangian (Farley) bound on every rota, because each worker makes at most one day (the
//! convexity row). Where pricing was exact the least reduced cost is the search's minimum; where
//! it was complete over the most profitable candidates only, that minimum less what the others
//! could add; elsewhere, or where it is weaker, a bound needing no search (a knapsack of the
//! visits' profits in the worker's free time). When an exact round finds no negative column
//! the LP value itself is the bound: [`BoundKind::ExactLp`]. The restricted master's value is
//! never reported as a bound before that. An exact round that has found [`PARTIAL_COLUMNS`]
//! columns stops pricing and counts the workers it did not reach at their weak bound; the next
//! round starts where it stopped.

use super::column::{schedule_day, Column, TripSpec};
use super::integer;
use super::master::{LpSolution, Master};
use super::model::Model;
use super::pricing::{assignment_bound, candidates, price, weak_bound, Effort};
use super::rounding::{left_out, pack, Fills};
use super::{Progress, SolveError, SolveOptions};
use crate::domain::BoundKind;
use std::collections::btree_map::Entry;
use std::collections::BTreeMap;

/// The share of the time limit column generation may use before the integer solve.
const SEARCH_SHARE: f64 = 0.6;

/// The columns after which an exact round stops pricing and goes back to the LP.
const PARTIAL_COLUMNS: usize = 300;

/// An exact round runs once the LP has fallen by less than [`STALL_SHARE`] of its value over the
/// last [`STALL_ITERATIONS`] iterations, even while the quick rounds still find columns: their
/// last columns barely move the LP (Medway: from 11,199 to 11,184 over twelve iterations and
/// 0.6 s), where the exact round that follows found days that took it to 11,005, and its bound
/// comes sooner. Medway at 10 s, six runs each: the bound within 1% of the rota at 4.2 s on
/// average, 4.9 s without (and once not at all).
const STALL_ITERATIONS: usize = 3;
const STALL_SHARE: f64 = 0.002;

/// Whether the LP values `history` (one per iteration, the last this one's) have stalled: at
/// least [`STALL_ITERATIONS`] iterations since `since`, the iteration after the last exact
/// round, and less than [`STALL_SHARE`] fallen over the last of them.
fn stalled(history: &[f64], since: usize) -> bool {
    let Some(&now) = history.last() else { return false };
    history.len() > since + STALL_ITERATIONS
        && history[history.len() - 1 - STALL_ITERATIONS] - now < STALL_SHARE * now.abs()
}

/// What the loop produced.
pub struct Outcome {
    /// The integer solution's days, per worker, if the MIP found one.
    pub days: Option<Vec<Option<Column>>>,
    /// The cheapest rota rounded from the LPs solved, if any was.
    pub rounded: Option<Vec<Option<Column>>>,
    /// The best bound.
    pub bound: f64,
    /// Its kind.
    pub bound_kind: BoundKind,
    /// Iterations.
    pub iterations: u32,
    /// Columns generated (including the heuristic's).
    pub columns: u32,
    /// Whether the stop fired before the search ended.
    pub timed_out: bool,
}

/// Runs column generation from the heuristic's `days`, then the integer solve.
pub fn solve(
    model: &Model,
    days: &[Option<Column>],
    options: &SolveOptions,
    offers: &dyn Fn() -> Vec<Vec<Option<Column>>>,
) -> Result<Outcome, SolveError> {
    let mut pool = Pool::new(model);
    let start: Vec<usize> = days.iter().flatten().filter_map(|c| pool.add(c.clone())).collect();
    for column in seed_columns(model) {
        pool.add(column);
    }
    // Column generation may use most of the budget, not all: the integer solve over the columns
    // and the car assignment need the rest, or a long search ends with the heuristic's rota.
    let search_budget = options.time_limit.mul_f64(SEARCH_SHARE);
    let stop = || {
        options.stop.is_some_and(|stop| stop())
            || options.elapsed.is_some_and(|elapsed| elapsed() >= search_budget)
    };
    let mut bound = assignment_bound(model);
    let mut bound_kind = BoundKind::Lagrangian;
    let mut iterations = 0;
    let mut timed_out = false;
    // The cheapest rota rounded from an LP so far, and its cost. Each LP rounds differently
    // (its columns and values change) and a packing's cost says nothing of its cost once filled
    // (on Medway the best packing fills to four times the best rota), so each one is filled in
    // within a time budget ([`Fills`]): on a large day one fill costs more than an LP, and the
    // search and its bound come first.
    let mut rounded: Option<(f64, Vec<Option<Column>>)> = None;
    // The cheapest rota offered (by the side search).
    let mut offered: Option<(f64, Vec<Option<Column>>)> = None;
    // The last LP solved: its duals price the pool for the integer solve.
    let mut last: Option<LpSolution> = None;
    let mut fills =
        Fills::new(options.elapsed.map(|e| e as _), search_budget, model.problem.visits.len());
    // Where the next exact round starts, so that rounds cut short price every worker in turn.
    let mut next_exact = 0;
    let n_workers = model.workers.len();
    // The LP's value at each iteration, and the iteration after the last exact round.
    let mut history: Vec<f64> = Vec::new();
    let mut since_exact = 0;
    loop {
        if stop() {
            timed_out = true;
            break;
        }
        if iterations >= options.max_iterations {
            break;
        }
        for rota in offers() {
            for column in rota.iter().flatten() {
                pool.add(column.clone());
            }
            keep_cheaper(model, &mut offered, rota);
        }
        let lp = last.insert(pool.solve()?);
        iterations += 1;
        let mut candidate = pack(model, &pool.columns, &lp.x);
        let left = left_out(model, &candidate);
        if fills.allow(left.len()) {
            fills.fill(model, &mut candidate, &left, &stop);
            keep_cheaper(model, &mut rounded, candidate);
        }
        let weak: f64 = lp.value
            + (0..model.workers.len()).map(|w| weak_bound(model, &lp.duals, w)).sum::<f64>();
        if weak > bound {
            bound = bound.max(weak);
            bound_kind = BoundKind::Lagrangian;
        }
        let mut fresh = Vec::new();
        for w in 0..model.workers.len() {
            if stop() {
                break;
            }
            fresh.extend(price(model, &lp.duals, w, Effort::HEURISTIC, &stop).columns);
        }
        if fresh.is_empty() {
            // Workers with more candidates than an exact search keeps cannot be proved by one,
            // which then only looks for columns, and slowly: on a large council the quick
            // rounds run dry far from the LP optimum (their few candidates are the best-paid
            // visits anywhere, most of them one afternoon's) while an exact search of such a
            // worker takes most of a second. A wider quick search looks first.
            for w in 0..model.workers.len() {
                if stop() {
                    break;
                }
                if candidates(model, &lp.duals, w) > Effort::EXACT.candidates {
                    fresh.extend(price(model, &lp.duals, w, Effort::WIDER, &stop).columns);
                }
            }
        }
        history.push(lp.value);
        if fresh.is_empty() || stalled(&history, since_exact) {
            if stop() {
                timed_out = true;
                break;
            }
            since_exact = history.len();
            // The quick rounds' columns join the exact round's; only the latter count towards
            // cutting it short, and only a round that found nothing at all proves the LP.
            let quick = fresh.len();
            let mut lagrangian = lp.value;
            // Exact everywhere and nothing negative left, even a day no column has (an ng
            // search's day that makes a visit twice): only then is the LP value a bound.
            let mut all_exact = true;
            let mut cut_short = false;
            for i in 0..n_workers {
                let w = (next_exact + i) % n_workers;
                if !cut_short && (stop() || fresh.len() - quick >= PARTIAL_COLUMNS) {
                    // Far from the LP optimum an exact round finds columns for most workers
                    // and costs many times a quick round (Medway: 11 s against 0.3 s, once car
                    // rows hold the trips' real departures): enough columns end it, and the
                    // workers not priced count in the bound at their bound without search.
                    cut_short = true;
                    all_exact = false;
                    next_exact = w;
                }
                if cut_short {
                    lagrangian += weak_bound(model, &lp.duals, w);
                    continue;
                }
                let priced = price(model, &lp.duals, w, Effort::EXACT, &stop);
                lagrangian += if priced.exact {
                    all_exact &= priced.min_rc >= -1e-7;
                    priced.min_rc
                } else {
                    all_exact = false;
                    weak_bound(model, &lp.duals, w).max(priced.bound).min(priced.min_rc)
                };
                fresh.extend(priced.columns);
            }
            if lagrangian > bound {
                bound = lagrangian;
                bound_kind = BoundKind::Lagrangian;
            }
            if fresh.is_empty() && all_exact {
                // Every Lagrangian bound is at most the master's LP optimum (duality), so one
                // above it means a bound that does not hold: the property tests run this.
                debug_assert!(
                    bound <= lp.value + 1e-6 * lp.value.abs().max(1.0),
                    "a Lagrangian bound {bound} above the LP optimum {}",
                    lp.value
                );
                bound = lp.value;
                bound_kind = BoundKind::ExactLp;
                report(options, iterations, pool.columns.len(), lp.value, bound);
                break;
            }
        }
        let added = fresh.into_iter().filter_map(|column| pool.add(column)).count();
        report(options, iterations, pool.columns.len(), lp.value, bound);
        if added == 0 {
            // Pricing only found columns already in the master: numerically converged, but the
            // search cannot prove it, so the bound stays Lagrangian.
            break;
        }
    }
    let generated = pool.columns.len() as u32;
    // The integer solve starts from the cheapest rota at hand: an incumbent bounds its stages.
    let mut start = start;
    let cheapest = [&rounded, &offered].into_iter().flatten().min_by(|a, b| a.0.total_cmp(&b.0));
    if let Some((_, rota)) = cheapest.filter(|(cost, _)| *cost < days_cost(model, days)) {
        start = rota.iter().flatten().map(|column| pool.index(column.clone())).collect();
    }
    let rounded = rounded.map(|(_, days)| days);
    let mut chosen = None;
    if options.remaining().is_none_or(|r| !r.is_zero()) {
        // Some of what is left stays for the local search and the car assignment after it.
        let kept = options.remaining().map(|r| r.as_secs_f64() * 0.3);
        let left = || options.remaining().zip(kept).map(|(r, kept)| r.as_secs_f64() - kept);
        chosen = integer::solve(model, &pool.columns, last.as_ref(), &start, &left)?;
    }
    let days = chosen.map(|chosen| to_days(model, &pool.columns, &chosen));
    Ok(Outcome { days, rounded, bound, bound_kind, iterations, columns: generated, timed_out })
}

/// Puts `rota` in `slot` if it is cheaper than the rota there, keeping its cost beside it.
fn keep_cheaper(
    model: &Model,
    slot: &mut Option<(f64, Vec<Option<Column>>)>,
    rota: Vec<Option<Column>>,
) {
    let cost = days_cost(model, &rota);
    if slot.as_ref().is_none_or(|(best, _)| cost < *best - 1e-9) {
        *slot = Some((cost, rota));
    }
}

/// One-visit days of every pod worker for every visit: they keep the first duals near the cost
/// of making each visit alone, instead of near the penalty of leaving it out, which would send
/// every worker's pricing after every visit.
fn seed_columns(model: &Model) -> Vec<Column> {
    let mut seeds = Vec::new();
    for v in 0..model.problem.visits.len() {
        for (w, worker) in model.workers.iter().enumerate() {
            if worker.cost[v].is_none_or(|c| c > model.weights.pod_colleague) {
                continue;
            }
            for &n in &model.visit_nodes[v] {
                let best = worker
                    .modes
                    .iter()
                    .filter_map(|&mode| {
                        schedule_day(model, w, &[TripSpec::new(mode, worker.end, vec![n])])
                    })
                    .reduce(|a, b| if b.cost < a.cost { b } else { a });
                seeds.extend(best);
            }
        }
    }
    seeds
}

/// Each worker's day from the chosen columns.
fn to_days(model: &Model, pool: &[Column], chosen: &[usize]) -> Vec<Option<Column>> {
    let mut days: Vec<Option<Column>> = vec![None; model.workers.len()];
    for &c in chosen {
        days[pool[c].worker] = Some(pool[c].clone());
    }
    days
}

/// The objective of a rota made of `days` (columns plus the penalties of visits left out).
pub fn days_cost(model: &Model, days: &[Option<Column>]) -> f64 {
    let mut covered = vec![false; model.problem.visits.len()];
    let mut cost = 0.0;
    for column in days.iter().flatten() {
        cost += column.cost;
        for n in column.nodes() {
            covered[model.nodes[n].visit] = true;
        }
    }
    cost + (0..covered.len()).filter(|&v| !covered[v]).map(|v| model.penalty[v]).sum::<f64>()
}

fn report(options: &SolveOptions, iterations: u32, columns: usize, lp_value: f64, bound: f64) {
    if let Some(progress) = options.progress {
        progress(&Progress { iterations, columns: columns as u32, lp_value, bound });
    }
}

/// The columns found, each once, in the order the master has them.
struct Pool<'m> {
    model: &'m Model<'m>,
    /// The columns.
    columns: Vec<Column>,
    /// Where each column's key is in `columns`.
    keys: BTreeMap<Key, usize>,
    /// The LP master over `columns`.
    master: Master,
}

impl<'m> Pool<'m> {
    fn new(model: &'m Model<'m>) -> Pool<'m> {
        Pool { model, columns: Vec::new(), keys: BTreeMap::new(), master: Master::new(model) }
    }

    /// Adds `column` unless the pool has it; its index if it was new.
    fn add(&mut self, column: Column) -> Option<usize> {
        let next = self.columns.len();
        match self.keys.entry(key(&column)) {
            Entry::Occupied(_) => None,
            Entry::Vacant(entry) => {
                entry.insert(next);
                self.master.add(self.model, &column);
                self.columns.push(column);
                Some(next)
            }
        }
    }

    /// Solves the master's LP from the last basis, or, when HiGHS ends a warm solve without an
    /// optimum (it did on a random day whose penalties were 10^8 times its travel costs: status
    /// `Unknown`), from scratch: a master built again from the columns.
    fn solve(&mut self) -> Result<LpSolution, SolveError> {
        self.master.solve(self.model).or_else(|_| {
            self.master = Master::new(self.model);
            for column in &self.columns {
                self.master.add(self.model, column);
            }
            self.master.solve(self.model)
        })
    }

    /// `column`'s index, added if the pool did not have it.
    fn index(&mut self, column: Column) -> usize {
        let found = self.keys.get(&key(&column)).copied();
        found.unwrap_or_else(|| self.add(column).expect("a column the pool did not have"))
    }
}

/// A column's identity: worker, nodes, and each trip's transport, length and departure (one
/// sequence of stops leaving at different times books the pool over different instants).
type Key = (usize, Vec<usize>, Vec<u32>);

fn key(column: &Column) -> Key {
    let nodes = column.nodes().collect();
    let trips =
        column.trips.iter().flat_map(|t| [t.mode as u32, t.stops.len() as u32, t.depart]).collect();
    (column.worker, nodes, trips)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::optimise::sample::scattered_day;
    use crate::optimise::{heuristic, ruin, Progress};
    use std::cell::Cell;

    /// The LP has stalled when it fell by less than a fifth of a per cent over the last three
    /// iterations, counted from the one after the last exact round.
    #[test]
    fn the_lp_stalls_when_it_barely_falls_over_three_iterations() {
        let falling = [1000.0, 990.0, 980.0, 970.0];
        assert!(!stalled(&falling, 0), "1% an iteration is no stall");
        let flat = [1000.0, 999.5, 999.0, 998.5];
        assert!(stalled(&flat, 0), "0.15% over three iterations is");
        assert!(!stalled(&flat[..3], 0), "two iterations are too few to tell");
        assert!(!stalled(&flat, 1), "nor three counted since an exact round after the first");
        assert!(!stalled(&[], 0));
    }

    /// Days offered between iterations (the side search's rotas) enter the master before its
    /// next solve, so the first LP costs no more than the rota they make, where without them it
    /// costs more.
    #[test]
    fn offered_days_enter_the_master_before_its_next_solve() {
        let problem = scattered_day(16, 4, 1);
        let model = Model::new(&problem);
        let start = heuristic::construct(&model).days;
        let mut better = start.clone();
        let none = || None;
        ruin::ruin_and_recreate(&model, &mut better, f64::NEG_INFINITY, &|| false, &none, &|_| {});
        let cost = days_cost(&model, &better);
        let first_lp = |offers: &dyn Fn() -> Vec<Vec<Option<Column>>>| {
            let value = Cell::new(None);
            let progress = |p: &Progress| {
                value.set(value.get().or(Some(p.lp_value)));
            };
            let options = SolveOptions {
                progress: Some(&progress),
                max_iterations: 1,
                ..SolveOptions::untimed()
            };
            solve(&model, &start, &options, offers).expect("an LP");
            value.get().expect("one iteration")
        };
        let offered = Cell::new(false);
        let with = first_lp(&|| {
            let again = offered.replace(true);
            std::iter::once(better.clone()).filter(|_| !again).collect()
        });
        assert!(with <= cost + 1e-6, "LP {with} above the offered rota's {cost}");
        let without = first_lp(&Vec::new);
        assert!(without > cost + 1e-6, "LP {without} without offers, rota {cost}");
    }
}
