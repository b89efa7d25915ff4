//! The Solomon VRPTW benchmark (and Gehring & Homberger's larger sets, same format) read into
//! the engine's own [`DayProblem`], and published solutions read into a [`Rota`], so the same
//! optimiser and the same independent checker run on them.
//!
//! # The mapping
//! - Each of the instance's `NUMBER` vehicles is a worker with their own vehicle
//!   ([`Transport::OwnCar`]), based at the depot (hub `depot`), with the instance's capacity;
//!   their shift is the depot's window and they may not run past it (no overtime).
//! - Each customer is a visit (id and child = the customer number) with its demand, its service
//!   time as duration and one place, the customer's point.
//! - **Windows.** Solomon says service must *start* within `[ready, due]`; our rule is that
//!   `start..end` lies inside a window. So the window is `[ready, due + service]`: a start at or
//!   before `due` then ends by `due + service`, and vice versa.
//! - **Time.** Solomon times and distances are reals (time = distance at speed 1). One Solomon
//!   unit is [`SCALE`] engine seconds (`TimeOfDay` is a `u32` of seconds and may pass 24:00 for
//!   this benchmark; the largest horizon, about 3,700 units, is 3.7e8). A leg's `seconds` is the
//!   exact Euclidean time times `SCALE`, rounded **down**: every arrival the engine computes is
//!   then at most the exact one, so rounding can never make a published route infeasible, and
//!   can make an infeasible one look feasible only by less than 1e-5 units a leg. Windows and
//!   service times are integers and scale exactly.
//! - **Distance.** `Leg::km` is the exact double-precision Euclidean distance, the convention of
//!   the best-known values; [`rota_distance`] sums it.
//! - **Objective.** [`SolomonWeights`]: a trip (a vehicle used) costs [`VEHICLE_COST`], so vehicles
//!   come first; a travel minute costs `60 / SCALE`, so the travel term is the distance (to the
//!   rounding above); an unserved customer costs [`UNSERVED_COST`], more than any vehicle. Every
//!   other term weighs nothing (one pod, so continuity is free).
//!
//! Matrix points carry placeholder locations (x and y divided by 1,000 as longitude and
//! latitude): Solomon points are on a plane, not on the Earth, and nothing reads them.

use crate::day::{DayHub, DayPlace, DayProblem, DayVisit, DayWorker, Policy, Weights};
use crate::domain::{
    BoundKind, Endpoint, Location, Rota, SolveReport, Stop, TimeOfDay, TimeSpan, Transport, Trip,
    WorkerDay,
};
use crate::travel::{Leg, NamedPoint, TravelMatrix};
use chrono::NaiveDate;
use std::collections::BTreeSet;

/// Engine seconds per Solomon time unit.
pub const SCALE: u32 = 100_000;
/// The cost of one vehicle (trip): larger than any instance's total distance.
pub const VEHICLE_COST: f64 = 100_000.0;
/// The cost of a customer left unserved: larger than a vehicle.
pub const UNSERVED_COST: f64 = 10_000_000.0;
/// The hub id of the depot.
pub const DEPOT: &str = "depot";

/// One row of an instance: the depot (number 0) or a customer.
#[derive(Clone, Debug, PartialEq)]
pub struct SolomonNode {
    /// Customer number (0 for the depot).
    pub id: u32,
    /// X coordinate.
    pub x: f64,
    /// Y coordinate.
    pub y: f64,
    /// Demand.
    pub demand: u32,
    /// Earliest service start.
    pub ready: f64,
    /// Latest service start.
    pub due: f64,
    /// Service time.
    pub service: f64,
}

/// A Solomon-format instance as written.
#[derive(Clone, Debug, PartialEq)]
pub struct SolomonInstance {
    /// The name on the first line (e.g. `C101`).
    pub name: String,
    /// The fleet size (`NUMBER`).
    pub vehicles: u32,
    /// The capacity of every vehicle.
    pub capacity: u32,
    /// The depot.
    pub depot: SolomonNode,
    /// The customers, in file order.
    pub customers: Vec<SolomonNode>,
}

/// A published solution: its routes and, when the file states one, its value.
#[derive(Clone, Debug, PartialEq)]
pub struct SolomonSolution {
    /// Each route's customers in order, depot omitted.
    pub routes: Vec<Vec<u32>>,
    /// The vehicles and distance a `Value:` header states, if any.
    pub stated: Option<(u32, f64)>,
}

/// Why a Solomon file could not be read.
#[derive(Debug, thiserror::Error, PartialEq)]
pub enum SolomonError {
    /// The file ends before a required part.
    #[error("the file ends before {0}")]
    Truncated(&'static str),
    /// A line that should hold numbers does not.
    #[error("line {line}: {reason}")]
    BadLine {
        /// The 1-based line number.
        line: usize,
        /// What is wrong.
        reason: String,
    },
    /// Customer numbers are not 0 (the depot) then 1..n in order.
    #[error("customer numbers must run 0, 1, 2, ...; found {found} at position {position}")]
    Numbering {
        /// Where in the list.
        position: usize,
        /// The number found.
        found: u32,
    },
    /// A solution names a customer the instance does not have, or none.
    #[error("the solution names customer {0}, which the instance does not have")]
    UnknownCustomer(u32),
    /// A solution uses more routes than the instance has vehicles.
    #[error("the solution has {routes} routes for {vehicles} vehicles")]
    TooManyRoutes {
        /// Routes in the solution.
        routes: usize,
        /// Vehicles in the instance.
        vehicles: u32,
    },
}

/// The weights of the Solomon objective (see the module doc).
pub fn solomon_weights() -> Weights {
    Weights {
        missed_deadline: UNSERVED_COST,
        deferred: UNSERVED_COST,
        pod_colleague: 0.0,
        same_locality: 0.0,
        anyone: 0.0,
        trip: VEHICLE_COST,
        travel_minute: 60.0 / f64::from(SCALE),
        grey_km: 0.0,
        overtime_minute: 0.0,
        over_fair_share: 0.0,
    }
}

/// Reads an instance: a name line, then `VEHICLE` / `NUMBER CAPACITY` and the two numbers,
/// then `CUSTOMER`, a header line and one row of seven numbers per node. Parsed by whitespace,
/// so CRLF endings, trailing spaces and blank lines do not matter.
pub fn parse_instance(text: &str) -> Result<SolomonInstance, SolomonError> {
    let mut lines = text
        .lines()
        .enumerate()
        .map(|(n, line)| (n + 1, line.split_whitespace().collect::<Vec<_>>()))
        .filter(|(_, words)| !words.is_empty());
    let (_, name) = lines.next().ok_or(SolomonError::Truncated("the name"))?;
    let name = name.join(" ");
    let mut vehicles = None;
    let mut rows = Vec::new();
    for (line, words) in lines {
        let numbers: Option<Vec<f64>> = words.iter().map(|w| w.parse::<f64>().ok()).collect();
        let Some(numbers) = numbers else { continue };
        match (numbers.len(), vehicles) {
            (2, None) => vehicles = Some((whole(line, numbers[0])?, whole(line, numbers[1])?)),
            (7, Some(_)) => rows.push(SolomonNode {
                id: whole(line, numbers[0])?,
                x: numbers[1],
                y: numbers[2],
                demand: whole(line, numbers[3])?,
                ready: numbers[4],
                due: numbers[5],
                service: numbers[6],
            }),
            (n, _) => {
                return Err(SolomonError::BadLine {
                    line,
                    reason: format!(
                        "expected {} numbers, found {n}",
                        if vehicles.is_some() { 7 } else { 2 }
                    ),
                })
            }
        }
    }
    let (vehicles, capacity) = vehicles.ok_or(SolomonError::Truncated("the vehicle line"))?;
    for (position, row) in rows.iter().enumerate() {
        if row.id as usize != position {
            return Err(SolomonError::Numbering { position, found: row.id });
        }
    }
    if rows.is_empty() {
        return Err(SolomonError::Truncated("the depot"));
    }
    let depot = rows.remove(0);
    Ok(SolomonInstance { name, vehicles, capacity, depot, customers: rows })
}

fn whole(line: usize, value: f64) -> Result<u32, SolomonError> {
    if value >= 0.0 && value.fract() == 0.0 && value <= f64::from(u32::MAX) {
        Ok(value as u32)
    } else {
        Err(SolomonError::BadLine { line, reason: format!("{value} is not a whole number") })
    }
}

/// Reads a SINTEF-style solution: every `Route k : c1 c2 ...` line, in file order; other lines
/// are ignored except a `Value: <v> vehicles, <d>` header, whose figures are kept.
pub fn parse_solution(text: &str) -> Result<SolomonSolution, SolomonError> {
    let mut routes = Vec::new();
    let mut stated = None;
    for (n, line) in text.lines().enumerate() {
        let line = line.trim();
        if let Some(rest) = line.strip_prefix("Value:") {
            stated = parse_value(rest);
        }
        let Some(rest) = line.strip_prefix("Route") else { continue };
        let Some((_, customers)) = rest.split_once(':') else { continue };
        let route: Result<Vec<u32>, _> =
            customers.split_whitespace().map(|w| w.parse::<u32>()).collect();
        let route =
            route.map_err(|e| SolomonError::BadLine { line: n + 1, reason: e.to_string() })?;
        if !route.is_empty() {
            routes.push(route);
        }
    }
    Ok(SolomonSolution { routes, stated })
}

/// `10 vehicles, 828.9369 (...)` -> (10, 828.9369).
fn parse_value(text: &str) -> Option<(u32, f64)> {
    let (vehicles, rest) = text.split_once("vehicles,")?;
    let vehicles = vehicles.trim().parse().ok()?;
    let distance = rest.split_whitespace().next()?.parse().ok()?;
    Some((vehicles, distance))
}

/// The date every Solomon day is planned on (any date would do; the benchmark has none).
pub fn solomon_date() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 1, 5).expect("valid date")
}

fn scaled(units: f64) -> TimeOfDay {
    TimeOfDay((units * f64::from(SCALE)).round() as u32)
}

fn worker_id(k: usize) -> String {
    format!("v{k:03}")
}

/// The instance as a day problem (see the module doc for the mapping).
pub fn day_problem(instance: &SolomonInstance) -> DayProblem {
    let nodes: Vec<&SolomonNode> =
        std::iter::once(&instance.depot).chain(&instance.customers).collect();
    let points: Vec<NamedPoint> = nodes
        .iter()
        .map(|node| NamedPoint {
            key: if node.id == 0 {
                format!("hub:{DEPOT}")
            } else {
                format!("customer:{}", node.id)
            },
            location: Location::new(node.y / 1000.0, node.x / 1000.0)
                .unwrap_or_else(|| Location::new(0.0, 0.0).expect("origin")),
        })
        .collect();
    let mut legs = Vec::with_capacity(nodes.len() * nodes.len());
    for a in &nodes {
        for b in &nodes {
            let km = (a.x - b.x).hypot(a.y - b.y);
            let seconds = (km * f64::from(SCALE)).floor() as u32;
            legs.push(Leg { km, seconds });
        }
    }
    let matrix = TravelMatrix::from_legs(points, legs.clone(), legs).expect("n * n legs");
    let shift = TimeSpan::new(scaled(instance.depot.ready), scaled(instance.depot.due))
        .unwrap_or(TimeSpan { start: TimeOfDay(0), end: TimeOfDay(0) });
    let workers = (1..=instance.vehicles as usize)
        .map(|k| DayWorker {
            id: worker_id(k).as_str().into(),
            pod: "solomon".into(),
            locality: "solomon".into(),
            hub: DEPOT.into(),
            hub_point: 0,
            home_point: None,
            start: Endpoint::Hub(DEPOT.into()),
            end: Endpoint::Hub(DEPOT.into()),
            shift,
            blocked: Vec::new(),
            can_drive: false,
            own_car: true,
            skills: BTreeSet::new(),
            capacity: Some(instance.capacity),
            fair_share: u16::MAX,
        })
        .collect();
    let date = solomon_date();
    let visits = instance
        .customers
        .iter()
        .enumerate()
        .map(|(idx, c)| DayVisit {
            id: c.id.to_string().as_str().into(),
            child: c.id.to_string().as_str().into(),
            pod: "solomon".into(),
            locality: Some("solomon".into()),
            allocated: worker_id(1).as_str().into(),
            deadline: date,
            duration: scaled(c.service).seconds(),
            places: vec![DayPlace {
                point: idx + 1,
                windows: vec![TimeSpan { start: scaled(c.ready), end: scaled(c.due + c.service) }],
            }],
            joint: false,
            skill: None,
            demand: c.demand,
            pin: None,
        })
        .collect();
    DayProblem {
        date,
        matrix,
        hubs: vec![DayHub { id: DEPOT.into(), point: 0 }],
        workers,
        visits,
        cars: Vec::new(),
        policy: Policy { weights: solomon_weights(), max_overtime_seconds: 0, walk_max_km: 0.0 },
    }
}

/// The routes as a rota on `problem` (made by [`day_problem`]): route k is vehicle k's one
/// trip, leaving the depot when it opens and starting each service as early as it can
/// (arrival, or the window's opening). The rota is not checked here: that is the checker's
/// job. Customers no route names are listed as unscheduled.
pub fn solution_rota(problem: &DayProblem, routes: &[Vec<u32>]) -> Result<Rota, SolomonError> {
    if routes.len() > problem.workers.len() {
        return Err(SolomonError::TooManyRoutes {
            routes: routes.len(),
            vehicles: problem.workers.len() as u32,
        });
    }
    let mut served = BTreeSet::new();
    let mut workers = Vec::new();
    for (k, worker) in problem.workers.iter().enumerate() {
        let Some(route) = routes.get(k) else {
            workers.push(WorkerDay { worker: worker.id.clone(), trips: Vec::new() });
            continue;
        };
        let depart = worker.shift.start;
        let mut clock = depart.seconds();
        let mut position = 0;
        let mut stops = Vec::new();
        for &customer in route {
            let visit = customer
                .checked_sub(1)
                .and_then(|i| problem.visits.get(i as usize))
                .ok_or(SolomonError::UnknownCustomer(customer))?;
            served.insert(customer);
            let place = &visit.places[0];
            let arrive = clock + problem.matrix.drive(position, place.point).seconds;
            let start = arrive.max(place.windows[0].start.seconds());
            let end = start + visit.duration;
            stops.push(Stop {
                visit: visit.id.clone(),
                child: visit.child.clone(),
                place: 0,
                arrive: TimeOfDay(arrive),
                start: TimeOfDay(start),
                end: TimeOfDay(end),
            });
            clock = end;
            position = place.point;
        }
        let back = TimeOfDay(clock + problem.matrix.drive(position, 0).seconds);
        let trip = Trip {
            transport: Transport::OwnCar,
            from: Endpoint::Hub(DEPOT.into()),
            depart,
            stops,
            to: Endpoint::Hub(DEPOT.into()),
            back,
        };
        workers.push(WorkerDay { worker: worker.id.clone(), trips: vec![trip] });
    }
    let unscheduled = problem
        .visits
        .iter()
        .enumerate()
        .filter(|(idx, _)| !served.contains(&(*idx as u32 + 1)))
        .map(|(_, visit)| crate::domain::Unscheduled {
            visit: visit.id.clone(),
            child: visit.child.clone(),
            deadline: visit.deadline,
            code: "NOT_ROUTED",
            reason: "no route of the solution serves this customer".into(),
        })
        .collect();
    Ok(Rota {
        date: problem.date,
        workers,
        unscheduled,
        report: SolveReport {
            objective: 0.0,
            bound: 0.0,
            bound_kind: BoundKind::Trivial,
            iterations: 0,
            columns: 0,
            millis: 0,
            timed_out: false,
            candidates: Vec::new(),
        },
    })
}

/// Vehicles used (trips with at least one stop) and total double-precision distance of a rota
/// on a Solomon problem, summed over the exact `Leg::km` of every leg.
pub fn rota_distance(problem: &DayProblem, rota: &Rota) -> (u32, f64) {
    let point_of = |id: &crate::domain::VisitId, place: usize| {
        problem.visits.iter().find(|v| &v.id == id).map(|v| v.places[place].point)
    };
    let mut vehicles = 0;
    let mut distance = 0.0;
    for trip in rota.workers.iter().flat_map(|w| &w.trips) {
        if trip.stops.is_empty() {
            continue;
        }
        vehicles += 1;
        let mut position = 0;
        for stop in &trip.stops {
            let point = point_of(&stop.visit, stop.place).unwrap_or(position);
            distance += problem.matrix.drive(position, point).km;
            position = point;
        }
        distance += problem.matrix.drive(position, 0).km;
    }
    (vehicles, distance)
}

#[cfg(test)]
mod tests {
    use super::*;

    const TINY: &str = "TINY\r\n\r\nVEHICLE\r\nNUMBER     CAPACITY\r\n  2         10   \r\n\r\nCUSTOMER\r\nCUST NO.  XCOORD.   YCOORD.    DEMAND   READY TIME  DUE DATE   SERVICE TIME\r\n\r\n    0      0         0          0          0       100          0   \r\n    1      3         4          5         10        20         10   \r\n    2      6         8          5          0        50          5   \r\n";

    #[test]
    fn reads_crlf_and_trailing_spaces() {
        let instance = parse_instance(TINY).unwrap();
        assert_eq!(instance.name, "TINY");
        assert_eq!((instance.vehicles, instance.capacity), (2, 10));
        assert_eq!(instance.customers.len(), 2);
        assert_eq!(instance.customers[0].due, 20.0);
    }

    #[test]
    fn widens_windows_by_the_service_time_and_keeps_exact_distance() {
        let problem = day_problem(&parse_instance(TINY).unwrap());
        let window = problem.visits[0].places[0].windows[0];
        assert_eq!(window.start.seconds(), 10 * SCALE);
        assert_eq!(window.end.seconds(), 30 * SCALE);
        assert_eq!(problem.matrix.drive(0, 1).km, 5.0);
        assert_eq!(problem.matrix.drive(1, 2).seconds, 5 * SCALE);
    }

    #[test]
    fn schedules_a_route_as_early_as_it_can() {
        let problem = day_problem(&parse_instance(TINY).unwrap());
        let rota = solution_rota(&problem, &[vec![1, 2]]).unwrap();
        let stops = &rota.workers[0].trips[0].stops;
        assert_eq!(stops[0].arrive.seconds(), 5 * SCALE);
        assert_eq!(stops[0].start.seconds(), 10 * SCALE);
        assert_eq!(stops[1].start.seconds(), 25 * SCALE);
        assert_eq!(rota_distance(&problem, &rota), (1, 20.0));
    }

    #[test]
    fn rejects_unknown_customers_and_reads_the_stated_value() {
        let problem = day_problem(&parse_instance(TINY).unwrap());
        assert_eq!(solution_rota(&problem, &[vec![3]]), Err(SolomonError::UnknownCustomer(3)));
        let solution =
            parse_solution("Value:\t1 vehicles, 20.0000 (x)\nRoute 1 : 1 2 \nRoute 2 :\n").unwrap();
        assert_eq!(solution.routes, vec![vec![1, 2]]);
        assert_eq!(solution.stated, Some((1, 20.0)));
    }
}
