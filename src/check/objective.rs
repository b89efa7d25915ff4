//! The objective, term by term as `crate::day` defines it, from the checker's own tallies.

use super::Checker;
use crate::day::{DayVisit, DayWorker, Weights};

/// The rota's objective: unscheduled visits, continuity, trips, travel, own-car km, overtime
/// and visits beyond the fair share. Visits made by workers the problem does not know carry no
/// continuity cost (the rota is infeasible anyway).
pub(super) fn price(checker: &Checker<'_>) -> f64 {
    let problem = checker.problem;
    let weights = &problem.policy.weights;
    let mut total = 0.0;
    for visit in &problem.visits {
        match checker.made.get(&visit.id) {
            None => {
                total += if visit.deadline <= problem.date {
                    weights.missed_deadline
                } else {
                    weights.deferred
                };
            }
            Some(made) => {
                for m in made {
                    if let Some(worker) = checker.workers.get(&m.worker) {
                        total += continuity(weights, visit, worker);
                    }
                }
            }
        }
    }
    for (worker_id, tally) in &checker.tallies {
        let worker = checker.workers[worker_id];
        total += weights.trip * tally.trips as f64;
        total += weights.travel_minute * tally.travel_seconds as f64 / 60.0;
        total += weights.grey_km * tally.own_car_km;
        total += weights.overtime_minute * tally.overtime_seconds as f64 / 60.0;
        let beyond = tally.visits.saturating_sub(u64::from(worker.fair_share));
        total += weights.over_fair_share * beyond as f64;
    }
    total
}

/// The continuity cost of `worker` making `visit`: allocated, pod colleague, same locality,
/// anyone.
fn continuity(weights: &Weights, visit: &DayVisit, worker: &DayWorker) -> f64 {
    if worker.id == visit.allocated {
        0.0
    } else if worker.pod == visit.pod {
        weights.pod_colleague
    } else if visit.locality.as_ref() == Some(&worker.locality) {
        weights.same_locality
    } else {
        weights.anyone
    }
}
