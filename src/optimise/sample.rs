//! Small days built in code for the optimiser's unit tests (the pure core may not read the
//! fixtures' files).

use crate::day::{DayHub, DayPlace, DayProblem, DayVisit, DayWorker, Policy};
use crate::domain::{Endpoint, Location, TimeOfDay, TimeSpan, VisitId};
use crate::travel::{NamedPoint, TravelMatrix, TravelModel};

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
