//! A rota from the LP master's fractional solution, in milliseconds.
//!
//! On a whole service day the restricted master's LP is near its optimum within a second, but
//! the integer solve over thousands of columns may not beat the construction heuristic in the
//! time left (HiGHS needs its branching to find a first good incumbent). Rounding turns the LP's
//! own choice into a rota at once: the columns the LP uses most, taken greedily while they make
//! no visit twice and fit the pool; joint visits only with both workers ([`pack`]); then the
//! visits left over go in by the heuristic's cheapest insertion, when [`Fills`] says that is
//! worth its time. It is one more candidate for `plan_day`,
//! and the integer solve's starting point when it is the cheaper one.

use super::column::{schedule_day, Column, TripSpec};
use super::heuristic::{reinsert, CarBook, Trips};
use super::model::Model;
use std::time::Duration;

/// The share of the search's time that filling packings may take, both so far (before the next
/// one is filled) and in all: on Medway a fill costs about as much as an LP and every LP is
/// rounded; on a day ten times its size one fill of the first LP would take seconds.
const FILL_SHARE: f64 = 0.6;

/// The most visits a packing may leave out and still be filled in. Medway's packings leave 7 to
/// 35 of 144 out and fill in 30-60 ms; the first packing of a day ten times larger leaves 268 out
/// and filling them took longer than the rest of the search, to a rota no better than the
/// construction heuristic's.
const FILL_MAX_LEFT: usize = 60;

/// How much longer inserting a visit into a packing's full days takes than inserting it during
/// the construction heuristic, which starts from empty days: about 20 on Medway (4 ms against
/// 0.2 ms), about 10 on a day ten times larger. The larger keeps the first estimate cautious.
const FILL_OVER_CONSTRUCTION: f64 = 20.0;

/// The time column generation spends filling packings in: which fills to make, and when to
/// cut one short (it then leaves visits out and pays their penalty). Without the caller's
/// stopwatch every packing within [`FILL_MAX_LEFT`] is filled.
pub struct Fills<'a> {
    elapsed: Option<&'a dyn Fn() -> Duration>,
    /// The stopwatch when the search began: the construction heuristic's time, near enough.
    began: Duration,
    /// The most all fills may take.
    budget: Duration,
    /// What they have taken.
    spent: Duration,
    /// How many fills, and how many visits they tried to put back.
    made: usize,
    tried: usize,
    visits: usize,
}

impl<'a> Fills<'a> {
    /// The fills of a search that may run until `search_budget` on the `elapsed` stopwatch, over
    /// a day of `visits` visits.
    pub fn new(
        elapsed: Option<&'a dyn Fn() -> Duration>,
        search_budget: Duration,
        visits: usize,
    ) -> Fills<'a> {
        let began = elapsed.map(|elapsed| elapsed()).unwrap_or_default();
        let budget = search_budget.saturating_sub(began).mul_f64(FILL_SHARE);
        Fills { elapsed, began, budget, spent: Duration::ZERO, made: 0, tried: 0, visits }
    }

    fn searching(&self) -> Duration {
        self.elapsed.map(|elapsed| elapsed().saturating_sub(self.began)).unwrap_or_default()
    }

    /// Whether a packing leaving `left` visits out is worth filling now: what its fill should
    /// cost (from the fills before it or, for the first, from the construction's time) fits the
    /// budget and, after the first, keeps fills within their share of the time so far.
    pub fn allow(&self, left: usize) -> bool {
        if left > FILL_MAX_LEFT {
            return false;
        }
        if self.elapsed.is_none() {
            return true;
        }
        let estimate = if self.tried == 0 {
            self.began.mul_f64(FILL_OVER_CONSTRUCTION * left as f64 / self.visits.max(1) as f64)
        } else {
            self.spent.mul_f64(left as f64 / self.tried as f64)
        };
        let after = self.spent + estimate;
        after <= self.budget && (self.made == 0 || after <= self.searching().mul_f64(FILL_SHARE))
    }

    /// Puts the visits `left` back into `days` by cheapest insertion, until `stop` or the
    /// budget runs out.
    pub fn fill(
        &mut self,
        model: &Model,
        days: &mut [Option<Column>],
        left: &[usize],
        stop: &dyn Fn() -> bool,
    ) {
        let from = self.searching();
        let spent = || self.spent + self.searching().saturating_sub(from);
        let over = || self.elapsed.is_some() && spent() >= self.budget;
        reinsert(model, days, left, Trips::Any, &|| stop() || over());
        self.spent = spent();
        self.made += 1;
        self.tried += left.len();
    }
}

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
    // Taking out an earlier one may already have taken the whole day (its other stops no longer
    // schedule without it), and this node with it.
    for state in &joint {
        if let Some((node, 1)) = *state {
            let Some(w) =
                days.iter().flatten().find(|c| c.nodes().any(|n| n == node)).map(|c| c.worker)
            else {
                continue;
            };
            days[w] = days[w].take().and_then(|c| without(model, &c, node));
        }
    }
    days
}

/// The visits `days` do not make.
pub fn left_out(model: &Model, days: &[Option<Column>]) -> Vec<usize> {
    let made = made(model, days);
    (0..made.len()).filter(|&v| !made[v]).collect()
}

/// For each visit, whether `days` makes it.
pub fn made(model: &Model, days: &[Option<Column>]) -> Vec<bool> {
    made_by(model, days.iter().flatten())
}

/// For each visit, whether one of `columns` makes it.
pub fn made_by<'c>(model: &Model, columns: impl IntoIterator<Item = &'c Column>) -> Vec<bool> {
    let mut made = vec![false; model.problem.visits.len()];
    for n in columns.into_iter().flat_map(|c| c.nodes()) {
        made[model.nodes[n].visit] = true;
    }
    made
}

/// `column` without `node`, rescheduled; `None` when nothing is left or it no longer schedules.
pub fn without(model: &Model, column: &Column, node: usize) -> Option<Column> {
    let specs: Vec<TripSpec> = column
        .trips
        .iter()
        .map(|t| TripSpec::new(t.mode, t.to, t.nodes().filter(|&n| n != node).collect()))
        .filter(|spec| !spec.nodes.is_empty())
        .collect();
    if specs.is_empty() {
        return None;
    }
    schedule_day(model, column.worker, &specs)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::Cell;

    #[test]
    fn fills_are_estimated_from_the_construction_then_from_the_fills_before() {
        let clock = Cell::new(Duration::from_millis(100));
        let elapsed = || clock.get();
        // 100 ms of construction for 100 visits, search until 600 ms: 300 ms for fills.
        let mut fills = Fills::new(Some(&elapsed), Duration::from_millis(600), 100);
        assert!(fills.allow(10), "20 x 1 ms x 10 visits = 200 ms fits 300 ms");
        assert!(!fills.allow(20), "400 ms does not");
        assert!(!fills.allow(FILL_MAX_LEFT + 1));
        // As if a fill of 10 visits took 50 ms, at 150 ms into the search.
        fills.spent = Duration::from_millis(50);
        fills.made = 1;
        fills.tried = 10;
        clock.set(Duration::from_millis(250));
        assert!(fills.allow(7), "50 + 35 ms is within 60% of the 150 ms searched");
        assert!(!fills.allow(20), "50 + 100 ms is not");
        let unlimited = Fills::new(None, Duration::ZERO, 100);
        assert!(unlimited.allow(FILL_MAX_LEFT) && !unlimited.allow(FILL_MAX_LEFT + 1));
    }
}
