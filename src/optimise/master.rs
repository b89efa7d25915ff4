//! The set-partitioning master over the columns found so far, as an LP (for duals) or a MIP
//! (for the rota), on good_lp + HiGHS.
//!
//! Rows:
//! - each ordinary visit: the columns making it, plus its unscheduled variable, equal 1;
//! - each joint visit: per start node, the columns using it equal twice the node's choice
//!   variable, and the choices plus the unscheduled variable equal 1 (two workers, one start);
//! - each worker: at most one column (the convexity row the Lagrangian bound needs);
//! - each hub and five-minute instant some column uses: the pool trips out at that instant
//!   (from departure to return, as the column schedules them), at most the cars available then.
//!   Every rota's trips meet these rows at its own schedule, so the LP over all scheduled days
//!   bounds every rota; a rota that meets them may still need its trips moved between
//!   instants or its charge managed, which the car assignment afterwards does.

use super::column::Column;
use super::model::{Mode, Model, N_INSTANTS};
use super::SolveError;
use good_lp::{
    highs, variable, Expression, ProblemVariables, Solution, SolutionStatus, SolutionWithDual,
    SolverModel, Variable, WithInitialSolution,
};
use good_lp::{DualValues, ResolutionError};
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

struct Built {
    vars: ProblemVariables,
    x: Vec<Variable>,
    u: Vec<Variable>,
    y: BTreeMap<usize, Variable>,
    objective: Expression,
    rows: Vec<(Expression, Sense, f64)>,
    visit_row: Vec<usize>,
    node_row: BTreeMap<usize, usize>,
    worker_row: BTreeMap<usize, usize>,
    car_row: BTreeMap<(usize, usize), usize>,
}

#[derive(Clone, Copy)]
enum Sense {
    Eq,
    Le,
}

/// How many of `column`'s pool trips are out at each instant (its row usage), per hub.
pub fn car_usage(model: &Model, column: &Column) -> Vec<(usize, usize, f64)> {
    let Some(hub) = model.workers[column.worker].hub else { return Vec::new() };
    let mut usage = [0u8; N_INSTANTS];
    for trip in column.trips.iter().filter(|t| t.mode == Mode::Pool) {
        for k in trip.instants() {
            usage[k] += 1;
        }
    }
    usage.iter().enumerate().filter(|(_, &n)| n > 0).map(|(k, &n)| (hub, k, f64::from(n))).collect()
}

fn build(model: &Model, columns: &[Column], integer: bool) -> Built {
    let mut vars = ProblemVariables::new();
    // No upper bounds in the LP: they are implied by the rows, and a bound at 1 would take duals
    // of its own, leaving columns with negative reduced cost at the optimum.
    let def = || if integer { variable().binary() } else { variable().min(0.0) };
    let x: Vec<Variable> = columns.iter().map(|_| vars.add(def())).collect();
    let n_visits = model.problem.visits.len();
    let u: Vec<Variable> = (0..n_visits).map(|_| vars.add(def())).collect();
    let mut y = BTreeMap::new();
    for v in 0..n_visits {
        if model.visit(v).joint {
            for &n in &model.visit_nodes[v] {
                y.insert(n, vars.add(def()));
            }
        }
    }
    let mut objective = Expression::with_capacity(columns.len() + n_visits);
    for (c, column) in columns.iter().enumerate() {
        objective.add_mul(column.cost, x[c]);
    }
    for (v, &u) in u.iter().enumerate() {
        objective.add_mul(model.penalty[v], u);
    }
    let mut rows: Vec<(Expression, Sense, f64)> = Vec::new();
    let mut visit_row = vec![usize::MAX; n_visits];
    let mut node_row = BTreeMap::new();
    for v in 0..n_visits {
        visit_row[v] = rows.len();
        let mut row = Expression::from(u[v]);
        if model.visit(v).joint {
            for &n in &model.visit_nodes[v] {
                row.add_mul(1.0, y[&n]);
            }
        }
        rows.push((row, Sense::Eq, 1.0));
        if model.visit(v).joint {
            for &n in &model.visit_nodes[v] {
                node_row.insert(n, rows.len());
                rows.push((Expression::from(y[&n]) * -2.0, Sense::Eq, 0.0));
            }
        }
    }
    let mut worker_row = BTreeMap::new();
    let mut car_row = BTreeMap::new();
    for (c, column) in columns.iter().enumerate() {
        let w = column.worker;
        let r = *worker_row.entry(w).or_insert_with(|| {
            rows.push((Expression::default(), Sense::Le, 1.0));
            rows.len() - 1
        });
        rows[r].0.add_mul(1.0, x[c]);
        for n in column.nodes() {
            let v = model.nodes[n].visit;
            let r = if model.visit(v).joint { node_row[&n] } else { visit_row[v] };
            rows[r].0.add_mul(1.0, x[c]);
        }
        for (hub, k, count) in car_usage(model, column) {
            let r = *car_row.entry((hub, k)).or_insert_with(|| {
                rows.push((
                    Expression::default(),
                    Sense::Le,
                    f64::from(model.hub_capacity[hub][k]),
                ));
                rows.len() - 1
            });
            rows[r].0.add_mul(count, x[c]);
        }
    }
    Built { vars, x, u, y, objective, rows, visit_row, node_row, worker_row, car_row }
}

fn solver_error(error: ResolutionError) -> SolveError {
    SolveError::Solver(error.to_string())
}

/// Solves the LP relaxation of the master over `columns`.
pub fn solve_lp(model: &Model, columns: &[Column]) -> Result<LpSolution, SolveError> {
    let built = build(model, columns, false);
    let mut problem = built
        .vars
        .minimise(built.objective)
        .using(highs)
        .set_threads(1)
        .set_option("output_flag", false)
        .set_option("presolve", "off");
    let refs: Vec<_> = built
        .rows
        .into_iter()
        .map(|(e, sense, rhs)| match sense {
            Sense::Eq => problem.add_constraint(e.eq(rhs)),
            Sense::Le => problem.add_constraint(e.leq(rhs)),
        })
        .collect();
    let mut solution = problem.solve().map_err(solver_error)?;
    let value: f64 = columns
        .iter()
        .enumerate()
        .map(|(c, col)| col.cost * solution.value(built.x[c]))
        .sum::<f64>()
        + built
            .u
            .iter()
            .enumerate()
            .map(|(v, &u)| model.penalty[v] * solution.value(u))
            .sum::<f64>();
    let dual = solution.compute_dual();
    let node = model
        .nodes
        .iter()
        .enumerate()
        .map(|(n, node)| match built.node_row.get(&n) {
            Some(&r) => dual.dual(refs[r].clone()),
            None => dual.dual(refs[built.visit_row[node.visit]].clone()),
        })
        .collect();
    let worker = (0..model.workers.len())
        .map(|w| built.worker_row.get(&w).map_or(0.0, |&r| dual.dual(refs[r].clone())))
        .collect();
    let mut car = vec![vec![0.0; N_INSTANTS]; model.problem.hubs.len()];
    for (&(hub, k), &r) in &built.car_row {
        car[hub][k] = dual.dual(refs[r].clone());
    }
    let x = built.x.iter().map(|&x| solution.value(x)).collect();
    Ok(LpSolution { value, x, duals: Duals { node, worker, car } })
}

/// Solves the master as a MIP over `columns`, starting from the columns in `start`; returns the
/// chosen columns, or `None` when HiGHS found no integer solution in `time_limit` seconds.
pub fn solve_mip(
    model: &Model,
    columns: &[Column],
    start: &[usize],
    time_limit: Option<f64>,
) -> Result<Option<Vec<usize>>, SolveError> {
    let built = build(model, columns, true);
    let mut initial: Vec<(Variable, f64)> = Vec::new();
    let mut covered = vec![0u8; model.problem.visits.len()];
    let mut node_used = BTreeMap::new();
    for (c, &x) in built.x.iter().enumerate() {
        let on = start.contains(&c);
        initial.push((x, if on { 1.0 } else { 0.0 }));
        if on {
            for n in columns[c].nodes() {
                covered[model.nodes[n].visit] += 1;
                *node_used.entry(n).or_insert(0u8) += 1;
            }
        }
    }
    for (v, &u) in built.u.iter().enumerate() {
        initial.push((u, if covered[v] == 0 { 1.0 } else { 0.0 }));
    }
    for (n, &y) in &built.y {
        initial.push((y, if node_used.get(n) == Some(&2) { 1.0 } else { 0.0 }));
    }
    let mut problem = built
        .vars
        .minimise(built.objective)
        .using(highs)
        .set_threads(1)
        .set_option("output_flag", false)
        .set_option("mip_rel_gap", 1e-6);
    if let Some(limit) = time_limit {
        problem = problem.set_time_limit(limit.max(0.01));
    }
    let mut problem = problem.with_initial_solution(initial);
    for (e, sense, rhs) in built.rows {
        match sense {
            Sense::Eq => problem.add_constraint(e.eq(rhs)),
            Sense::Le => problem.add_constraint(e.leq(rhs)),
        };
    }
    match problem.solve() {
        Ok(solution) => {
            if matches!(solution.status(), SolutionStatus::TimeLimit)
                && built.x.iter().all(|&x| solution.value(x) < 0.5)
            {
                return Ok(None);
            }
            Ok(Some((0..columns.len()).filter(|&c| solution.value(built.x[c]) > 0.5).collect()))
        }
        Err(ResolutionError::Other("NoSolutionFound")) => Ok(None),
        Err(error) => Err(solver_error(error)),
    }
}
