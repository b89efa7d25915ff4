//! Why a visit is left out: a stable code and a sentence an officer can act on, found by asking
//! the simplest question that fails (nobody qualified, nobody free in the window, no car, a full
//! day) rather than by reading solver internals.

use super::column::{schedule_day, TripSpec};
use super::model::Model;
use crate::domain::TimeOfDay;

/// The reason visit `v` is left out. `car_reason` is what car assignment said, if it dropped it.
pub fn explain(
    model: &Model,
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
    if visit.deadline > model.problem.date {
        return (
            "DEFERRED",
            format!(
                "left for a later day: its deadline is {} and the rota found is cheaper without it",
                visit.deadline
            ),
        );
    }
    (
        "NO_TIME",
        format!(
            "every worker who could make it ({} of them) is fully booked between {windows}",
            eligible.len()
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
