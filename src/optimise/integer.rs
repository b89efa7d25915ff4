//! The integer solve over the columns column generation found, in stages.
//!
//! A MIP over every column is slow to improve on its start (Medway: thousands of columns, and
//! in 2.8 s HiGHS did not better the rounded rota it was given, 9.6% above the LP). Most of
//! those columns are far from any good rota: with the last LP's value `z` and reduced costs
//! `rc`, a rota using column `c` costs at least `z + rc(c)`. So the search starts with the
//! columns whose reduced cost is under a small threshold (plus the incumbent's), which HiGHS
//! solves in a fraction of a second, and doubles the threshold while time is left. A column
//! with `rc(c) > best - z` cannot be in a rota cheaper than the best one found (that bound holds
//! for every rota of the pool), so once the threshold reaches `best - z` the stage is the whole
//! pool's MIP, and when it ends proven the result is the pool's optimum.

use super::colgen::days_cost;
use super::column::Column;
use super::master::{solve_mip, LpSolution};
use super::model::Model;
use super::pricing::reduced_cost;
use super::SolveError;

/// The first stage's threshold, as a share of the LP value: on Medway a tenth of a per cent
/// keeps about a tenth of the columns.
const FIRST_THRESHOLD: f64 = 0.001;

/// Chooses columns of `pool` for a rota cheaper than the one `start`'s columns make (`None`
/// when it finds none), starting from it. `lp` is the last LP solved over the pool (its duals
/// price every column); `left` says how many seconds the integer solve may still use (`None`:
/// no limit).
pub fn solve(
    model: &Model,
    pool: &[Column],
    lp: Option<&LpSolution>,
    start: &[usize],
    left: &dyn Fn() -> Option<f64>,
) -> Result<Option<Vec<usize>>, SolveError> {
    match lp {
        Some(lp) => staged(model, pool, lp, start, left, FIRST_THRESHOLD * lp.value.abs().max(1.0)),
        None => solve_mip(model, pool, start, left()),
    }
}

/// The stages, the first over the columns whose reduced cost is at most `threshold`.
fn staged(
    model: &Model,
    pool: &[Column],
    lp: &LpSolution,
    start: &[usize],
    left: &dyn Fn() -> Option<f64>,
    mut threshold: f64,
) -> Result<Option<Vec<usize>>, SolveError> {
    let cost = |chosen: &[usize]| {
        let days: Vec<Option<Column>> = chosen.iter().map(|&c| Some(pool[c].clone())).collect();
        days_cost(model, &days)
    };
    let reduced: Vec<f64> = pool.iter().map(|c| reduced_cost(model, &lp.duals, c)).collect();
    let mut best: Option<(f64, Vec<usize>)> = None;
    let mut incumbent = start.to_vec();
    loop {
        let upper = best.as_ref().map_or_else(|| cost(&incumbent), |(cost, _)| *cost);
        // Columns above `upper - z` cannot take part in a cheaper rota.
        let exact = upper - lp.value;
        if best.is_some() && exact <= 1e-9 * lp.value.abs().max(1.0) {
            // The rota found meets the LP's value: none is cheaper.
            break;
        }
        let whole = threshold >= exact;
        let kept: Vec<usize> = (0..pool.len())
            .filter(|&c| incumbent.contains(&c) || reduced[c] <= threshold.min(exact) + 1e-9)
            .collect();
        let columns: Vec<Column> = kept.iter().map(|&c| pool[c].clone()).collect();
        let begin: Vec<usize> =
            incumbent.iter().filter_map(|c| kept.iter().position(|k| k == c)).collect();
        let limit = left();
        if limit.is_some_and(|l| l <= 0.0) {
            break;
        }
        if let Some(chosen) = solve_mip(model, &columns, &begin, limit)? {
            let chosen: Vec<usize> = chosen.into_iter().map(|i| kept[i]).collect();
            let found = cost(&chosen);
            // Only a cheaper rota than the start or the last found: a stage cut short by its
            // time limit may end on a dearer one when HiGHS did not take the start (Medway at
            // 1 s and 3 s: 130,000-320,000 from a start of 11,900).
            if found < upper - 1e-9 {
                incumbent = chosen.clone();
                best = Some((found, chosen));
            }
        }
        if whole || left().is_some_and(|l| l <= 0.0) {
            break;
        }
        threshold *= 2.0;
    }
    Ok(best.map(|(_, chosen)| chosen))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::optimise::colgen;
    use crate::optimise::pricing::Effort;
    use crate::optimise::sample::{generate, one_visit_days, scattered_day};

    /// Once its threshold reaches the incumbent's distance from the LP, the staged search is
    /// the whole pool's MIP: with no time limit it ends at the same optimum, however far off
    /// its first stage starts.
    #[test]
    fn the_staged_search_ends_at_the_whole_pools_optimum() {
        for seed in 1..=4 {
            let problem = scattered_day(16, 4, seed);
            let model = Model::new(&problem);
            // Every one-visit day, a few rounds of pricing, and a start with every visit left out.
            let mut pool = one_visit_days(&model);
            let lp = generate(&model, &mut pool, 6, Effort::HEURISTIC);
            let start: Vec<usize> = Vec::new();
            let cost = |chosen: &[usize]| {
                let days: Vec<Option<Column>> =
                    chosen.iter().map(|&c| Some(pool[c].clone())).collect();
                colgen::days_cost(&model, &days)
            };
            let whole = solve_mip(&model, &pool, &start, None).expect("a MIP").expect("a rota");
            // From a threshold that keeps only the LP's basis: many stages, the first far off.
            let staged =
                staged(&model, &pool, &lp, &start, &|| None, 1e-6).expect("a MIP").expect("a rota");
            assert!((cost(&whole) - cost(&staged)).abs() < 1e-6, "seed {seed}");
            assert!(cost(&staged) <= cost(&start) + 1e-9, "seed {seed}");
        }
    }
}
