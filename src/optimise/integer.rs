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
//!
//! On a large council no stage finds anything in the time there is; the search then goes one
//! hub at a time ([`by_hub`]), each hub's workers choosing again among their own columns with
//! everyone else's day held, cars counted exactly, and a rota is taken only where the hub's
//! cars also hold the charge for it (the MIP's rows count cars, not charge).

use super::cars;
use super::colgen::days_cost;
use super::column::Column;
use super::master::{solve_mip, CarRows, LpSolution};
use super::model::{Mode, Model};
use super::pricing::reduced_cost;
use super::rounding::made_by;
use super::SolveError;
use std::collections::BTreeMap;

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
    let Some(lp) = lp else { return solve_mip(model, pool, start, left(), CarRows::Steps) };
    let hubs = hub_groups(model);
    // Until they find a rota, the whole pool's stages leave time for the search by hub.
    let reserve = match left() {
        Some(l) if hubs.len() >= MANY_HUBS => (l * (1.0 - STAGED_SHARE)).min(MOST_RESERVED),
        _ => 0.0,
    };
    let first = FIRST_THRESHOLD * lp.value.abs().max(1.0);
    let (found, proven) = staged(model, pool, lp, start, left, first, reserve)?;
    if proven || hubs.len() < MANY_HUBS {
        return Ok(found);
    }
    let from = found.clone().unwrap_or_else(|| start.to_vec());
    Ok(by_hub(model, pool, hubs, from, left)?.or(found))
}

/// The share of the integer solve's time the whole pool's stages may take before they have found
/// a rota, where there are [`MANY_HUBS`]; the search by hub ([`by_hub`]) gets the rest, at most
/// [`MOST_RESERVED`]. Five times Medway (30 hubs) at 10 s, where the whole pool's MIP alone
/// found nothing in any run: 81,749 on average over eight runs against 85,938, and 80,045
/// against 81,207 over six more.
const STAGED_SHARE: f64 = 0.5;

/// The most seconds the whole pool's stages leave to the search by hub: about a pass over the
/// hubs at five times Medway. With half of a 60 s solve's integer time (8.5 s) left to it, the
/// whole pool's MIP, which there finds its rota late, ended 86,200 and 86,700 against 66,400
/// and 65,700 with all of it; with at most this left, 68,100 and 69,700 against 67,000 and
/// 65,700.
const MOST_RESERVED: f64 = 1.5;

/// The hubs from which the search by hub runs: with fewer, a hub's MIP is a large share of the
/// whole pool's, which finds rotas in its time. Medway (6 hubs) at 3 s, given half the time,
/// ended 11,345 on average over six runs against 11,128 with it all.
const MANY_HUBS: usize = 10;

/// The workers of each hub (those of no hub together).
fn hub_groups(model: &Model) -> Vec<Vec<usize>> {
    let mut groups: BTreeMap<Option<usize>, Vec<usize>> = BTreeMap::new();
    for (w, worker) in model.workers.iter().enumerate() {
        groups.entry(worker.hub).or_default().push(w);
    }
    groups.into_values().collect()
}

/// Improves the rota of columns `incumbent` one hub at a time ([`one_hub`]). On a large
/// council the whole pool's MIP finds nothing better than its start in the time there is (five
/// times Medway: 15,000 columns, 549 workers), while a hub's workers, who share its cars, have
/// a few hundred columns between them. Passes over the hubs go on until one changes nothing or
/// the time is gone; returns the cheaper rota, if any.
fn by_hub(
    model: &Model,
    pool: &[Column],
    hubs: Vec<Vec<usize>>,
    mut incumbent: Vec<usize>,
    left: &dyn Fn() -> Option<f64>,
) -> Result<Option<Vec<usize>>, SolveError> {
    let hubs = by_stake(model, pool, hubs, &incumbent);
    let mut upper = rota_cost(model, pool, &incumbent);
    let mut improved = false;
    let mut unchanged = 0;
    for hub in hubs.iter().cycle() {
        let limit = left();
        if unchanged >= hubs.len() || limit.is_some_and(|l| l <= 0.0) {
            break;
        }
        match one_hub(model, pool, hub, &incumbent, limit)? {
            Some((found, chosen)) if found < upper - 1e-9 => {
                (upper, incumbent, improved, unchanged) = (found, chosen, true, 0);
            }
            _ => unchanged += 1,
        }
    }
    Ok(improved.then_some(incumbent))
}

/// `hubs` with those whose workers' columns could make the dearest visits `incumbent` leaves
/// out first: a pass over every hub takes longer than the time there is at five times Medway
/// (30 hubs, 10-250 ms each), and a visit left out past its deadline costs as much as the
/// travel of a whole locality.
fn by_stake(
    model: &Model,
    pool: &[Column],
    mut hubs: Vec<Vec<usize>>,
    incumbent: &[usize],
) -> Vec<Vec<usize>> {
    let made = made_by(model, incumbent.iter().map(|&c| &pool[c]));
    let mut hub_of = vec![0; model.workers.len()];
    for (h, hub) in hubs.iter().enumerate() {
        hub.iter().for_each(|&w| hub_of[w] = h);
    }
    let mut stake = vec![vec![0.0; made.len()]; hubs.len()];
    for column in pool {
        for v in column.nodes().map(|n| model.nodes[n].visit).filter(|&v| !made[v]) {
            stake[hub_of[column.worker]][v] = model.penalty[v];
        }
    }
    let stake: Vec<f64> = stake.iter().map(|s| s.iter().sum()).collect();
    let mut order: Vec<usize> = (0..hubs.len()).collect();
    order.sort_by(|&a, &b| stake[b].total_cmp(&stake[a]));
    order.into_iter().map(|h| std::mem::take(&mut hubs[h])).collect()
}

/// The rota of columns `incumbent` with the days of `hub`'s workers chosen again by a MIP over
/// all their pool columns, everyone else's day held (and a hub worker's too where it shares a
/// joint visit with someone outside), with its cost; `None` when HiGHS found no rota or the
/// hub's cars would not hold the charge for it.
fn one_hub(
    model: &Model,
    pool: &[Column],
    hub: &[usize],
    incumbent: &[usize],
    limit: Option<f64>,
) -> Result<Option<(f64, Vec<usize>)>, SolveError> {
    let mut inside = vec![false; model.workers.len()];
    hub.iter().for_each(|&w| inside[w] = true);
    for &c in incumbent {
        let w = pool[c].worker;
        if inside[w] && shares_joint_outside(model, pool, incumbent, &inside, c) {
            inside[w] = false;
        }
    }
    let held: Vec<usize> = incumbent.iter().copied().filter(|&c| !inside[pool[c].worker]).collect();
    let made = made_by(model, held.iter().map(|&c| &pool[c]));
    let kept: Vec<usize> = (0..pool.len())
        .filter(|&c| inside[pool[c].worker] && pool[c].nodes().all(|n| !made[model.nodes[n].visit]))
        .collect();
    let columns: Vec<Column> = kept.iter().map(|&c| pool[c].clone()).collect();
    let begin: Vec<usize> = (0..kept.len()).filter(|&i| incumbent.contains(&kept[i])).collect();
    let Some(chosen) = solve_mip(model, &columns, &begin, limit, CarRows::Departures)? else {
        return Ok(None);
    };
    let chosen: Vec<usize> = held.into_iter().chain(chosen.into_iter().map(|i| kept[i])).collect();
    let charged = model.workers[hub[0]].hub.is_none_or(|h| charge_holds(model, pool, &chosen, h));
    Ok(charged.then(|| (rota_cost(model, pool, &chosen), chosen)))
}

/// Whether column `c` of `incumbent` makes a joint visit with a worker not `inside`.
fn shares_joint_outside(
    model: &Model,
    pool: &[Column],
    incumbent: &[usize],
    inside: &[bool],
    c: usize,
) -> bool {
    pool[c].nodes().filter(|&n| model.visit(model.nodes[n].visit).joint).any(|n| {
        let v = model.nodes[n].visit;
        incumbent
            .iter()
            .any(|&o| !inside[pool[o].worker] && pool[o].nodes().any(|m| model.nodes[m].visit == v))
    })
}

/// Whether the cars of `hub` hold the charge for the pool trips of the rota of pool columns
/// `chosen`. The MIP's rows count cars, not their charge, and a trip the car stage then finds
/// no charged car for goes by the worker's own car at a price the MIP never saw (Medway: a
/// 100 km trip, 201 dearer).
fn charge_holds(model: &Model, pool: &[Column], chosen: &[usize], hub: usize) -> bool {
    let trips: Vec<(u32, u32, f64)> = chosen
        .iter()
        .map(|&c| &pool[c])
        .filter(|column| model.workers[column.worker].hub == Some(hub))
        .flat_map(|column| column.trips.iter().filter(|t| t.mode == Mode::Pool))
        .map(|t| (t.depart, t.back, t.km))
        .collect();
    trips.is_empty() || cars::hub_charge_suffices(model, hub, &trips)
}

/// The objective of the rota of pool columns `chosen`.
fn rota_cost(model: &Model, pool: &[Column], chosen: &[usize]) -> f64 {
    let days: Vec<Option<Column>> = chosen.iter().map(|&c| Some(pool[c].clone())).collect();
    days_cost(model, &days)
}

/// The stages, the first over the columns whose reduced cost is at most `threshold`.
fn staged(
    model: &Model,
    pool: &[Column],
    lp: &LpSolution,
    start: &[usize],
    left: &dyn Fn() -> Option<f64>,
    mut threshold: f64,
    reserve: f64,
) -> Result<(Option<Vec<usize>>, bool), SolveError> {
    let cost = |chosen: &[usize]| rota_cost(model, pool, chosen);
    let reduced: Vec<f64> = pool.iter().map(|c| reduced_cost(model, &lp.duals, c)).collect();
    let mut best: Option<(f64, Vec<usize>)> = None;
    let mut incumbent = start.to_vec();
    // Whether the rota found is the pool's best: the whole pool's stage ended before its limit.
    let mut proven = false;
    // The seconds a stage may take: all that is left once a rota is found, less `reserve` before.
    let budget = |found: bool| left().map(|l| if found { l } else { l - reserve });
    loop {
        let upper = best.as_ref().map_or_else(|| cost(&incumbent), |(cost, _)| *cost);
        // Columns above `upper - z` cannot take part in a cheaper rota.
        let exact = upper - lp.value;
        if best.is_some() && exact <= 1e-9 * lp.value.abs().max(1.0) {
            // The rota found meets the LP's value: none is cheaper.
            proven = true;
            break;
        }
        let whole = threshold >= exact;
        let kept: Vec<usize> = (0..pool.len())
            .filter(|&c| incumbent.contains(&c) || reduced[c] <= threshold.min(exact) + 1e-9)
            .collect();
        let columns: Vec<Column> = kept.iter().map(|&c| pool[c].clone()).collect();
        let begin: Vec<usize> =
            incumbent.iter().filter_map(|c| kept.iter().position(|k| k == c)).collect();
        let limit = budget(best.is_some());
        if limit.is_some_and(|l| l <= 0.0) {
            break;
        }
        if let Some(chosen) = solve_mip(model, &columns, &begin, limit, CarRows::Steps)? {
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
        let over = budget(best.is_some()).is_some_and(|l| l <= 0.0);
        if whole || over {
            proven = whole && !over;
            break;
        }
        threshold *= 2.0;
    }
    Ok((best.map(|(_, chosen)| chosen), proven))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::day::{DayHub, DayProblem};
    use crate::domain::Endpoint;
    use crate::optimise::colgen;
    use crate::optimise::pricing::Effort;
    use crate::optimise::sample::{generate, one_visit_days, pooled_day, scattered_day};

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
            let whole = solve_mip(&model, &pool, &start, None, CarRows::Steps)
                .expect("a MIP")
                .expect("a rota");
            // From a threshold that keeps only the LP's basis: many stages, the first far off.
            let staged = staged(&model, &pool, &lp, &start, &|| None, 1e-6, 0.0)
                .expect("a MIP")
                .0
                .expect("a rota");
            assert!((cost(&whole) - cost(&staged)).abs() < 1e-6, "seed {seed}");
            assert!(cost(&staged) <= cost(&start) + 1e-9, "seed {seed}");
        }
    }

    /// [`pooled_day`] with a second hub: half the workers and a second car are based there.
    fn two_hub_day(seed: u64) -> DayProblem {
        let mut problem = pooled_day(14, 4, seed);
        problem.hubs.push(DayHub { id: "BRD".into(), point: 0 });
        let mut car = problem.cars[0].clone();
        (car.id, car.hub) = ("CAR2".into(), "BRD".into());
        problem.cars.push(car);
        for worker in problem.workers.iter_mut().skip(2) {
            worker.hub = "BRD".into();
            worker.start = Endpoint::Hub("BRD".into());
            worker.end = Endpoint::Hub("BRD".into());
        }
        problem
    }

    /// From a rota that leaves every visit out, the search by hub ends on a cheaper one that no
    /// hub's MIP improves, each hub's one car in one trip at a time and with the charge for
    /// them, also where the charge is short (a car that holds 20 km: without the charge check
    /// the MIP sends hub 0's car on more).
    #[test]
    fn the_search_by_hub_ends_where_no_hub_does_better() {
        for (seed, charge_kwh) in [(1, 40.0), (2, 40.0), (3, 4.0), (4, 4.0)] {
            let mut problem = two_hub_day(seed);
            for car in &mut problem.cars {
                car.charge_kwh = charge_kwh;
            }
            let model = Model::new(&problem);
            let mut pool = one_visit_days(&model);
            generate(&model, &mut pool, 6, Effort::HEURISTIC);
            let hubs = hub_groups(&model);
            assert_eq!(hubs.len(), 2, "seed {seed}");
            let found = by_hub(&model, &pool, hubs.clone(), Vec::new(), &|| None)
                .expect("a MIP")
                .expect("a cheaper rota");
            assert!(rota_cost(&model, &pool, &found) < rota_cost(&model, &pool, &[]));
            for hub in 0..2 {
                let trips: Vec<(u32, u32)> = found
                    .iter()
                    .map(|&c| &pool[c])
                    .filter(|c| model.workers[c.worker].hub == Some(hub))
                    .flat_map(|c| c.trips.iter().filter(|t| t.mode == Mode::Pool))
                    .map(|t| (t.depart, t.back))
                    .collect();
                for &(leaves, _) in &trips {
                    let out = trips.iter().filter(|&&(a, b)| a <= leaves && leaves < b).count();
                    assert!(out <= 1, "seed {seed}: {out} trips out of hub {hub} at {leaves}");
                }
                assert!(charge_holds(&model, &pool, &found, hub), "seed {seed}: hub {hub}");
            }
            let again = by_hub(&model, &pool, hubs, found, &|| None).expect("a MIP");
            assert!(again.is_none(), "seed {seed}: a hub did better after the search ended");
        }
    }
}
