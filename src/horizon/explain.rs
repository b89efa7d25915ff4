//! From the solver's choice to the plan: assignments in order, and for each visit that will not
//! meet its deadline a reason code and a sentence a manager can act on.
//!
//! The reason is found by checks from the most to the least specific: already overdue; nobody
//! who may make it has a free slot long enough before the deadline; the pod's free minutes up to
//! the deadline are less than the minutes of its visits due by then; the hub's pool cars are
//! fully booked; otherwise earlier deadlines and pins took the room.

use super::model::{eligible, in_play, Chosen};
use super::{Assignment, Flag, HorizonInput, HorizonPlan, HorizonStatus, HorizonVisit};
use std::collections::BTreeMap;

/// Builds the plan from the solver's choice.
pub(crate) fn finish(
    input: &HorizonInput,
    chosen: Chosen,
    objective: f64,
    status: HorizonStatus,
) -> HorizonPlan {
    let first = input.days.first().copied();
    let mut assignments = Vec::new();
    let mut flags = Vec::new();
    for (visit, choice) in input.visits.iter().zip(&chosen) {
        if !in_play(input, visit) {
            continue;
        }
        let planned = choice.as_ref().map(|(day, _)| input.days[*day]);
        if let Some((day, workers)) = choice {
            let mut workers: Vec<_> =
                workers.iter().map(|&w| input.workers[w].id.clone()).collect();
            workers.sort();
            assignments.push(Assignment {
                visit: visit.id.clone(),
                child: visit.child.clone(),
                day: input.days[*day],
                workers,
                deadline: visit.deadline,
                pinned: visit.pin.is_some(),
            });
        }
        let late = planned.is_none_or(|day| day > visit.deadline);
        if late {
            let (code, reason) = reason(input, visit, &chosen);
            flags.push(Flag {
                visit: visit.id.clone(),
                child: visit.child.clone(),
                deadline: visit.deadline,
                planned,
                days_ahead: first.map_or(0, |f| (visit.deadline - f).num_days()),
                code,
                reason,
            });
        }
    }
    assignments.sort_by(|a, b| a.day.cmp(&b.day).then_with(|| a.visit.cmp(&b.visit)));
    flags.sort_by(|a, b| a.deadline.cmp(&b.deadline).then_with(|| a.visit.cmp(&b.visit)));
    HorizonPlan { days: input.days.clone(), assignments, flags, objective, status }
}

fn hours(minutes: u64) -> String {
    format!("{:.1} h", minutes as f64 / 60.0)
}

fn reason(input: &HorizonInput, visit: &HorizonVisit, chosen: &Chosen) -> (&'static str, String) {
    let deadline = visit.deadline;
    if input.days.first().is_some_and(|first| deadline < *first) {
        return ("OVERDUE", format!("already past its deadline of {deadline}"));
    }
    let by_deadline: Vec<usize> =
        input.days.iter().enumerate().filter(|(_, d)| **d <= deadline).map(|(i, _)| i).collect();
    let workers = eligible(input, visit);
    let free_any =
        workers.iter().any(|&w| by_deadline.iter().any(|&d| input.workers[w].free_minutes[d] > 0));
    if !free_any {
        return (
            "NO_STAFF",
            format!(
                "nobody in pod {} who can make it (allocated {}) has free hours on a working day \
                 up to {deadline}: leave, sickness, court or duty",
                visit.pod, visit.allocated
            ),
        );
    }
    let longest = workers
        .iter()
        .flat_map(|&w| by_deadline.iter().map(move |&d| input.workers[w].free_minutes[d]))
        .max()
        .unwrap_or(0);
    if longest < visit.minutes {
        return (
            "VISIT_TOO_LONG",
            format!(
                "the visit and its travel take {} but no one who can make it has that long free \
                 on one day up to {deadline} (at most {})",
                hours(u64::from(visit.minutes)),
                hours(u64::from(longest))
            ),
        );
    }
    let supply: u64 = workers
        .iter()
        .flat_map(|&w| {
            by_deadline.iter().map(move |&d| u64::from(input.workers[w].free_minutes[d]))
        })
        .sum();
    let demand: u64 = input
        .visits
        .iter()
        .filter(|v| v.pod == visit.pod && v.deadline <= deadline && in_play(input, v))
        .map(|v| u64::from(v.minutes) * if v.joint { 2 } else { 1 })
        .sum();
    if demand > supply {
        return (
            "POD_FULL",
            format!(
                "pod {} has {} free for visits up to {deadline} but its visits due by then need {}",
                visit.pod,
                hours(supply),
                hours(demand)
            ),
        );
    }
    // Pool cars: the hubs of the workers who could go, and how booked they are up to the deadline.
    let mut used: BTreeMap<usize, u64> = BTreeMap::new();
    for (v, choice) in chosen.iter().enumerate() {
        if let Some((day, ws)) = choice {
            if input.days[*day] > deadline {
                continue;
            }
            for &w in ws {
                let worker = &input.workers[w];
                if let Some(h) = input.hubs.iter().position(|h| h.id == worker.hub) {
                    if worker.pool_car {
                        *used.entry(h).or_default() += u64::from(input.visits[v].car_minutes);
                    }
                }
            }
        }
    }
    let drivers_only =
        workers.iter().all(|&w| input.workers[w].pool_car && !input.workers[w].own_car);
    if drivers_only {
        for &w in &workers {
            let hub = &input.workers[w].hub;
            let Some(h) = input.hubs.iter().position(|x| &x.id == hub) else { continue };
            let available: u64 =
                by_deadline.iter().map(|&d| u64::from(input.hubs[h].car_minutes[d])).sum();
            let booked = used.get(&h).copied().unwrap_or(0);
            if booked + u64::from(visit.car_minutes) > available {
                return (
                    "NO_CAR",
                    format!(
                        "the pool cars at {hub} are booked up to {deadline} ({} of {}) and no one \
                         who can make the visit may use their own car",
                        hours(booked),
                        hours(available)
                    ),
                );
            }
        }
    }
    (
        "CAPACITY",
        format!(
            "the free hours of pod {} up to {deadline} are taken by visits with earlier \
             deadlines or pinned by an officer",
            visit.pod
        ),
    )
}
