//! The set-partitioning master over the columns found so far, as an LP (for duals) or a MIP
//! (for the rota), on good_lp + HiGHS.
//!
//! Rows:
//! - each ordinary visit: the columns making it, plus its unscheduled variable, equal 1;
//! - each joint visit: per start node, the columns using it equal twice the node's choice
//!   variable, and the choices plus the unscheduled variable equal 1 (two workers, one start);
//!   and per worker and start node, that worker's columns there at most the node's choice (a
//!   valid inequality: without it the LP meets a joint visit with two workers at different
//!   starts, each start's choice at a half);
//! - each worker: at most one column (the convexity row the Lagrangian bound needs);
//! - each hub and five-minute instant some column uses: the pool trips out at that instant
//!   (from departure to return, as the column schedules them), at most the cars available then.
//!   Every rota's trips meet these rows at its own schedule, so the LP over all scheduled days
//!   bounds every rota; a rota that meets them may still need its trips moved between
//!   instants or its charge managed, which the car assignment afterwards does. The MIP counts
//!   them by the five-minute step, or exactly (see [`CarRows`]).

use super::column::instants;
use super::column::Column;
use super::model::{Mode, Model, CAR_INSTANT, N_INSTANTS};
use super::SolveError;
use good_lp::{
    highs, variable, Expression, ProblemVariables, ResolutionError, Solution, SolutionStatus,
    SolverModel, Variable, WithInitialSolution,
};
use std::collections::BTreeMap;

/// Dual values of the master's rows, as pricing reads them.
#[derive(Clone, Debug)]
pub struct Duals {
    /// Per node: the dual of its visit row (ordinary) or of its start row (joint).
    pub node: Vec<f64>,
    /// Per worker: the dual of the convexity row (<= 0).
    pub worker: Vec<f64>,
    /// Per hub, per instant: the dual of the car row (<= 0), 0 where no row exists.
    pub car: Vec<Vec<f64>>,
    /// Per (worker, joint start node): the dual of its pair row (<= 0), where one exists.
    pub pair: BTreeMap<(usize, usize), f64>,
}

impl Duals {
    /// The duals as worker `w`'s pricing reads them, if `w` has pair rows: each joint start's
    /// node dual plus `w`'s pair dual there (what the worker's column earns at that start), and
    /// no pair duals apart.
    pub fn for_worker(&self, w: usize) -> Option<Duals> {
        let mut pairs = self.pair.range((w, 0)..=(w, usize::MAX)).peekable();
        pairs.peek()?;
        let mut node = self.node.clone();
        for (&(_, n), &dual) in pairs {
            node[n] += dual;
        }
        // The pair duals are in the node duals now, so none is left to count twice.
        Some(Duals { node, pair: BTreeMap::new(), ..self.clone() })
    }
}

/// An LP solve.
#[derive(Clone, Debug)]
pub struct LpSolution {
    /// Its value.
    pub value: f64,
    /// Each column's value, in pool order.
    pub x: Vec<f64>,
    /// Its duals.
    pub duals: Duals,
}

/// How many of `column`'s pool trips are out at each instant (its row usage), per hub, each
/// from its departure to its return: every rota meets rows counted so, so the LP over them
/// bounds every rota.
pub fn car_usage(model: &Model, column: &Column) -> Vec<(usize, usize, f64)> {
    usage(model, column, |trip| trip.depart)
}

/// How many of `column`'s pool trips are out at each instant, per hub, each counted from the
/// instant `from` says.
fn usage(
    model: &Model,
    column: &Column,
    from: impl Fn(&super::column::TripPlan) -> u32,
) -> Vec<(usize, usize, f64)> {
    let Some(hub) = model.workers[column.worker].hub else { return Vec::new() };
    let mut usage = [0u8; N_INSTANTS];
    for trip in column.trips.iter().filter(|t| t.mode == Mode::Pool) {
        for k in instants(from(trip), trip.back) {
            usage[k] += 1;
        }
    }
    usage.iter().enumerate().filter(|(_, &n)| n > 0).map(|(k, &n)| (hub, k, f64::from(n))).collect()
}

/// How the integer solve counts a hub's cars.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CarRows {
    /// In every five-minute step a trip touches, from the one it leaves in: stricter than the
    /// LP's instants, which miss a car handed over 30 s late (the car stage then sent a worker
    /// by their own car, Medway 10 s: 10,967 -> 11,150), and stricter than the searches, which
    /// hand cars over to the second: a rota of theirs may not meet these rows (five times
    /// Medway: the integer solve's start, 93,800, cost 142,500 once a MIP had dropped days to
    /// meet them). The whole pool's MIP, which HiGHS solves faster so (Medway's untimed solve
    /// 11.1 s against 12.9 s with exact rows, the same rota); its start, where it does not meet
    /// them, only bounds it.
    Steps,
    /// At the moment each trip of the MIP's columns leaves, the trips out then (departure <=
    /// moment < return): exact, the test the searches' car book makes, so every rota of theirs
    /// meets them. A hub's MIP (`integer::by_hub`), which starts from such a rota.
    Departures,
}

/// The moments trips of the MIP's columns leave, per hub, for [`CarRows::Departures`].
struct Departures {
    /// Per hub, the distinct moments, sorted.
    moments: Vec<Vec<u32>>,
}

impl Departures {
    fn of(model: &Model, columns: &[Column]) -> Departures {
        let mut moments = vec![Vec::new(); model.problem.hubs.len()];
        for column in columns {
            let Some(hub) = model.workers[column.worker].hub else { continue };
            let pool = column.trips.iter().filter(|t| t.mode == Mode::Pool);
            moments[hub].extend(pool.map(|t| t.depart));
        }
        for hub in &mut moments {
            hub.sort_unstable();
            hub.dedup();
        }
        Departures { moments }
    }

    /// `column`'s entries in the rows.
    fn rows(&self, model: &Model, column: &Column) -> Vec<(RowKey, f64)> {
        let Some(hub) = model.workers[column.worker].hub else { return Vec::new() };
        let moments = &self.moments[hub];
        let pool = column.trips.iter().filter(|t| t.mode == Mode::Pool);
        pool.flat_map(|trip| {
            let from = moments.partition_point(|&m| m < trip.depart);
            let to = moments.partition_point(|&m| m < trip.back);
            moments[from..to].iter().map(move |&m| (RowKey::Out(hub, m), 1.0))
        })
        .collect()
    }
}

/// `column`'s entries in the rows of [`CarRows::Steps`].
fn steps(model: &Model, column: &Column) -> Vec<(RowKey, f64)> {
    let from_step = |t: &super::column::TripPlan| t.depart - t.depart % CAR_INSTANT;
    usage(model, column, from_step)
        .into_iter()
        .map(|(hub, k, n)| (RowKey::Car(hub, k), n))
        .collect()
}

/// A row of the master, named by what it counts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum RowKey {
    /// An ordinary visit's row, or a joint visit's choice row.
    Visit(usize),
    /// A joint visit's start node: the columns using it, twice its choice.
    Node(usize),
    /// A worker's convexity row.
    Worker(usize),
    /// A hub's cars at one instant.
    Car(usize, usize),
    /// A hub's cars at the moment a trip leaves (seconds): the integer solve's car rows.
    Out(usize, u32),
    /// One worker's columns at a joint visit's start node, at most the node's choice: a worker
    /// who makes the visit there needs the second worker there too. Without it the LP sends
    /// the two workers to different starts, each start's choice at a half, and does on Medway
    /// (18 such pairs at the LP optimum).
    Pair(usize, usize),
}

impl RowKey {
    fn bounds(self, model: &Model) -> (f64, f64) {
        match self {
            RowKey::Visit(_) => (1.0, 1.0),
            RowKey::Node(_) => (0.0, 0.0),
            RowKey::Worker(_) => (f64::NEG_INFINITY, 1.0),
            RowKey::Pair(..) => (f64::NEG_INFINITY, 0.0),
            RowKey::Car(hub, k) => (f64::NEG_INFINITY, f64::from(model.hub_capacity[hub][k])),
            RowKey::Out(hub, moment) => {
                let cars = model.hub_cars[hub].iter().filter(|&&c| {
                    let unavailable = &model.problem.cars[c].unavailable;
                    !unavailable.iter().any(|span| span.start.0 <= moment && moment < span.end.0)
                });
                (f64::NEG_INFINITY, cars.count() as f64)
            }
        }
    }

    /// The joint start whose choice variable this row holds at -1 (a pair row's): the choice
    /// exists before any column, so the row takes it when it is made, in the LP and the MIP.
    fn choice(self) -> Option<usize> {
        match self {
            RowKey::Pair(_, n) => Some(n),
            _ => None,
        }
    }
}

/// The rows a column counts in, with its coefficient in each. The LP and the MIP both read
/// their matrix from here, so the two cannot disagree on what a column uses (save how its
/// trips count in the car rows, `count`).
fn column_rows(model: &Model, column: &Column) -> Vec<(RowKey, f64)> {
    let mut rows = vec![(RowKey::Worker(column.worker), 1.0)];
    for n in column.nodes() {
        let v = model.nodes[n].visit;
        if model.visit(v).joint {
            rows.push((RowKey::Node(n), 1.0));
            rows.push((RowKey::Pair(column.worker, n), 1.0));
        } else {
            rows.push((RowKey::Visit(v), 1.0));
        }
    }
    rows
}

/// `column`'s entries in the LP master's rows, its cars counted at the instants it is out.
fn lp_rows(model: &Model, column: &Column) -> Vec<(RowKey, f64)> {
    let mut rows = column_rows(model, column);
    for (hub, k, cars) in car_usage(model, column) {
        rows.push((RowKey::Car(hub, k), cars));
    }
    rows
}

/// A variable every master has besides its columns.
#[derive(Clone, Copy, Debug)]
enum Fixed {
    /// A visit left unscheduled, at its penalty.
    Unscheduled(usize),
    /// A joint visit's choice of the start node (its visit, the node).
    Start(usize, usize),
}

impl Fixed {
    fn cost(self, model: &Model) -> f64 {
        match self {
            Fixed::Unscheduled(v) => model.penalty[v],
            Fixed::Start(..) => 0.0,
        }
    }

    fn rows(self) -> Vec<(RowKey, f64)> {
        match self {
            Fixed::Unscheduled(v) => vec![(RowKey::Visit(v), 1.0)],
            Fixed::Start(v, n) => vec![(RowKey::Visit(v), 1.0), (RowKey::Node(n), -2.0)],
        }
    }
}

fn fixed_variables(model: &Model) -> Vec<Fixed> {
    let visits = 0..model.problem.visits.len();
    let mut fixed: Vec<Fixed> = visits.clone().map(Fixed::Unscheduled).collect();
    for v in visits.filter(|&v| model.visit(v).joint) {
        fixed.extend(model.visit_nodes[v].iter().map(|&n| Fixed::Start(v, n)));
    }
    fixed
}

fn solver_error(error: ResolutionError) -> SolveError {
    SolveError::Solver(error.to_string())
}

/// The restricted master's LP, kept in HiGHS between solves: column generation adds a few
/// columns at a time and solves again from the last basis, where building the LP afresh (as
/// good_lp does on every solve) cost 60-80 ms a solve on Medway, most of an iteration.
pub struct Master {
    /// The HiGHS model; `None` only while it is being solved.
    highs: Option<highs::Model>,
    /// Each row made so far, and its index in HiGHS's solution.
    rows: BTreeMap<RowKey, (highs::Row, usize)>,
    /// Each joint start node's choice variable, which every pair row at the node holds.
    starts: BTreeMap<usize, highs::Col>,
    /// HiGHS's variables before the first column: the fixed variables.
    fixed: usize,
    columns: usize,
}

impl Master {
    /// A master with no columns yet: every visit unscheduled.
    pub fn new(model: &Model) -> Master {
        let mut problem = highs::ColProblem::default();
        let mut rows = BTreeMap::new();
        let fixed = fixed_variables(model);
        let mut keys: Vec<RowKey> = (0..model.workers.len()).map(RowKey::Worker).collect();
        keys.extend(fixed.iter().flat_map(|f| f.rows()).map(|(key, _)| key));
        for key in keys {
            let index = rows.len();
            rows.entry(key).or_insert_with(|| {
                let (lower, upper) = key.bounds(model);
                (problem.add_row(lower..=upper), index)
            });
        }
        let mut highs = problem.optimise(highs::Sense::Minimise);
        highs.set_option("output_flag", false);
        highs.set_option("presolve", "off");
        highs.set_option("threads", 1);
        let mut starts = BTreeMap::new();
        for &f in &fixed {
            let entries: Vec<_> = f.rows().into_iter().map(|(key, a)| (rows[&key].0, a)).collect();
            let col = highs.add_col(f.cost(model), 0.0.., entries);
            if let Fixed::Start(_, n) = f {
                starts.insert(n, col);
            }
        }
        Master { highs: Some(highs), rows, starts, fixed: fixed.len(), columns: 0 }
    }

    /// Adds `column` as the master's next variable (columns keep the order they are added in).
    pub fn add(&mut self, model: &Model, column: &Column) {
        let highs = self.highs.as_mut().expect("a master between solves");
        let entries: Vec<(highs::Row, f64)> = lp_rows(model, column)
            .into_iter()
            .map(|(key, a)| {
                let index = self.rows.len();
                let starts = &self.starts;
                let (row, _) = *self.rows.entry(key).or_insert_with(|| {
                    let (lower, upper) = key.bounds(model);
                    let choice = key.choice().map(|n| (starts[&n], -1.0));
                    (highs.add_row(lower..=upper, choice), index)
                });
                (row, a)
            })
            .collect();
        // No upper bound: it is implied by the rows, and a bound at 1 would take duals of its
        // own, leaving columns with negative reduced cost at the optimum.
        highs.add_col(column.cost, 0.0.., entries);
        self.columns += 1;
    }

    /// Solves the LP over the columns added so far, from the last solve's basis.
    pub fn solve(&mut self, model: &Model) -> Result<LpSolution, SolveError> {
        let highs = self.highs.take().expect("a master between solves");
        let solved = highs.try_solve().map_err(|e| SolveError::Solver(format!("HiGHS: {e:?}")))?;
        let status = solved.status();
        let value = solved.objective_value();
        let solution = solved.get_solution();
        self.highs = Some(solved.into());
        if status != highs::HighsModelStatus::Optimal {
            return Err(SolveError::Solver(format!("the master's LP ended {status:?}")));
        }
        let dual = |key: RowKey| self.rows.get(&key).map_or(0.0, |&(_, r)| solution.dual_rows()[r]);
        let node = model
            .nodes
            .iter()
            .enumerate()
            .map(|(n, node)| {
                if model.visit(node.visit).joint {
                    dual(RowKey::Node(n))
                } else {
                    dual(RowKey::Visit(node.visit))
                }
            })
            .collect();
        let worker = (0..model.workers.len()).map(|w| dual(RowKey::Worker(w))).collect();
        let mut car = vec![vec![0.0; N_INSTANTS]; model.problem.hubs.len()];
        let mut pair = BTreeMap::new();
        for (&key, &(_, r)) in &self.rows {
            match key {
                RowKey::Car(hub, k) => car[hub][k] = solution.dual_rows()[r],
                RowKey::Pair(w, n) => {
                    pair.insert((w, n), solution.dual_rows()[r]);
                }
                _ => {}
            }
        }
        let x = solution.columns()[self.fixed..self.fixed + self.columns].to_vec();
        Ok(LpSolution { value, x, duals: Duals { node, worker, car, pair } })
    }
}

/// Solves the master as a MIP over `columns`, starting from the columns in `start`; returns the
/// chosen columns, or `None` when HiGHS found no integer solution in `time_limit` seconds.
pub fn solve_mip(
    model: &Model,
    columns: &[Column],
    start: &[usize],
    time_limit: Option<f64>,
    cars: CarRows,
) -> Result<Option<Vec<usize>>, SolveError> {
    let mut vars = ProblemVariables::new();
    let mut objective = Expression::with_capacity(columns.len());
    let mut rows: BTreeMap<RowKey, Expression> = BTreeMap::new();
    let mut initial: Vec<(Variable, f64)> = Vec::new();
    let mut add = |cost: f64, entries: Vec<(RowKey, f64)>, on: bool| {
        let var = vars.add(variable().binary());
        objective.add_mul(cost, var);
        for (key, a) in entries {
            rows.entry(key).or_default().add_mul(a, var);
        }
        initial.push((var, if on { 1.0 } else { 0.0 }));
        var
    };
    let mut covered = vec![0u8; model.problem.visits.len()];
    let mut node_used = BTreeMap::new();
    let exact = if cars == CarRows::Departures { columns } else { &[] };
    let departures = Departures::of(model, exact);
    let x: Vec<Variable> = columns
        .iter()
        .enumerate()
        .map(|(c, column)| {
            let on = start.contains(&c);
            if on {
                for n in column.nodes() {
                    covered[model.nodes[n].visit] += 1;
                    *node_used.entry(n).or_insert(0u8) += 1;
                }
            }
            let mut entries = column_rows(model, column);
            entries.extend(match cars {
                CarRows::Steps => steps(model, column),
                CarRows::Departures => departures.rows(model, column),
            });
            add(column.cost, entries, on)
        })
        .collect();
    let mut starts = BTreeMap::new();
    for f in fixed_variables(model) {
        let on = match f {
            Fixed::Unscheduled(v) => covered[v] == 0,
            Fixed::Start(_, n) => node_used.get(&n) == Some(&2),
        };
        let var = add(f.cost(model), f.rows(), on);
        if let Fixed::Start(_, n) = f {
            starts.insert(n, var);
        }
    }
    for (key, row) in &mut rows {
        if let Some(n) = key.choice() {
            row.add_mul(-1.0, starts[&n]);
        }
    }
    let mut problem = vars
        .minimise(objective)
        .using(highs)
        .set_threads(1)
        .set_option("output_flag", false)
        .set_option("mip_rel_gap", 1e-6);
    if let Some(limit) = time_limit {
        problem = problem.set_time_limit(limit.max(0.01));
    }
    let mut problem = problem.with_initial_solution(initial);
    for (key, row) in rows {
        match key.bounds(model) {
            (lower, upper) if lower == upper => problem.add_constraint(row.eq(upper)),
            (_, upper) => problem.add_constraint(row.leq(upper)),
        };
    }
    match problem.solve() {
        Ok(solution) => {
            if matches!(solution.status(), SolutionStatus::TimeLimit)
                && x.iter().all(|&x| solution.value(x) < 0.5)
            {
                return Ok(None);
            }
            Ok(Some((0..columns.len()).filter(|&c| solution.value(x[c]) > 0.5).collect()))
        }
        Err(ResolutionError::Other("NoSolutionFound")) => Ok(None),
        Err(error) => Err(solver_error(error)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::day::DayProblem;
    use crate::optimise::pricing::{reduced_cost, Effort};
    use crate::optimise::sample::{generate, one_visit_days, pooled_day, scattered_day};

    /// Column generation through one master solved again after every batch must end where a
    /// master given every column at once starts, with duals that price every column at no less
    /// than zero and whose right-hand sides add up to the LP's value (strong duality: the duals
    /// belong to the rows they are read from).
    #[test]
    fn a_master_solved_again_after_each_batch_agrees_with_one_built_at_once() {
        for seed in 1..=4 {
            let problem = pooled_day(8, 3, seed);
            let model = Model::new(&problem);
            let mut pool = one_visit_days(&model);
            let lp = generate(&model, &mut pool, 12, Effort::EXACT);
            assert!(pool.iter().any(|c| !car_usage(&model, c).is_empty()), "seed {seed}");
            let mut cold = Master::new(&model);
            for column in &pool {
                cold.add(&model, column);
            }
            let once = cold.solve(&model).expect("an LP");
            assert!(
                (once.value - lp.value).abs() < 1e-6,
                "seed {seed}: {} {}",
                once.value,
                lp.value
            );
            assert_eq!(lp.x.len(), pool.len());
            for column in &pool {
                assert!(reduced_cost(&model, &lp.duals, column) > -1e-6, "seed {seed}");
            }
            let priced: f64 = (0..model.problem.visits.len())
                .map(|v| lp.duals.node[model.visit_nodes[v][0]])
                .chain(lp.duals.worker.iter().copied())
                .chain(lp.duals.car.iter().zip(&model.hub_capacity).flat_map(|(duals, cars)| {
                    duals.iter().zip(cars).map(|(dual, &cars)| dual * f64::from(cars))
                }))
                .sum();
            assert!((priced - lp.value).abs() < 1e-6, "seed {seed}: {priced} {}", lp.value);
            let spent: f64 = pool.iter().zip(&lp.x).map(|(c, x)| c.cost * x).sum();
            assert!(spent <= lp.value + 1e-6, "seed {seed}");
        }
    }

    /// Three workers on foot or in their own cars and twelve visits, the first two joint with
    /// windows of a few hours (so several starts each).
    fn with_joint_visits(seed: u64) -> DayProblem {
        let mut problem = scattered_day(12, 3, seed);
        for visit in problem.visits.iter_mut().take(2) {
            visit.joint = true;
        }
        problem
    }

    /// With joint visits the LP holds each worker's share of a start to the start's choice (so
    /// the two workers of a joint visit are never at different starts), every column prices at
    /// no less than zero, and a worker's own duals (the pair duals folded into its nodes') give
    /// each of its columns the reduced cost the master's duals give it.
    #[test]
    fn the_master_keeps_both_workers_of_a_joint_visit_at_one_start() {
        let mut split_somewhere = 0;
        for seed in 1..=6 {
            let problem = with_joint_visits(seed);
            let model = Model::new(&problem);
            let mut pool = one_visit_days(&model);
            let lp = generate(&model, &mut pool, 12, Effort::EXACT);
            let mut at: BTreeMap<usize, f64> = BTreeMap::new();
            let mut share: BTreeMap<(usize, usize), f64> = BTreeMap::new();
            for (c, column) in pool.iter().enumerate() {
                let own = lp.duals.for_worker(column.worker);
                let rc = reduced_cost(&model, &lp.duals, column);
                assert!(rc > -1e-6, "seed {seed}");
                let own_rc = reduced_cost(&model, own.as_ref().unwrap_or(&lp.duals), column);
                assert!((rc - own_rc).abs() < 1e-9, "seed {seed}: {rc} {own_rc}");
                for n in column.nodes().filter(|&n| model.visit(model.nodes[n].visit).joint) {
                    *at.entry(n).or_default() += lp.x[c];
                    *share.entry((column.worker, n)).or_default() += lp.x[c];
                }
            }
            split_somewhere += at.values().filter(|&&x| x > 1e-6).count();
            for (&(w, n), &x) in &share {
                assert!(x <= at[&n] / 2.0 + 1e-6, "seed {seed}: worker {w} alone at start {n}");
            }
        }
        assert!(split_somewhere > 0, "no LP made a joint visit: the test tests nothing");
    }

    /// The whole pool's MIP holds trips to the one car by the five-minute step, a hub's MIP
    /// exactly: there a car handed over on the second, even within a step, serves both trips,
    /// and a second's overlap does not.
    #[test]
    fn the_integer_solve_counts_cars_by_the_step_or_exactly() {
        let problem = pooled_day(8, 3, 1);
        let model = Model::new(&problem);
        let pooled: Vec<Column> = one_visit_days(&model)
            .into_iter()
            .filter(|c| c.trips.iter().any(|t| t.mode == Mode::Pool))
            .collect();
        let visit = |c: &Column| c.nodes().map(|n| model.nodes[n].visit).collect::<Vec<_>>();
        let first = pooled[0].clone();
        let second = pooled
            .iter()
            .find(|c| c.worker != first.worker && visit(c) != visit(&first))
            .expect("a second worker's pool day")
            .clone();
        // The first trip is back at `back`, the second leaves at `leaves`; whether both are
        // made by the step, and exactly.
        let cases = [
            (41_130, 41_130, false, true),
            (41_130, 41_200, false, true),
            (41_130, 41_129, false, false),
            (41_130, 41_400, true, true),
        ];
        for (back, leaves, by_step, exactly) in cases {
            let (mut a, mut b) = (first.clone(), second.clone());
            (a.trips[0].depart, a.trips[0].back) = (38_700, back);
            (b.trips[0].depart, b.trips[0].back) = (leaves, 45_000);
            for (rows, both) in [(CarRows::Steps, by_step), (CarRows::Departures, exactly)] {
                let columns = [a.clone(), b.clone()];
                let chosen = solve_mip(&model, &columns, &[], None, rows).expect("a MIP");
                let chosen = chosen.expect("a rota");
                assert_eq!(chosen.len() == 2, both, "{rows:?}, back {back}, leaves {leaves}");
            }
        }
    }
}
