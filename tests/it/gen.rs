//! proptest strategies for random small days and random rotas on them, for the property tests.
//!
//! A day has 1-2 hubs, 1-3 workers (shifts, an absence, driving and own-car rights, skills,
//! capacity, home starts), 1-6 visits (one or two places with one or two windows, joint and
//! skill flags, demand, deadlines from today to three days on) and 0-2 pool cars (charge, an
//! outage). Points lie on a 10 km square; a drive takes 2 minutes a km plus a minute to park,
//! a walk 12 minutes a km, and no leg between two different points is shorter than a minute.
//!
//! A random rota gives each worker one trip making the visits it drew, in the order it drew,
//! each started as early as its first fitting window allows: a plausible rota that the checker
//! may or may not accept, which is what the properties need.

use chrono::{Days, NaiveDate};
use proptest::prelude::*;
use rounds::day::{DayCar, DayHub, DayPlace, DayProblem, DayVisit, DayWorker, Policy};
use rounds::domain::{
    BoundKind, Endpoint, Location, Rota, Skill, SolveReport, Stop, TimeOfDay, TimeSpan, Transport,
    Trip, Unscheduled, WorkerDay,
};
use rounds::travel::{Leg, NamedPoint, TravelMatrix};
use std::collections::BTreeSet;

/// The day every generated problem is on.
pub fn date() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 24).unwrap()
}

type Point = (u8, u8);

#[derive(Clone, Debug)]
struct WorkerSpec {
    home: Option<Point>,
    starts_home: bool,
    ends_home: bool,
    hub: usize,
    shift_start_min: u32,
    shift_len_min: u32,
    blocked: Option<(u32, u32)>,
    can_drive: bool,
    own_car: bool,
    skills: (bool, bool),
    capacity: Option<u32>,
    fair_share: u16,
}

#[derive(Clone, Debug)]
struct VisitSpec {
    places: Vec<(Point, Vec<(u32, u32)>)>,
    duration_min: u32,
    joint: bool,
    skill: Option<bool>,
    demand: u32,
    deadline_days: u64,
    allocated: usize,
}

#[derive(Clone, Debug)]
struct CarSpec {
    hub: usize,
    charge_kwh: f64,
    outage: Option<(u32, u32)>,
}

fn point() -> impl Strategy<Value = Point> {
    (0u8..=10, 0u8..=10)
}

fn worker_spec() -> impl Strategy<Value = WorkerSpec> {
    (
        (prop::option::of(point()), any::<bool>(), any::<bool>(), 0usize..2),
        (480u32..600, 300u32..540, prop::option::of((0u32..480, 15u32..180))),
        (any::<bool>(), any::<bool>(), (any::<bool>(), any::<bool>())),
        (prop::option::weighted(0.3, 1u32..6), 0u16..4),
    )
        .prop_map(
            |(
                (home, starts_home, ends_home, hub),
                (shift_start_min, shift_len_min, blocked),
                (can_drive, own_car, skills),
                (capacity, fair_share),
            )| WorkerSpec {
                home,
                starts_home,
                ends_home,
                hub,
                shift_start_min,
                shift_len_min,
                blocked,
                can_drive,
                own_car,
                skills,
                capacity,
                fair_share,
            },
        )
}

fn visit_spec() -> impl Strategy<Value = VisitSpec> {
    (
        prop::collection::vec(
            (point(), prop::collection::vec((480u32..1080, 60u32..600), 1..=2)),
            1..=2,
        ),
        30u32..=90,
        prop::bool::weighted(0.2),
        prop::option::weighted(0.3, any::<bool>()),
        0u32..4,
        0u64..=3,
        0usize..3,
    )
        .prop_map(|(places, duration_min, joint, skill, demand, deadline_days, allocated)| {
            VisitSpec { places, duration_min, joint, skill, demand, deadline_days, allocated }
        })
}

fn car_spec() -> impl Strategy<Value = CarSpec> {
    (0usize..2, 5.0f64..40.0, prop::option::weighted(0.3, (480u32..1080, 30u32..240)))
        .prop_map(|(hub, charge_kwh, outage)| CarSpec { hub, charge_kwh, outage })
}

fn minutes(m: u32) -> TimeOfDay {
    TimeOfDay(m * 60)
}

fn span_minutes(start: u32, len: u32) -> TimeSpan {
    TimeSpan::new(minutes(start), minutes(start + len)).unwrap()
}

fn skill(first: bool) -> Skill {
    Skill::from(if first { "polish" } else { "signing" })
}

fn build(
    hubs: Vec<Point>,
    workers: Vec<WorkerSpec>,
    visits: Vec<VisitSpec>,
    cars: Vec<CarSpec>,
    walk_max_km: f64,
) -> DayProblem {
    let mut coords: Vec<(String, Point)> = Vec::new();
    let day_hubs: Vec<DayHub> = hubs
        .iter()
        .enumerate()
        .map(|(i, p)| {
            coords.push((format!("hub:H{i}"), *p));
            DayHub { id: format!("H{i}").as_str().into(), point: coords.len() - 1 }
        })
        .collect();
    let hub_of = |i: usize| &day_hubs[i % day_hubs.len()];
    let worker_ids: Vec<String> = (0..workers.len()).map(|i| format!("W{i}")).collect();
    let mut day_workers = Vec::new();
    for (i, spec) in workers.iter().enumerate() {
        let home_point = spec.home.map(|p| {
            coords.push((format!("home:W{i}"), p));
            coords.len() - 1
        });
        let hub = hub_of(spec.hub);
        let endpoint = |home: bool| {
            if home && home_point.is_some() {
                Endpoint::Home
            } else {
                Endpoint::Hub(hub.id.clone())
            }
        };
        day_workers.push(DayWorker {
            id: worker_ids[i].as_str().into(),
            pod: if i < 2 { "P0".into() } else { "P1".into() },
            locality: "L0".into(),
            hub: hub.id.clone(),
            hub_point: hub.point,
            home_point,
            start: endpoint(spec.starts_home),
            end: endpoint(spec.ends_home),
            shift: span_minutes(spec.shift_start_min, spec.shift_len_min),
            blocked: spec.blocked.map(|(s, l)| span_minutes(480 + s, l)).into_iter().collect(),
            can_drive: spec.can_drive,
            own_car: spec.own_car,
            skills: [(spec.skills.0, true), (spec.skills.1, false)]
                .into_iter()
                .filter(|(held, _)| *held)
                .map(|(_, first)| skill(first))
                .collect::<BTreeSet<_>>(),
            capacity: spec.capacity,
            fair_share: spec.fair_share,
        });
    }
    let mut day_visits = Vec::new();
    for (i, spec) in visits.iter().enumerate() {
        let places = spec
            .places
            .iter()
            .enumerate()
            .map(|(k, (p, windows))| {
                coords.push((format!("child:C{i}:{k}"), *p));
                let mut windows: Vec<TimeSpan> =
                    windows.iter().map(|&(s, l)| span_minutes(s, l)).collect();
                windows.sort();
                DayPlace { point: coords.len() - 1, windows }
            })
            .collect();
        day_visits.push(DayVisit {
            id: format!("V{i}").as_str().into(),
            child: format!("C{i}").as_str().into(),
            pod: "P0".into(),
            locality: Some("L0".into()),
            allocated: worker_ids[spec.allocated % worker_ids.len()].as_str().into(),
            deadline: date() + Days::new(spec.deadline_days),
            duration: spec.duration_min * 60,
            places,
            joint: spec.joint,
            skill: spec.skill.map(skill),
            demand: spec.demand,
            pin: None,
        });
    }
    let day_cars = cars
        .iter()
        .enumerate()
        .map(|(i, spec)| {
            let hub = hub_of(spec.hub);
            DayCar {
                id: format!("CAR{i}").as_str().into(),
                hub: hub.id.clone(),
                hub_point: hub.point,
                usable_kwh: 40.0,
                kwh_per_km: 0.2,
                reserve_kwh: 4.0,
                charger_kw: 7.0,
                charge_kwh: spec.charge_kwh,
                unavailable: spec.outage.map(|(s, l)| span_minutes(s, l)).into_iter().collect(),
            }
        })
        .collect();
    let points: Vec<NamedPoint> = coords
        .iter()
        .map(|(key, _)| NamedPoint {
            key: key.clone(),
            location: Location::new(51.4, 0.5).unwrap(),
        })
        .collect();
    let mut drive = Vec::new();
    let mut walk = Vec::new();
    for (i, (_, a)) in coords.iter().enumerate() {
        for (j, (_, b)) in coords.iter().enumerate() {
            let km = (f64::from(a.0) - f64::from(b.0)).hypot(f64::from(a.1) - f64::from(b.1));
            let (d, w) = if i == j {
                (0, 0)
            } else {
                ((km * 120.0).ceil() as u32 + 60, ((km * 720.0).ceil() as u32).max(60))
            };
            drive.push(Leg { km, seconds: d });
            walk.push(Leg { km, seconds: w });
        }
    }
    DayProblem {
        date: date(),
        matrix: TravelMatrix::from_legs(points, drive, walk).unwrap(),
        hubs: day_hubs,
        workers: day_workers,
        visits: day_visits,
        cars: day_cars,
        policy: Policy { walk_max_km, ..Policy::default() },
    }
}

/// Random small days.
pub fn day_problems() -> impl Strategy<Value = DayProblem> {
    (
        prop::collection::vec(point(), 1..=2),
        prop::collection::vec(worker_spec(), 1..=3),
        prop::collection::vec(visit_spec(), 1..=6),
        prop::collection::vec(car_spec(), 0..=2),
        prop::sample::select(vec![0.0, 1.0, 3.0]),
    )
        .prop_map(|(hubs, workers, visits, cars, walk)| build(hubs, workers, visits, cars, walk))
}

/// Random small days turned into one fleet's, as on the Solomon benchmark: every worker at the
/// first one's hub and shift, with their own car and nothing else; one place and window per
/// visit, none joint, pinned or needing a skill; a trip dearer than any travel and a visit left
/// out dearer than any trip.
/// Larger than [`day_problems`], so that a rota needs several trips.
pub fn one_fleet_day_problems() -> impl Strategy<Value = DayProblem> {
    (
        point(),
        prop::collection::vec(worker_spec(), 2..=5),
        prop::collection::vec(visit_spec(), 6..=16),
    )
        .prop_map(|(hub, workers, visits)| build(vec![hub], workers, visits, vec![], 0.0))
        .prop_map(|mut problem| {
            let first = problem.workers[0].clone();
            for worker in &mut problem.workers {
                worker.hub = first.hub.clone();
                worker.hub_point = first.hub_point;
                worker.home_point = None;
                worker.start = Endpoint::Hub(first.hub.clone());
                worker.end = Endpoint::Hub(first.hub.clone());
                worker.shift = first.shift;
                worker.blocked.clear();
                worker.own_car = true;
                worker.capacity = None;
            }
            problem.cars.clear();
            for visit in &mut problem.visits {
                visit.places.truncate(1);
                visit.places[0].windows.truncate(1);
                (visit.joint, visit.skill, visit.pin) = (false, None, None);
            }
            let policy = &mut problem.policy;
            policy.walk_max_km = 0.0;
            policy.weights.trip = 1e6;
            (policy.weights.missed_deadline, policy.weights.deferred) = (1e8, 1e8);
            problem
        })
}

/// The report of a rota that no solver made.
pub fn no_report() -> SolveReport {
    SolveReport {
        objective: 0.0,
        bound: 0.0,
        bound_kind: BoundKind::Trivial,
        iterations: 0,
        columns: 0,
        millis: 0,
        timed_out: false,
        candidates: Vec::new(),
    }
}

/// A visit left out.
pub fn left_out(visit: &DayVisit) -> Unscheduled {
    Unscheduled {
        visit: visit.id.clone(),
        child: visit.child.clone(),
        deadline: visit.deadline,
        code: "TEST",
        reason: "left out by the generator".into(),
    }
}

/// The rota that makes no visit.
pub fn rota_leaving_everything_out(problem: &DayProblem) -> Rota {
    Rota {
        date: problem.date,
        workers: problem
            .workers
            .iter()
            .map(|w| WorkerDay { worker: w.id.clone(), trips: Vec::new() })
            .collect(),
        unscheduled: problem.visits.iter().map(left_out).collect(),
        report: no_report(),
    }
}

fn endpoint_point(problem: &DayProblem, worker: &DayWorker, endpoint: &Endpoint) -> usize {
    match endpoint {
        Endpoint::Home => worker.home_point.unwrap(),
        Endpoint::Hub(id) => problem.hubs.iter().find(|h| &h.id == id).unwrap().point,
    }
}

/// The earliest start at or after `arrive` that fits a window of `place`, else `arrive`.
fn earliest_start(place: &DayPlace, arrive: u32, duration: u32) -> u32 {
    place
        .windows
        .iter()
        .map(|w| arrive.max(w.start.seconds()))
        .find(|&s| {
            place.windows.iter().any(|w| w.start.seconds() <= s && s + duration <= w.end.seconds())
        })
        .unwrap_or(arrive)
}

/// The transport a worker's trip takes for a drawn number: the first pool car (when there is
/// one), their own car, or on foot.
fn drawn_transport(problem: &DayProblem, draw: u8) -> Transport {
    match (draw % 3, problem.cars.first()) {
        (0, Some(car)) => Transport::PoolCar(car.id.clone()),
        (2, _) => Transport::OnFoot,
        _ => Transport::OwnCar,
    }
}

/// One trip per worker making `assigned[worker]` in order by `transports[worker]`, each visit
/// started as early as it can; the worker leaves just in time for the first visit (not before
/// the shift starts).
pub fn build_rota(problem: &DayProblem, assigned: &[Vec<usize>], transports: &[Transport]) -> Rota {
    let mut made = BTreeSet::new();
    let mut workers = Vec::new();
    for (w, worker) in problem.workers.iter().enumerate() {
        let visits = &assigned[w];
        if visits.is_empty() {
            workers.push(WorkerDay { worker: worker.id.clone(), trips: Vec::new() });
            continue;
        }
        let transport = transports[w].clone();
        let leg = |a, b| match transport {
            Transport::OnFoot => problem.matrix.walk(a, b),
            _ => problem.matrix.drive(a, b),
        };
        let mut position = endpoint_point(problem, worker, &worker.start);
        let mut clock = worker.shift.start.seconds();
        let mut stops: Vec<Stop> = Vec::new();
        for &v in visits {
            made.insert(v);
            let visit = &problem.visits[v];
            let place = &visit.places[0];
            let arrive = clock + leg(position, place.point).seconds;
            let start = earliest_start(place, arrive, visit.duration);
            stops.push(Stop {
                visit: visit.id.clone(),
                child: visit.child.clone(),
                place: 0,
                arrive: TimeOfDay(arrive),
                start: TimeOfDay(start),
                end: TimeOfDay(start + visit.duration),
            });
            clock = start + visit.duration;
            position = place.point;
        }
        let first_leg = leg(
            endpoint_point(problem, worker, &worker.start),
            problem.visits[visits[0]].places[0].point,
        );
        let depart = TimeOfDay(
            (stops[0].start.seconds() - first_leg.seconds).max(worker.shift.start.seconds()),
        );
        stops[0].arrive = depart.plus(first_leg.seconds);
        let end_point = endpoint_point(problem, worker, &worker.end);
        let back = TimeOfDay(clock + leg(position, end_point).seconds);
        let trip = Trip {
            transport,
            from: worker.start.clone(),
            depart,
            stops,
            to: worker.end.clone(),
            back,
        };
        workers.push(WorkerDay { worker: worker.id.clone(), trips: vec![trip] });
    }
    let unscheduled = problem
        .visits
        .iter()
        .enumerate()
        .filter(|(i, _)| !made.contains(i))
        .map(|(_, v)| left_out(v))
        .collect();
    Rota { date: problem.date, workers, unscheduled, report: no_report() }
}

/// Every rota of at most one trip per worker that [`build_rota`] can make on a tiny day (no
/// more than 2 workers and 4 visits): each non-joint visit left out or made by one worker, in
/// every order, by every transport. Joint visits are left out. Each is a rota, feasible or not;
/// the feasible ones bound the optimum from above.
pub fn single_trip_rotas(problem: &DayProblem) -> Vec<Rota> {
    let n_workers = problem.workers.len();
    let n_visits = problem.visits.len();
    assert!(n_workers <= 2 && n_visits <= 4, "too big to enumerate");
    let mut transports = vec![Transport::OwnCar, Transport::OnFoot];
    transports.extend(problem.cars.iter().map(|c| Transport::PoolCar(c.id.clone())));
    let mut rotas = Vec::new();
    let options = n_workers + 1;
    for code in 0..options.pow(n_visits as u32) {
        let mut assigned = vec![Vec::new(); n_workers];
        let mut rest = code;
        for v in 0..n_visits {
            let choice = rest % options;
            rest /= options;
            if choice < n_workers && !problem.visits[v].joint {
                assigned[choice].push(v);
            }
        }
        for orders in permutations_per_worker(&assigned) {
            for t in 0..transports.len().pow(n_workers as u32) {
                let chosen: Vec<Transport> = (0..n_workers)
                    .map(|w| {
                        transports[(t / transports.len().pow(w as u32)) % transports.len()].clone()
                    })
                    .collect();
                rotas.push(build_rota(problem, &orders, &chosen));
            }
        }
    }
    rotas
}

fn permutations(items: &[usize]) -> Vec<Vec<usize>> {
    if items.len() <= 1 {
        return vec![items.to_vec()];
    }
    let mut all = Vec::new();
    for i in 0..items.len() {
        let mut rest = items.to_vec();
        let first = rest.remove(i);
        for mut tail in permutations(&rest) {
            tail.insert(0, first);
            all.push(tail);
        }
    }
    all
}

fn permutations_per_worker(assigned: &[Vec<usize>]) -> Vec<Vec<Vec<usize>>> {
    let mut all = vec![Vec::new()];
    for visits in assigned {
        let mut next = Vec::new();
        for prefix in &all {
            for order in permutations(visits) {
                let mut combined: Vec<Vec<usize>> = prefix.clone();
                combined.push(order);
                next.push(combined);
            }
        }
        all = next;
    }
    all
}

/// Random tiny days (1-2 workers, 1-4 visits) for enumeration.
pub fn tiny_day_problems() -> impl Strategy<Value = DayProblem> {
    (
        prop::collection::vec(point(), 1..=2),
        prop::collection::vec(worker_spec(), 1..=2),
        prop::collection::vec(visit_spec(), 1..=4),
        prop::collection::vec(car_spec(), 0..=1),
        prop::sample::select(vec![0.0, 1.0, 3.0]),
    )
        .prop_map(|(hubs, workers, visits, cars, walk)| build(hubs, workers, visits, cars, walk))
}

/// A random day and a random rota on it: each visit drawn for a worker (a joint visit also for
/// the next worker) or left out, in a random order, with a random transport per worker.
pub fn problems_with_rotas() -> impl Strategy<Value = (DayProblem, Rota)> {
    day_problems().prop_flat_map(|problem| {
        let n_visits = problem.visits.len();
        let n_workers = problem.workers.len();
        (
            prop::collection::vec((prop::option::of(0..n_workers), any::<u16>()), n_visits),
            prop::collection::vec(any::<u8>(), n_workers),
        )
            .prop_map(move |(choices, transports)| {
                let mut order: Vec<usize> = (0..n_visits).collect();
                order.sort_by_key(|&v| (choices[v].1, v));
                let mut assigned = vec![Vec::new(); n_workers];
                for v in order {
                    if let Some(w) = choices[v].0 {
                        assigned[w].push(v);
                        if problem.visits[v].joint && n_workers > 1 {
                            assigned[(w + 1) % n_workers].push(v);
                        }
                    }
                }
                let transports: Vec<Transport> =
                    transports.iter().map(|&t| drawn_transport(&problem, t)).collect();
                let rota = build_rota(&problem, &assigned, &transports);
                (problem.clone(), rota)
            })
    })
}
