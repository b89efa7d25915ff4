//! `rounds plan`: one day's rota for the whole service (or a pod or locality), as a table an
//! officer reads or the JSON the API serves, always after the independent checker.

use super::data::{load_data, load_rules, read_policy};
use super::visits::VisitArgs;
use crate::clock::with_stopwatch;
use crate::domain::{LocalityId, PodId};
use crate::format::json::rota_json;
use crate::format::table::rota_table;
use crate::optimise::Progress;
use crate::planner::{plan_day, DayRequest};
use anyhow::bail;
use chrono::NaiveDate;
use std::io::Write;
use std::path::PathBuf;
use std::time::Duration;

/// How to print the rota.
#[derive(Clone, Copy, Debug, clap::ValueEnum)]
pub enum Format {
    /// A table per worker, then the visits left out and the solve report.
    Table,
    /// The JSON document the API serves (docs/plan-json.md).
    Json,
}

/// Arguments of `rounds plan`.
#[derive(Debug, clap::Args)]
pub struct PlanArgs {
    /// The council's data folder (CSV files).
    #[arg(long)]
    pub data: PathBuf,
    /// The day to plan (YYYY-MM-DD).
    #[arg(long)]
    pub date: NaiveDate,
    /// Output format.
    #[arg(long, value_enum, default_value = "table")]
    pub format: Format,
    /// The solve's time budget, e.g. `10s` or `500ms`.
    #[arg(long, default_value = "10s", value_parser = super::parse_duration)]
    pub time_limit: Duration,
    /// Which visits the day is offered.
    #[command(flatten)]
    pub visits: VisitArgs,
    /// Only this pod's workers and children.
    #[arg(long, conflicts_with = "locality")]
    pub pod: Option<String>,
    /// Only this locality's pods.
    #[arg(long)]
    pub locality: Option<String>,
    /// The objective's weights and the day's limits (see fixtures/policy.conf).
    #[arg(long)]
    pub policy: Option<PathBuf>,
    /// A rules table to use instead of the data folder's `rules.csv` or the England default.
    #[arg(long)]
    pub rules: Option<PathBuf>,
}

/// Runs `rounds plan`; fails (exit code 1) when the checker rejects the rota, after printing it.
pub fn run(args: &PlanArgs) -> anyhow::Result<()> {
    let dataset = load_data(&args.data)?;
    let rules = load_rules(&args.data, args.rules.as_deref())?;
    let policy = match &args.policy {
        None => Default::default(),
        Some(path) => read_policy(path)?,
    };
    let pods = match (&args.pod, &args.locality) {
        (Some(pod), _) => {
            let id = PodId(pod.clone());
            if dataset.pod(&id).is_none() {
                bail!("--pod {pod}: no such pod in {}", args.data.display());
            }
            Some([id].into())
        }
        (None, Some(locality)) => {
            let id = LocalityId(locality.clone());
            let pods: std::collections::BTreeSet<PodId> =
                dataset.pods.iter().filter(|p| p.locality == id).map(|p| p.id.clone()).collect();
            if pods.is_empty() {
                bail!("--locality {locality}: no pod in that locality");
            }
            Some(pods)
        }
        (None, None) => None,
    };
    let request = DayRequest {
        date: args.date,
        visits: args.visits.choose(&dataset, &rules, args.date, None),
        policy,
        pods,
        ..DayRequest::default()
    };
    let started = std::time::Instant::now();
    let progress = |p: &Progress| {
        eprint!(
            "\r{:>6.1}s column generation: iteration {:>4}, {:>6} columns, LP {:>12.1}, bound {:>12.1}",
            started.elapsed().as_secs_f64(),
            p.iterations,
            p.columns,
            p.lp_value,
            p.bound
        );
    };
    let plan = with_stopwatch(args.time_limit, Some(&progress), |options| {
        plan_day(&dataset, &request, options)
    });
    eprintln!();
    let plan = plan?;
    let mut out = std::io::stdout().lock();
    match args.format {
        Format::Table => write!(out, "{}", rota_table(plan.problem(), plan.rota()))?,
        Format::Json => writeln!(out, "{}", rota_json(plan.problem(), plan.rota()))?,
    }
    let verdict = plan.verdict();
    if !plan.is_publishable() {
        for violation in &verdict.violations {
            eprintln!("checker: {} {}", violation.code, violation.message);
        }
        bail!("the checker rejected the rota ({} violations)", verdict.violations.len());
    }
    eprintln!("checker: feasible, objective {:.1}", verdict.objective);
    Ok(())
}
