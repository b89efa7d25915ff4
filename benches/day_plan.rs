//! Criterion bench of the day optimiser on the generated councils: Medway (`fixtures::generate`
//! at scale 1, the data in `fixtures/medway`) and two, five and ten times it, each on the
//! reference date with the visits due that day (as `rounds plan --visits lookahead
//! --lookahead 0`).
//!
//! Under `cargo bench`, each scale is first solved at every limit of [`LIMITS`] and the
//! objective, bound, gap and the checker's verdict printed, so BENCHMARKS.md records quality
//! and time from one run: a solve stops at its limit unless it has its rota within 1% of a
//! proven bound, so how the gap at a fixed limit grows with the scale is how the time needed
//! grows; scale 1 is also solved untimed (column generation to its end, deterministic).
//! Criterion then times building the day from the council's data (places, travel matrix) at
//! every scale, and the untimed solve of Medway's day. `cargo test --all-targets` runs it as a
//! smoke test: Medway's day solved for 1 s through the checker, the build timed once.

#![allow(missing_docs)] // criterion's macros define undocumented functions

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use rounds::clock::with_stopwatch;
use rounds::day::build::build_day;
use rounds::day::Policy;
use rounds::domain::Dataset;
use rounds::fixtures::{generate, reference_date};
use rounds::optimise::SolveOptions;
use rounds::planner::{plan_day, visits_due, DayRequest};
use rounds::rules::RulesTable;
use std::collections::BTreeMap;
use std::time::{Duration, Instant};

/// The limits every scale is solved at in the report: the targets are within 1% at
/// scale 1 in 1 s and within 2% at scale 5 in 10 s.
const LIMITS: [u64; 3] = [1, 10, 60];

/// The council at `scale` and its day: the reference date's due visits.
fn council(scale: u32) -> (Dataset, DayRequest) {
    let dataset = generate(1, scale);
    let date = reference_date();
    let visits = visits_due(&dataset, &RulesTable::england(), date, 0);
    (dataset, DayRequest { date, visits, ..DayRequest::default() })
}

/// Solves at `limit` (`None`: untimed) and prints one line of the report.
fn report(scale: u32, dataset: &Dataset, request: &DayRequest, limit: Option<Duration>) {
    let started = Instant::now();
    let plan = match limit {
        Some(limit) => with_stopwatch(limit, None, |options| plan_day(dataset, request, options)),
        None => plan_day(dataset, request, &SolveOptions::untimed()),
    }
    .expect("a rota");
    let millis = started.elapsed().as_millis();
    let (problem, rota, verdict) = (plan.problem(), plan.rota(), plan.verdict());
    let r = &rota.report;
    eprintln!(
        "scale {scale}, limit {}: {} visits, {} workers; objective {:.1}, bound {:.1} ({}), \
         gap {:.2}%, {} iterations, {} columns, {millis} ms, {} unscheduled, checker {}",
        limit.map_or("none".to_string(), |limit| format!("{} s", limit.as_secs())),
        problem.visits.len(),
        problem.workers.len(),
        r.objective,
        r.bound,
        r.bound_kind.code(),
        r.gap() * 100.0,
        r.iterations,
        r.columns,
        rota.unscheduled.len(),
        if verdict.violations.is_empty() { "accepts" } else { "REJECTS" },
    );
    assert!(verdict.violations.is_empty(), "the checker rejects: {:?}", verdict.violations);
}

fn day_plan(c: &mut Criterion) {
    // `cargo bench` passes `--bench`; `cargo test --all-targets` does not (the smoke test).
    let bench = std::env::args().any(|arg| arg == "--bench");
    let scales: &[u32] = if bench { &[1, 2, 5, 10] } else { &[1] };
    let none = BTreeMap::new();
    let mut group = c.benchmark_group("day_plan");
    group.sample_size(10);
    for &scale in scales {
        let (dataset, request) = council(scale);
        if !bench {
            // The smoke test: one short solve through the checker, and the build timed once.
            report(scale, &dataset, &request, Some(Duration::from_secs(1)));
        } else {
            for limit in LIMITS {
                report(scale, &dataset, &request, Some(Duration::from_secs(limit)));
            }
            if scale == 1 {
                report(scale, &dataset, &request, None);
            }
        }
        group.bench_with_input(BenchmarkId::new("build", scale), &dataset, |b, dataset| {
            b.iter(|| build_day(dataset, request.date, &request.visits, Policy::default(), &none))
        });
        if bench && scale == 1 {
            group.bench_with_input(BenchmarkId::new("untimed", scale), &dataset, |b, dataset| {
                b.iter(|| plan_day(dataset, &request, &SolveOptions::untimed()).expect("a rota"))
            });
        }
    }
    group.finish();
}

criterion_group!(benches, day_plan);
criterion_main!(benches);
