//! The independent checker, one rule at a time: each test breaks exactly one rule of a small
//! hand-built day and expects exactly that code, then fixes it and expects a clean verdict.
//!
//! The day: hub H at km 0 of a straight road, W1's home at km 3, child A's home at km 1 and
//! school at km 2, child B at km 0.5 (child C lives with B). Driving takes 120 s a km, walking
//! 720 s a km. W1 drives pool car CAR1 from H: A 09:30-10:30, B 10:31-11:31, back 11:32.
//! W2 has no trips; C's visit is left out (its deadline is today).

use chrono::NaiveDate;
use rounds::check::{check_rota, codes, Verdict};
use rounds::day::{DayCar, DayHub, DayPlace, DayProblem, DayVisit, DayWorker, Pin, Policy};
use rounds::domain::{
    BoundKind, CarId, ChildId, Endpoint, HubId, Rota, Skill, SolveReport, Stop, TimeOfDay,
    TimeSpan, Transport, Trip, Unscheduled, VisitId, WorkerDay, WorkerId,
};
use rounds::travel::{Leg, NamedPoint, TravelMatrix};
use std::collections::BTreeSet;

fn date() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 23).unwrap()
}

/// 09:30 as `t(9, 30)`.
fn t(h: u32, m: u32) -> TimeOfDay {
    TimeOfDay::hm(h, m).unwrap()
}

/// `t(h, m)` plus seconds.
fn ts(h: u32, m: u32, s: u32) -> TimeOfDay {
    t(h, m).plus(s)
}

fn span(from: TimeOfDay, to: TimeOfDay) -> TimeSpan {
    TimeSpan::new(from, to).unwrap()
}

/// Points on a straight road, km from the hub: H, W1's home, A, A's school, B, hub G.
const POINTS: [(&str, f64); 6] = [
    ("hub:H", 0.0),
    ("home:W1", 3.0),
    ("child:A", 1.0),
    ("child:A:alt", 2.0),
    ("child:B", 0.5),
    ("hub:G", 0.2),
];

fn matrix() -> TravelMatrix {
    let points: Vec<NamedPoint> = POINTS
        .iter()
        .map(|(key, _)| NamedPoint {
            key: (*key).into(),
            location: rounds::domain::Location::new(51.0, 0.5).unwrap(),
        })
        .collect();
    let mut drive = Vec::new();
    let mut walk = Vec::new();
    for (_, a) in POINTS {
        for (_, b) in POINTS {
            let km: f64 = (a - b).abs();
            drive.push(Leg { km, seconds: (km * 120.0).round() as u32 });
            walk.push(Leg { km, seconds: (km * 720.0).round() as u32 });
        }
    }
    TravelMatrix::from_legs(points, drive, walk).unwrap()
}

fn worker(id: &str) -> DayWorker {
    DayWorker {
        id: id.into(),
        pod: "P1".into(),
        locality: "L1".into(),
        hub: "H".into(),
        hub_point: 0,
        home_point: (id == "W1").then_some(1),
        start: Endpoint::Hub("H".into()),
        end: Endpoint::Hub("H".into()),
        shift: span(t(9, 0), t(17, 0)),
        blocked: Vec::new(),
        can_drive: id == "W1",
        own_car: id == "W2",
        skills: BTreeSet::new(),
        capacity: None,
        fair_share: 5,
    }
}

fn visit(id: &str, child: &str, allocated: &str, places: Vec<DayPlace>) -> DayVisit {
    DayVisit {
        id: id.into(),
        child: child.into(),
        pod: "P1".into(),
        locality: Some("L1".into()),
        allocated: allocated.into(),
        deadline: date() + chrono::Days::new(5),
        duration: 3600,
        places,
        joint: false,
        skill: None,
        demand: 0,
        pin: None,
    }
}

fn place(point: usize, from: TimeOfDay, to: TimeOfDay) -> DayPlace {
    DayPlace { point, windows: vec![span(from, to)] }
}

fn problem() -> DayProblem {
    let mut c = visit("V3", "C", "W2", vec![place(4, t(9, 0), t(18, 0))]);
    c.deadline = date();
    DayProblem {
        date: date(),
        matrix: matrix(),
        hubs: vec![DayHub { id: "H".into(), point: 0 }, DayHub { id: "G".into(), point: 5 }],
        workers: vec![worker("W1"), worker("W2")],
        visits: vec![
            visit("V1", "A", "W1", vec![place(2, t(9, 0), t(17, 0)), place(3, t(9, 0), t(15, 0))]),
            visit("V2", "B", "W2", vec![place(4, t(9, 0), t(18, 0))]),
            c,
        ],
        cars: vec![DayCar {
            id: "CAR1".into(),
            hub: "H".into(),
            hub_point: 0,
            usable_kwh: 40.0,
            kwh_per_km: 0.2,
            reserve_kwh: 5.0,
            charger_kw: 7.0,
            charge_kwh: 30.0,
            unavailable: Vec::new(),
        }],
        policy: Policy::default(),
    }
}

fn stop(visit: &str, child: &str, arrive: TimeOfDay, start: TimeOfDay, end: TimeOfDay) -> Stop {
    Stop { visit: visit.into(), child: child.into(), place: 0, arrive, start, end }
}

fn hub_trip(transport: Transport, depart: TimeOfDay, stops: Vec<Stop>, back: TimeOfDay) -> Trip {
    Trip {
        transport,
        from: Endpoint::Hub("H".into()),
        depart,
        stops,
        to: Endpoint::Hub("H".into()),
        back,
    }
}

fn car1() -> Transport {
    Transport::PoolCar("CAR1".into())
}

/// W1's trip: A 09:30-10:30, B 10:31-11:31, back 11:32.
fn w1_trip() -> Trip {
    hub_trip(
        car1(),
        t(9, 0),
        vec![
            stop("V1", "A", t(9, 2), t(9, 30), t(10, 30)),
            stop("V2", "B", t(10, 31), t(10, 31), t(11, 31)),
        ],
        t(11, 32),
    )
}

fn unscheduled(visit: &str, child: &str) -> Unscheduled {
    Unscheduled {
        visit: visit.into(),
        child: child.into(),
        deadline: date(),
        code: "TEST",
        reason: "left out by the test".into(),
    }
}

fn rota() -> Rota {
    Rota {
        date: date(),
        workers: vec![
            WorkerDay { worker: "W1".into(), trips: vec![w1_trip()] },
            WorkerDay { worker: "W2".into(), trips: Vec::new() },
        ],
        unscheduled: vec![unscheduled("V3", "C")],
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
    }
}

fn w1(rota: &mut Rota) -> &mut Vec<Trip> {
    &mut rota.workers[0].trips
}

fn w2(rota: &mut Rota) -> &mut Vec<Trip> {
    &mut rota.workers[1].trips
}

fn worker_mut<'a>(problem: &'a mut DayProblem, id: &str) -> &'a mut DayWorker {
    problem.workers.iter_mut().find(|w| w.id.as_str() == id).unwrap()
}

fn visit_mut<'a>(problem: &'a mut DayProblem, id: &str) -> &'a mut DayVisit {
    problem.visits.iter_mut().find(|v| v.id.as_str() == id).unwrap()
}

/// The one place the checker is called: the codes of `rota` must be exactly `expected`.
#[track_caller]
fn check(problem: &DayProblem, rota: &Rota, expected: &[&str]) -> Verdict {
    let verdict = check_rota(problem, rota);
    assert_eq!(verdict.codes(), expected, "violations: {:#?}\nrota: {rota:#?}", verdict.violations);
    verdict
}

/// An empty own-car trip of W2 around the hub.
fn w2_empty_trip(depart: TimeOfDay, back: TimeOfDay) -> Trip {
    hub_trip(Transport::OwnCar, depart, Vec::new(), back)
}

#[test]
fn accepts_the_base_day() {
    check(&problem(), &rota(), &[]);
}

#[test]
fn prices_the_base_rota_term_by_term() {
    let verdict = check(&problem(), &rota(), &[]);
    let w = Policy::default().weights;
    // C missed today; B by a pod colleague; one trip; 4 km at 2 min a km; no overtime, no
    // own-car km, nobody beyond the fair share.
    let expected = w.missed_deadline + w.pod_colleague + w.trip + 4.0 * w.travel_minute;
    assert!((verdict.objective - expected).abs() < 1e-9, "{}", verdict.objective);
    assert_eq!(verdict.missed_deadlines, vec![VisitId::from("V3")]);
}

#[test]
fn prices_a_deferred_visit() {
    let mut problem = problem();
    visit_mut(&mut problem, "V3").deadline = date() + chrono::Days::new(1);
    let verdict = check(&problem, &rota(), &[]);
    let w = Policy::default().weights;
    let expected = w.deferred + w.pod_colleague + w.trip + 4.0 * w.travel_minute;
    assert!((verdict.objective - expected).abs() < 1e-9, "{}", verdict.objective);
    assert!(verdict.missed_deadlines.is_empty());
}

#[test]
fn prices_own_car_km_overtime_and_visits_beyond_the_fair_share() {
    let mut problem = problem();
    let second = worker_mut(&mut problem, "W2");
    second.fair_share = 0;
    second.shift = span(t(9, 0), t(10, 0));
    visit_mut(&mut problem, "V3").duration = 58 * 60;
    let mut rota = rota();
    rota.unscheduled.clear();
    // W2 in own car: hub -> C (60 s) 09:01-09:59, back at 10:05 (5 minutes of overtime).
    w2(&mut rota).push(hub_trip(
        Transport::OwnCar,
        t(9, 0),
        vec![stop("V3", "C", t(9, 1), t(9, 1), t(9, 59))],
        t(10, 5),
    ));
    let verdict = check(&problem, &rota, &[]);
    let w = Policy::default().weights;
    let expected = w.pod_colleague
        + 2.0 * w.trip
        + (4.0 + 2.0) * w.travel_minute
        + 1.0 * w.grey_km
        + 5.0 * w.overtime_minute
        + w.over_fair_share;
    assert!((verdict.objective - expected).abs() < 1e-9, "{} vs {expected}", verdict.objective);
    assert!(verdict.missed_deadlines.is_empty());
}

#[test]
fn can_visit_at_school() {
    let mut rota = rota();
    // Hub -> school 2 km (240 s), 09:30-10:30, school -> B 1.5 km (180 s), back 11:35.
    w1(&mut rota)[0] = hub_trip(
        car1(),
        t(9, 0),
        vec![
            Stop { place: 1, ..stop("V1", "A", t(9, 4), t(9, 30), t(10, 30)) },
            stop("V2", "B", t(10, 33), t(10, 33), t(11, 33)),
        ],
        t(11, 34),
    );
    check(&problem(), &rota, &[]);
    let mut problem = problem();
    visit_mut(&mut problem, "V1").places[1].windows = vec![span(t(9, 0), t(10, 0))];
    check(&problem, &rota, &[codes::OUTSIDE_WINDOW]);
}

#[test]
fn rejects_a_rota_for_another_date() {
    let mut rota = rota();
    rota.date = date().succ_opt().unwrap();
    check(&problem(), &rota, &[codes::WRONG_DATE]);
    rota.date = date();
    check(&problem(), &rota, &[]);
}

#[test]
fn rejects_an_unknown_worker() {
    let mut rota = rota();
    rota.workers.push(WorkerDay { worker: "W9".into(), trips: Vec::new() });
    check(&problem(), &rota, &[codes::UNKNOWN_WORKER]);
    rota.workers.pop();
    check(&problem(), &rota, &[]);
}

#[test]
fn rejects_a_worker_listed_twice() {
    let mut rota = rota();
    rota.workers.push(WorkerDay { worker: "W2".into(), trips: Vec::new() });
    check(&problem(), &rota, &[codes::DUPLICATE_WORKER]);
    rota.workers.pop();
    check(&problem(), &rota, &[]);
}

#[test]
fn rejects_an_unknown_visit() {
    let mut rota = rota();
    rota.unscheduled.push(unscheduled("V9", "C"));
    check(&problem(), &rota, &[codes::UNKNOWN_VISIT]);
    rota.unscheduled.pop();
    check(&problem(), &rota, &[]);
}

#[test]
fn rejects_an_unknown_hub() {
    let mut problem = problem();
    let second = worker_mut(&mut problem, "W2");
    second.start = Endpoint::Hub("X".into());
    second.end = Endpoint::Hub("X".into());
    let mut rota = rota();
    let mut trip = w2_empty_trip(t(9, 0), t(9, 0));
    trip.from = Endpoint::Hub("X".into());
    trip.to = Endpoint::Hub("X".into());
    w2(&mut rota).push(trip);
    check(&problem, &rota, &[codes::UNKNOWN_HUB]);
    problem.hubs.push(DayHub { id: "X".into(), point: 0 });
    check(&problem, &rota, &[]);
}

#[test]
fn rejects_a_trip_from_home_for_a_worker_without_one() {
    let mut problem = problem();
    let second = worker_mut(&mut problem, "W2");
    second.start = Endpoint::Home;
    second.end = Endpoint::Home;
    let mut rota = rota();
    let mut trip = w2_empty_trip(t(9, 0), t(9, 0));
    trip.from = Endpoint::Home;
    trip.to = Endpoint::Home;
    w2(&mut rota).push(trip);
    check(&problem, &rota, &[codes::NO_HOME]);
    worker_mut(&mut problem, "W2").home_point = Some(1);
    check(&problem, &rota, &[]);
}

#[test]
fn rejects_a_stop_for_another_child() {
    let mut rota = rota();
    w1(&mut rota)[0].stops[0].child = ChildId::from("B");
    check(&problem(), &rota, &[codes::CHILD_MISMATCH]);
    w1(&mut rota)[0].stops[0].child = ChildId::from("A");
    check(&problem(), &rota, &[]);
}

#[test]
fn rejects_a_place_the_visit_does_not_have() {
    let mut rota = rota();
    w1(&mut rota)[0].stops[0].place = 5;
    check(&problem(), &rota, &[codes::BAD_PLACE]);
    w1(&mut rota)[0].stops[0].place = 0;
    check(&problem(), &rota, &[]);
}

#[test]
fn rejects_a_first_trip_from_elsewhere_than_the_day_start() {
    let mut problem = problem();
    worker_mut(&mut problem, "W2").home_point = Some(1);
    let mut rota = rota();
    // Home -> hub is 3 km, 360 s.
    let mut trip = w2_empty_trip(t(9, 0), t(9, 6));
    trip.from = Endpoint::Home;
    w2(&mut rota).push(trip);
    check(&problem, &rota, &[codes::START_POINT]);
    worker_mut(&mut problem, "W2").start = Endpoint::Home;
    check(&problem, &rota, &[]);
}

#[test]
fn rejects_a_later_trip_from_elsewhere_than_the_last_return() {
    let mut problem = problem();
    worker_mut(&mut problem, "W2").home_point = Some(1);
    worker_mut(&mut problem, "W2").end = Endpoint::Home;
    let mut rota = rota();
    // Hub -> home is 3 km, 360 s; the second trip claims to leave from the hub again.
    let mut first = w2_empty_trip(t(9, 0), t(9, 6));
    first.to = Endpoint::Home;
    let mut second = first.clone();
    second.depart = t(10, 0);
    second.back = t(10, 6);
    w2(&mut rota).extend([first, second]);
    check(&problem, &rota, &[codes::START_POINT]);
    w2(&mut rota)[1].from = Endpoint::Home;
    check(&problem, &rota, &[]);
}

#[test]
fn rejects_a_day_ending_elsewhere_than_the_end_point() {
    let mut problem = problem();
    worker_mut(&mut problem, "W2").home_point = Some(1);
    let mut rota = rota();
    let mut trip = w2_empty_trip(t(9, 0), t(9, 6));
    trip.to = Endpoint::Home;
    w2(&mut rota).push(trip);
    check(&problem, &rota, &[codes::END_POINT]);
    worker_mut(&mut problem, "W2").end = Endpoint::Home;
    check(&problem, &rota, &[]);
}

#[test]
fn rejects_a_trip_before_the_shift() {
    let mut rota = rota();
    w1(&mut rota)[0].depart = t(8, 59);
    check(&problem(), &rota, &[codes::BEFORE_SHIFT]);
    w1(&mut rota)[0].depart = t(9, 0);
    check(&problem(), &rota, &[]);
}

#[test]
fn rejects_a_trip_leaving_before_the_previous_is_back() {
    let mut rota = rota();
    w2(&mut rota).extend([w2_empty_trip(t(9, 0), t(9, 30)), w2_empty_trip(t(9, 20), t(9, 40))]);
    check(&problem(), &rota, &[codes::TRIPS_OVERLAP]);
    w2(&mut rota)[1].depart = t(9, 30);
    check(&problem(), &rota, &[]);
}

#[test]
fn rejects_an_arrival_faster_than_the_travel_time() {
    let mut rota = rota();
    w1(&mut rota)[0].stops[0].arrive = ts(9, 1, 59);
    check(&problem(), &rota, &[codes::ARRIVES_TOO_EARLY]);
    w1(&mut rota)[0].stops[0].arrive = t(9, 2);
    check(&problem(), &rota, &[]);
}

#[test]
fn rejects_a_visit_starting_before_arrival() {
    let mut rota = rota();
    let b = &mut w1(&mut rota)[0].stops[1];
    b.start = t(10, 30);
    b.end = t(11, 30);
    check(&problem(), &rota, &[codes::STARTS_BEFORE_ARRIVAL]);
    let b = &mut w1(&mut rota)[0].stops[1];
    b.arrive = t(10, 31);
    b.start = t(10, 31);
    b.end = t(11, 31);
    check(&problem(), &rota, &[]);
}

#[test]
fn rejects_a_visit_of_the_wrong_length() {
    let mut rota = rota();
    w1(&mut rota)[0].stops[1].end = t(11, 40);
    w1(&mut rota)[0].back = t(11, 41);
    check(&problem(), &rota, &[codes::WRONG_DURATION]);
    w1(&mut rota)[0].stops[1].end = t(11, 31);
    check(&problem(), &rota, &[]);
}

#[test]
fn rejects_a_return_faster_than_the_travel_time() {
    let mut rota = rota();
    w1(&mut rota)[0].back = ts(11, 31, 59);
    check(&problem(), &rota, &[codes::BACK_TOO_EARLY]);
    w1(&mut rota)[0].back = t(11, 32);
    check(&problem(), &rota, &[]);
}

#[test]
fn rejects_a_visit_outside_its_window() {
    let mut problem = problem();
    visit_mut(&mut problem, "V2").places[0].windows = vec![span(t(9, 0), t(11, 0))];
    check(&problem, &rota(), &[codes::OUTSIDE_WINDOW]);
    visit_mut(&mut problem, "V2").places[0].windows =
        vec![span(t(9, 0), t(11, 0)), span(t(10, 31), t(11, 31))];
    check(&problem, &rota(), &[]);
}

#[test]
fn rejects_a_visit_ending_after_the_shift() {
    let mut problem = problem();
    worker_mut(&mut problem, "W1").shift = span(t(9, 0), t(11, 30));
    check(&problem, &rota(), &[codes::AFTER_SHIFT]);
    worker_mut(&mut problem, "W1").shift = span(t(9, 0), t(11, 31));
    check(&problem, &rota(), &[]);
}

#[test]
fn rejects_a_return_past_the_overtime_limit() {
    let mut problem = problem();
    worker_mut(&mut problem, "W1").shift = span(t(9, 0), t(11, 31));
    problem.policy.max_overtime_seconds = 59;
    check(&problem, &rota(), &[codes::OVERTIME_LIMIT]);
    problem.policy.max_overtime_seconds = 60;
    check(&problem, &rota(), &[]);
}

#[test]
fn rejects_a_trip_during_an_absence() {
    let mut problem = problem();
    worker_mut(&mut problem, "W1").blocked = vec![span(ts(11, 31, 59), t(12, 0))];
    check(&problem, &rota(), &[codes::ABSENT]);
    worker_mut(&mut problem, "W1").blocked = vec![span(t(11, 32), t(12, 0))];
    check(&problem, &rota(), &[]);
}

/// W2 in own car: hub -> B (60 s), B 10:31-11:31, back 11:32.
fn w2_makes_b() -> Trip {
    hub_trip(
        Transport::OwnCar,
        t(10, 0),
        vec![stop("V2", "B", t(10, 1), t(10, 31), t(11, 31))],
        t(11, 32),
    )
}

#[test]
fn rejects_a_visit_made_twice() {
    let mut rota = rota();
    w2(&mut rota).push(w2_makes_b());
    check(&problem(), &rota, &[codes::VISIT_REPEATED]);
    let mut problem = problem();
    visit_mut(&mut problem, "V2").joint = true;
    check(&problem, &rota, &[]);
}

#[test]
fn rejects_a_joint_visit_made_alone() {
    let mut problem = problem();
    visit_mut(&mut problem, "V2").joint = true;
    let mut rota = rota();
    check(&problem, &rota, &[codes::JOINT_VISIT]);
    w2(&mut rota).push(w2_makes_b());
    check(&problem, &rota, &[]);
}

#[test]
fn rejects_a_joint_visit_started_at_two_times() {
    let mut problem = problem();
    visit_mut(&mut problem, "V2").joint = true;
    let mut rota = rota();
    let mut trip = w2_makes_b();
    trip.stops[0].start = t(10, 30);
    trip.stops[0].end = t(11, 30);
    w2(&mut rota).push(trip);
    check(&problem, &rota, &[codes::JOINT_VISIT]);
    w2(&mut rota)[0] = w2_makes_b();
    check(&problem, &rota, &[]);
}

#[test]
fn rejects_a_joint_visit_made_twice_by_one_worker() {
    let mut problem = problem();
    visit_mut(&mut problem, "V2").joint = true;
    visit_mut(&mut problem, "V2").duration = 60;
    let mut rota = rota();
    let b = |at: TimeOfDay| stop("V2", "B", at, at, at.plus(60));
    w1(&mut rota)[0].stops[1] = b(t(10, 31));
    w1(&mut rota)[0].stops.push(b(t(10, 32)));
    w1(&mut rota)[0].back = t(10, 34);
    check(&problem, &rota, &[codes::VISIT_REPEATED]);
    w1(&mut rota)[0].stops.pop();
    w1(&mut rota)[0].back = t(10, 33);
    w2(&mut rota).push(hub_trip(Transport::OwnCar, t(10, 0), vec![b(t(10, 31))], t(10, 33)));
    check(&problem, &rota, &[]);
}

#[test]
fn rejects_a_visit_by_a_worker_without_the_skill() {
    let mut problem = problem();
    visit_mut(&mut problem, "V1").skill = Some(Skill::from("polish"));
    check(&problem, &rota(), &[codes::SKILL]);
    worker_mut(&mut problem, "W1").skills.insert(Skill::from("polish"));
    check(&problem, &rota(), &[]);
}

#[test]
fn rejects_a_pinned_visit_made_by_another_worker() {
    let mut problem = problem();
    visit_mut(&mut problem, "V1").pin = Some(Pin { worker: Some("W2".into()), start: None });
    check(&problem, &rota(), &[codes::PIN_WORKER]);
    visit_mut(&mut problem, "V1").pin = Some(Pin { worker: Some("W1".into()), start: None });
    check(&problem, &rota(), &[]);
}

#[test]
fn rejects_a_pinned_visit_at_another_time() {
    let mut problem = problem();
    visit_mut(&mut problem, "V1").pin = Some(Pin { worker: None, start: Some(t(9, 15)) });
    check(&problem, &rota(), &[codes::PIN_START]);
    visit_mut(&mut problem, "V1").pin = Some(Pin { worker: None, start: Some(t(9, 30)) });
    check(&problem, &rota(), &[]);
}

#[test]
fn rejects_a_trip_over_capacity() {
    let mut problem = problem();
    visit_mut(&mut problem, "V1").demand = 3;
    visit_mut(&mut problem, "V2").demand = 3;
    worker_mut(&mut problem, "W1").capacity = Some(5);
    check(&problem, &rota(), &[codes::CAPACITY]);
    worker_mut(&mut problem, "W1").capacity = Some(6);
    check(&problem, &rota(), &[]);
}

#[test]
fn rejects_a_walk_longer_than_the_limit() {
    let mut problem = problem();
    problem.policy.walk_max_km = 0.9;
    let mut rota = rota();
    // On foot: hub -> A 1 km (720 s), A 09:30-10:30, A -> B 0.5 km (360 s), B 10:36-11:36,
    // back 11:42.
    w1(&mut rota)[0] = hub_trip(
        Transport::OnFoot,
        t(9, 0),
        vec![
            stop("V1", "A", t(9, 12), t(9, 30), t(10, 30)),
            stop("V2", "B", t(10, 36), t(10, 36), t(11, 36)),
        ],
        t(11, 42),
    );
    check(&problem, &rota, &[codes::WALK_TOO_FAR]);
    problem.policy.walk_max_km = 1.0;
    check(&problem, &rota, &[]);
    // Walking legs take walking time: the drive times are too fast on foot.
    let mut driven_times = w1_trip();
    driven_times.transport = Transport::OnFoot;
    w1(&mut rota)[0] = driven_times;
    check(&problem, &rota, &[codes::ARRIVES_TOO_EARLY, codes::BACK_TOO_EARLY]);
}

#[test]
fn rejects_an_own_car_for_a_worker_without_one() {
    let mut problem = problem();
    let mut rota = rota();
    w1(&mut rota)[0].transport = Transport::OwnCar;
    check(&problem, &rota, &[codes::NO_OWN_CAR]);
    worker_mut(&mut problem, "W1").own_car = true;
    check(&problem, &rota, &[]);
}

#[test]
fn rejects_a_pool_car_for_a_worker_who_cannot_drive() {
    let mut problem = problem();
    worker_mut(&mut problem, "W1").can_drive = false;
    check(&problem, &rota(), &[codes::CANNOT_DRIVE]);
    worker_mut(&mut problem, "W1").can_drive = true;
    check(&problem, &rota(), &[]);
}

#[test]
fn rejects_a_pool_car_away_from_its_hub() {
    let mut problem = problem();
    problem.cars[0].hub = HubId::from("G");
    problem.cars[0].hub_point = 5;
    check(&problem, &rota(), &[codes::CAR_HUB]);
    problem.cars[0].hub = HubId::from("H");
    problem.cars[0].hub_point = 0;
    check(&problem, &rota(), &[]);
}

#[test]
fn rejects_an_unknown_car() {
    let mut rota = rota();
    w1(&mut rota)[0].transport = Transport::PoolCar(CarId::from("ZZ"));
    check(&problem(), &rota, &[codes::UNKNOWN_CAR]);
    w1(&mut rota)[0].transport = car1();
    check(&problem(), &rota, &[]);
}

#[test]
fn rejects_a_car_in_two_trips_at_once() {
    let mut problem = problem();
    worker_mut(&mut problem, "W2").can_drive = true;
    let mut rota = rota();
    w2(&mut rota).push(hub_trip(car1(), t(11, 0), Vec::new(), t(11, 40)));
    check(&problem, &rota, &[codes::CAR_DOUBLE_BOOKED]);
    w2(&mut rota)[0].depart = t(11, 32);
    check(&problem, &rota, &[]);
}

#[test]
fn rejects_a_car_booked_during_an_outage() {
    let mut problem = problem();
    problem.cars[0].unavailable = vec![span(ts(11, 31, 59), t(12, 0))];
    check(&problem, &rota(), &[codes::CAR_UNAVAILABLE]);
    problem.cars[0].unavailable = vec![span(t(11, 32), t(12, 0))];
    check(&problem, &rota(), &[]);
}

#[test]
fn rejects_a_trip_draining_the_battery_below_its_reserve() {
    // The trip drives 2 km at 0.2 kWh a km.
    let mut problem = problem();
    problem.cars[0].charge_kwh = 5.3;
    check(&problem, &rota(), &[codes::BATTERY_RESERVE]);
    problem.cars[0].charge_kwh = 5.45;
    check(&problem, &rota(), &[]);
}

#[test]
fn rejects_a_second_trip_before_the_car_has_charged() {
    let mut problem = problem();
    problem.cars[0].charge_kwh = 5.45;
    worker_mut(&mut problem, "W2").can_drive = true;
    let mut rota = rota();
    rota.unscheduled.clear();
    // W2 takes the car to C (0.5 km each way, 0.2 kWh) straight after W1's trip.
    let c = |depart: TimeOfDay| {
        hub_trip(
            car1(),
            depart,
            vec![stop("V3", "C", depart.plus(60), depart.plus(60), depart.plus(3660))],
            depart.plus(3720),
        )
    };
    w2(&mut rota).push(c(t(11, 32)));
    check(&problem, &rota, &[codes::BATTERY_RESERVE]);
    // Five minutes on a 7 kW charger put back more than 0.5 kWh.
    w2(&mut rota)[0] = c(t(11, 37));
    check(&problem, &rota, &[]);
}

#[test]
fn rejects_a_visit_neither_made_nor_left_out() {
    let mut rota = rota();
    rota.unscheduled.clear();
    check(&problem(), &rota, &[codes::VISIT_MISSING]);
    rota.unscheduled.push(unscheduled("V3", "C"));
    check(&problem(), &rota, &[]);
}

#[test]
fn rejects_a_visit_made_and_left_out() {
    let mut rota = rota();
    rota.unscheduled.push(unscheduled("V2", "B"));
    check(&problem(), &rota, &[codes::SCHEDULED_AND_UNSCHEDULED]);
    rota.unscheduled.pop();
    check(&problem(), &rota, &[]);
}

#[test]
fn rejects_a_visit_left_out_twice() {
    let mut rota = rota();
    rota.unscheduled.push(unscheduled("V3", "C"));
    check(&problem(), &rota, &[codes::UNSCHEDULED_TWICE]);
    rota.unscheduled.pop();
    check(&problem(), &rota, &[]);
}

#[test]
fn names_the_worker_visit_and_car_of_a_violation() {
    let mut problem = problem();
    problem.cars[0].charge_kwh = 5.3;
    let verdict = check(&problem, &rota(), &[codes::BATTERY_RESERVE]);
    let violation = &verdict.violations[0];
    assert_eq!(violation.worker, Some(WorkerId::from("W1")));
    assert_eq!(violation.car, Some(CarId::from("CAR1")));
    assert!(violation.message.contains("CAR1"), "{}", violation.message);
}
