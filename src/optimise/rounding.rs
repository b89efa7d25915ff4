//! A rota from the LP master's fractional solution, in milliseconds.
//!
//! On a whole service day the restricted master's LP is near its optimum within a second, but
//! the integer solve over thousands of columns may not beat the construction heuristic in the
//! time left (HiGHS needs its branching to find a first good incumbent). Rounding turns the LP's
//! own choice into a rota at once: the columns the LP uses most, taken greedily while they make
//! no visit twice and fit the pool; joint visits only with both workers ([`pack`]); then the
//! visits left over go in by the heuristic's cheapest insertion (in `colgen`, which decides
//! when that is worth its time). It is one more candidate for `plan_day`,
//! and the integer solve's starting point when it is the cheaper one.

use super::column::{schedule_day, Column, TripSpec};
use super::heuristic::CarBook;
use super::model::Model;

/// The rota the master's column values `x` (one per column of `pool`) pick, before the visits
/// they leave out ([`left_out`]) are filled in: cheap enough to try on every LP.
pub fn pack(model: &Model, pool: &[Column], x: &[f64]) -> Vec<Option<Column>> {
    let mut order: Vec<usize> = (0..x.len()).filter(|&c| x[c] > 1e-6).collect();
    order.sort_by(|&a, &b| x[b].total_cmp(&x[a]).then(pool[a].cost.total_cmp(&pool[b].cost)));
    let n_visits = model.problem.visits.len();
    let mut days: Vec<Option<Column>> = vec![None; model.workers.len()];
    let mut book = CarBook::new(model);
    // Ordinary visits: made or not. Joint visits: the node chosen and how many workers use it.
    let mut made = vec![false; n_visits];
    let mut joint: Vec<Option<(usize, u8)>> = vec![None; n_visits];
    for c in order {
        let column = &pool[c];
        if days[column.worker].is_some() || !book.fits(model, column) {
            continue;
        }
        let free = column.nodes().all(|n| {
            let v = model.nodes[n].visit;
            if model.visit(v).joint {
                joint[v].is_none_or(|(node, count)| node == n && count < 2)
            } else {
                !made[v]
            }
        });
        if !free {
            continue;
        }
        for n in column.nodes() {
            let v = model.nodes[n].visit;
            if model.visit(v).joint {
                joint[v] = Some((n, joint[v].map_or(1, |(_, count)| count + 1)));
            } else {
                made[v] = true;
            }
        }
        book.record(model, column);
        days[column.worker] = Some(column.clone());
    }
    // A joint visit one worker turned up for is not made: take it out of that worker's day.
    for state in &joint {
        if let Some((node, 1)) = *state {
            let w = days
                .iter()
                .flatten()
                .find(|c| c.nodes().any(|n| n == node))
                .map(|c| c.worker)
                .expect("the column that took the node");
            days[w] = days[w].take().and_then(|c| without(model, &c, node));
        }
    }
    days
}

/// The visits `days` do not make.
pub fn left_out(model: &Model, days: &[Option<Column>]) -> Vec<usize> {
    let mut made = vec![false; model.problem.visits.len()];
    for n in days.iter().flatten().flat_map(|c| c.nodes()) {
        made[model.nodes[n].visit] = true;
    }
    (0..made.len()).filter(|&v| !made[v]).collect()
}

/// `column` without `node`, rescheduled; `None` when nothing is left or it no longer schedules.
pub fn without(model: &Model, column: &Column, node: usize) -> Option<Column> {
    let specs: Vec<TripSpec> = column
        .trips
        .iter()
        .map(|t| TripSpec {
            mode: t.mode,
            to: t.to,
            nodes: t.nodes().filter(|&n| n != node).collect(),
        })
        .filter(|spec| !spec.nodes.is_empty())
        .collect();
    if specs.is_empty() {
        return None;
    }
    schedule_day(model, column.worker, &specs)
}
