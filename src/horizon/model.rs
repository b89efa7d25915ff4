//! The horizon MIP: variables, constraints and objective on good_lp, solved by HiGHS with one
//! thread and a time limit; an earliest-deadline-first greedy plan is both its warm start and
//! the answer if HiGHS fails.

use super::{HorizonInput, HorizonOptions, HorizonStatus, HorizonVisit};
use good_lp::solvers::highs::highs;
use good_lp::{
    constraint, variable, Expression, ProblemVariables, Solution, SolutionStatus, SolverModel,
    Variable, WithInitialSolution,
};

/// The day and workers chosen for each visit (indices into `input.days` and
/// `input.workers`), `None` when it got no day.
pub(crate) type Chosen = Vec<Option<(usize, Vec<usize>)>>;

/// One `x[visit, day, worker]` column.
struct Column {
    visit: usize,
    day: usize,
    worker: usize,
    var: Variable,
}

/// The workers who may make a visit: the allocated worker and pod colleagues with the skill;
/// only the pinned worker (plus a colleague for a joint visit) when the pin names one.
pub(crate) fn eligible(input: &HorizonInput, visit: &HorizonVisit) -> Vec<usize> {
    input
        .workers
        .iter()
        .enumerate()
        .filter(|(_, w)| w.pod == visit.pod || w.id == visit.allocated)
        .filter(|(_, w)| visit.skill.as_ref().is_none_or(|s| w.skills.contains(s)))
        .map(|(i, _)| i)
        .collect()
}

/// The index of a visit's pinned day, when its pin falls in the horizon.
pub(crate) fn pinned_day(input: &HorizonInput, visit: &HorizonVisit) -> Option<usize> {
    visit.pin.as_ref().and_then(|pin| input.days.iter().position(|d| *d == pin.day))
}

/// Whether the visit takes part in this horizon (a pin outside it leaves it out).
pub(crate) fn in_play(input: &HorizonInput, visit: &HorizonVisit) -> bool {
    visit.pin.is_none() || pinned_day(input, visit).is_some()
}

/// Working days late when made on day `day`: horizon days after the deadline up to `day`.
pub(crate) fn late_days(input: &HorizonInput, visit: &HorizonVisit, day: usize) -> usize {
    input.days[..=day].iter().filter(|d| **d > visit.deadline).count()
}

fn workers_needed(visit: &HorizonVisit) -> usize {
    if visit.joint {
        2
    } else {
        1
    }
}

/// Solves the horizon; returns the choice per visit, the objective and how the solve ended.
pub(crate) fn solve(
    input: &HorizonInput,
    options: &HorizonOptions,
) -> (Chosen, f64, HorizonStatus) {
    let weights = &options.weights;
    let n_days = input.days.len();
    let n_workers = input.workers.len();
    let mut vars = ProblemVariables::new();
    let mut objective = Expression::from(0.0);
    let mut columns: Vec<Column> = Vec::new();
    let mut miss: Vec<Option<Variable>> = Vec::new();
    let mut joint_days: Vec<Vec<Option<Variable>>> = Vec::new();

    // Pinned load is fixed, so a worker's (or hub's) capacity is at least what pins put there:
    // the model stays feasible whatever an officer fixed.
    let mut pinned_minutes = vec![vec![0u32; n_days]; n_workers];
    for visit in &input.visits {
        if let (Some(day), Some(Some(worker))) = (
            pinned_day(input, visit),
            visit
                .pin
                .as_ref()
                .map(|p| input.workers.iter().position(|w| Some(&w.id) == p.worker.as_ref())),
        ) {
            pinned_minutes[worker][day] += visit.minutes;
        }
    }
    let capacity = |w: usize, d: usize| input.workers[w].free_minutes[d].max(pinned_minutes[w][d]);

    for (v, visit) in input.visits.iter().enumerate() {
        let mut days_of_visit = vec![None; n_days];
        if !in_play(input, visit) {
            miss.push(None);
            joint_days.push(days_of_visit);
            continue;
        }
        let pin_day = pinned_day(input, visit);
        let day_cost = |day: usize| {
            weights.day * day as f64 + weights.late_day * late_days(input, visit, day) as f64
        };
        let pin_worker = visit.pin.as_ref().and_then(|p| p.worker.as_ref());
        for (day, joint_day) in days_of_visit.iter_mut().enumerate() {
            if pin_day.is_some_and(|p| p != day) {
                continue;
            }
            let mut any = false;
            for worker in eligible(input, visit) {
                let w = &input.workers[worker];
                let pinned_here = pin_day.is_some() && pin_worker == Some(&w.id);
                if !pinned_here && (capacity(worker, day) < visit.minutes) {
                    continue;
                }
                if pin_day.is_some() && pin_worker.is_some() && !pinned_here && !visit.joint {
                    continue;
                }
                // After the deadline only the allocated worker is offered (joint visits aside):
                // enough to say when the visit could be made late, at a fifth of the columns.
                // Overdue visits (deadline before the horizon) are urgent: everyone is offered.
                let overdue = input.days.first().is_some_and(|first| visit.deadline < *first);
                let late = input.days[day] > visit.deadline && pin_day.is_none() && !overdue;
                if late && !visit.joint && w.id != visit.allocated {
                    continue;
                }
                let var = vars.add(variable().binary());
                // A joint visit's waiting and lateness are charged once, on its day variable.
                let mut cost = if visit.joint { 0.0 } else { day_cost(day) };
                if w.id != visit.allocated {
                    cost += weights.pod_colleague;
                }
                objective.add_mul(cost, var);
                columns.push(Column { visit: v, day, worker, var });
                any = true;
            }
            if any && visit.joint {
                let y = vars.add(variable().binary());
                objective.add_mul(day_cost(day), y);
                *joint_day = Some(y);
            }
        }
        let m = if pin_day.is_some() {
            None
        } else {
            let m = vars.add(variable().binary());
            objective.add_mul(weights.missed, m);
            Some(m)
        };
        miss.push(m);
        joint_days.push(days_of_visit);
    }

    // Smoothing: dev[w, d] >= load[w, d] - share[w, d] * load[w] - slack, share in proportion
    // to free minutes (so a part-timer's Friday off is not "below average"); the slack lets one
    // visit's worth of unevenness go free, since visits are indivisible.
    // The worker's horizon load is its own variable, so each deviation row holds one day's
    // columns rather than the whole horizon's (a tenth of the nonzeros, and a fast presolve).
    let mut dev = vec![vec![None; n_days]; n_workers];
    let mut horizon_load = vec![None; n_workers];
    for (w, worker) in input.workers.iter().enumerate() {
        let total: u32 = worker.free_minutes.iter().sum();
        if total == 0 {
            continue;
        }
        horizon_load[w] = Some(vars.add(variable().min(0.0)));
        for (d, slot) in dev[w].iter_mut().enumerate() {
            if worker.free_minutes[d] > 0 {
                let var = vars.add(variable().min(0.0));
                objective.add_mul(weights.over_share_minute, var);
                *slot = Some(var);
            }
        }
    }

    // Grey-fleet overflow per hub and day.
    let mut grey = vec![vec![None; n_days]; input.hubs.len()];
    for row in grey.iter_mut() {
        for slot in row.iter_mut() {
            let var = vars.add(variable().min(0.0));
            objective.add_mul(weights.grey_minute, var);
            *slot = Some(var);
        }
    }

    let warm = greedy(input, &capacity);
    let initial = initial_values(&columns, &miss, &joint_days, &warm);

    let mut problem = highs(vars.minimise(objective.clone()))
        .set_threads(1)
        .set_time_limit(options.time_limit_seconds)
        .set_option("mip_rel_gap", f64::from(options.mip_gap))
        .set_option("presolve", "off")
        .set_option("mip_detect_symmetry", false)
        .with_initial_solution(initial);

    // Each visit made once (or missed); a joint visit by two workers on one day.
    let mut by_visit: Vec<Vec<&Column>> = vec![Vec::new(); input.visits.len()];
    for column in &columns {
        by_visit[column.visit].push(column);
    }
    for (v, visit) in input.visits.iter().enumerate() {
        if !in_play(input, visit) {
            continue;
        }
        let mut made = Expression::from(0.0);
        if visit.joint {
            for (day, y) in joint_days[v].iter().enumerate() {
                let Some(y) = *y else { continue };
                made += y;
                let mut pair = Expression::from(0.0);
                for column in by_visit[v].iter().filter(|c| c.day == day) {
                    pair += column.var;
                }
                problem.add_constraint(constraint!(pair == 2.0 * y));
            }
        } else {
            for column in &by_visit[v] {
                made += column.var;
            }
        }
        match miss[v] {
            Some(m) => problem.add_constraint(constraint!(made + m == 1.0)),
            None => problem.add_constraint(constraint!(made == 1.0)),
        };
        // A pinned worker goes (for a joint visit, with a colleague of the solver's choice).
        if let Some(pinned) = visit.pin.as_ref().and_then(|p| p.worker.as_ref()) {
            for column in by_visit[v].iter().filter(|c| &input.workers[c.worker].id == pinned) {
                problem.add_constraint(constraint!(column.var == 1.0));
            }
        }
    }

    // Worker capacity and smoothing.
    let mut load = vec![vec![Expression::from(0.0); n_days]; n_workers];
    let mut total_load = vec![Expression::from(0.0); n_workers];
    for column in &columns {
        let minutes = f64::from(input.visits[column.visit].minutes);
        load[column.worker][column.day].add_mul(minutes, column.var);
        total_load[column.worker].add_mul(minutes, column.var);
    }
    for (w, worker) in input.workers.iter().enumerate() {
        let total: u32 = worker.free_minutes.iter().sum();
        if let Some(h) = horizon_load[w] {
            problem.add_constraint(constraint!(h == total_load[w].clone()));
        }
        for d in 0..n_days {
            let day_load = load[w][d].clone();
            problem.add_constraint(constraint!(day_load.clone() <= f64::from(capacity(w, d))));
            if let (Some(dev), Some(h)) = (dev[w][d], horizon_load[w]) {
                let share = f64::from(worker.free_minutes[d]) / f64::from(total);
                let slack = f64::from(options.smoothing_slack_minutes);
                problem.add_constraint(constraint!(dev >= day_load - share * h - slack));
            }
        }
    }

    // Pool-car minutes per hub and day; overflow only onto own cars.
    let hub_of: Vec<Option<usize>> = input
        .workers
        .iter()
        .map(|w| input.hubs.iter().position(|h| h.id == w.hub).filter(|_| w.pool_car))
        .collect();
    let mut pool = vec![vec![Expression::from(0.0); n_days]; input.hubs.len()];
    let mut own = vec![vec![Expression::from(0.0); n_days]; input.hubs.len()];
    let mut pinned = vec![vec![0u32; n_days]; input.hubs.len()];
    for column in &columns {
        let Some(h) = hub_of[column.worker] else { continue };
        let worker = &input.workers[column.worker];
        let visit = &input.visits[column.visit];
        // Two workers on a joint visit share one car: half its minutes each.
        let car = f64::from(visit.car_minutes) / workers_needed(visit) as f64;
        pool[h][column.day].add_mul(car, column.var);
        if worker.own_car {
            own[h][column.day].add_mul(car, column.var);
        }
        if visit.pin.as_ref().is_some_and(|p| p.worker.as_ref() == Some(&worker.id)) {
            pinned[h][column.day] += visit.car_minutes;
        }
    }
    for (h, hub) in input.hubs.iter().enumerate() {
        let days = pool[h].iter().zip(&own[h]).zip(&grey[h]).zip(&pinned[h]);
        for (d, (((pool, own), g), pinned)) in days.enumerate() {
            let g = g.expect("one per hub and day");
            let cap = f64::from(hub.car_minutes[d].max(*pinned));
            problem.add_constraint(constraint!(pool.clone() <= cap + g));
            problem.add_constraint(constraint!(g <= own.clone()));
        }
    }

    match problem.solve() {
        Ok(solution) => {
            let status = match solution.status() {
                SolutionStatus::TimeLimit => HorizonStatus::TimeLimit,
                _ => HorizonStatus::Optimal,
            };
            let value = solution.eval(&objective);
            let mut chosen: Chosen = vec![None; input.visits.len()];
            for column in columns.iter().filter(|c| solution.value(c.var) > 0.5) {
                let entry = chosen[column.visit].get_or_insert_with(|| (column.day, Vec::new()));
                entry.1.push(column.worker);
            }
            (chosen, value, status)
        }
        Err(_) => (warm, f64::NAN, HorizonStatus::Greedy),
    }
}

/// Earliest deadline first: each visit (pinned first) on the day up to its deadline where the
/// allocated worker (else a colleague) has the most room left, so the warm start is already
/// smooth; a visit with no such day goes on the earliest later day with room, or is missed.
fn greedy(input: &HorizonInput, capacity: &dyn Fn(usize, usize) -> u32) -> Chosen {
    let n_days = input.days.len();
    let mut left: Vec<Vec<u32>> =
        (0..input.workers.len()).map(|w| (0..n_days).map(|d| capacity(w, d)).collect()).collect();
    // Pool-car minutes left per hub and day; only workers who cannot fall back to their own
    // car are held to them, which keeps the warm start within the model's car rows.
    let hub_of: Vec<Option<usize>> = input
        .workers
        .iter()
        .map(|w| input.hubs.iter().position(|h| h.id == w.hub).filter(|_| w.pool_car))
        .collect();
    let mut car_left: Vec<Vec<u32>> = input.hubs.iter().map(|h| h.car_minutes.clone()).collect();
    let mut order: Vec<usize> = (0..input.visits.len()).collect();
    order.sort_by_key(|&v| {
        let visit = &input.visits[v];
        (pinned_day(input, visit).is_none(), visit.deadline, visit.id.clone())
    });
    let mut chosen: Chosen = vec![None; input.visits.len()];
    for v in order {
        let visit = &input.visits[v];
        if !in_play(input, visit) {
            continue;
        }
        let mut workers = eligible(input, visit);
        workers.sort_by_key(|&w| input.workers[w].id != visit.allocated);
        if let Some(pinned) = visit.pin.as_ref().and_then(|p| p.worker.as_ref()) {
            workers.sort_by_key(|&w| &input.workers[w].id != pinned);
        }
        let car = visit.car_minutes / workers_needed(visit) as u32;
        let pinned = pinned_day(input, visit).is_some();
        let pick = |day: usize, left: &Vec<Vec<u32>>, car_left: &Vec<Vec<u32>>| {
            let fits: Vec<usize> = workers
                .iter()
                .copied()
                .filter(|&w| left[w][day] >= visit.minutes)
                .filter(|&w| match hub_of[w] {
                    Some(h) => pinned || input.workers[w].own_car || car_left[h][day] >= car,
                    None => true,
                })
                .collect();
            (fits.len() >= workers_needed(visit)).then(|| fits[..workers_needed(visit)].to_vec())
        };
        let on_time: Vec<usize> = match pinned_day(input, visit) {
            Some(day) => vec![day],
            None => (0..n_days).filter(|&d| input.days[d] <= visit.deadline).collect(),
        };
        // Prefer the allocated worker, then the most room left after the visit.
        let best = on_time
            .iter()
            .filter_map(|&day| pick(day, &left, &car_left).map(|ws| (day, ws)))
            .min_by_key(|(day, ws)| {
                let colleague = input.workers[ws[0]].id != visit.allocated;
                (colleague, std::cmp::Reverse(left[ws[0]][*day]), *day)
            });
        let best = best.or_else(|| {
            (0..n_days)
                .filter(|&d| input.days[d] > visit.deadline && pinned_day(input, visit).is_none())
                .find_map(|day| pick(day, &left, &car_left).map(|ws| (day, ws)))
                // The model offers late days to the allocated worker only (joint visits aside).
                .filter(|(_, ws)| {
                    let overdue = input.days.first().is_some_and(|f| visit.deadline < *f);
                    overdue || visit.joint || input.workers[ws[0]].id == visit.allocated
                })
        });
        if let Some((day, picked)) = best {
            for &w in &picked {
                left[w][day] -= visit.minutes;
                if let Some(h) = hub_of[w] {
                    car_left[h][day] = car_left[h][day].saturating_sub(car);
                }
            }
            chosen[v] = Some((day, picked));
        }
    }
    chosen
}

/// The warm start's values for the columns, misses and joint days (car and smoothing
/// variables are left for HiGHS to complete).
fn initial_values(
    columns: &[Column],
    miss: &[Option<Variable>],
    joint_days: &[Vec<Option<Variable>>],
    warm: &Chosen,
) -> Vec<(Variable, f64)> {
    let mut values = Vec::new();
    for column in columns {
        let on = warm[column.visit]
            .as_ref()
            .is_some_and(|(day, workers)| *day == column.day && workers.contains(&column.worker));
        values.push((column.var, if on { 1.0 } else { 0.0 }));
    }
    for (v, m) in miss.iter().enumerate() {
        if let Some(m) = m {
            values.push((*m, if warm[v].is_some() { 0.0 } else { 1.0 }));
        }
        for (day, y) in joint_days[v].iter().enumerate() {
            if let Some(y) = y {
                let on = warm[v].as_ref().is_some_and(|(d, _)| *d == day);
                values.push((*y, if on { 1.0 } else { 0.0 }));
            }
        }
    }
    values
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::horizon::{HorizonHub, HorizonWorker};
    use chrono::NaiveDate;

    fn input() -> HorizonInput {
        let days: Vec<NaiveDate> =
            [23, 24].map(|d| NaiveDate::from_ymd_opt(2026, 11, d).unwrap()).to_vec();
        let worker = |id: &str| HorizonWorker {
            id: id.into(),
            pod: "P1".into(),
            hub: "H1".into(),
            free_minutes: vec![120, 120],
            pool_car: true,
            own_car: false,
            skills: Default::default(),
        };
        let deadline = days[1];
        let visit = |id: &str, allocated: &str| HorizonVisit {
            id: id.into(),
            child: id.into(),
            pod: "P1".into(),
            allocated: allocated.into(),
            deadline,
            minutes: 60,
            car_minutes: 60,
            joint: false,
            skill: None,
            pin: None,
        };
        HorizonInput {
            days,
            workers: vec![worker("W1"), worker("W2")],
            hubs: vec![HorizonHub { id: "H1".into(), car_minutes: vec![60, 60] }],
            visits: vec![visit("A", "W1"), visit("B", "W2"), visit("C", "W1")],
        }
    }

    #[test]
    fn greedy_keeps_within_the_hub_s_car_minutes() {
        let input = input();
        let capacity = |w: usize, d: usize| input.workers[w].free_minutes[d];
        let chosen = greedy(&input, &capacity);
        // One car hour a day: two visits on two days, the third left out.
        let days: Vec<_> = chosen.iter().map(|c| c.as_ref().map(|(d, _)| *d)).collect();
        assert_eq!(days, [Some(0), Some(1), None]);
    }

    #[test]
    fn greedy_lets_own_car_drivers_overflow_the_pool() {
        let mut input = input();
        for worker in &mut input.workers {
            worker.own_car = true;
        }
        let capacity = |w: usize, d: usize| input.workers[w].free_minutes[d];
        let chosen = greedy(&input, &capacity);
        assert!(chosen.iter().all(Option::is_some));
    }
}
