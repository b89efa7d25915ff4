//! The outputs: a day's rota of trips per worker, car bookings, and visits left out with reasons.

use super::ids::{CarId, ChildId, HubId, VisitId, WorkerId};
use super::time::TimeOfDay;
use chrono::NaiveDate;

/// How a trip is made.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Transport {
    /// A pool car, by registration, booked from its hub and returned there.
    PoolCar(CarId),
    /// The worker's own car (paid mileage).
    OwnCar,
    /// Walking, for very short hops where the council allows it.
    OnFoot,
}

/// Where a trip starts or ends.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Endpoint {
    /// A hub.
    Hub(HubId),
    /// The worker's home.
    Home,
}

/// One visit made on a trip.
#[derive(Clone, Debug, PartialEq)]
pub struct Stop {
    /// The visit made.
    pub visit: VisitId,
    /// The child seen.
    pub child: ChildId,
    /// Which of the visit's places (0 = home, 1 = the alternative, e.g. school).
    pub place: usize,
    /// When the worker gets there.
    pub arrive: TimeOfDay,
    /// When the visit starts (after any wait for the window to open).
    pub start: TimeOfDay,
    /// When the visit ends.
    pub end: TimeOfDay,
}

/// One trip: leave a hub or home, make visits in order, come back.
#[derive(Clone, Debug, PartialEq)]
pub struct Trip {
    /// How the worker travels.
    pub transport: Transport,
    /// Where the trip starts.
    pub from: Endpoint,
    /// When the worker leaves.
    pub depart: TimeOfDay,
    /// The visits, in order.
    pub stops: Vec<Stop>,
    /// Where the trip ends.
    pub to: Endpoint,
    /// When the worker is back.
    pub back: TimeOfDay,
}

/// One worker's day.
#[derive(Clone, Debug, PartialEq)]
pub struct WorkerDay {
    /// Who.
    pub worker: WorkerId,
    /// Their trips, in time order.
    pub trips: Vec<Trip>,
}

/// A visit that the rota does not make, with the reason in words.
#[derive(Clone, Debug, PartialEq)]
pub struct Unscheduled {
    /// The visit left out.
    pub visit: VisitId,
    /// The child concerned.
    pub child: ChildId,
    /// The latest date the child must be seen.
    pub deadline: NaiveDate,
    /// A stable code for the reason (e.g. `NO_WORKER_FREE`).
    pub code: &'static str,
    /// The reason, in words an officer can act on.
    pub reason: String,
}

/// Which lower bound a solve reports.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BoundKind {
    /// The LP value of the master once exact pricing proved no improving column remains.
    ExactLp,
    /// A Lagrangian (Farley) bound from the last pricing round, when the search stopped early,
    /// or, before any round gives more, from duals that price each visit at the least any
    /// worker pays to make it.
    Lagrangian,
    /// A trivial bound (no pricing round completed).
    Trivial,
}

impl BoundKind {
    /// The code used in outputs.
    pub fn code(self) -> &'static str {
        match self {
            BoundKind::ExactLp => "exact_lp",
            BoundKind::Lagrangian => "lagrangian",
            BoundKind::Trivial => "trivial",
        }
    }
}

/// The searches that propose a rota; the one cheapest once cars are assigned is kept.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Search {
    /// The construction heuristic.
    Construction,
    /// Local search on the second core while column generation runs.
    SideSearch,
    /// Rounding of the LP's column values.
    LpRounding,
    /// The integer solve over the columns generated.
    IntegerSolve,
    /// Local search on the cheapest of the others, with the time left.
    LocalSearch,
}

impl Search {
    /// The code used in outputs.
    pub fn code(self) -> &'static str {
        match self {
            Search::Construction => "construction",
            Search::SideSearch => "side_search",
            Search::LpRounding => "lp_rounding",
            Search::IntegerSolve => "integer_solve",
            Search::LocalSearch => "local_search",
        }
    }
}

/// A rota one search proposed. The LP counts a pool trip's car only over the time every
/// schedule of its stops holds it (a relaxation its bound needs), so a search's rota can need
/// more cars at once than a hub has: the car stage then moves trips to own cars or leaves
/// visits out, and `after_cars` says what that cost.
#[derive(Clone, Debug, PartialEq)]
pub struct Candidate {
    /// Which search.
    pub search: Search,
    /// Its objective as the search left it.
    pub before_cars: f64,
    /// Its objective once cars are assigned (what decides between candidates).
    pub after_cars: f64,
    /// Visits the car stage left out of it.
    pub dropped: u32,
}

/// How the solve went: the figures every rota carries.
#[derive(Clone, Debug, PartialEq)]
pub struct SolveReport {
    /// The rota's objective, as the optimiser computed it.
    pub objective: f64,
    /// A lower bound on the objective of every possible rota.
    pub bound: f64,
    /// Which bound `bound` is.
    pub bound_kind: BoundKind,
    /// Column generation iterations.
    pub iterations: u32,
    /// Columns generated.
    pub columns: u32,
    /// Wall time of the solve in milliseconds (measured by the caller's stopwatch).
    pub millis: u64,
    /// Whether the time limit stopped the search.
    pub timed_out: bool,
    /// The rotas the searches proposed, in the order they were made.
    pub candidates: Vec<Candidate>,
}

impl SolveReport {
    /// Relative gap between objective and bound, `(objective - bound) / max(|objective|, 1)`.
    pub fn gap(&self) -> f64 {
        ((self.objective - self.bound) / self.objective.abs().max(1.0)).max(0.0)
    }
}

/// A day's rota for a scope (pod, locality or the whole service).
#[derive(Clone, Debug, PartialEq)]
pub struct Rota {
    /// The day.
    pub date: NaiveDate,
    /// Each worker's day (workers with no trips included, with none).
    pub workers: Vec<WorkerDay>,
    /// Visits not made, with reasons.
    pub unscheduled: Vec<Unscheduled>,
    /// How the solve went.
    pub report: SolveReport,
}
