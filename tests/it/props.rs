//! Property tests with the checker as the oracle, on random small days from `gen`.
//!
//! The default budget is small enough for every `cargo test`; `PROPTEST_CASES=5000 cargo test
//! --test it props` runs a long search.

use crate::gen::{
    date, day_problems, left_out, one_fleet_day_problems, problems_with_rotas,
    rota_leaving_everything_out, single_trip_rotas, tiny_day_problems,
};
use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::TestCaseError;
use proptest::test_runner::TestRunner;
use rounds::check::{check_rota, codes};
use rounds::day::DayProblem;
use rounds::domain::TimeOfDay;
use rounds::optimise::{plan_day, SolveOptions};

fn config() -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES").ok().and_then(|s| s.parse().ok()).unwrap_or(48);
    ProptestConfig { cases, ..ProptestConfig::default() }
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn leaving_every_visit_out_is_feasible_and_costs_the_visits_left_out(problem in day_problems()) {
        let verdict = check_rota(&problem, &rota_leaving_everything_out(&problem));
        prop_assert!(verdict.is_feasible(), "{:#?}", verdict.violations);
        let w = &problem.policy.weights;
        let expected: f64 = problem
            .visits
            .iter()
            .map(|v| if v.deadline <= date() { w.missed_deadline } else { w.deferred })
            .sum();
        prop_assert!((verdict.objective - expected).abs() <= 1e-9 * expected.max(1.0));
        let due_today = problem.visits.iter().filter(|v| v.deadline <= date()).count();
        prop_assert_eq!(verdict.missed_deadlines.len(), due_today);
    }

    #[test]
    fn a_visit_started_before_arrival_is_always_caught(
        (problem, mut rota) in problems_with_rotas(),
        pick in any::<prop::sample::Index>(),
    ) {
        let mut stops: Vec<_> = rota.workers.iter_mut().flat_map(|w| &mut w.trips)
            .flat_map(|t| &mut t.stops).collect();
        prop_assume!(!stops.is_empty());
        let stop = pick.get_mut(&mut stops);
        let duration = stop.end.seconds() - stop.start.seconds();
        stop.start = TimeOfDay(stop.arrive.seconds() - 1);
        stop.end = stop.start.plus(duration);
        let verdict = check_rota(&problem, &rota);
        prop_assert!(verdict.codes().contains(&codes::STARTS_BEFORE_ARRIVAL), "{:#?}", verdict.violations);
    }

    #[test]
    fn an_arrival_faster_than_the_travel_time_is_always_caught(
        (problem, mut rota) in problems_with_rotas(),
        pick in any::<prop::sample::Index>(),
    ) {
        let mut stops: Vec<_> = rota.workers.iter_mut().flat_map(|w| &mut w.trips)
            .flat_map(|t| &mut t.stops).collect();
        prop_assume!(!stops.is_empty());
        let stop = pick.get_mut(&mut stops);
        stop.arrive = TimeOfDay(stop.arrive.seconds() - 1);
        let verdict = check_rota(&problem, &rota);
        prop_assert!(verdict.codes().contains(&codes::ARRIVES_TOO_EARLY), "{:#?}", verdict.violations);
    }

    #[test]
    fn a_visit_made_and_left_out_is_always_caught(
        (problem, mut rota) in problems_with_rotas(),
        pick in any::<prop::sample::Index>(),
    ) {
        let made: Vec<_> = rota.workers.iter().flat_map(|w| &w.trips)
            .flat_map(|t| &t.stops).map(|s| s.visit.clone()).collect();
        prop_assume!(!made.is_empty());
        let visit = problem.visits.iter().find(|v| &v.id == pick.get(&made)).unwrap();
        rota.unscheduled.push(left_out(visit));
        let verdict = check_rota(&problem, &rota);
        prop_assert!(verdict.codes().contains(&codes::SCHEDULED_AND_UNSCHEDULED));
    }

    #[test]
    fn the_verdict_does_not_depend_on_listing_order((problem, rota) in problems_with_rotas()) {
        let mut reversed = rota.clone();
        reversed.workers.reverse();
        reversed.unscheduled.reverse();
        let (a, b) = (check_rota(&problem, &rota), check_rota(&problem, &reversed));
        prop_assert_eq!(a.codes(), b.codes());
        prop_assert_eq!(a.violations.len(), b.violations.len());
        prop_assert!((a.objective - b.objective).abs() <= 1e-9 * a.objective.abs().max(1.0));
    }
}

/// Guards the properties above against a generator that only ever makes hopeless rotas: with a
/// fixed seed, some random rotas that make visits pass the checker.
#[test]
fn the_generator_makes_some_feasible_rotas_that_make_visits() {
    let mut runner = TestRunner::deterministic();
    let strategy = problems_with_rotas();
    let mut feasible_with_visits = 0;
    for _ in 0..300 {
        let (problem, rota) = strategy.new_tree(&mut runner).unwrap().current();
        let makes_visits = rota.workers.iter().any(|w| !w.trips.is_empty());
        if makes_visits && check_rota(&problem, &rota).is_feasible() {
            feasible_with_visits += 1;
        }
    }
    assert!(feasible_with_visits >= 10, "only {feasible_with_visits} of 300");
}

/// The enumeration of tiny days finds feasible rotas that make visits, so a bound checked
/// against it is checked against something.
#[test]
fn enumeration_finds_feasible_rotas_that_make_visits() {
    let mut runner = TestRunner::deterministic();
    let strategy = tiny_day_problems();
    let mut days_with_one = 0;
    for _ in 0..20 {
        let problem = strategy.new_tree(&mut runner).unwrap().current();
        let found = single_trip_rotas(&problem).iter().any(|rota| {
            rota.workers.iter().any(|w| !w.trips.is_empty())
                && check_rota(&problem, rota).is_feasible()
        });
        days_with_one += usize::from(found);
    }
    assert!(days_with_one >= 5, "only {days_with_one} of 20 days");
}

/// Plans `problem` without a clock and holds the result against the checker: feasible, the
/// same objective (to 1e-6 relative), the bound below it, and below every feasible rota the
/// caller knows of (`known`).
fn assert_optimiser_agrees(problem: &DayProblem, known: &[f64]) -> Result<(), TestCaseError> {
    let rota = plan_day(problem, &SolveOptions::untimed())
        .map_err(|e| TestCaseError::fail(format!("plan_day failed: {e}")))?;
    let verdict = check_rota(problem, &rota);
    prop_assert!(
        verdict.is_feasible(),
        "violations: {:#?}\nrota: {rota:#?}\nproblem: {problem:#?}",
        verdict.violations
    );
    let report = &rota.report;
    let scale = verdict.objective.abs().max(1.0);
    prop_assert!(
        (report.objective - verdict.objective).abs() <= 1e-6 * scale,
        "optimiser says {}, checker {}\nrota: {rota:#?}\nproblem: {problem:#?}",
        report.objective,
        verdict.objective
    );
    prop_assert!(
        report.bound <= verdict.objective + 1e-6 * scale,
        "bound {} > objective {}",
        report.bound,
        verdict.objective
    );
    for &cost in known {
        prop_assert!(
            report.bound <= cost + 1e-6 * cost.abs().max(1.0),
            "bound {} ({:?}) above a feasible rota costing {cost}\nproblem: {problem:#?}",
            report.bound,
            report.bound_kind
        );
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: config().cases.div_ceil(4), ..config() })]

    #[test]
    fn every_optimiser_rota_passes_the_checker_at_its_own_objective(problem in day_problems()) {
        assert_optimiser_agrees(&problem, &[])?;
    }

    /// Days where trips come first and every worker is one fleet's vehicle go through the
    /// ejection pool's route minimisation.
    #[test]
    fn every_rota_of_a_fleet_day_passes_the_checker(problem in one_fleet_day_problems()) {
        assert_optimiser_agrees(&problem, &[])?;
    }

    #[test]
    fn the_optimiser_bound_holds_against_every_enumerated_rota(problem in tiny_day_problems()) {
        let known: Vec<f64> = single_trip_rotas(&problem)
            .iter()
            .map(|rota| check_rota(&problem, rota))
            .filter(|verdict| verdict.is_feasible())
            .map(|verdict| verdict.objective)
            .collect();
        assert_optimiser_agrees(&problem, &known)?;
    }
}
