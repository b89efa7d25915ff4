//! One day's planning problem: the solver-ready, indexed view shared by the optimiser and the
//! independent checker.
//!
//! Both read the same inputs (this type) and nothing of each other. The rules of a feasible
//! rota and the objective are defined here in words; `optimise` searches for a cheap rota and
//! `check` re-derives feasibility and cost from these definitions with its own arithmetic.
//!
//! # What a feasible rota is
//! - Each worker makes zero or more **trips** in time order. A trip leaves an [`Endpoint`]
//!   (the worker's base hub, or home where the worker has one) at `depart`, makes its stops in
//!   order and comes back to an endpoint at `back`. The first trip leaves from the worker's
//!   `start` point no earlier than the shift start; a later trip leaves from where the previous
//!   one ended, no earlier than its `back`. The day ends at the worker's `end` point.
//! - At each stop the worker arrives at `arrive` = previous departure + travel time (drive or
//!   walk legs of [`TravelMatrix`]); `start` >= `arrive`; the visit lasts exactly its `duration`;
//!   `start..end` lies inside one window of the chosen place. Waiting is allowed.
//! - Visits end by the end of the worker's shift; only the journey back may run past it, by at
//!   most [`Policy::max_overtime_seconds`], and that time is overtime.
//! - Nothing of a trip (departure to return) overlaps one of the worker's `blocked` spans.
//! - A visit is made at most once. A joint visit is made by exactly two different workers who
//!   start it at the same minute at the same place; others by one.
//! - A visit needing a skill is made only by workers holding it; a pinned visit only by its
//!   pinned worker and at its pinned start.
//! - Each visit's demand, summed over a trip, fits the worker's `capacity` where one is set
//!   (used by the Solomon benchmark; Medway has none).
//! - **Transport.** `OnFoot` only where every leg of the trip is at most
//!   [`Policy::walk_max_km`] (and walking legs use walk times). `OwnCar` only for workers with
//!   `own_car`. `PoolCar(c)` only for workers who `can_drive`, with the trip starting and ending
//!   at car `c`'s hub; a car is in one trip at a time and never in an unavailable span; its
//!   charge, starting at `charge_kwh`, drops by `km * kwh_per_km` over a trip, must stay at or
//!   above `reserve_kwh` at the end of every trip, and rises at `charger_kw` (up to `usable_kwh`)
//!   while parked between trips.
//!
//! # The objective (minimised)
//! - each unscheduled visit: [`Weights::missed_deadline`] if its deadline is on or before the
//!   day, else [`Weights::deferred`];
//! - each (visit, worker) pair made: the continuity cost of that worker for that visit (allocated
//!   worker 0, a pod colleague [`Weights::pod_colleague`], same locality
//!   [`Weights::same_locality`], anyone else [`Weights::anyone`]);
//! - [`Weights::trip`] per trip;
//! - [`Weights::travel_minute`] per minute (seconds / 60, not rounded) of travel (drive or walk) of every worker;
//! - [`Weights::grey_km`] per km driven in an own car;
//! - [`Weights::overtime_minute`] per minute (seconds / 60) a worker is back after the shift end;
//! - [`Weights::over_fair_share`] per visit a worker makes beyond their `fair_share`.

pub mod build;

use crate::domain::{
    ChildId, Endpoint, HubId, LocalityId, PodId, Skill, TimeOfDay, TimeSpan, VisitId, WorkerId,
};
use crate::travel::TravelMatrix;
use chrono::NaiveDate;
use std::collections::BTreeSet;

pub use crate::domain::CarId;

/// The objective's weights, in cost units (one unit is about one minute of a worker's time).
#[derive(Clone, Debug, PartialEq)]
pub struct Weights {
    /// A visit left out whose deadline is today or past: dominant.
    pub missed_deadline: f64,
    /// A visit left out that could still be made on a later day.
    pub deferred: f64,
    /// A visit made by a pod colleague of the allocated worker.
    pub pod_colleague: f64,
    /// A visit made by a worker of the same locality, not of the pod.
    pub same_locality: f64,
    /// A visit made by any other qualified worker.
    pub anyone: f64,
    /// Each trip made (a car handover, the check-out and check-in): keeps trips few; the
    /// Solomon benchmark sets it high to count vehicles first.
    pub trip: f64,
    /// A minute of travel.
    pub travel_minute: f64,
    /// A km in a worker's own car (paid mileage, emissions).
    pub grey_km: f64,
    /// A minute back after the shift end.
    pub overtime_minute: f64,
    /// A visit beyond the worker's fair share of the pod's load.
    pub over_fair_share: f64,
}

impl Default for Weights {
    fn default() -> Self {
        Weights {
            missed_deadline: 10_000.0,
            deferred: 500.0,
            pod_colleague: 30.0,
            same_locality: 90.0,
            anyone: 180.0,
            trip: 5.0,
            travel_minute: 1.0,
            grey_km: 2.0,
            overtime_minute: 3.0,
            over_fair_share: 20.0,
        }
    }
}

/// The council's rules for a day that are not weights.
#[derive(Clone, Debug, PartialEq)]
pub struct Policy {
    /// The objective's weights.
    pub weights: Weights,
    /// How long after the shift end, in seconds, a worker may still be travelling back.
    pub max_overtime_seconds: u32,
    /// The longest leg a worker may walk; 0 forbids walking.
    pub walk_max_km: f64,
}

impl Default for Policy {
    fn default() -> Self {
        Policy { weights: Weights::default(), max_overtime_seconds: 30 * 60, walk_max_km: 1.0 }
    }
}

/// A hub, as a day sees it.
#[derive(Clone, Debug, PartialEq)]
pub struct DayHub {
    /// Which hub.
    pub id: HubId,
    /// Its point in the matrix.
    pub point: usize,
}

/// A worker available for visits on the day.
#[derive(Clone, Debug, PartialEq)]
pub struct DayWorker {
    /// Who.
    pub id: WorkerId,
    /// Their pod.
    pub pod: PodId,
    /// Their pod's locality.
    pub locality: LocalityId,
    /// Their base hub (where they collect pool cars).
    pub hub: HubId,
    /// The hub's point in the matrix.
    pub hub_point: usize,
    /// Their home's point, if they may start or end there.
    pub home_point: Option<usize>,
    /// Where the day starts.
    pub start: Endpoint,
    /// Where the day ends.
    pub end: Endpoint,
    /// Contracted hours today.
    pub shift: TimeSpan,
    /// Parts of the shift taken by absences (court, training, a sickness from 10:00).
    pub blocked: Vec<TimeSpan>,
    /// May drive a pool car.
    pub can_drive: bool,
    /// May use their own car.
    pub own_car: bool,
    /// Skills held.
    pub skills: BTreeSet<Skill>,
    /// Load a trip can carry (Solomon); `None` for no limit.
    pub capacity: Option<u32>,
    /// Visits beyond which the fairness term charges.
    pub fair_share: u16,
}

/// A place a visit can happen, as a day sees it.
#[derive(Clone, Debug, PartialEq)]
pub struct DayPlace {
    /// Its point in the matrix.
    pub point: usize,
    /// When a visit there may take place.
    pub windows: Vec<TimeSpan>,
}

/// An officer's pin: who must make a visit, or when it must start.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Pin {
    /// The worker who must make it.
    pub worker: Option<WorkerId>,
    /// When it must start.
    pub start: Option<TimeOfDay>,
}

/// A visit to make on the day (or leave out, at a cost).
#[derive(Clone, Debug, PartialEq)]
pub struct DayVisit {
    /// The visit.
    pub id: VisitId,
    /// The child.
    pub child: ChildId,
    /// The pod holding the case.
    pub pod: PodId,
    /// The child's locality (`None` when placed out of area).
    pub locality: Option<LocalityId>,
    /// The allocated worker.
    pub allocated: WorkerId,
    /// The latest date of the visit.
    pub deadline: NaiveDate,
    /// How long it takes, in seconds.
    pub duration: u32,
    /// Where it can happen: home first, then e.g. school.
    pub places: Vec<DayPlace>,
    /// Whether two workers must go.
    pub joint: bool,
    /// A skill the visiting workers must hold.
    pub skill: Option<Skill>,
    /// Load it adds to a trip (Solomon); 0 for Medway.
    pub demand: u32,
    /// An officer's pin.
    pub pin: Option<Pin>,
}

/// A pool car, as a day sees it.
#[derive(Clone, Debug, PartialEq)]
pub struct DayCar {
    /// Registration.
    pub id: CarId,
    /// Its hub.
    pub hub: HubId,
    /// The hub's point.
    pub hub_point: usize,
    /// Usable capacity, kWh.
    pub usable_kwh: f64,
    /// kWh per km.
    pub kwh_per_km: f64,
    /// The floor, kWh.
    pub reserve_kwh: f64,
    /// Charger power at the hub, kW.
    pub charger_kw: f64,
    /// Charge at the start of the day, kWh.
    pub charge_kwh: f64,
    /// Spans of the day when it cannot be booked.
    pub unavailable: Vec<TimeSpan>,
}

/// The whole day's problem.
#[derive(Clone, Debug)]
pub struct DayProblem {
    /// The day.
    pub date: NaiveDate,
    /// Legs between every point the day uses.
    pub matrix: TravelMatrix,
    /// Hubs.
    pub hubs: Vec<DayHub>,
    /// Workers available for visits (at least part of the day).
    pub workers: Vec<DayWorker>,
    /// Visits to make.
    pub visits: Vec<DayVisit>,
    /// Pool cars.
    pub cars: Vec<DayCar>,
    /// Rules and weights.
    pub policy: Policy,
}
