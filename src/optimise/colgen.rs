//! The column generation loop: LP master, pricing (quick, then exact), bounds, and the final
//! integer solve over the columns found.
//!
//! Bounds. After every LP solve, `z + sum over workers of min(0, least reduced cost)` is a
//! Lagrangian (Farley) bound on every rota, because each worker makes at most one day (the
//! convexity row). Where pricing was exact the least reduced cost is the search's minimum;
//! elsewhere a weaker one needing no search is used (each visit's dual less its continuity cost,
//! summed over the positive ones). When an exact round finds no negative column the LP value
//! itself is the bound: [`BoundKind::ExactLp`]. The restricted master's value is never reported
//! as a bound before that.

use super::column::{schedule_day_from, Column};
use super::master::{solve_lp, solve_mip, Duals};
use super::model::{Mode, Model};
use super::pricing::{price, reduced_cost, weak_bound, Effort};
use super::{Progress, SolveError, SolveOptions};
use crate::domain::BoundKind;
use std::collections::BTreeSet;

/// What the loop produced.
pub struct Outcome {
    /// The integer solution's days, per worker, if the MIP found one.
    pub days: Option<Vec<Option<Column>>>,
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
) -> Result<Outcome, SolveError> {
    let mut pool: Vec<Column> = days.iter().flatten().cloned().collect();
    let start: Vec<usize> = (0..pool.len()).collect();
    let mut keys: BTreeSet<(usize, Vec<usize>, Vec<u8>)> = pool.iter().map(key).collect();
    let mut bound = 0.0f64;
    let mut bound_kind = BoundKind::Trivial;
    let mut iterations = 0;
    let mut timed_out = false;
    let mut last_duals: Option<Duals> = None;
    loop {
        if options.should_stop() {
            timed_out = true;
            break;
        }
        if iterations >= options.max_iterations {
            break;
        }
        let lp = solve_lp(model, &pool)?;
        iterations += 1;
        last_duals = Some(lp.duals.clone());
        let weak: f64 = lp.value
            + (0..model.workers.len()).map(|w| weak_bound(model, &lp.duals, w)).sum::<f64>();
        if weak > bound || bound_kind == BoundKind::Trivial {
            bound = bound.max(weak);
            bound_kind = BoundKind::Lagrangian;
        }
        let mut fresh = Vec::new();
        for w in 0..model.workers.len() {
            fresh.extend(price(model, &lp.duals, w, Effort::HEURISTIC).columns);
        }
        if fresh.is_empty() {
            if options.should_stop() {
                timed_out = true;
                break;
            }
            let mut lagrangian = lp.value;
            let mut all_exact = true;
            for w in 0..model.workers.len() {
                let priced = price(model, &lp.duals, w, Effort::EXACT);
                lagrangian += if priced.exact {
                    priced.min_rc
                } else {
                    all_exact = false;
                    weak_bound(model, &lp.duals, w).min(priced.min_rc)
                };
                fresh.extend(priced.columns);
            }
            if lagrangian > bound {
                bound = lagrangian;
                bound_kind = BoundKind::Lagrangian;
            }
            if fresh.is_empty() && all_exact {
                bound = lp.value;
                bound_kind = BoundKind::ExactLp;
                report(options, iterations, pool.len(), lp.value, bound);
                break;
            }
        }
        let mut added = 0;
        for column in fresh {
            if keys.insert(key(&column)) {
                pool.push(column);
                added += 1;
            }
        }
        report(options, iterations, pool.len(), lp.value, bound);
        if added == 0 {
            // Pricing only found columns already in the master: numerically converged, but the
            // search cannot prove it, so the bound stays Lagrangian.
            break;
        }
    }
    let mip_pool = with_later_variants(model, &pool, last_duals.as_ref(), &keys);
    let pool = mip_pool;
    let time_limit = options.remaining().map(|r| r.as_secs_f64());
    let chosen = if time_limit.is_some_and(|t| t <= 0.0) {
        None
    } else {
        solve_mip(model, &pool, &start, time_limit)?
    };
    let days = chosen.map(|chosen| {
        let mut days: Vec<Option<Column>> = vec![None; model.workers.len()];
        for c in chosen {
            days[pool[c].worker] = Some(pool[c].clone());
        }
        days
    });
    Ok(Outcome { days, bound, bound_kind, iterations, columns: pool.len() as u32, timed_out })
}

/// Variants for the integer solve of the promising columns that book pool cars: the same day
/// started later in half-hour steps. Identical for the LP (same cost, same core), they let the
/// MIP spread bookings over the day when the morning rush would need more cars than the hub has.
fn with_later_variants(
    model: &Model,
    pool: &[Column],
    duals: Option<&Duals>,
    keys: &BTreeSet<(usize, Vec<usize>, Vec<u8>)>,
) -> Vec<Column> {
    let mut out = pool.to_vec();
    let Some(duals) = duals else { return out };
    let mut seen: BTreeSet<(usize, Vec<usize>, Vec<u32>)> = BTreeSet::new();
    let _ = keys;
    for column in pool {
        if !column.trips.iter().any(|t| t.mode == Mode::Pool)
            || reduced_cost(model, duals, column) > VARIANT_RC
        {
            continue;
        }
        let specs = column.specs();
        let shift = model.workers[column.worker].shift;
        let mut ready = column.trips[0].depart + VARIANT_STEP;
        while ready < shift.1 {
            if let Some(variant) = schedule_day_from(model, column.worker, &specs, ready) {
                let departs = variant.trips.iter().map(|t| t.depart).collect();
                if seen.insert((column.worker, variant.nodes().collect(), departs)) {
                    ready = variant.trips[0].depart + VARIANT_STEP;
                    out.push(variant);
                    continue;
                }
            }
            ready += VARIANT_STEP;
        }
    }
    out
}

/// Columns within this reduced cost of the LP optimum get later variants for the MIP.
const VARIANT_RC: f64 = 1.0;
/// Variants start this many seconds apart.
const VARIANT_STEP: u32 = 30 * 60;

fn report(options: &SolveOptions, iterations: u32, columns: usize, lp_value: f64, bound: f64) {
    if let Some(progress) = options.progress {
        progress(&Progress { iterations, columns: columns as u32, lp_value, bound });
    }
}

/// Identifies a column by worker, nodes and transports.
fn key(column: &Column) -> (usize, Vec<usize>, Vec<u8>) {
    let nodes = column.nodes().collect();
    let modes = column
        .trips
        .iter()
        .map(|t| t.mode as u8)
        .chain([255])
        .chain(column.trips.iter().map(|t| t.stops.len() as u8))
        .collect();
    (column.worker, nodes, modes)
}
