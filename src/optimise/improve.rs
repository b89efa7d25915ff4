//! Local search on a finished rota, for the time the integer solve leaves.
//!
//! Column generation recombines the days its pricing found; when days are long (many visits
//! each, as in the Solomon benchmark) the pricing reaches few of the good ones, and the rota
//! keeps days a simple move would remove. Two moves, each kept only when the rota's cost (with
//! the penalties of visits left out) falls, until neither improves or the stop fires:
//! - **day elimination**: take a worker's whole day away and put its visits into the others'
//!   days by cheapest insertion (fewer trips, fewer vehicles);
//! - **relocation**: take one visit out of its day and put it back wherever it is cheapest.
//!
//! Joint visits stay where they are: moving one needs both workers' days at once.
//!
//! A move is judged by the rota's cost once cars are assigned: insertion keeps the count of
//! cars out within the pool but not their charge, and a move that sends a long trip out when
//! the hub's batteries are low would otherwise look cheaper and lose visits at the car stage.

use super::cars::assign_cars;
use super::colgen::days_cost;
use super::column::Column;
use super::heuristic::{reinsert, Trips};
use super::model::Model;
use super::rounding::without;

/// Improves `days` in place; returns whether anything changed.
pub fn improve(model: &Model, days: &mut [Option<Column>], stop: &dyn Fn() -> bool) -> bool {
    let mut cost = Cost::of(model, days);
    let mut changed = false;
    loop {
        let mut better = false;
        let mut order: Vec<usize> = (0..days.len()).filter(|&w| days[w].is_some()).collect();
        order.sort_by_key(|&w| days[w].as_ref().map_or(0, |c| c.nodes().count()));
        for w in order {
            if stop() {
                return changed;
            }
            let Some(column) = &days[w] else { continue };
            let visits: Vec<usize> = column.nodes().map(|n| model.nodes[n].visit).collect();
            if visits.iter().any(|&v| model.visit(v).joint) {
                continue;
            }
            let mut trial = days.to_vec();
            trial[w] = None;
            better |= keep_if_cheaper(model, days, &mut cost, trial, &visits, stop);
        }
        for v in 0..model.problem.visits.len() {
            if stop() {
                return changed || better;
            }
            if model.visit(v).joint {
                continue;
            }
            let found = days.iter().flatten().find_map(|c| {
                c.nodes().find(|&n| model.nodes[n].visit == v).map(|n| (c.worker, n))
            });
            let Some((w, node)) = found else { continue };
            let mut trial = days.to_vec();
            trial[w] = trial[w].take().and_then(|c| without(model, &c, node));
            better |= keep_if_cheaper(model, days, &mut cost, trial, &[v], stop);
        }
        changed |= better;
        if !better {
            return changed;
        }
    }
}

/// Reinserts `visits` into `trial` and makes it the rota if that is cheaper.
fn keep_if_cheaper(
    model: &Model,
    days: &mut [Option<Column>],
    cost: &mut Cost,
    mut trial: Vec<Option<Column>>,
    visits: &[usize],
    stop: &dyn Fn() -> bool,
) -> bool {
    // A move cut short by the stop leaves visits out, pays their penalty and is not kept.
    reinsert(model, &mut trial, visits, Trips::Any, stop);
    cost.keep(model, days, trial, -1e-6)
}

/// A rota's cost as the search left it and once the car stage has run on it.
#[derive(Clone, Copy)]
pub struct Cost {
    before_cars: f64,
    /// What the rota costs with cars assigned: what the search minimises.
    pub after_cars: f64,
}

impl Cost {
    /// The cost of `days`.
    pub fn of(model: &Model, days: &[Option<Column>]) -> Cost {
        Cost { before_cars: days_cost(model, days), after_cars: cost_with_cars(model, days) }
    }

    /// Makes `trial` the rota if it costs less than the rota's cost plus `margin` (negative:
    /// only a rota cheaper by that much); returns whether it did.
    pub fn keep(
        &mut self,
        model: &Model,
        days: &mut [Option<Column>],
        trial: Vec<Option<Column>>,
        margin: f64,
    ) -> bool {
        let passes = |new: f64, old: f64| new < old + margin;
        // Most moves are settled without the car stage: a move must pass before it too.
        let before_cars = days_cost(model, &trial);
        if !passes(before_cars, self.before_cars) {
            return false;
        }
        let after_cars = cost_with_cars(model, &trial);
        if !passes(after_cars, self.after_cars) {
            return false;
        }
        days.clone_from_slice(&trial);
        *self = Cost { before_cars, after_cars };
        true
    }
}

/// The cost of `days` after cars are assigned to their pool trips (on a copy: the car stage
/// may move a trip to the worker's own car or drop its visits).
fn cost_with_cars(model: &Model, days: &[Option<Column>]) -> f64 {
    let mut days = days.to_vec();
    assign_cars(model, &mut days);
    days_cost(model, &days)
}
