//! The one entry the edges call to plan a day: choose the visits, build the day's problem,
//! apply the officer's adjustments, optimise, and check the result independently.
//!
//! Only [`plan_day`] can make a [`CheckedPlan`], and it makes one only after the checker has
//! looked at the rota, so nothing downstream (the store, the API, the simulation) can publish a
//! rota that skipped the check. The checker's verdict travels with the plan: a rota with
//! violations is still returned (so an officer can see what went wrong) but `is_publishable`
//! says no.

use crate::check::{check_rota, Verdict};
use crate::day::build::build_day;
use crate::day::{DayProblem, Pin, Policy};
use crate::domain::{
    CarId, ChildId, Dataset, Endpoint, PodId, Rota, TimeOfDay, TimeSpan, VisitId, WorkerId,
};
use crate::horizon::{horizon_input, plan_horizon, HorizonOptions};
use crate::optimise::{plan_day as optimise_day, SolveError, SolveOptions};
use crate::rules::{due_by, RulesTable};
use crate::travel::Leg;
use chrono::NaiveDate;
use std::collections::{BTreeMap, BTreeSet};

/// A rota that has been through the independent checker, with the problem it answers.
#[derive(Clone, Debug)]
pub struct CheckedPlan {
    problem: DayProblem,
    rota: Rota,
    verdict: Verdict,
}

impl CheckedPlan {
    /// The day's problem, as adjusted and solved.
    pub fn problem(&self) -> &DayProblem {
        &self.problem
    }

    /// The rota.
    pub fn rota(&self) -> &Rota {
        &self.rota
    }

    /// What the checker found.
    pub fn verdict(&self) -> &Verdict {
        &self.verdict
    }

    /// Whether the rota may be published: the checker found nothing wrong.
    pub fn is_publishable(&self) -> bool {
        self.verdict.is_feasible()
    }

    /// The parts, for callers that keep the problem and rota (the simulation, storage).
    pub fn into_parts(self) -> (DayProblem, Rota, Verdict) {
        (self.problem, self.rota, self.verdict)
    }
}

/// What to plan and how, with what an officer has said about the day since the data was
/// imported.
#[derive(Clone, Debug, Default)]
pub struct DayRequest {
    /// The day.
    pub date: NaiveDate,
    /// Visits to plan: child and deadline. Usually from [`visits_due`] or the horizon plan.
    pub visits: Vec<(ChildId, NaiveDate)>,
    /// Weights and limits.
    pub policy: Policy,
    /// A council's own travel times, by point key.
    pub overrides: BTreeMap<(String, String), Leg>,
    /// Only these pods' workers and children (a pod's or locality's rota); `None` is the whole
    /// service.
    pub pods: Option<BTreeSet<PodId>>,
    /// Officers' pins, by visit.
    pub pins: BTreeMap<VisitId, Pin>,
    /// Parts of the day a worker can no longer work (off sick from 10:00).
    pub blocked: BTreeMap<WorkerId, Vec<TimeSpan>>,
    /// Visits that need no planning (done, or no access recorded).
    pub settled: BTreeSet<VisitId>,
    /// No visit that is not pinned starts before this time: the moment of a re-plan, when
    /// what is done or under way is pinned where it happened.
    pub not_before: TimeOfDay,
    /// Pool cars already booked on the day by the published rotas of other scopes (the pod
    /// next door, sharing the hub), with when: out of this rota's reach at those times.
    pub cars_booked: BTreeMap<CarId, Vec<TimeSpan>>,
}

/// The visits to offer the day optimiser on `date`: every child whose deadline falls on or
/// before `lookahead` working days after it (overdue children first by deadline), so a quiet
/// day takes on some of the next days' work.
pub fn visits_due(
    dataset: &Dataset,
    rules: &RulesTable,
    date: NaiveDate,
    lookahead: u32,
) -> Vec<(ChildId, NaiveDate)> {
    let until = dataset.calendar.add_working_days(date, lookahead);
    due_by(dataset, rules, until).into_iter().map(|due| (due.child, due.deadline)).collect()
}

/// The visits to offer the day optimiser on `date` when the day follows the horizon plan: the
/// ones the horizon puts on `date` (pulled forward to keep each worker's load smooth), and every
/// visit due within `lookahead` working days, wherever the horizon put it. The horizon plans
/// with estimated travel and free hours and smooths the load, so left to itself it makes most
/// visits on their deadline day, where a family not in means a late visit; the near-due ones
/// give the day optimiser, which knows the real times, the spare capacity to make them early.
/// What does not fit is left out with its reason. Sorted by deadline then child, as
/// [`visits_due`].
pub fn visits_from_horizon(
    dataset: &Dataset,
    rules: &RulesTable,
    date: NaiveDate,
    lookahead: u32,
    options: &HorizonOptions,
) -> Vec<(ChildId, NaiveDate)> {
    let input = horizon_input(dataset, rules, date, &BTreeMap::new(), options);
    let plan = plan_horizon(&input, options);
    let mut visits: BTreeSet<(NaiveDate, ChildId)> =
        plan.on(date).map(|a| (a.deadline, a.child.clone())).collect();
    visits.extend(visits_due(dataset, rules, date, lookahead).into_iter().map(|(c, d)| (d, c)));
    visits.into_iter().map(|(deadline, child)| (child, deadline)).collect()
}

/// Plans the day and checks the rota; the report's time is read from the caller's stopwatch
/// (`options.elapsed`), as the core keeps no clock.
pub fn plan_day(
    dataset: &Dataset,
    request: &DayRequest,
    options: &SolveOptions,
) -> Result<CheckedPlan, SolveError> {
    let mut problem = build_day(
        dataset,
        request.date,
        &request.visits,
        request.policy.clone(),
        &request.overrides,
    );
    adjust(&mut problem, request);
    let mut rota = optimise_day(&problem, options)?;
    if let Some(elapsed) = options.elapsed {
        rota.report.millis = u64::try_from(elapsed().as_millis()).unwrap_or(u64::MAX);
    }
    let verdict = check_rota(&problem, &rota);
    Ok(CheckedPlan { problem, rota, verdict })
}

/// Applies the request's scope, pins, blocks, settled visits and re-plan time to the day, so
/// the optimiser and the checker both see the day as the officer does.
fn adjust(problem: &mut DayProblem, request: &DayRequest) {
    if let Some(pods) = &request.pods {
        problem.workers.retain(|worker| pods.contains(&worker.pod));
        problem.visits.retain(|visit| pods.contains(&visit.pod));
    }
    problem.visits.retain(|visit| !request.settled.contains(&visit.id));
    for car in &mut problem.cars {
        if let Some(spans) = request.cars_booked.get(&car.id) {
            car.unavailable.extend(spans.iter().copied());
            car.unavailable.sort();
        }
    }
    for worker in &mut problem.workers {
        if let Some(spans) = request.blocked.get(&worker.id) {
            worker.blocked.extend(spans.iter().copied());
            worker.blocked.sort();
        }
    }
    for visit in &mut problem.visits {
        visit.pin = request.pins.get(&visit.id).cloned();
        if visit.pin.as_ref().is_some_and(|pin| pin.start.is_some()) {
            continue;
        }
        for place in &mut visit.places {
            place.windows = place
                .windows
                .iter()
                .filter_map(|w| TimeSpan::new(w.start.max(request.not_before), w.end))
                .collect();
        }
    }
    let DayProblem { workers, visits, matrix, .. } = problem;
    for worker in workers.iter_mut() {
        let end_point = match worker.end {
            Endpoint::Home => worker.home_point.unwrap_or(worker.hub_point),
            Endpoint::Hub(_) => worker.hub_point,
        };
        // A worker taken ill finishes the visit under way and travels back: the block starts
        // once they are back, or the visit they are in could not be kept.
        let kept: Vec<(TimeOfDay, TimeOfDay)> = visits
            .iter()
            .filter_map(|visit| {
                let pin = visit.pin.as_ref()?;
                let start = pin.start?;
                (pin.worker.as_ref() == Some(&worker.id)).then(|| {
                    let end = start.plus(visit.duration);
                    let home =
                        visit.places.iter().map(|p| matrix.drive(p.point, end_point).seconds);
                    (start, end.plus(home.max().unwrap_or(0)))
                })
            })
            .collect();
        let Some(sick) = request.blocked.get(&worker.id) else { continue };
        worker.blocked = std::mem::take(&mut worker.blocked)
            .into_iter()
            .filter_map(|span| {
                if !sick.contains(&span) {
                    return Some(span);
                }
                let under_way = kept.iter().filter(|(start, _)| *start < span.start);
                let back = under_way.map(|&(_, back)| back).max().unwrap_or(span.start);
                TimeSpan::new(back.max(span.start), span.end)
            })
            .collect();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixtures;

    fn medway_request(date: NaiveDate) -> (Dataset, DayRequest) {
        let dataset = fixtures::generate(1, 1);
        let visits = visits_due(&dataset, &RulesTable::england(), date, 0);
        (dataset, DayRequest { date, visits, ..DayRequest::default() })
    }

    #[test]
    fn cars_booked_by_other_rotas_are_not_booked_again() {
        let date = fixtures::reference_date();
        let (dataset, mut request) = medway_request(date);
        let pod = dataset.pods[0].id.clone();
        request.pods = Some(BTreeSet::from([pod]));
        let plan = |request: &DayRequest| {
            let checked = plan_day(&dataset, request, &SolveOptions::untimed()).unwrap();
            assert!(checked.is_publishable(), "{:?}", checked.verdict);
            let pool: Vec<(CarId, TimeSpan)> = checked
                .rota
                .workers
                .iter()
                .flat_map(|day| &day.trips)
                .filter_map(|trip| match &trip.transport {
                    crate::domain::Transport::PoolCar(car) => {
                        Some((car.clone(), TimeSpan::new(trip.depart, trip.back).unwrap()))
                    }
                    _ => None,
                })
                .collect();
            pool
        };
        let free = plan(&request);
        assert!(!free.is_empty(), "the pod uses pool cars when they are free");
        // Another rota has every car the pod used for the times it used them.
        for (car, span) in &free {
            request.cars_booked.entry(car.clone()).or_default().push(*span);
        }
        for (car, span) in plan(&request) {
            let taken = &request.cars_booked.get(&car).cloned().unwrap_or_default();
            assert!(
                taken.iter().all(|t| t.end <= span.start || span.end <= t.start),
                "{car:?} booked again at {span:?}"
            );
        }
    }

    #[test]
    fn a_pod_scope_keeps_only_that_pod() {
        let date = fixtures::reference_date();
        let (dataset, mut request) = medway_request(date);
        let pod = dataset.pods[0].id.clone();
        request.pods = Some(BTreeSet::from([pod.clone()]));
        let mut problem =
            build_day(&dataset, date, &request.visits, Policy::default(), &request.overrides);
        adjust(&mut problem, &request);
        assert!(!problem.workers.is_empty());
        assert!(problem.workers.iter().all(|w| w.pod == pod));
        assert!(problem.visits.iter().all(|v| v.pod == pod));
    }

    #[test]
    fn a_replan_moves_unpinned_windows_past_the_cut_and_keeps_pins() {
        let date = fixtures::reference_date();
        let (dataset, mut request) = medway_request(date);
        let mut problem =
            build_day(&dataset, date, &request.visits, Policy::default(), &request.overrides);
        let pinned = problem.visits[0].id.clone();
        let settled = problem.visits[1].id.clone();
        let cut = TimeOfDay::hm(13, 0).unwrap();
        request.not_before = cut;
        request.pins.insert(pinned.clone(), Pin { worker: None, start: TimeOfDay::hm(9, 30) });
        request.settled.insert(settled.clone());
        let before = problem.visits[0].places.clone();
        adjust(&mut problem, &request);
        assert!(problem.visits.iter().all(|v| v.id != settled));
        let first = problem.visits.iter().find(|v| v.id == pinned).unwrap();
        assert_eq!(first.places, before, "a pinned start keeps its windows");
        for visit in problem.visits.iter().filter(|v| v.id != pinned) {
            for window in visit.places.iter().flat_map(|p| &p.windows) {
                assert!(window.start >= cut, "{} has a window from {:?}", visit.id, window.start);
            }
        }
    }

    #[test]
    fn a_worker_taken_ill_finishes_the_visit_under_way_before_the_block() {
        let date = fixtures::reference_date();
        let (dataset, mut request) = medway_request(date);
        let mut problem =
            build_day(&dataset, date, &request.visits, Policy::default(), &request.overrides);
        let worker = problem.workers[0].id.clone();
        let visit = problem.visits[0].id.clone();
        let (started, sick) = (TimeOfDay::hm(9, 45).unwrap(), TimeOfDay::hm(10, 0).unwrap());
        let pin = Pin { worker: Some(worker.clone()), start: Some(started) };
        request.pins.insert(visit.clone(), pin);
        let span = TimeSpan::new(sick, TimeOfDay::END_OF_DAY).unwrap();
        request.blocked.insert(worker.clone(), vec![span]);
        adjust(&mut problem, &request);
        let duration = problem.visits.iter().find(|v| v.id == visit).unwrap().duration;
        let day = problem.workers.iter().find(|w| w.id == worker).unwrap();
        let block = day.blocked.iter().find(|b| b.end == TimeOfDay::END_OF_DAY).unwrap();
        assert!(block.start >= started.plus(duration), "{block:?} cuts the visit under way");
        assert!(block.start < TimeOfDay::hm(13, 0).unwrap(), "{block:?} starts too late");
    }

    #[test]
    fn the_horizon_s_day_keeps_every_visit_due_and_adds_what_it_pulls_forward() {
        let date = fixtures::reference_date();
        let dataset = fixtures::generate(1, 1);
        let rules = RulesTable::england();
        let options = HorizonOptions {
            working_days: 5,
            time_limit_seconds: 1.0,
            ..HorizonOptions::default()
        };
        let offered = visits_from_horizon(&dataset, &rules, date, 0, &options);
        let due = visits_due(&dataset, &rules, date, 0);
        assert!(!due.is_empty());
        for visit in &due {
            assert!(offered.contains(visit), "{visit:?} is due but not offered");
        }
        let input = horizon_input(&dataset, &rules, date, &BTreeMap::new(), &options);
        let horizon = plan_horizon(&input, &options);
        let pulled: Vec<_> =
            horizon.on(date).filter(|a| a.deadline > date).map(|a| a.child.clone()).collect();
        assert!(!pulled.is_empty(), "the horizon puts some not-yet-due visit on its first day");
        assert!(offered.len() > due.len());
        assert!(offered.windows(2).all(|w| (w[0].1, &w[0].0) < (w[1].1, &w[1].0)));
        let beyond = dataset.calendar.add_working_days(date, 5);
        assert!(offered.iter().all(|(_, deadline)| *deadline <= beyond));
    }
}
