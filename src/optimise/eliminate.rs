//! Trip elimination: fewer trips, on days where one trip costs more than all the rota's travel.
//!
//! On the Solomon benchmark a vehicle (a trip) costs more than any route set's distance, so a
//! rota with one trip fewer is the better one whatever it drives. Ruin and recreate, judging each
//! step by cost, empties a trip only when one step happens to fit all of its visits elsewhere,
//! and on long routes with tight windows (R1, RC1) that almost never happens. This search takes
//! the smallest trip's visits out and then works on the visits left out rather than on cost:
//! each step ruins strings of visits near one left out and recreates without opening a trip, and
//! is kept when fewer visits are out, or when those out have been out less often (a visit often
//! left out is a hard one: it goes back first and weighs more while out). Once none is out the
//! rota has one trip fewer, and the next smallest trip goes. After the fleet minimisation of
//! Christiaens and Vanden Berghe (Transportation Science 2020), itself after the route
//! elimination of Nagata and Bräysy.
//!
//! Days where trips cost less than their travel never run it: there fewer trips is not the goal
//! by itself, and ruin and recreate's cost already weighs a trip against the travel it saves.

use super::column::{schedule_day, Column};
use super::heuristic::{reinsert, Trips};
use super::model::Model;
use super::rounding::made;
use super::ruin::{movable, neighbours, ruin, travel, UNTIMED_STEPS};
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// Takes trips out of `days` while every visit they made still fits in the others, until `spent`
/// reaches 1 (without a clock, `None`: [`UNTIMED_STEPS`] steps) or `stop`; returns whether the rota
/// has fewer trips. The rota returned makes every visit `days` made, in fewer trips or the same.
pub fn eliminate_trips(
    model: &Model,
    days: &mut [Option<Column>],
    stop: &dyn Fn() -> bool,
    spent: &dyn Fn() -> Option<f64>,
) -> bool {
    if !trips_first(model, days) {
        return false;
    }
    let near = neighbours(model, &movable(model));
    let mut rng = ChaCha8Rng::seed_from_u64(0x5eed);
    // How often each visit has been left out: the hard ones.
    let mut absences = vec![0u64; model.problem.visits.len()];
    let mut steps = 0;
    let mut fewer = false;
    let fewest = fewest_trips(model, days);
    while trips(days) > fewest {
        let Some((mut current, mut out)) = without_smallest_trip(model, days) else { break };
        // The trips each worker had once the trip went: what recreating may fill again.
        let most: Vec<usize> =
            current.iter().map(|d| d.as_ref().map_or(0, |c| c.trips.len())).collect();
        let weight = |visits: &[usize], absences: &[u64]| -> u64 {
            visits.iter().map(|&v| absences[v]).sum()
        };
        while !out.is_empty() {
            let over = match spent() {
                Some(fraction) => fraction >= 1.0,
                None => steps >= UNTIMED_STEPS,
            };
            if over || stop() {
                return fewer;
            }
            steps += 1;
            let mut trial = current.clone();
            let seed = out[rng.gen_range(0..out.len())];
            let mut back = ruin(model, &mut trial, &near[seed], &mut rng);
            back.extend(&out);
            // Random order, the visits most often out first.
            back.shuffle(&mut rng);
            back.sort_by_key(|&v| std::cmp::Reverse(absences[v]));
            reinsert(model, &mut trial, &back, Trips::AtMost(&most), stop);
            if stop() {
                return fewer;
            }
            let made = made(model, &trial);
            let left: Vec<usize> = back.into_iter().filter(|&v| !made[v]).collect();
            if left.len() < out.len() || weight(&left, &absences) < weight(&out, &absences) {
                current = trial;
                out = left;
            }
            for &v in &out {
                absences[v] += 1;
            }
        }
        days.clone_from_slice(&current);
        fewer = true;
    }
    fewer
}

/// Whether one trip costs more than all the rota's travel: then fewer trips is better whatever
/// the travel, and is worth a search of its own.
pub(super) fn trips_first(model: &Model, days: &[Option<Column>]) -> bool {
    trips(days) > 1 && model.weights.trip > travel(model, days).0
}

pub(super) fn trips(days: &[Option<Column>]) -> usize {
    days.iter().flatten().map(|c| c.trips.len()).sum()
}

/// The fewest trips that can make the visits `days` makes: where every worker carries a load
/// (the Solomon vehicles), their demand over the largest capacity. A search for a rota with
/// fewer would run to its time limit for nothing (all of C2's instances need their 3 vehicles
/// by load alone).
pub(super) fn fewest_trips(model: &Model, days: &[Option<Column>]) -> usize {
    let capacities: Option<Vec<u32>> = model.problem.workers.iter().map(|w| w.capacity).collect();
    let Some(largest) = capacities.and_then(|c| c.into_iter().max()).filter(|&c| c > 0) else {
        return 1;
    };
    let demand: u64 = days
        .iter()
        .flatten()
        .flat_map(Column::nodes)
        .map(|n| u64::from(model.visit(model.nodes[n].visit).demand))
        .sum();
    demand.div_ceil(u64::from(largest)).max(1) as usize
}

/// `days` without its trip of fewest visits (ties: the first worker's, the earliest), and the
/// visits it made; a day that no longer schedules without it loses all its visits. Days with a
/// joint visit keep their trips: moving one needs both workers' days at once.
fn without_smallest_trip(
    model: &Model,
    days: &[Option<Column>],
) -> Option<(Vec<Option<Column>>, Vec<usize>)> {
    let joint = |c: &Column| c.nodes().any(|n| model.visit(model.nodes[n].visit).joint);
    let (w, t) = days
        .iter()
        .flatten()
        .filter(|c| !joint(c))
        .flat_map(|c| c.trips.iter().enumerate().map(|(t, trip)| (trip.stops.len(), c.worker, t)))
        .min()
        .map(|(_, w, t)| (w, t))?;
    let column = days[w].as_ref()?;
    let mut specs = column.specs();
    let trip = specs.remove(t);
    let mut current = days.to_vec();
    let day = if specs.is_empty() { None } else { schedule_day(model, w, &specs) };
    let out: Vec<usize> = if day.is_none() && !specs.is_empty() {
        column.nodes().map(|n| model.nodes[n].visit).collect()
    } else {
        trip.nodes.iter().map(|&n| model.nodes[n].visit).collect()
    };
    current[w] = day;
    Some((current, out))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::optimise::sample::{assert_takes_trips_out, scattered_day, trips_first};

    fn trips_first_day(seed: u64) -> (crate::day::DayProblem, Vec<Option<Column>>) {
        trips_first(scattered_day(18, 4, seed))
    }

    #[test]
    fn eliminates_trips_and_keeps_every_visit() {
        assert_takes_trips_out(trips_first_day, |model, days| {
            eliminate_trips(model, days, &|| false, &|| None)
        });
    }

    /// Where every worker carries a load, no search goes below the trips the load needs.
    #[test]
    fn never_searches_below_the_trips_the_load_needs() {
        let (mut problem, start) = trips_first_day(1);
        for visit in &mut problem.visits {
            visit.demand = 20;
        }
        let made = start.iter().flatten().flat_map(Column::nodes).count() as u32;
        assert!(made > 10);
        let fewest = |largest: u32, others: Option<u32>| {
            let mut problem = problem.clone();
            for (w, worker) in problem.workers.iter_mut().enumerate() {
                worker.capacity = if w == 0 { Some(largest) } else { others };
            }
            fewest_trips(&Model::new(&problem), &start)
        };
        assert_eq!(fewest(1000, Some(40)), 1);
        assert_eq!(fewest(60, Some(40)), (made * 20).div_ceil(60) as usize);
        // Without a capacity for every worker, the load says nothing.
        assert_eq!(fewest(60, None), 1);
    }
}
