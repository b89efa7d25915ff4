//! The simulation: plan each working day, play it out with realistic disruptions, advance the
//! children's history, repeat; then count what matters to a council (statutory visits on time,
//! continuity, miles, car use).
//!
//! It is pure like the rest of the core: the planner and the statutory rules come in as
//! closures (the CLI passes the real horizon, day optimiser and rules table), randomness comes
//! from a seed, and there is no clock. That keeps the bookkeeping testable on its own: a visit
//! with no access leaves the child due; a completed visit moves the next deadline.

mod metrics;
mod playout;

pub use metrics::{DayStats, HubPeak, SimReport, Totals};
pub use playout::{play_out, Happened, PlayedVisit};

use crate::day::DayProblem;
use crate::domain::{Absence, AbsenceKind, Car, ChildId, Dataset, Outage, Rota, WorkerId};
use chrono::NaiveDate;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use std::collections::BTreeMap;

/// How often things go wrong, per day.
#[derive(Clone, Debug, PartialEq)]
pub struct Disruptions {
    /// Chance a worker rings in sick for the day.
    pub sick: f64,
    /// Chance a family is not in: the visit does not count, the child stays due.
    pub no_access: f64,
    /// Chance a visit runs over.
    pub overrun: f64,
    /// The longest overrun, in minutes (drawn uniformly from 5 to this).
    pub overrun_max_minutes: u32,
    /// Chance a car is out of service for the day.
    pub car_out: f64,
}

impl Default for Disruptions {
    /// Planning estimates: 3% sickness absence, one family in ten not in, one visit in ten
    /// running up to 40 minutes over, a car off the road one day in fifty.
    fn default() -> Self {
        Disruptions {
            sick: 0.03,
            no_access: 0.10,
            overrun: 0.10,
            overrun_max_minutes: 40,
            car_out: 0.02,
        }
    }
}

/// What to simulate.
#[derive(Clone, Debug, PartialEq)]
pub struct SimOptions {
    /// The first day (the first working day on or after it).
    pub from: NaiveDate,
    /// How many working days.
    pub days: u32,
    /// Seed for every random draw.
    pub seed: u64,
    /// How often things go wrong.
    pub disruptions: Disruptions,
}

/// A planned day, as the planner closure returns it.
#[derive(Clone, Debug)]
pub struct PlannedDay {
    /// The day's problem the rota was planned for.
    pub problem: DayProblem,
    /// The rota.
    pub rota: Rota,
    /// Whether the independent checker accepted the rota.
    pub feasible: bool,
}

/// Runs the simulation over `options.days` working days.
///
/// `plan` makes the day's rota from the data as it stands that morning (after the morning's
/// sick calls and car faults); `deadline` gives a child's next statutory deadline from their
/// history; `progress` hears about each finished day.
pub fn simulate(
    mut dataset: Dataset,
    options: &SimOptions,
    plan: &mut dyn FnMut(&Dataset, NaiveDate) -> PlannedDay,
    deadline: &dyn Fn(&Dataset, &ChildId) -> NaiveDate,
    progress: &mut dyn FnMut(&DayStats, u32, u32),
) -> SimReport {
    let days = working_days(&dataset, options.from, options.days);
    let mut ledger = metrics::Ledger::default();
    for (n, &date) in days.iter().enumerate() {
        let mut rng =
            ChaCha8Rng::seed_from_u64(options.seed ^ u64::from(date.num_days_from_ce() as u32));
        let morning = morning_disruptions(&dataset, date, &options.disruptions, &mut rng);
        dataset.absences.extend(morning.absences.iter().cloned());
        for (car, outage) in &morning.outages {
            if let Some(c) = dataset.cars.iter_mut().find(|c| &c.id == car) {
                c.unavailable.push(*outage);
            }
        }
        let deadlines: BTreeMap<ChildId, NaiveDate> =
            dataset.children.iter().map(|c| (c.id.clone(), deadline(&dataset, &c.id))).collect();
        let planned = plan(&dataset, date);
        let happened = play_out(&planned.problem, &planned.rota, &options.disruptions, &mut rng);
        for visit in happened.visits.iter().filter(|v| v.seen) {
            if let Some(child) = dataset.children.iter_mut().find(|c| c.id == visit.child) {
                child.last_seen = Some(date);
            }
        }
        let stats = ledger.record_day(
            date,
            &dataset,
            &deadlines,
            &planned,
            &happened,
            morning.absences.len(),
        );
        progress(&stats, n as u32 + 1, days.len() as u32);
    }
    ledger.finish(&dataset, days.last().copied(), deadline)
}

/// `count` working days from `from` on.
fn working_days(dataset: &Dataset, from: NaiveDate, count: u32) -> Vec<NaiveDate> {
    from.iter_days().filter(|d| dataset.calendar.is_working_day(*d)).take(count as usize).collect()
}

/// What goes wrong before the day is planned.
struct Morning {
    absences: Vec<Absence>,
    outages: Vec<(crate::domain::CarId, Outage)>,
}

fn morning_disruptions(
    dataset: &Dataset,
    date: NaiveDate,
    rates: &Disruptions,
    rng: &mut ChaCha8Rng,
) -> Morning {
    let visiting: Vec<&WorkerId> =
        dataset.workers.iter().filter(|w| w.role.visits()).map(|w| &w.id).collect();
    let absences = visiting
        .into_iter()
        .filter(|_| rng.gen_bool(rates.sick.clamp(0.0, 1.0)))
        .map(|worker| Absence {
            worker: worker.clone(),
            date,
            kind: AbsenceKind::Sickness,
            span: None,
        })
        .collect();
    let whole_day = Outage {
        from: date.and_hms_opt(0, 0, 0).expect("midnight"),
        until: date.succ_opt().expect("date in range").and_hms_opt(0, 0, 0).expect("midnight"),
    };
    let outages = dataset
        .cars
        .iter()
        .filter(|_| rng.gen_bool(rates.car_out.clamp(0.0, 1.0)))
        .map(|car: &Car| (car.id.clone(), whole_day))
        .collect();
    Morning { absences, outages }
}

/// The dataset with a pool of `cars` cars: a balanced subset of the council's cars when fewer,
/// more cars like the first at each hub (round robin) when more. For "how many cars do we need?".
pub fn with_fleet_size(mut dataset: Dataset, cars: usize) -> Dataset {
    let mut by_hub: BTreeMap<_, Vec<Car>> = BTreeMap::new();
    for car in std::mem::take(&mut dataset.cars) {
        by_hub.entry(car.hub.clone()).or_default().push(car);
    }
    let templates: Vec<Car> = by_hub.values().filter_map(|cars| cars.first().cloned()).collect();
    let mut queues: Vec<std::collections::VecDeque<Car>> =
        by_hub.into_values().map(Into::into).collect();
    let mut fleet = Vec::with_capacity(cars);
    let mut hub = 0;
    let mut added = 0;
    while fleet.len() < cars && !templates.is_empty() {
        let n_queues = queues.len();
        match queues[hub % n_queues].pop_front() {
            Some(car) => fleet.push(car),
            None if queues.iter().all(|q| q.is_empty()) => {
                added += 1;
                let mut car = templates[hub % templates.len()].clone();
                car.id = crate::domain::CarId(format!("SIM{added:03}"));
                car.unavailable.clear();
                fleet.push(car);
            }
            None => {}
        }
        hub += 1;
    }
    fleet.sort_by(|a, b| a.id.cmp(&b.id));
    dataset.cars = fleet;
    dataset
}

use chrono::Datelike;

#[cfg(test)]
mod tests;
