//! `rounds simulate`: play the service forward day by day with disruptions, and with `--cars
//! A..B` sweep the pool's size to answer "how many cars do we need?" (a chart and a CSV).

use super::data::{load_data, load_rules};
use super::visits::VisitArgs;
use crate::clock::with_stopwatch;
use crate::domain::Dataset;
use crate::format::svg::{fleet_chart, FleetPoint};
use crate::planner::{plan_day, DayRequest};
use crate::rules::{next_deadline, RulesTable};
use crate::sim::{
    simulate, with_fleet_size, DayStats, Disruptions, PlannedDay, SimOptions, SimReport,
};
use anyhow::{bail, Context};
use chrono::NaiveDate;
use std::io::Write;
use std::path::PathBuf;
use std::time::Duration;

/// Kilometres in a mile.
const KM_PER_MILE: f64 = 1.609_344;

/// Arguments of `rounds simulate`.
#[derive(Debug, clap::Args)]
pub struct SimulateArgs {
    /// The council's data folder (CSV files).
    #[arg(long)]
    pub data: PathBuf,
    /// The first day (YYYY-MM-DD).
    #[arg(long)]
    pub from: NaiveDate,
    /// Working days to simulate.
    #[arg(long, default_value_t = 60)]
    pub days: u32,
    /// Pool size: a number, or a range `A..B` to sweep (with `--step`).
    #[arg(long)]
    pub cars: Option<String>,
    /// Step of the sweep.
    #[arg(long, default_value_t = 5)]
    pub step: usize,
    /// Seed of the disruptions.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Time limit of each day's solve, e.g. `2s`.
    #[arg(long, default_value = "1s", value_parser = super::parse_duration)]
    pub time_limit: Duration,
    /// Which visits each day is offered (the horizon's solve gets the same time limit).
    #[command(flatten)]
    pub visits: VisitArgs,
    /// Where a sweep writes `fleet-sweep.csv` and `fleet-sweep.svg`.
    #[arg(long, default_value = ".")]
    pub out: PathBuf,
    /// A rules table to use instead of the data folder's `rules.csv` or the England default.
    #[arg(long)]
    pub rules: Option<PathBuf>,
}

/// Runs `rounds simulate`.
pub fn run(args: &SimulateArgs) -> anyhow::Result<()> {
    let dataset = load_data(&args.data)?;
    let rules = load_rules(&args.data, args.rules.as_deref())?;
    let sizes = fleet_sizes(args.cars.as_deref(), args.step, dataset.cars.len())?;
    let mut points = Vec::new();
    let mut out = std::io::stdout().lock();
    for &cars in &sizes {
        let fleet = with_fleet_size(dataset.clone(), cars);
        let report = run_one(&fleet, &rules, args)?;
        print_report(&mut out, cars, &report, sizes.len() == 1)?;
        points.push(FleetPoint {
            cars,
            on_time_percent: report.totals.on_time_percent(),
            grey_miles: report.totals.own_km / KM_PER_MILE,
        });
    }
    if sizes.len() > 1 {
        std::fs::create_dir_all(&args.out)?;
        let csv = args.out.join("fleet-sweep.csv");
        let svg = args.out.join("fleet-sweep.svg");
        let mut rows = String::from("cars,on_time_percent,grey_miles\n");
        for p in &points {
            rows.push_str(&format!("{},{:.2},{:.1}\n", p.cars, p.on_time_percent, p.grey_miles));
        }
        std::fs::write(&csv, rows).with_context(|| format!("cannot write {}", csv.display()))?;
        let title = format!(
            "{} working days from {}: on time and grey-fleet miles by pool size",
            args.days, args.from
        );
        std::fs::write(&svg, fleet_chart(&title, &points))
            .with_context(|| format!("cannot write {}", svg.display()))?;
        writeln!(out, "wrote {} and {}", csv.display(), svg.display())?;
    }
    Ok(())
}

fn run_one(
    dataset: &Dataset,
    rules: &RulesTable,
    args: &SimulateArgs,
) -> anyhow::Result<SimReport> {
    let options = SimOptions {
        from: args.from,
        days: args.days,
        seed: args.seed,
        disruptions: Disruptions::default(),
    };
    let mut failure = None;
    let mut plan = |data: &Dataset, date: NaiveDate| -> PlannedDay {
        let request = DayRequest {
            date,
            visits: args.visits.choose(data, rules, date, Some(args.time_limit)),
            ..DayRequest::default()
        };
        match with_stopwatch(args.time_limit, None, |options| plan_day(data, &request, options)) {
            Ok(checked) => {
                let feasible = checked.is_publishable();
                let (problem, rota, _) = checked.into_parts();
                PlannedDay { problem, rota, feasible }
            }
            Err(error) => {
                failure.get_or_insert(format!("{date}: {error}"));
                let empty = DayRequest { visits: Vec::new(), ..request };
                let checked = with_stopwatch(args.time_limit, None, |options| {
                    plan_day(data, &empty, options)
                })
                .expect("an empty day always plans");
                let (problem, rota, _) = checked.into_parts();
                PlannedDay { problem, rota, feasible: false }
            }
        }
    };
    let deadline = |data: &Dataset, child: &crate::domain::ChildId| {
        next_deadline(data.child(child).expect("child of the dataset"), rules, &data.calendar).date
    };
    let mut progress = |day: &DayStats, n: u32, of: u32| {
        eprint!(
            "\r{} day {n:>3}/{of}  {}  seen {:>3}  late {:>2}   ",
            bar(n, of),
            day.date,
            day.seen,
            day.late
        );
        if n == of {
            eprintln!();
        }
    };
    let report = simulate(dataset.clone(), &options, &mut plan, &deadline, &mut progress);
    if let Some(failure) = failure {
        bail!("a day's solve failed: {failure}");
    }
    Ok(report)
}

fn bar(n: u32, of: u32) -> String {
    let width = 30;
    let done = (n as usize * width) / of.max(1) as usize;
    format!("[{}{}]", "#".repeat(done), " ".repeat(width - done))
}

/// The pool sizes to run: the dataset's own, one number, or `A..B` by `step`.
fn fleet_sizes(cars: Option<&str>, step: usize, own: usize) -> anyhow::Result<Vec<usize>> {
    let Some(text) = cars else { return Ok(vec![own]) };
    if let Some((from, to)) = text.split_once("..") {
        let from: usize =
            from.trim().parse().with_context(|| format!("--cars {text}: bad start"))?;
        let to: usize = to.trim().parse().with_context(|| format!("--cars {text}: bad end"))?;
        if from > to || step == 0 {
            bail!("--cars {text} --step {step}: the range must go up by a positive step");
        }
        return Ok((from..=to).step_by(step).collect());
    }
    Ok(vec![text
        .trim()
        .parse()
        .with_context(|| format!("--cars {text}: not a number or range"))?])
}

fn print_report(
    out: &mut impl Write,
    cars: usize,
    report: &SimReport,
    per_day: bool,
) -> std::io::Result<()> {
    if per_day {
        writeln!(
            out,
            "{:<10} {:>5} {:>5} {:>5} {:>5} {:>5} {:>8} {:>8} {:>6} {:>5}  busiest hour per hub",
            "day", "made", "seen", "noacc", "late", "sick", "pool km", "own km", "kWh", "car%"
        )?;
        for d in &report.days {
            let peaks: Vec<String> = d
                .peaks
                .iter()
                .map(|p| format!("{} {:02}:00 ({})", p.hub, p.hour, p.cars_out))
                .collect();
            writeln!(
                out,
                "{:<10} {:>5} {:>5} {:>5} {:>5} {:>5} {:>8.0} {:>8.0} {:>6.0} {:>5.1}  {}",
                d.date,
                d.made,
                d.seen,
                d.no_access,
                d.late,
                d.sick,
                d.pool_km,
                d.own_km,
                d.kwh,
                d.car_utilisation,
                peaks.join(", ")
            )?;
        }
    }
    let t = &report.totals;
    writeln!(out, "\n{cars} pool cars, {} working days:", report.days.len())?;
    writeln!(
        out,
        "  statutory visits on time   {:.1}% ({} on time, {} late)",
        t.on_time_percent(),
        t.on_time,
        t.late
    )?;
    writeln!(
        out,
        "  late for want of staff     {} of the {} (left out on or past the deadline: no worker free, no time)",
        t.late_for_staffing, t.late
    )?;
    writeln!(
        out,
        "  days late                  {} in all, worst {}",
        t.days_late, t.worst_days_late
    )?;
    let missed: Vec<String> =
        t.missed_by_reason.iter().map(|(code, n)| format!("{code} {n}")).collect();
    writeln!(
        out,
        "  left out on/after deadline {}",
        if missed.is_empty() { "none".into() } else { missed.join(", ") }
    )?;
    writeln!(out, "  continuity (allocated)     {:.1}%", t.continuity_percent())?;
    writeln!(
        out,
        "  km pool / own              {:.0} / {:.0} ({:.0} grey-fleet miles)",
        t.pool_km,
        t.own_km,
        t.own_km / KM_PER_MILE
    )?;
    writeln!(out, "  kWh                        {:.0}", t.kwh)?;
    writeln!(out, "  car utilisation            {:.1}%", t.car_utilisation)?;
    writeln!(out, "  days the checker rejected  {}", t.infeasible_days)?;
    Ok(())
}
