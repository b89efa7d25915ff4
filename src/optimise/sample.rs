//! Small days built in code for the optimiser's unit tests (the pure core may not read the
//! fixtures' files).

use crate::day::{DayCar, DayHub, DayPlace, DayProblem, DayVisit, DayWorker, Policy};
use crate::domain::{Endpoint, Location, TimeOfDay, TimeSpan, VisitId};
use crate::travel::{NamedPoint, TravelMatrix, TravelModel};

use super::column::{schedule_day, Column, TripSpec};
use super::eliminate::trips;
use super::heuristic::construct;
use super::master::{LpSolution, Master};
use super::model::Model;
use super::pricing::{price, Effort};
use super::rounding::made;

/// A day at one hub for `workers` workers with `n` visits scattered within a few km, each of 30
/// to 60 minutes in a two-to-four-hour window, placed by a fixed pseudo-random sequence.
pub fn scattered_day(n: usize, workers: usize, seed: u64) -> DayProblem {
    let mut state = seed;
    let mut next = |below: u64| {
        state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        (state >> 33) % below
    };
    let at = |h: u64| TimeOfDay((9 * 3600 + h * 60) as u32);
    let date = chrono::NaiveDate::from_ymd_opt(2026, 11, 23).expect("a date");
    let hub = Location::new(51.3885, 0.5215).expect("a place");
    let mut points = vec![NamedPoint { key: "hub".into(), location: hub }];
    let mut visits = Vec::new();
    for v in 0..n {
        let lat = 51.36 + next(60) as f64 / 1000.0;
        let lon = 0.48 + next(90) as f64 / 1000.0;
        let location = Location::new(lat, lon).expect("a place");
        points.push(NamedPoint { key: format!("v{v}"), location });
        let open = next(300);
        let window = TimeSpan::new(at(open), at(open + 120 + next(120))).expect("a window");
        visits.push(DayVisit {
            id: VisitId(format!("V{v}")),
            child: format!("C{v}").as_str().into(),
            pod: "P1".into(),
            locality: None,
            allocated: "W1".into(),
            deadline: date,
            duration: (30 + next(31) as u32) * 60,
            places: vec![DayPlace { point: v + 1, windows: vec![window] }],
            joint: false,
            skill: None,
            demand: 0,
            pin: None,
        });
    }
    let workers = (1..=workers)
        .map(|w| DayWorker {
            id: format!("W{w}").as_str().into(),
            pod: "P1".into(),
            locality: "A".into(),
            hub: "GUN".into(),
            hub_point: 0,
            home_point: None,
            start: Endpoint::Hub("GUN".into()),
            end: Endpoint::Hub("GUN".into()),
            shift: TimeSpan::new(at(0), at(480)).expect("a shift"),
            blocked: vec![],
            can_drive: true,
            own_car: true,
            skills: Default::default(),
            capacity: None,
            fair_share: u16::MAX,
        })
        .collect();
    DayProblem {
        date,
        matrix: TravelMatrix::build(&TravelModel::with_towns(vec![]), points),
        hubs: vec![DayHub { id: "GUN".into(), point: 0 }],
        workers,
        visits,
        cars: vec![],
        policy: Policy::default(),
    }
}

/// [`scattered_day`] for workers without their own car, who share one pool car, so that car
/// rows come and go as columns are added and a car held too long keeps a visit out.
pub fn pooled_day(n: usize, workers: usize, seed: u64) -> DayProblem {
    let mut problem = scattered_day(n, workers, seed);
    for worker in &mut problem.workers {
        worker.own_car = false;
    }
    problem.cars = vec![DayCar {
        id: "CAR".into(),
        hub: "GUN".into(),
        hub_point: 0,
        usable_kwh: 40.0,
        kwh_per_km: 0.2,
        reserve_kwh: 0.0,
        charger_kw: 0.0,
        charge_kwh: 40.0,
        unavailable: Vec::new(),
    }];
    problem
}

/// `problem` with a trip costing more than any rota's travel, and the construction's rota for
/// it under the weights it had: the trips it makes when a trip costs what it costs on Medway,
/// more than such a day needs.
pub fn trips_first(problem: DayProblem) -> (DayProblem, Vec<Option<Column>>) {
    let specs: Vec<_> = construct(&Model::new(&problem))
        .days
        .iter()
        .map(|d| d.as_ref().map(Column::specs).unwrap_or_default())
        .collect();
    let mut problem = problem;
    problem.policy.weights.trip = 1e6;
    let model = Model::new(&problem);
    let days = specs
        .iter()
        .enumerate()
        .map(|(w, s)| if s.is_empty() { None } else { schedule_day(&model, w, s) })
        .collect();
    (problem, days)
}

/// Checks a search that takes trips out (`search`, returning whether the rota has fewer) on the
/// days `day` makes for seeds 1 to 4: the same steps give the same rota, every day is as
/// `schedule_day` schedules it, every visit stays made, and some seed loses a trip.
pub fn assert_takes_trips_out(
    day: impl Fn(u64) -> (DayProblem, Vec<Option<Column>>),
    search: impl Fn(&Model, &mut [Option<Column>]) -> bool,
) {
    let mut fewer = 0;
    for seed in 1..=4 {
        let (problem, start) = day(seed);
        let model = Model::new(&problem);
        let run = || {
            let mut days = start.clone();
            (search(&model, &mut days), days)
        };
        let (better, days) = run();
        assert_eq!(run().1, days, "seed {seed}: the same steps give the same rota");
        for (w, day) in days.iter().enumerate() {
            if let Some(column) = day {
                assert_eq!(schedule_day(&model, w, &column.specs()).as_ref(), Some(column));
            }
        }
        assert_eq!(made(&model, &days), made(&model, &start), "seed {seed}: visits lost");
        assert_eq!(better, trips(&days) < trips(&start), "seed {seed}");
        assert!(trips(&days) <= trips(&start));
        fewer += usize::from(better);
    }
    assert!(fewer > 0, "no seed lost a trip: the test tests nothing");
}

/// Every day of one visit: each worker, each place, each way the worker travels.
pub fn one_visit_days(model: &Model) -> Vec<Column> {
    let mut days = Vec::new();
    for (w, worker) in model.workers.iter().enumerate() {
        for n in 0..model.nodes.len() {
            for &mode in &worker.modes {
                let trip = TripSpec::new(mode, worker.end, vec![n]);
                days.extend(schedule_day(model, w, &[trip]));
            }
        }
    }
    days
}

/// Up to `rounds` rounds of column generation from `pool` at `effort` through one master, the
/// columns found added to `pool`; the last LP.
pub fn generate(
    model: &Model,
    pool: &mut Vec<Column>,
    rounds: usize,
    effort: Effort,
) -> LpSolution {
    let mut master = Master::new(model);
    for column in pool.iter() {
        master.add(model, column);
    }
    let never = || false;
    let mut lp = master.solve(model).expect("an LP");
    for _ in 0..rounds {
        let fresh: Vec<Column> = (0..model.workers.len())
            .flat_map(|w| price(model, &lp.duals, w, effort, &never).columns)
            .filter(|c| !pool.contains(c))
            .collect();
        if fresh.is_empty() {
            break;
        }
        for column in fresh {
            master.add(model, &column);
            pool.push(column);
        }
        lp = master.solve(model).expect("an LP");
    }
    lp
}
