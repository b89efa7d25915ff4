//! Criterion bench of the day optimiser on Medway-sized synthetic days at scale 1, 2, 5 and 10.
//!
//! Until the fixture generator lands, the day is synthetic here: four hubs around Chatham, pods of
//! five workers, 100 visits per scale unit (a fifth of them after school, a few joint, a few
//! needing a skill, some placed out of area) and 25 pool cars per scale unit. Before timing,
//! each scale is solved once under a 10 s budget and its objective, bound and gap printed, so
//! BENCHMARKS.md can record quality and time from one run.

#![allow(missing_docs)] // criterion's macros define undocumented functions

use chrono::NaiveDate;
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rounds::clock::with_stopwatch;
use rounds::day::{DayCar, DayHub, DayPlace, DayProblem, DayVisit, DayWorker, Policy};
use rounds::domain::{Endpoint, Location, TimeOfDay, TimeSpan, TownZone};
use rounds::optimise::plan_day;
use rounds::travel::{NamedPoint, TravelMatrix, TravelModel};
use std::collections::BTreeSet;
use std::time::{Duration, Instant};

fn t(h: u32, m: u32) -> TimeOfDay {
    TimeOfDay::hm(h, m).unwrap()
}

/// A synthetic Medway day with `scale` times the visits, workers and cars.
fn synthetic_day(seed: u64, scale: usize) -> DayProblem {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let hubs = [(51.3885, 0.5215), (51.392, 0.500), (51.389, 0.549), (51.363, 0.610)];
    let mut points = Vec::new();
    for (i, &(lat, lon)) in hubs.iter().enumerate() {
        points.push(NamedPoint {
            key: format!("hub:H{i}"),
            location: Location::new(lat, lon).unwrap(),
        });
    }
    let day_hubs: Vec<DayHub> =
        (0..4).map(|i| DayHub { id: format!("H{i}").as_str().into(), point: i }).collect();
    let n_pods = 25 * scale;
    let mut workers = Vec::new();
    for p in 0..n_pods {
        let hub = p % 4;
        for k in 0..5 {
            let mut skills = BTreeSet::new();
            if rng.gen_bool(0.1) {
                skills.insert("bsl".into());
            }
            let start = if rng.gen_bool(0.2) { t(10, 0) } else { t(9, 0) };
            let end = if rng.gen_bool(0.3) { t(18, 30) } else { t(17, 0) };
            workers.push(DayWorker {
                id: format!("W{p:03}{k}").as_str().into(),
                pod: format!("P{p:03}").as_str().into(),
                locality: format!("L{hub}").as_str().into(),
                hub: format!("H{hub}").as_str().into(),
                hub_point: hub,
                home_point: None,
                start: Endpoint::Hub(format!("H{hub}").as_str().into()),
                end: Endpoint::Hub(format!("H{hub}").as_str().into()),
                shift: TimeSpan::new(start, end).unwrap(),
                blocked: if rng.gen_bool(0.1) {
                    vec![TimeSpan::new(t(10, 0), t(12, 30)).unwrap()]
                } else {
                    Vec::new()
                },
                can_drive: rng.gen_bool(0.9),
                own_car: rng.gen_bool(0.5),
                skills,
                capacity: None,
                fair_share: 2,
            });
        }
    }
    let date = NaiveDate::from_ymd_opt(2026, 12, 1).unwrap();
    let mut visits = Vec::new();
    for i in 0..100 * scale {
        let p = rng.gen_range(0..n_pods);
        let hub = hubs[p % 4];
        let (lat, lon) = if rng.gen_bool(0.05) {
            (hub.0 + rng.gen_range(-0.3..0.3), hub.1 + rng.gen_range(-0.5..0.5))
        } else {
            (hub.0 + rng.gen_range(-0.04..0.04), hub.1 + rng.gen_range(-0.06..0.06))
        };
        points.push(NamedPoint {
            key: format!("child:C{i}"),
            location: Location::new(lat, lon).unwrap(),
        });
        let window = if rng.gen_bool(0.2) {
            TimeSpan::new(t(15, 30), t(18, 30)).unwrap()
        } else {
            TimeSpan::new(t(9, 0), t(17, 0)).unwrap()
        };
        let allocated = format!("W{p:03}{}", rng.gen_range(0..5));
        visits.push(DayVisit {
            id: format!("V{i}").as_str().into(),
            child: format!("C{i}").as_str().into(),
            pod: format!("P{p:03}").as_str().into(),
            locality: Some(format!("L{}", p % 4).as_str().into()),
            allocated: allocated.as_str().into(),
            deadline: if rng.gen_bool(0.7) { date } else { date.succ_opt().unwrap() },
            duration: 60 * rng.gen_range(45..=90),
            places: vec![DayPlace { point: points.len() - 1, windows: vec![window] }],
            joint: rng.gen_bool(0.03),
            skill: if rng.gen_bool(0.03) { Some("bsl".into()) } else { None },
            demand: 0,
            pin: None,
        });
    }
    let cars = (0..25 * scale)
        .map(|c| DayCar {
            id: format!("EV{c:03}").as_str().into(),
            hub: format!("H{}", c % 4).as_str().into(),
            hub_point: c % 4,
            usable_kwh: 37.9,
            kwh_per_km: 0.16,
            reserve_kwh: 5.0,
            charger_kw: 7.0,
            charge_kwh: if c % 7 == 0 { 15.0 } else { 37.9 },
            unavailable: Vec::new(),
        })
        .collect();
    let towns = vec![TownZone {
        name: "Medway towns".into(),
        centre: Location::new(51.38, 0.54).unwrap(),
        radius_km: 6.0,
    }];
    let matrix = TravelMatrix::build(&TravelModel::with_towns(towns), points);
    DayProblem { date, matrix, hubs: day_hubs, workers, visits, cars, policy: Policy::default() }
}

fn solve(problem: &DayProblem, budget: Duration) -> rounds::domain::Rota {
    let started = Instant::now();
    let mut rota =
        with_stopwatch(budget, None, |options| plan_day(problem, options)).expect("a rota");
    rota.report.millis = started.elapsed().as_millis() as u64;
    rota
}

fn day_plan(c: &mut Criterion) {
    let mut group = c.benchmark_group("day_plan");
    group.sample_size(10);
    // `cargo test --all-targets` runs this file once as a smoke test; the 10 s report solves
    // belong to `cargo bench` (which passes `--bench`) only.
    let report = std::env::args().any(|arg| arg == "--bench");
    for scale in [1usize, 2, 5, 10] {
        let problem = synthetic_day(1, scale);
        if !report && scale > 1 {
            continue;
        }
        let rota = solve(&problem, Duration::from_secs(10));
        let r = &rota.report;
        eprintln!(
            "scale {scale}: {} visits, {} workers; objective {:.1}, bound {:.1} ({}), gap {:.3}%, \
             {} iterations, {} columns, {} ms, {} unscheduled{}",
            problem.visits.len(),
            problem.workers.len(),
            r.objective,
            r.bound,
            r.bound_kind.code(),
            r.gap() * 100.0,
            r.iterations,
            r.columns,
            r.millis,
            rota.unscheduled.len(),
            if r.timed_out { ", timed out" } else { "" }
        );
        if scale > 2 {
            continue;
        }
        group.bench_with_input(BenchmarkId::from_parameter(scale), &problem, |b, problem| {
            b.iter(|| solve(problem, Duration::from_secs(10)))
        });
    }
    group.finish();
}

criterion_group!(benches, day_plan);
criterion_main!(benches);
