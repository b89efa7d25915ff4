//! Ruin and recreate: the local search's last and widest move, for the time left after
//! `improve`'s moves stop finding anything.
//!
//! Day elimination and relocation settle in a local optimum where every single move costs more;
//! rotas on long days (the Solomon benchmark: 10 to 30 stops a vehicle) keep whole routes a
//! better rota would not need. Each step here removes a few *strings* of consecutive visits from
//! the days around one seed visit (the seed's nearest neighbours, so the removed visits can
//! swap between days) and puts them back by cheapest insertion in a random order, after Slack
//! Induction by String Removals (Christiaens and Vanden Berghe, Transportation Science 2020).
//! Each result is judged after cars are assigned, and accepted by simulated annealing (a dearer
//! rota sometimes, to leave a local optimum); the cheapest rota seen is what is returned.
//!
//! The random numbers come from a generator seeded here, so a run is repeatable for the same
//! number of steps; how many steps fit is the caller's stop.

use super::column::{schedule_day, Column};
use super::heuristic::{reinsert, Trips};
use super::improve::Cost;
use super::model::Model;
use super::rounding::left_out;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// The most visits one step removes, on average about half of it.
const MOST_REMOVED: usize = 20;
/// The longest string removed from one trip.
const LONGEST_STRING: usize = 10;

/// Improves `days` in place until `stop`; returns whether the rota got cheaper. `spent` says
/// what fraction of the search's time is gone (`None` without a clock: the search then makes
/// [`UNTIMED_STEPS`] steps), which cools the acceptance. The search also ends once its best
/// rota costs `floor` (a proven lower bound: nothing cheaper exists), or once it is within
/// [`STALL_GAP`] of the floor and has not improved for [`STALL_STEPS_PER_VISIT`] steps per
/// movable visit, so a day the search has settled is returned without waiting for the time
/// limit. `found` sees each cheaper rota as it is found (the side search hands them to column
/// generation).
pub fn ruin_and_recreate(
    model: &Model,
    days: &mut [Option<Column>],
    floor: f64,
    stop: &dyn Fn() -> bool,
    spent: &dyn Fn() -> Option<f64>,
    found: &dyn Fn(&[Option<Column>]),
) -> bool {
    let movable = movable(model);
    if movable.len() < 2 || days.iter().all(Option::is_none) {
        // Nothing to ruin: every step would remove nothing.
        return false;
    }
    let near = neighbours(model, &movable);
    let unit = travel_per_visit(model, days);
    let mut rng = ChaCha8Rng::seed_from_u64(0x5eed);
    let mut best = Cost::of(model, days);
    let mut current = (days.to_vec(), best);
    let mut improved = false;
    let stall = UNTIMED_STEPS.max(STALL_STEPS_PER_VISIT * movable.len());
    let mut last_gain = 0;
    for step in 0.. {
        let fraction = spent().unwrap_or(step as f64 / UNTIMED_STEPS as f64);
        let settled = best.after_cars <= floor + 1e-9 * floor.abs().max(1.0);
        let stalled = step - last_gain > stall && best.after_cars <= floor * (1.0 + STALL_GAP);
        if fraction >= 1.0 || settled || stalled || stop() {
            break;
        }
        let seed = movable[rng.gen_range(0..movable.len())];
        let mut trial = current.0.clone();
        let mut removed = ruin(model, &mut trial, &near[seed], &mut rng);
        if removed.is_empty() {
            continue;
        }
        // Visits the rota left out go back in too, or a visit the integer solve dropped would
        // never return (one overdue visit, 10,000 on the Medway day, in one 3 s run of four).
        // Only those among the seed's nearest, where the ruin freed room: every step trying
        // every one of them cost five times Medway 17 ms a step (477 steps in 8 s; each such
        // visit tried at every worker who may make it), against 1.9 ms so; Medway 0.38 ms
        // against 0.29 ms. Seeds fall everywhere, so each one is tried again often enough.
        let reach = &near[seed][..near[seed].len().min(LEFT_OUT_REACH)];
        removed.extend(
            left_out(model, &current.0)
                .into_iter()
                .filter(|&v| placeable(model, v) && (model.visit(v).joint || reach.contains(&v))),
        );
        removed.shuffle(&mut rng);
        reinsert(model, &mut trial, &removed, Trips::Any, stop);
        if stop() {
            // A recreate cut short leaves visits out: never judge it.
            break;
        }
        // Annealing: a dearer rota may replace the current one, less and less likely as the
        // temperature falls from HOT to COLD (in travel cost per visit).
        let temperature = unit * HOT * (COLD / HOT).powf(fraction);
        let margin = -temperature * (1.0 - rng.gen::<f64>()).ln();
        let (rota, cost) = &mut current;
        if cost.keep(model, rota, trial, margin) && cost.after_cars < best.after_cars - 1e-6 {
            best = *cost;
            days.clone_from_slice(rota);
            found(days);
            improved = true;
            last_gain = step;
        }
    }
    improved
}

/// The visits a step may move: joint visits stay with their partner's day (taking one out of a
/// day would leave its partner alone).
pub(super) fn movable(model: &Model) -> Vec<usize> {
    (0..model.problem.visits.len())
        .filter(|&v| !model.visit(v).joint && placeable(model, v))
        .collect()
}

/// Whether visit `v` has a place to be made at all.
fn placeable(model: &Model, v: usize) -> bool {
    !model.visit_nodes[v].is_empty()
}

/// How many of the seed's nearest visits a step puts back when the rota left them out.
const LEFT_OUT_REACH: usize = 2 * MOST_REMOVED;

/// Steps of a search without a clock (tests, deterministic runs).
pub const UNTIMED_STEPS: usize = 300;
/// Steps without a better rota, per movable visit, after which a search near its floor ends.
const STALL_STEPS_PER_VISIT: usize = 50;
/// How near its floor (a fraction of it) a search must be for a stall to end it. Far from it
/// the annealing, still warm, often finds more: Solomon days, whose only bound is a weak
/// Lagrangian one, stopped at 7 of their 10 s; running to the limit took the mean gap to the
/// best known from 1.86% to 1.38% over the instances at their vehicle count (one full run
/// each; BENCHMARKS.md).
const STALL_GAP: f64 = 0.01;
/// The starting temperature, in travel cost per visit made.
const HOT: f64 = 5.0;
/// The final temperature.
const COLD: f64 = 0.05;

/// The rota's travel cost (without the cost per trip) per visit made: the scale of a step's
/// change, whatever the weights' units. At least 1, for a rota without travel.
fn travel_per_visit(model: &Model, days: &[Option<Column>]) -> f64 {
    let (travel, visits) = travel(model, days);
    if visits == 0 || travel <= 0.0 {
        1.0
    } else {
        travel / visits as f64
    }
}

/// The rota's travel cost (without the cost per trip) and the number of visits it makes.
pub(super) fn travel(model: &Model, days: &[Option<Column>]) -> (f64, usize) {
    let (mut travel, mut visits) = (0.0, 0);
    for trip in days.iter().flatten().flat_map(|c| &c.trips) {
        travel += model.travel_cost(trip.mode, trip.travel, trip.km) - model.weights.trip;
        visits += trip.stops.len();
    }
    (travel, visits)
}

/// For each movable visit, the movable visits by distance from it (itself first), by their first
/// places' drive in km.
pub(super) fn neighbours(model: &Model, movable: &[usize]) -> Vec<Vec<usize>> {
    let point = |v: usize| model.nodes[model.visit_nodes[v][0]].point;
    let mut near = vec![Vec::new(); model.problem.visits.len()];
    for &v in movable {
        let mut others: Vec<(f64, usize)> = movable
            .iter()
            .map(|&u| {
                (if u == v { -1.0 } else { model.problem.matrix.drive(point(v), point(u)).km }, u)
            })
            .collect();
        others.sort_by(|a, b| a.0.total_cmp(&b.0));
        near[v] = others.into_iter().map(|(_, u)| u).collect();
    }
    near
}

/// Removes strings of visits from the trips of `near`'s visits, in its order, until a random
/// number of visits are out; returns them.
pub(super) fn ruin(
    model: &Model,
    days: &mut [Option<Column>],
    near: &[usize],
    rng: &mut ChaCha8Rng,
) -> Vec<usize> {
    let target = rng.gen_range(1..=MOST_REMOVED);
    let mut removed: Vec<usize> = Vec::new();
    let mut ruined: Vec<(usize, usize)> = Vec::new();
    for &v in near {
        if removed.len() >= target {
            break;
        }
        if removed.contains(&v) {
            continue;
        }
        let Some((w, t, at)) = find(model, days, v) else { continue };
        if ruined.contains(&(w, t)) {
            continue;
        }
        ruined.push((w, t));
        let Some(column) = &days[w] else { continue };
        let mut specs = column.specs();
        let trip = &mut specs[t].nodes;
        let length = rng.gen_range(1..=trip.len().min(LONGEST_STRING).min(target - removed.len()));
        // A string of `length` containing position `at`, starting anywhere that allows.
        let first = rng.gen_range(at.saturating_sub(length - 1)..=at.min(trip.len() - length));
        let string: Vec<usize> =
            trip.drain(first..first + length).map(|n| model.nodes[n].visit).collect();
        // Joint visits stay with their partner's day.
        if string.iter().any(|&v| model.visit(v).joint) {
            continue;
        }
        specs.retain(|spec| !spec.nodes.is_empty());
        let day = if specs.is_empty() { None } else { schedule_day(model, w, &specs) };
        if day.is_none() && !specs.is_empty() {
            // Without the string the day no longer schedules (legs that break the triangle
            // inequality): all of it goes, unless it holds a joint visit.
            if column.nodes().any(|n| model.visit(model.nodes[n].visit).joint) {
                continue;
            }
            removed.extend(column.nodes().map(|n| model.nodes[n].visit));
        } else {
            removed.extend(string);
        }
        days[w] = day;
    }
    removed
}

/// Where visit `v` is made: worker, trip and position.
fn find(model: &Model, days: &[Option<Column>], v: usize) -> Option<(usize, usize, usize)> {
    days.iter().flatten().find_map(|column| {
        column.trips.iter().enumerate().find_map(|(t, trip)| {
            trip.nodes().position(|n| model.nodes[n].visit == v).map(|at| (column.worker, t, at))
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::optimise::heuristic::construct;
    use crate::optimise::rounding::{made, without};
    use crate::optimise::sample::scattered_day;

    /// Each day is what its own trips schedule to, and no visit is made twice.
    fn assert_sound(model: &Model, days: &[Option<Column>]) {
        let mut made = Vec::new();
        for (w, day) in days.iter().enumerate() {
            let Some(column) = day else { continue };
            assert_eq!(column.worker, w);
            assert_eq!(schedule_day(model, w, &column.specs()).as_ref(), Some(column));
            made.extend(column.nodes().map(|n| model.nodes[n].visit));
        }
        let count = made.len();
        made.sort_unstable();
        made.dedup();
        assert_eq!(made.len(), count, "a visit made twice");
    }

    /// From the construction heuristic's rota, an untimed run is repeatable, returns sound days
    /// and never a dearer rota, and says whether it found a cheaper one.
    #[test]
    fn ruin_and_recreate_only_ever_returns_a_sound_rota_no_dearer_than_it_got() {
        let mut cheaper = 0;
        for seed in 1..=4 {
            let problem = scattered_day(16, 3, seed);
            let model = Model::new(&problem);
            let start = construct(&model).days;
            let before = Cost::of(&model, &start).after_cars;
            let run = || {
                let mut days = start.clone();
                let better = ruin_and_recreate(
                    &model,
                    &mut days,
                    f64::NEG_INFINITY,
                    &|| false,
                    &|| None,
                    &|_| {},
                );
                (better, days)
            };
            let (better, days) = run();
            assert_eq!(run().1, days, "seed {seed}: the same steps give the same rota");
            assert_sound(&model, &days);
            let after = Cost::of(&model, &days).after_cars;
            assert!(after <= before + 1e-6, "seed {seed}: {after} > {before}");
            assert_eq!(better, after < before - 1e-6, "seed {seed}");
            cheaper += usize::from(better);
        }
        assert!(cheaper > 0, "no seed improved on the construction: the test tests nothing");
    }

    /// A visit the rota leaves out is offered a place again: nothing else would put it back
    /// (the integer solve once dropped an overdue visit this way on the Medway day). On a day
    /// of more visits than a step reaches, the steps whose seeds are near it do.
    #[test]
    fn a_visit_left_out_goes_back_in() {
        for (seed, visits) in [(1, 16), (2, 16), (3, 3 * LEFT_OUT_REACH), (4, 3 * LEFT_OUT_REACH)] {
            let problem = scattered_day(visits, 3 + visits / 8, seed);
            let model = Model::new(&problem);
            let mut days = construct(&model).days;
            let column = days.iter().flatten().next().expect("a day").clone();
            let node = column.nodes().next().expect("a visit");
            let visit = model.nodes[node].visit;
            days[column.worker] = without(&model, &column, node);
            assert!(!made(&model, &days)[visit]);
            ruin_and_recreate(&model, &mut days, f64::NEG_INFINITY, &|| false, &|| None, &|_| {});
            assert!(made(&model, &days)[visit], "seed {seed}: visit {visit} still out");
            assert_sound(&model, &days);
        }
    }

    /// The stop is obeyed at once, and an empty rota has nothing to ruin.
    #[test]
    fn a_stopped_or_empty_search_changes_nothing() {
        let problem = scattered_day(16, 3, 1);
        let model = Model::new(&problem);
        let start = construct(&model).days;
        let mut days = start.clone();
        assert!(!ruin_and_recreate(
            &model,
            &mut days,
            f64::NEG_INFINITY,
            &|| true,
            &|| None,
            &|_| {}
        ));
        assert_eq!(days, start);
        let mut empty = vec![None; start.len()];
        assert!(!ruin_and_recreate(
            &model,
            &mut empty,
            f64::NEG_INFINITY,
            &|| false,
            &|| Some(0.5),
            &|_| {}
        ));
        assert!(empty.iter().all(Option::is_none));
    }
}
