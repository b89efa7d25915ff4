//! The simulation's bookkeeping, with a one-worker one-child council and a planner that always
//! sends the worker.

use super::*;
use crate::day::{DayHub, DayPlace, DayVisit, DayWorker, Policy};
use crate::domain::*;
use crate::travel::{NamedPoint, TravelMatrix, TravelModel};

fn t(h: u32, m: u32) -> TimeOfDay {
    TimeOfDay::hm(h, m).unwrap()
}

fn council(last_seen: NaiveDate) -> Dataset {
    let office = Location::new(51.3885, 0.5215).unwrap();
    let home = Location::new(51.389, 0.549).unwrap();
    let day = TimeSpan::new(t(9, 0), t(17, 0));
    Dataset {
        hubs: vec![Hub {
            id: "GUN".into(),
            name: "Gun Wharf".into(),
            location: office,
            locality: None,
            chargers: 2,
        }],
        workers: vec![Worker {
            id: "W1".into(),
            name: "Sam Worker".into(),
            role: StaffRole::SocialWorker,
            pod: "P1".into(),
            base_hub: "GUN".into(),
            home: None,
            pattern: WeeklyPattern([day, day, day, day, day, None, None]),
            can_drive: true,
            own_car: true,
            skills: Default::default(),
        }],
        children: vec![Child {
            id: "C1".into(),
            name: "Alex Child".into(),
            home: VisitPlace { location: home, address: "1 High St".into(), windows: vec![] },
            alternative: None,
            locality: None,
            pod: "P1".into(),
            allocated: "W1".into(),
            plan: PlanType::ChildInNeed,
            plan_start: NaiveDate::from_ymd_opt(2026, 1, 5).unwrap(),
            placement_start: None,
            placement_until_18: false,
            last_seen: Some(last_seen),
            visit_minutes: 60,
            joint: false,
            skill: None,
        }],
        ..Dataset::default()
    }
}

/// Sends W1 to every child each day by own car, 10:00-11:00.
fn always_visit(dataset: &Dataset, date: NaiveDate) -> PlannedDay {
    let points = vec![
        NamedPoint { key: "hub:GUN".into(), location: dataset.hubs[0].location },
        NamedPoint { key: "child:C1".into(), location: dataset.children[0].home.location },
    ];
    let matrix = TravelMatrix::build(&TravelModel::with_towns(vec![]), points);
    let to_child = matrix.drive(0, 1).seconds;
    let child = &dataset.children[0];
    let problem = DayProblem {
        date,
        matrix,
        hubs: vec![DayHub { id: "GUN".into(), point: 0 }],
        workers: vec![DayWorker {
            id: "W1".into(),
            pod: "P1".into(),
            locality: "A".into(),
            hub: "GUN".into(),
            hub_point: 0,
            home_point: None,
            start: Endpoint::Hub("GUN".into()),
            end: Endpoint::Hub("GUN".into()),
            shift: TimeSpan::new(t(9, 0), t(17, 0)).unwrap(),
            blocked: vec![],
            can_drive: true,
            own_car: true,
            skills: Default::default(),
            capacity: None,
            fair_share: 1,
        }],
        visits: vec![DayVisit {
            id: VisitId("V1".into()),
            child: child.id.clone(),
            pod: "P1".into(),
            locality: None,
            allocated: "W1".into(),
            deadline: date,
            duration: 3600,
            places: vec![DayPlace { point: 1, windows: vec![TimeSpan::whole_day()] }],
            joint: false,
            skill: None,
            demand: 0,
            pin: None,
        }],
        cars: vec![],
        policy: Policy::default(),
    };
    let stop = Stop {
        visit: VisitId("V1".into()),
        child: child.id.clone(),
        place: 0,
        arrive: t(10, 0),
        start: t(10, 0),
        end: t(11, 0),
    };
    let trip = Trip {
        transport: Transport::OwnCar,
        from: Endpoint::Hub("GUN".into()),
        depart: TimeOfDay(t(10, 0).seconds() - to_child),
        stops: vec![stop],
        to: Endpoint::Hub("GUN".into()),
        back: t(11, 0).plus(to_child),
    };
    let report = SolveReport {
        objective: 0.0,
        bound: 0.0,
        bound_kind: BoundKind::ExactLp,
        iterations: 0,
        columns: 1,
        millis: 0,
        timed_out: false,
        candidates: Vec::new(),
    };
    let rota = Rota {
        date,
        workers: vec![WorkerDay { worker: "W1".into(), trips: vec![trip] }],
        unscheduled: vec![],
        report,
    };
    PlannedDay { problem, rota, feasible: true }
}

/// Twenty calendar days after the last visit.
fn deadline(dataset: &Dataset, child: &ChildId) -> NaiveDate {
    let child = dataset.child(child).unwrap();
    child.last_seen.unwrap_or(child.plan_start) + chrono::Duration::days(20)
}

fn options(no_access: f64, days: u32) -> SimOptions {
    SimOptions {
        from: NaiveDate::from_ymd_opt(2026, 11, 23).unwrap(),
        days,
        seed: 7,
        disruptions: Disruptions {
            sick: 0.0,
            no_access,
            overrun: 0.0,
            overrun_max_minutes: 5,
            car_out: 0.0,
        },
    }
}

fn run(last_seen: NaiveDate, no_access: f64, days: u32) -> (SimReport, u32) {
    let mut calls = 0;
    let report = simulate(
        council(last_seen),
        &options(no_access, days),
        &mut always_visit,
        &deadline,
        &mut |_, _, _| calls += 1,
    );
    (report, calls)
}

#[test]
fn a_completed_visit_moves_the_next_deadline() {
    // Last seen 10 Nov, due by 30 Nov: seen each morning, so on time every day.
    let (report, calls) = run(date(2026, 11, 10), 0.0, 3);
    assert_eq!(calls, 3);
    assert_eq!(report.totals.on_time, 3);
    assert_eq!(report.totals.late, 0);
    assert_eq!(report.days[0].seen, 1);
    assert_eq!(report.totals.continuity_percent(), 100.0);
    assert!(report.totals.own_km > 0.0 && report.totals.pool_km == 0.0);
}

#[test]
fn a_no_access_visit_leaves_the_child_due() {
    // Last seen 2 Nov, deadline 22 Nov: never seen in the run, so late at the end.
    let (report, _) = run(date(2026, 11, 2), 1.0, 3);
    assert_eq!(report.totals.on_time, 0);
    assert_eq!(report.days[0].no_access, 1);
    assert_eq!(report.days[0].seen, 0);
    assert_eq!(report.totals.late, 1);
    assert_eq!(report.totals.days_late, 3, "22 Nov to Wed 25 Nov");
    assert_eq!(report.totals.late_for_staffing, 0, "late because the family was out");
}

#[test]
fn a_child_left_out_for_want_of_staff_counts_as_late_for_staffing() {
    // Due by 22 Nov; on Mon 23 Nov the rota leaves the visit out (no worker free), on Tue it
    // is made: one late visit, and it is the staff's.
    let first = date(2026, 11, 23);
    let mut plan = |dataset: &Dataset, day: NaiveDate| {
        let mut planned = always_visit(dataset, day);
        if day == first {
            planned.rota.workers.clear();
            planned.rota.unscheduled.push(Unscheduled {
                visit: VisitId("V1".into()),
                child: dataset.children[0].id.clone(),
                deadline: date(2026, 11, 22),
                code: "NO_WORKER_FREE",
                reason: "no worker of pod P1 free".into(),
            });
        }
        planned
    };
    let report = simulate(
        council(date(2026, 11, 2)),
        &options(0.0, 2),
        &mut plan,
        &deadline,
        &mut |_, _, _| {},
    );
    assert_eq!(report.days[0].missed_by_reason.get("NO_WORKER_FREE"), Some(&1));
    assert_eq!((report.totals.late, report.totals.late_for_staffing), (1, 1));
    assert_eq!(report.totals.days_late, 2, "22 Nov to Tue 24 Nov");
}

#[test]
fn a_child_already_overdue_is_seen_late_once() {
    // Due by 22 Nov, seen on Mon 23 Nov: one late visit, a day late; then on time.
    let (report, _) = run(date(2026, 11, 2), 0.0, 3);
    assert_eq!((report.totals.late, report.totals.on_time), (1, 2));
    assert_eq!(report.totals.days_late, 1);
}

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

#[test]
fn a_fleet_can_shrink_and_grow() {
    let mut dataset = council(date(2026, 11, 10));
    let car = |id: &str, hub: &str| Car {
        id: CarId(id.into()),
        model: "BMW i3".into(),
        hub: hub.into(),
        usable_kwh: 37.9,
        kwh_per_km: 0.16,
        reserve_kwh: 5.0,
        charger_kw: 7.0,
        charge_kwh: 30.0,
        unavailable: vec![],
    };
    dataset.cars = vec![car("A1", "GUN"), car("A2", "GUN"), car("B1", "STR")];
    let small = with_fleet_size(dataset.clone(), 2);
    let ids: Vec<_> = small.cars.iter().map(|c| c.id.0.as_str()).collect();
    assert_eq!(ids, ["A1", "B1"], "one from each hub first");
    let large = with_fleet_size(dataset, 5);
    assert_eq!(large.cars.len(), 5);
    assert_eq!(large.cars.iter().filter(|c| c.id.0.starts_with("SIM")).count(), 2);
}
