//! Why a visit is left out: a stable code and a sentence an officer can act on, found by asking
//! the simplest question that fails (nobody qualified, nobody free in the window, no car, a full
//! day) rather than by reading solver internals.
//!
//! "Full" is asked of the rota as it stands, twice: does the visit fit anyone's day with the
//! pool's cars as booked (then only the time limit kept it out), and does it fit anyone's day
//! were a car free (then the pool is what is short, not the staff). The fleet manager's count of
//! cars needed reads these codes: on Medway's 23 November the first rota left five after-school
//! visits out as "every worker fully booked" while half the workers had a free afternoon and
//! all but one of the 25 cars were out.

use super::cars;
use super::column::{schedule_day, Column, TripSpec};
use super::heuristic::{best_insertion, insertion_with_cars, CarBook, Insertion, Trips};
use super::model::{Mode, Model};
use crate::domain::TimeOfDay;

/// The reason visit `v` is left out of `days` (whose pool bookings are `book`). `car_reason` is
/// what car assignment said, if it dropped it.
pub fn explain(
    model: &Model,
    days: &[Option<Column>],
    book: &CarBook,
    v: usize,
    car_reason: Option<(&'static str, String)>,
) -> (&'static str, String) {
    let visit = model.visit(v);
    let eligible: Vec<usize> =
        (0..model.workers.len()).filter(|&w| model.workers[w].cost[v].is_some()).collect();
    if eligible.is_empty() {
        if let Some(worker) = visit.pin.as_ref().and_then(|p| p.worker.as_ref()) {
            return (
                "PINNED_WORKER_ABSENT",
                format!("pinned to {worker}, who is not available for it today"),
            );
        }
        if let Some(skill) = &visit.skill {
            return ("NO_SKILL", format!("needs skill {skill}: no qualified worker available"));
        }
        return ("NO_WORKER", "no worker is available today".into());
    }
    if visit.joint && eligible.len() < 2 {
        return ("JOINT_ONE_WORKER", "joint visit: only one worker free".into());
    }
    let windows = windows_text(model, v);
    if model.visit_nodes[v].is_empty() {
        return (
            "NO_WINDOW",
            format!("no window long enough for a {}-minute visit", visit.duration / 60),
        );
    }
    // Could anyone make it on an otherwise empty day?
    let mut free_at_node = vec![0usize; model.visit_nodes[v].len()];
    for &w in &eligible {
        for (i, &n) in model.visit_nodes[v].iter().enumerate() {
            let worker = &model.workers[w];
            let feasible = worker.modes.iter().any(|&mode| {
                let to = worker.end;
                schedule_day(model, w, &[TripSpec::new(mode, to, vec![n])]).is_some()
            });
            if feasible {
                free_at_node[i] += 1;
            }
        }
    }
    let need = if visit.joint { 2 } else { 1 };
    if free_at_node.iter().all(|&k| k < need) {
        if visit.joint && free_at_node.contains(&1) {
            return (
                "JOINT_ONE_WORKER",
                format!("joint visit: only one worker free between {windows}"),
            );
        }
        return (
            "NO_WORKER_FREE",
            format!("no worker of pod {} free between {windows}", visit.pod),
        );
    }
    if let Some(reason) = car_reason {
        return reason;
    }
    match insertion_with_cars(model, days, book, v) {
        Some(Insertion::Fits(w, _)) => {
            return (
                "NOT_REACHED",
                format!(
                    "{} could still make it: the search stopped at its time limit first",
                    model.problem.workers[w].id
                ),
            )
        }
        Some(Insertion::CarsDrop(code, reason)) => return (code, reason),
        None => {}
    }
    if visit.deadline > model.problem.date {
        return (
            "DEFERRED",
            format!(
                "left for a later day: its deadline is {} and the rota found is cheaper without it",
                visit.deadline
            ),
        );
    }
    // Would a free car let someone make it? Each worker asked with the pool to themselves (not
    // of a joint visit: one worker's day says nothing of the pair's).
    let alone = CarBook::new(model);
    for &w in eligible.iter().filter(|_| !visit.joint) {
        let fits = model.visit_nodes[v]
            .iter()
            .find_map(|&n| best_insertion(model, days, &alone, w, n, f64::INFINITY, Trips::Any));
        let Some((_, column)) = fits else { continue };
        let needs_car = column.trips.iter().find(|t| {
            t.mode == Mode::Pool && t.stops.iter().any(|s| model.nodes[s.node].visit == v)
        });
        if let (Some(trip), Some(hub)) = (needs_car, model.workers[w].hub) {
            if book.cars_free(model, &column) {
                // A car is free then, but the day's other trips leave none with the charge.
                return cars::charge_reason(model, hub, trip.km);
            }
            return (
                "NO_CAR_FREE",
                format!(
                    "all {} cars at {} booked or out of service between {} and {}, when {} is free",
                    model.hub_cars[hub].len(),
                    model.problem.hubs[hub].id,
                    TimeOfDay(trip.depart),
                    TimeOfDay(trip.back),
                    model.problem.workers[w].id
                ),
            );
        }
    }
    // Counted as those who could make it on an empty day, not all the eligible: on a large
    // council everyone is eligible ("anyone"), and "549 of them fully booked" misled.
    let could = free_at_node.iter().max().copied().unwrap_or(0);
    (
        "NO_TIME",
        format!(
            "every worker who could make it ({could} of them) is fully booked between {windows}"
        ),
    )
}

/// The visit's windows, "15:30 and 18:30" style for one, listed for several.
fn windows_text(model: &Model, v: usize) -> String {
    let spans: Vec<String> = model
        .visit(v)
        .places
        .iter()
        .flat_map(|p| p.windows.iter())
        .map(|w| format!("{} and {}", TimeOfDay(w.start.0), TimeOfDay(w.end.0)))
        .collect();
    if spans.is_empty() {
        "any time".into()
    } else {
        spans.join(" or ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::TimeSpan;
    use crate::optimise::heuristic::construct;
    use crate::optimise::rounding::left_out;
    use crate::optimise::sample::scattered_day;

    /// Two visits at the same hour, two workers, one of whom has gone home by then: the visit
    /// left out is "fully booked" for the one worker who could have made it, not for both.
    #[test]
    fn fully_booked_counts_the_workers_who_could_make_it() {
        let mut problem = scattered_day(2, 2, 1);
        let at = |h: u32| TimeOfDay(h * 3600);
        for visit in &mut problem.visits {
            visit.duration = 3600;
            visit.places[0].windows = vec![TimeSpan::new(at(11), at(12)).expect("a window")];
        }
        problem.workers[1].shift = TimeSpan::new(at(9), at(10)).expect("a shift");
        let model = Model::new(&problem);
        let days = construct(&model).days;
        let out = left_out(&model, &days);
        assert_eq!(out.len(), 1, "{days:?}");
        let book = CarBook::of(&model, &days);
        let (code, reason) = explain(&model, &days, &book, out[0], None);
        assert_eq!(code, "NO_TIME", "{reason}");
        assert!(reason.contains("(1 of them)"), "{reason}");
    }
}
