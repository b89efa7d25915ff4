//! The independent checker: re-derives feasibility and cost of a rota from the inputs alone.
//!
//! It is the gate every rota passes before anyone sees it and the oracle of the optimiser's
//! tests, so it shares no code with `optimise`: it reads the [`DayProblem`] and the [`Rota`] and
//! re-applies, with its own arithmetic, each rule of "What a feasible rota is" and each term of
//! "The objective" in `crate::day`. Every broken rule becomes a [`Violation`] with a stable code
//! from [`codes`]; the checker never stops at the first one, so a report lists them all.
//!
//! Layout: this file holds the public types and walks each worker's day ([`check_rota`]);
//! `coverage.rs` checks that each visit is made or left out exactly once (and joint visits);
//! `fleet.rs` replays each pool car's bookings and charge; `objective.rs` prices the rota.

mod coverage;
mod fleet;
mod objective;

use crate::day::{DayProblem, DayVisit, DayWorker};
use crate::domain::{CarId, Endpoint, Rota, TimeOfDay, Transport, Trip, VisitId, WorkerId};
use crate::travel::Leg;
use std::collections::BTreeMap;

/// The stable codes of broken rules, one per rule.
pub mod codes {
    /// The rota is for another date than the problem.
    pub const WRONG_DATE: &str = "WRONG_DATE";
    /// A worker, visit, hub or car id that the problem does not hold.
    pub const UNKNOWN_WORKER: &str = "UNKNOWN_WORKER";
    /// A visit id that the problem does not hold.
    pub const UNKNOWN_VISIT: &str = "UNKNOWN_VISIT";
    /// A hub id that the problem does not hold.
    pub const UNKNOWN_HUB: &str = "UNKNOWN_HUB";
    /// A car registration that the problem does not hold.
    pub const UNKNOWN_CAR: &str = "UNKNOWN_CAR";
    /// The same worker has two days in the rota.
    pub const DUPLICATE_WORKER: &str = "DUPLICATE_WORKER";
    /// A trip starts or ends at home for a worker without a home point.
    pub const NO_HOME: &str = "NO_HOME";
    /// A stop or an unscheduled entry names another child than the visit's.
    pub const CHILD_MISMATCH: &str = "CHILD_MISMATCH";
    /// A stop names a place the visit does not have.
    pub const BAD_PLACE: &str = "BAD_PLACE";
    /// A trip leaves from somewhere other than the worker's start (first trip) or where the
    /// previous trip ended.
    pub const START_POINT: &str = "START_POINT";
    /// The last trip ends somewhere other than the worker's end point.
    pub const END_POINT: &str = "END_POINT";
    /// The first trip leaves before the shift starts.
    pub const BEFORE_SHIFT: &str = "BEFORE_SHIFT";
    /// A trip leaves before the previous one is back.
    pub const TRIPS_OVERLAP: &str = "TRIPS_OVERLAP";
    /// A stop's arrival is earlier than the previous departure plus the travel time.
    pub const ARRIVES_TOO_EARLY: &str = "ARRIVES_TOO_EARLY";
    /// A visit starts before the worker arrives.
    pub const STARTS_BEFORE_ARRIVAL: &str = "STARTS_BEFORE_ARRIVAL";
    /// A visit does not last exactly its duration.
    pub const WRONG_DURATION: &str = "WRONG_DURATION";
    /// A trip is back earlier than the last departure plus the journey back.
    pub const BACK_TOO_EARLY: &str = "BACK_TOO_EARLY";
    /// A visit's start..end is not inside one window of its place.
    pub const OUTSIDE_WINDOW: &str = "OUTSIDE_WINDOW";
    /// A visit ends after the worker's shift.
    pub const AFTER_SHIFT: &str = "AFTER_SHIFT";
    /// A worker is back later than the shift end plus the overtime limit.
    pub const OVERTIME_LIMIT: &str = "OVERTIME_LIMIT";
    /// A trip overlaps one of the worker's absences.
    pub const ABSENT: &str = "ABSENT";
    /// A visit is made more than once (by one worker twice, or a single visit by two).
    pub const VISIT_REPEATED: &str = "VISIT_REPEATED";
    /// A joint visit not made by exactly two workers at the same start and place.
    pub const JOINT_VISIT: &str = "JOINT_VISIT";
    /// A visit made by a worker without its required skill.
    pub const SKILL: &str = "SKILL";
    /// A pinned visit made by another worker than its pinned one.
    pub const PIN_WORKER: &str = "PIN_WORKER";
    /// A pinned visit started at another time than its pinned start.
    pub const PIN_START: &str = "PIN_START";
    /// A trip's demand exceeds the worker's capacity.
    pub const CAPACITY: &str = "CAPACITY";
    /// A trip on foot with a leg longer than the walking limit.
    pub const WALK_TOO_FAR: &str = "WALK_TOO_FAR";
    /// A trip in their own car by a worker who may not use it.
    pub const NO_OWN_CAR: &str = "NO_OWN_CAR";
    /// A pool car driven by a worker who may not drive one.
    pub const CANNOT_DRIVE: &str = "CANNOT_DRIVE";
    /// A pool car trip that does not start and end at the car's hub.
    pub const CAR_HUB: &str = "CAR_HUB";
    /// A pool car in two trips at once.
    pub const CAR_DOUBLE_BOOKED: &str = "CAR_DOUBLE_BOOKED";
    /// A pool car booked during one of its outages.
    pub const CAR_UNAVAILABLE: &str = "CAR_UNAVAILABLE";
    /// A pool car's charge below its reserve at the end of a trip.
    pub const BATTERY_RESERVE: &str = "BATTERY_RESERVE";
    /// A visit neither made nor listed as unscheduled.
    pub const VISIT_MISSING: &str = "VISIT_MISSING";
    /// A visit both made and listed as unscheduled.
    pub const SCHEDULED_AND_UNSCHEDULED: &str = "SCHEDULED_AND_UNSCHEDULED";
    /// A visit listed as unscheduled more than once.
    pub const UNSCHEDULED_TWICE: &str = "UNSCHEDULED_TWICE";
}

/// One broken rule, with the worker, visit or car it concerns.
#[derive(Clone, Debug, PartialEq)]
pub struct Violation {
    /// The rule's stable code (one of [`codes`]).
    pub code: &'static str,
    /// The worker concerned, if any.
    pub worker: Option<WorkerId>,
    /// The visit concerned, if any.
    pub visit: Option<VisitId>,
    /// The car concerned, if any.
    pub car: Option<CarId>,
    /// What is wrong, in words.
    pub message: String,
}

/// The checker's finding on one rota.
#[derive(Clone, Debug, PartialEq)]
pub struct Verdict {
    /// Every broken rule; empty when the rota is feasible.
    pub violations: Vec<Violation>,
    /// The rota's objective, priced by the checker's own arithmetic.
    pub objective: f64,
    /// Visits not made whose deadline is the day or earlier (not a violation: a cost).
    pub missed_deadlines: Vec<VisitId>,
}

impl Verdict {
    /// Whether the rota breaks no rule.
    pub fn is_feasible(&self) -> bool {
        self.violations.is_empty()
    }

    /// The distinct codes of the violations, sorted.
    pub fn codes(&self) -> Vec<&'static str> {
        let mut codes: Vec<&'static str> = self.violations.iter().map(|v| v.code).collect();
        codes.sort_unstable();
        codes.dedup();
        codes
    }
}

/// Checks `rota` against `problem`: every rule of a feasible rota, and the objective.
pub fn check_rota(problem: &DayProblem, rota: &Rota) -> Verdict {
    let mut checker = Checker::new(problem);
    if rota.date != problem.date {
        checker.flag(
            codes::WRONG_DATE,
            None,
            None,
            None,
            format!("the rota is for {}, the problem for {}", rota.date, problem.date),
        );
    }
    let mut seen_workers: BTreeMap<&WorkerId, ()> = BTreeMap::new();
    for worker_day in &rota.workers {
        if seen_workers.insert(&worker_day.worker, ()).is_some() {
            checker.flag(
                codes::DUPLICATE_WORKER,
                Some(&worker_day.worker),
                None,
                None,
                format!("worker {} has more than one day in the rota", worker_day.worker),
            );
        }
        match checker.workers.get(&worker_day.worker).copied() {
            Some(worker) => checker.walk_worker_day(worker, &worker_day.trips),
            None => {
                checker.flag(
                    codes::UNKNOWN_WORKER,
                    Some(&worker_day.worker),
                    None,
                    None,
                    format!("worker {} is not in the day's problem", worker_day.worker),
                );
                checker.record_stops_of_unknown_worker(&worker_day.worker, &worker_day.trips);
            }
        }
    }
    coverage::check_coverage(&mut checker, rota);
    fleet::check_cars(&mut checker);
    let objective = objective::price(&checker);
    let missed_deadlines = problem
        .visits
        .iter()
        .filter(|v| !checker.made.contains_key(&v.id) && v.deadline <= problem.date)
        .map(|v| v.id.clone())
        .collect();
    Verdict { violations: checker.violations, objective, missed_deadlines }
}

/// One (worker, start, place) that made a visit.
#[derive(Clone, Debug)]
struct Made {
    worker: WorkerId,
    start: TimeOfDay,
    place: usize,
}

/// One pool car booking, for the fleet replay.
#[derive(Clone, Debug)]
struct Booking {
    car: CarId,
    worker: WorkerId,
    depart: u64,
    back: u64,
    km: f64,
}

/// What the objective needs of one known worker's day.
#[derive(Clone, Debug, Default)]
struct WorkerTally {
    trips: u64,
    travel_seconds: u64,
    own_car_km: f64,
    overtime_seconds: u64,
    visits: u64,
}

struct Checker<'a> {
    problem: &'a DayProblem,
    workers: BTreeMap<&'a WorkerId, &'a DayWorker>,
    visits: BTreeMap<&'a VisitId, &'a DayVisit>,
    violations: Vec<Violation>,
    made: BTreeMap<VisitId, Vec<Made>>,
    bookings: Vec<Booking>,
    tallies: BTreeMap<WorkerId, WorkerTally>,
}

impl<'a> Checker<'a> {
    fn new(problem: &'a DayProblem) -> Checker<'a> {
        Checker {
            problem,
            workers: problem.workers.iter().map(|w| (&w.id, w)).collect(),
            visits: problem.visits.iter().map(|v| (&v.id, v)).collect(),
            violations: Vec::new(),
            made: BTreeMap::new(),
            bookings: Vec::new(),
            tallies: BTreeMap::new(),
        }
    }

    fn flag(
        &mut self,
        code: &'static str,
        worker: Option<&WorkerId>,
        visit: Option<&VisitId>,
        car: Option<&CarId>,
        message: String,
    ) {
        self.violations.push(Violation {
            code,
            worker: worker.cloned(),
            visit: visit.cloned(),
            car: car.cloned(),
            message,
        });
    }

    /// Records who made what for a worker the problem does not know, so that coverage does not
    /// pile a second, derived violation on the unknown id.
    fn record_stops_of_unknown_worker(&mut self, worker: &WorkerId, trips: &[Trip]) {
        for stop in trips.iter().flat_map(|t| &t.stops) {
            self.made.entry(stop.visit.clone()).or_default().push(Made {
                worker: worker.clone(),
                start: stop.start,
                place: stop.place,
            });
        }
    }

    /// The matrix point of an endpoint for this worker, flagging unknown hubs and missing homes.
    fn endpoint_point(&mut self, worker: &DayWorker, endpoint: &Endpoint) -> Option<usize> {
        match endpoint {
            Endpoint::Home => {
                if worker.home_point.is_none() {
                    self.flag(
                        codes::NO_HOME,
                        Some(&worker.id),
                        None,
                        None,
                        format!("worker {} has no home to start or end a trip at", worker.id),
                    );
                }
                worker.home_point
            }
            Endpoint::Hub(hub) => {
                let point = self.problem.hubs.iter().find(|h| &h.id == hub).map(|h| h.point);
                if point.is_none() {
                    self.flag(
                        codes::UNKNOWN_HUB,
                        Some(&worker.id),
                        None,
                        None,
                        format!("hub {hub} is not in the day's problem"),
                    );
                }
                point
            }
        }
    }

    fn leg(&self, transport: &Transport, from: usize, to: usize) -> Leg {
        match transport {
            Transport::OnFoot => self.problem.matrix.walk(from, to),
            Transport::OwnCar | Transport::PoolCar(_) => self.problem.matrix.drive(from, to),
        }
    }

    /// Walks one known worker's trips in order: places, times, shift, absences, transport,
    /// skills, pins and capacity; records visits made, car bookings and the objective's tally.
    fn walk_worker_day(&mut self, worker: &'a DayWorker, trips: &[Trip]) {
        let id = &worker.id;
        let policy = &self.problem.policy;
        let shift_start = u64::from(worker.shift.start.seconds());
        let shift_end = u64::from(worker.shift.end.seconds());
        let mut tally = WorkerTally::default();
        let mut expected_from = worker.start.clone();
        let mut free_at = shift_start;
        for (trip_idx, trip) in trips.iter().enumerate() {
            let depart = u64::from(trip.depart.seconds());
            let back = u64::from(trip.back.seconds());
            if trip.from != expected_from {
                self.flag(
                    codes::START_POINT,
                    Some(id),
                    None,
                    None,
                    format!(
                        "trip {} of {id} leaves from {:?}, but the worker is at {:?}",
                        trip_idx + 1,
                        trip.from,
                        expected_from
                    ),
                );
            }
            if depart < free_at {
                let (code, what) = if trip_idx == 0 {
                    (codes::BEFORE_SHIFT, "the shift starts")
                } else {
                    (codes::TRIPS_OVERLAP, "the previous trip is back")
                };
                self.flag(
                    code,
                    Some(id),
                    None,
                    None,
                    format!(
                        "trip {} of {id} leaves at {} but {what} at {}",
                        trip_idx + 1,
                        trip.depart,
                        TimeOfDay(free_at as u32)
                    ),
                );
            }
            self.check_transport(worker, trip);
            for blocked in &worker.blocked {
                if depart < u64::from(blocked.end.seconds())
                    && u64::from(blocked.start.seconds()) < back
                {
                    self.flag(
                        codes::ABSENT,
                        Some(id),
                        None,
                        None,
                        format!(
                            "trip {} of {id} ({}-{}) overlaps an absence {blocked}",
                            trip_idx + 1,
                            trip.depart,
                            trip.back
                        ),
                    );
                }
            }
            let from_point = self.endpoint_point(worker, &trip.from);
            let to_point = self.endpoint_point(worker, &trip.to);
            let mut position = from_point;
            let mut clock = depart;
            let mut km = 0.0;
            let mut longest_leg_km: f64 = 0.0;
            let mut demand: u64 = 0;
            for stop in &trip.stops {
                tally.visits += 1;
                self.made.entry(stop.visit.clone()).or_default().push(Made {
                    worker: id.clone(),
                    start: stop.start,
                    place: stop.place,
                });
                let start = u64::from(stop.start.seconds());
                let end = u64::from(stop.end.seconds());
                let arrive = u64::from(stop.arrive.seconds());
                if start < arrive {
                    self.flag(
                        codes::STARTS_BEFORE_ARRIVAL,
                        Some(id),
                        Some(&stop.visit),
                        None,
                        format!(
                            "visit {} starts at {} before arrival at {}",
                            stop.visit, stop.start, stop.arrive
                        ),
                    );
                }
                if end > shift_end {
                    self.flag(
                        codes::AFTER_SHIFT,
                        Some(id),
                        Some(&stop.visit),
                        None,
                        format!(
                            "visit {} ends at {} after {id}'s shift ends at {}",
                            stop.visit, stop.end, worker.shift.end
                        ),
                    );
                }
                let Some(visit) = self.visits.get(&stop.visit).copied() else {
                    self.flag(
                        codes::UNKNOWN_VISIT,
                        Some(id),
                        Some(&stop.visit),
                        None,
                        format!("visit {} is not in the day's problem", stop.visit),
                    );
                    position = None;
                    clock = end;
                    continue;
                };
                demand += u64::from(visit.demand);
                if stop.child != visit.child {
                    self.flag(
                        codes::CHILD_MISMATCH,
                        Some(id),
                        Some(&stop.visit),
                        None,
                        format!(
                            "visit {} is to child {}, not {}",
                            visit.id, visit.child, stop.child
                        ),
                    );
                }
                if end != start + u64::from(visit.duration) {
                    self.flag(
                        codes::WRONG_DURATION,
                        Some(id),
                        Some(&stop.visit),
                        None,
                        format!(
                            "visit {} runs {}-{} but lasts {} s",
                            visit.id, stop.start, stop.end, visit.duration
                        ),
                    );
                }
                self.check_skill_and_pin(worker, visit, stop.start);
                let Some(place) = visit.places.get(stop.place) else {
                    self.flag(
                        codes::BAD_PLACE,
                        Some(id),
                        Some(&stop.visit),
                        None,
                        format!("visit {} has no place {}", visit.id, stop.place),
                    );
                    position = None;
                    clock = end;
                    continue;
                };
                let inside = place.windows.iter().any(|w| {
                    u64::from(w.start.seconds()) <= start && end <= u64::from(w.end.seconds())
                });
                if !inside {
                    self.flag(
                        codes::OUTSIDE_WINDOW,
                        Some(id),
                        Some(&stop.visit),
                        None,
                        format!(
                            "visit {} at {}-{} is outside every window of place {}",
                            visit.id, stop.start, stop.end, stop.place
                        ),
                    );
                }
                if let Some(from) = position {
                    let leg = self.leg(&trip.transport, from, place.point);
                    km += leg.km;
                    longest_leg_km = longest_leg_km.max(leg.km);
                    tally.travel_seconds += u64::from(leg.seconds);
                    let earliest = clock + u64::from(leg.seconds);
                    if arrive < earliest {
                        self.flag(
                            codes::ARRIVES_TOO_EARLY,
                            Some(id),
                            Some(&stop.visit),
                            None,
                            format!(
                                "visit {}: arrival {} is before {} (leaving at {} plus {} s of travel)",
                                visit.id,
                                stop.arrive,
                                TimeOfDay(earliest as u32),
                                TimeOfDay(clock as u32),
                                leg.seconds
                            ),
                        );
                    }
                }
                position = Some(place.point);
                clock = end;
            }
            if let (Some(from), Some(to)) = (position, to_point) {
                let leg = self.leg(&trip.transport, from, to);
                km += leg.km;
                longest_leg_km = longest_leg_km.max(leg.km);
                tally.travel_seconds += u64::from(leg.seconds);
                let earliest = clock + u64::from(leg.seconds);
                if back < earliest {
                    self.flag(
                        codes::BACK_TOO_EARLY,
                        Some(id),
                        None,
                        None,
                        format!(
                            "trip {} of {id} is back at {}, before {}",
                            trip_idx + 1,
                            trip.back,
                            TimeOfDay(earliest as u32)
                        ),
                    );
                }
            } else if back < clock {
                self.flag(
                    codes::BACK_TOO_EARLY,
                    Some(id),
                    None,
                    None,
                    format!("trip {} of {id} is back before its last visit ends", trip_idx + 1),
                );
            }
            if trip.transport == Transport::OnFoot
                && (policy.walk_max_km <= 0.0 || longest_leg_km > policy.walk_max_km)
            {
                self.flag(
                    codes::WALK_TOO_FAR,
                    Some(id),
                    None,
                    None,
                    format!(
                        "trip {} of {id} is on foot with a leg of {longest_leg_km:.2} km (limit {:.2} km)",
                        trip_idx + 1,
                        policy.walk_max_km
                    ),
                );
            }
            if let Some(capacity) = worker.capacity {
                if demand > u64::from(capacity) {
                    self.flag(
                        codes::CAPACITY,
                        Some(id),
                        None,
                        None,
                        format!(
                            "trip {} of {id} carries {demand} over a capacity of {capacity}",
                            trip_idx + 1
                        ),
                    );
                }
            }
            match &trip.transport {
                Transport::OwnCar => tally.own_car_km += km,
                Transport::PoolCar(car) => self.bookings.push(Booking {
                    car: car.clone(),
                    worker: id.clone(),
                    depart,
                    back,
                    km,
                }),
                Transport::OnFoot => {}
            }
            tally.trips += 1;
            free_at = back;
            expected_from = trip.to.clone();
        }
        if let Some(last) = trips.last() {
            if last.to != worker.end {
                self.flag(
                    codes::END_POINT,
                    Some(id),
                    None,
                    None,
                    format!("{id}'s day ends at {:?}, not at {:?}", last.to, worker.end),
                );
            }
            let back = u64::from(last.back.seconds());
            tally.overtime_seconds = back.saturating_sub(shift_end);
            if tally.overtime_seconds > u64::from(policy.max_overtime_seconds) {
                self.flag(
                    codes::OVERTIME_LIMIT,
                    Some(id),
                    None,
                    None,
                    format!(
                        "{id} is back at {}, {} s after the shift ends (limit {} s)",
                        last.back, tally.overtime_seconds, policy.max_overtime_seconds
                    ),
                );
            }
        }
        self.tallies.insert(id.clone(), tally);
    }

    fn check_transport(&mut self, worker: &DayWorker, trip: &Trip) {
        let id = &worker.id;
        match &trip.transport {
            Transport::OnFoot => {}
            Transport::OwnCar => {
                if !worker.own_car {
                    self.flag(
                        codes::NO_OWN_CAR,
                        Some(id),
                        None,
                        None,
                        format!("{id} may not use their own car"),
                    );
                }
            }
            Transport::PoolCar(car_id) => {
                if !worker.can_drive {
                    self.flag(
                        codes::CANNOT_DRIVE,
                        Some(id),
                        None,
                        Some(car_id),
                        format!("{id} may not drive pool car {car_id}"),
                    );
                }
                match self.problem.cars.iter().find(|c| &c.id == car_id) {
                    None => self.flag(
                        codes::UNKNOWN_CAR,
                        Some(id),
                        None,
                        Some(car_id),
                        format!("car {car_id} is not in the day's problem"),
                    ),
                    Some(car) => {
                        let hub = Endpoint::Hub(car.hub.clone());
                        if trip.from != hub || trip.to != hub {
                            self.flag(
                                codes::CAR_HUB,
                                Some(id),
                                None,
                                Some(car_id),
                                format!(
                                    "car {car_id} is based at {}, but the trip runs {:?} to {:?}",
                                    car.hub, trip.from, trip.to
                                ),
                            );
                        }
                    }
                }
            }
        }
    }

    fn check_skill_and_pin(&mut self, worker: &DayWorker, visit: &DayVisit, start: TimeOfDay) {
        let id = &worker.id;
        if let Some(skill) = &visit.skill {
            if !worker.skills.contains(skill) {
                self.flag(
                    codes::SKILL,
                    Some(id),
                    Some(&visit.id),
                    None,
                    format!("visit {} needs {skill}, which {id} does not hold", visit.id),
                );
            }
        }
        if let Some(pin) = &visit.pin {
            if let Some(pinned) = &pin.worker {
                if pinned != id {
                    self.flag(
                        codes::PIN_WORKER,
                        Some(id),
                        Some(&visit.id),
                        None,
                        format!("visit {} is pinned to {pinned}, made by {id}", visit.id),
                    );
                }
            }
            if let Some(pinned) = pin.start {
                if pinned != start {
                    self.flag(
                        codes::PIN_START,
                        Some(id),
                        Some(&visit.id),
                        None,
                        format!(
                            "visit {} is pinned to start at {pinned}, starts at {start}",
                            visit.id
                        ),
                    );
                }
            }
        }
    }
}
