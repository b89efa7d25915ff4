//! The day optimiser: column generation over worker-day plans on good_lp + HiGHS.
//!
//! [`plan_day`] runs, in order:
//! 1. `heuristic`: cheapest insertion gives a feasible rota and the first columns in milliseconds;
//! 2. `master` + `pricing`: the LP master (each visit once or paid as unscheduled, one day per
//!    worker, pool cars per hub at each five-minute instant, each trip counted from its departure
//!    to its return) and a labelling search over each worker's trips and their departures priced
//!    by its duals, until no column prices out (the LP value is then an exact bound) or the
//!    caller's stop fires (a Lagrangian bound is reported instead);
//! 3. `rounding`: a rota from the last LP's column values, at once; then an integer solve
//!    (HiGHS MIP) over the columns found, started from the cheaper of that and the heuristic's;
//! 4. `improve`: day elimination and visit relocation on the cheapest rota, then `ruin`: strings
//!    of nearby visits taken out and put back, in the time left; the same local search also runs
//!    on a second thread from the heuristic's rota while steps 2 and 3 run (the side search),
//!    which takes whole trips out (`eliminate`) where a trip costs more than all the travel,
//!    and hands each cheaper rota it finds to steps 2 and 3 (its days join the LP's columns,
//!    and the integer solve starts from the cheapest rota at hand);
//! 5. `cars`: concrete cars per trip, keeping charge above the reserve (a search per hub that
//!    revisits a choice when a later trip finds no car with the charge); a trip that finds none
//!    leaves when a car is back, or falls back to the worker's own car, walking, or leaves its
//!    visits out;
//!    then the visits still out go in one at a time wherever a day and the car stage take them
//!    (`refill`, on the cheapest rota: the car stage frees room no search before it saw);
//! 6. `explain`: a reason in words for every visit left out, asked of the rota as it stands
//!    (room in a day with a car: the time limit came first; room only were a car free: the
//!    pool; neither: the staff).
//!
//! The optimiser never reads the clock: the caller passes its stopwatch (`elapsed`) and a stop
//! flag in [`SolveOptions`], and fills in [`SolveReport::millis`] itself.

mod cars;
mod colgen;
mod column;
mod ejection;
mod eliminate;
mod explain;
mod extract;
mod heuristic;
mod improve;
mod integer;
mod master;
mod model;
mod pricing;
mod rounding;
mod ruin;
#[cfg(test)]
mod sample;

use crate::day::DayProblem;
use crate::domain::{BoundKind, Candidate, Rota, Search, SolveReport};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;
use std::time::Duration;

/// How long to search and how to report, all supplied by the caller.
pub struct SolveOptions<'a> {
    /// The whole budget.
    pub time_limit: Duration,
    /// The caller's stopwatch: time spent since the solve began. `None` runs without a time limit
    /// (deterministic, for tests), bounded only by `max_iterations` and `stop`.
    /// `Sync`: the side search reads it from a second thread.
    pub elapsed: Option<&'a (dyn Fn() -> Duration + Sync)>,
    /// Checked between steps: `true` stops the search and returns the best rota so far.
    pub stop: Option<&'a (dyn Fn() -> bool + Sync)>,
    /// Called after each column generation iteration.
    pub progress: Option<&'a dyn Fn(&Progress)>,
    /// At most this many column generation iterations.
    pub max_iterations: u32,
}

impl SolveOptions<'_> {
    /// Options with no clock and no callbacks: runs column generation to the end (or 500
    /// iterations), deterministic.
    pub fn untimed() -> SolveOptions<'static> {
        SolveOptions {
            time_limit: Duration::MAX,
            elapsed: None,
            stop: None,
            progress: None,
            max_iterations: 500,
        }
    }

    /// Time left of the budget, `None` without a stopwatch.
    fn remaining(&self) -> Option<Duration> {
        self.elapsed.map(|elapsed| self.time_limit.saturating_sub(elapsed()))
    }

    /// Whether the search must stop now.
    fn should_stop(&self) -> bool {
        self.stop.is_some_and(|stop| stop()) || self.remaining().is_some_and(|r| r.is_zero())
    }
}

/// Where a solve is, for a progress line.
#[derive(Clone, Debug, PartialEq)]
pub struct Progress {
    /// Column generation iterations so far.
    pub iterations: u32,
    /// Columns in the master.
    pub columns: u32,
    /// The restricted master's LP value (not a bound).
    pub lp_value: f64,
    /// The best valid lower bound so far.
    pub bound: f64,
}

/// Why no rota could be produced.
#[derive(Debug, thiserror::Error, PartialEq)]
pub enum SolveError {
    /// The problem refers to something that does not exist (a worker's hub with no point).
    #[error("invalid day problem: {0}")]
    Invalid(String),
    /// HiGHS failed on a model it should solve (a bug to report, with the instance).
    #[error("the LP solver failed: {0}")]
    Solver(String),
}

/// Plans one day: the cheapest rota the search finds within the options' budget, with its
/// objective, a valid lower bound and which kind of bound it is.
pub fn plan_day(problem: &DayProblem, options: &SolveOptions) -> Result<Rota, SolveError> {
    validate(problem)?;
    let model = model::Model::new(problem);
    let construction = heuristic::construct(&model);
    let days = construction.days;
    let mut report = SolveReport {
        objective: 0.0,
        bound: 0.0,
        bound_kind: BoundKind::Trivial,
        iterations: 0,
        columns: days.iter().flatten().count() as u32,
        millis: 0,
        timed_out: false,
        candidates: Vec::new(),
    };
    let mut candidates = Vec::new();
    if !options.should_stop() {
        // Column generation and the integer solve run on this thread, the side search on a
        // second one until they are done: a machine's second core works too.
        let done = AtomicBool::new(false);
        let offers = Mutex::new(Vec::new());
        let timing: Timing = (options.time_limit, options.elapsed, options.stop);
        let (outcome, side) = std::thread::scope(|scope| {
            let side = scope.spawn(|| side_search(&model, &days, timing, &done, &offers));
            let taken = || std::mem::take(&mut *offers.lock().unwrap_or_else(|e| e.into_inner()));
            let outcome = colgen::solve(&model, &days, options, &taken);
            done.store(true, Ordering::Relaxed);
            let side = side.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic));
            (outcome, side)
        });
        candidates.push((Search::SideSearch, side));
        let outcome = outcome?;
        report.bound = outcome.bound;
        report.bound_kind = outcome.bound_kind;
        report.iterations = outcome.iterations;
        report.columns = outcome.columns;
        report.timed_out = outcome.timed_out;
        candidates.extend(outcome.rounded.map(|days| (Search::LpRounding, days)));
        candidates.extend(outcome.days.map(|days| (Search::IntegerSolve, days)));
    } else {
        report.timed_out = true;
        report.bound = pricing::assignment_bound(&model);
        report.bound_kind = BoundKind::Lagrangian;
    }
    candidates.insert(0, (Search::Construction, days));
    // Local search on the cheapest so far, with whatever time is left.
    if let Some((_, cheapest)) = candidates
        .iter()
        .min_by(|a, b| colgen::days_cost(&model, &a.1).total_cmp(&colgen::days_cost(&model, &b.1)))
    {
        let mut improved = cheapest.clone();
        // The car stage after it needs time too (a twentieth of the limit, at most a second).
        let reserve = options.time_limit.mul_f64(0.05).min(Duration::from_secs(1));
        let stop = || options.should_stop() || options.remaining().is_some_and(|r| r < reserve);
        // Room for the visits left out first, with at most a share of the time to the reserve.
        let room_until =
            options.remaining().map(|r| r - r.saturating_sub(reserve).mul_f64(ROOM_SHARE));
        let room_stop =
            || stop() || options.remaining().zip(room_until).is_some_and(|(r, u)| r < u);
        let moved = improve::make_room(&model, &mut improved, &room_stop)
            | improve::improve(&model, &mut improved, &stop);
        // The fraction of the time from here to the reserve that is gone.
        let window = options.remaining().map(|r| r.saturating_sub(reserve));
        let spent = || {
            let left = options.remaining()?.saturating_sub(reserve);
            window.map(|w| 1.0 - left.as_secs_f64() / w.as_secs_f64().max(1e-9))
        };
        if ruin::ruin_and_recreate(&model, &mut improved, report.bound, &stop, &spent, &|_| {})
            || moved
        {
            candidates.push((Search::LocalSearch, improved));
        }
    }
    // Cars last, for each candidate rota: the one cheapest after its trips got real cars wins.
    let mut best: Option<(f64, Vec<Option<column::Column>>, cars::CarPlan)> = None;
    for (search, mut days) in candidates {
        let before_cars = colgen::days_cost(&model, &days);
        let cars = assign_cars_refilled(&model, &mut days, &|| options.should_stop());
        let cost = colgen::days_cost(&model, &days);
        let dropped = cars.dropped.len() as u32;
        report.candidates.push(Candidate { search, before_cars, after_cars: cost, dropped });
        if best.as_ref().is_none_or(|b| cost < b.0 - 1e-9) {
            best = Some((cost, days, cars));
        }
    }
    let (_, mut days, mut cars) = best.expect("the heuristic's rota is always a candidate");
    // Past the time limit too: it costs what explaining the visits left out would (the same
    // question, asked once per visit), and answers it by making them.
    refill(&model, &mut days, &mut cars);
    Ok(extract::to_rota(&model, &days, &cars, report))
}

/// The budget, stopwatch and stop of [`SolveOptions`]: what a second thread may share.
type Timing<'a> =
    (Duration, Option<&'a (dyn Fn() -> Duration + Sync)>, Option<&'a (dyn Fn() -> bool + Sync)>);

/// The most of the local search's time `improve::make_room` takes. On a day with hundreds of
/// visits left out (a December day of the fixtures, carrying the backlog since their snapshot)
/// each one it cannot place costs hundreds of tries: on 1 December at 10 s, with all the time
/// it wanted, the local search gained 10,000 in each of two runs (a visit left out costs that),
/// against 50,000 and 20,000 by ruin and recreate without it.
const ROOM_SHARE: f64 = 1.0 / 3.0;

/// Where trips come first (see `eliminate`), the share of the budget after which the side
/// search stops polishing the rota by ruin and recreate and starts taking trips out of it, and
/// the share after which it goes back to ruin and recreate. Taking trips out of the
/// heuristic's rota at once leaves a rota annealing does not mend (Solomon C203 13.5% over
/// the best known, against 0.00% by ruin and recreate alone, which also reached its 3
/// vehicles); from a polished one it only has to move the few visits that block a trip.
const ELIMINATION_FROM: f64 = 0.25;
const ELIMINATION_TO: f64 = 0.5;

/// The local search (moves, then ruin and recreate, with trip elimination in its middle where
/// trips come first) from the construction's rota, while column generation runs, until `done`
/// or the caller's stop. Without a clock it ignores `done` and makes its fixed number of steps,
/// so untimed solves stay deterministic.
fn side_search(
    model: &model::Model,
    days: &[Option<column::Column>],
    (limit, elapsed, stop): Timing,
    done: &AtomicBool,
    offers: &Mutex<Vec<Vec<Option<column::Column>>>>,
) -> Vec<Option<column::Column>> {
    let halt =
        || (elapsed.is_some() && done.load(Ordering::Relaxed)) || stop.is_some_and(|stop| stop());
    // Cooled over the whole budget: it is cut when column generation ends, still warm, and the
    // search after it starts from the cheapest rota found.
    let spent = || elapsed.map(|e| e().as_secs_f64() / limit.as_secs_f64().max(1e-9));
    let between = |from: f64, to: f64| move || spent().map(|s| (s - from) / (to - from));
    // Each cheaper rota goes to column generation (when timed: an untimed solve stays
    // deterministic): its days to the pool, so the LP starts from the side search's rotas
    // instead of climbing down to them through many rounds of pricing, and the cheapest to the
    // integer solve as its start.
    let offer = |rota: &[Option<column::Column>]| {
        if elapsed.is_some() {
            let mut offers = offers.lock().unwrap_or_else(|e| e.into_inner());
            offers.push(rota.to_vec());
        }
    };
    let mut rota = days.to_vec();
    improve::improve(model, &mut rota, &halt);
    offer(&rota);
    if eliminate::trips_first(model, &rota) {
        let polishing = between(0.0, ELIMINATION_FROM);
        ruin::ruin_and_recreate(model, &mut rota, f64::NEG_INFINITY, &halt, &polishing, &offer);
        let eliminating = between(ELIMINATION_FROM, ELIMINATION_TO);
        if ejection::eliminate_routes(model, &mut rota, &halt, &eliminating).is_none() {
            eliminate::eliminate_trips(model, &mut rota, &halt, &eliminating);
        }
        offer(&rota);
    }
    ruin::ruin_and_recreate(model, &mut rota, f64::NEG_INFINITY, &halt, &spent, &offer);
    rota
}

/// Puts each visit left out into the rota with its cars where a day takes it and the car stage
/// still finds it a car (one at a time, so each sees the room the last one left), then runs the
/// car stage again and keeps the result if it is cheaper. The car stage frees room the searches
/// before it never saw: trips moved to a worker's own car or to when a car is back. On the
/// generated council at ten times Medway, 68 of the 97 visits a 10 s rota left out fitted it so.
fn refill(model: &model::Model, days: &mut Vec<Option<column::Column>>, cars: &mut cars::CarPlan) {
    let mut trial = days.clone();
    let mut book = heuristic::CarBook::of(model, &trial);
    let mut any = false;
    for v in rounding::left_out(model, days) {
        if let Some(heuristic::Insertion::Fits(w, column)) =
            heuristic::insertion_with_cars(model, &trial, &book, v)
        {
            book.record(model, &column);
            trial[w] = Some(column);
            any = true;
        }
    }
    if !any {
        return;
    }
    let again = cars::assign_cars(model, &mut trial);
    if colgen::days_cost(model, &trial) < colgen::days_cost(model, days) - 1e-9 {
        *days = trial;
        *cars = again;
    }
}

/// The car stage every candidate rota of the solve goes through: cars assigned to the pool
/// trips, the visits that drops put back wherever the pool still has room, and cars assigned
/// again.
fn assign_cars_refilled(
    model: &model::Model,
    days: &mut [Option<column::Column>],
    stop: &dyn Fn() -> bool,
) -> cars::CarPlan {
    let cars = cars::assign_cars(model, days);
    let dropped: Vec<usize> = cars.dropped.iter().map(|d| d.0).collect();
    if dropped.is_empty()
        || !heuristic::reinsert(model, days, &dropped, heuristic::Trips::Any, stop)
    {
        return cars;
    }
    let again = cars::assign_cars(model, days);
    let made = rounding::made(model, days);
    let still_out = cars.dropped.into_iter().filter(|d| !made[d.0]);
    cars::CarPlan { cars: again.cars, dropped: still_out.chain(again.dropped).collect() }
}

/// Checks the references the optimiser relies on.
fn validate(problem: &DayProblem) -> Result<(), SolveError> {
    let n = problem.matrix.len();
    for worker in &problem.workers {
        if worker.hub_point >= n || worker.home_point.is_some_and(|p| p >= n) {
            return Err(SolveError::Invalid(format!(
                "worker {} has a point outside the matrix",
                worker.id
            )));
        }
    }
    for visit in &problem.visits {
        if visit.places.iter().any(|p| p.point >= n) {
            return Err(SolveError::Invalid(format!(
                "visit {} has a place outside the matrix",
                visit.id
            )));
        }
    }
    for car in &problem.cars {
        if !problem.hubs.iter().any(|h| h.id == car.hub) {
            return Err(SolveError::Invalid(format!("car {} is based at an unknown hub", car.id)));
        }
    }
    Ok(())
}
