//! `rounds horizon`: which working day each due visit goes on over the rolling horizon, and the
//! visits that cannot meet their deadline, flagged days ahead.

use super::data::{load_data, load_rules};
use crate::horizon::{horizon_input, plan_horizon, HorizonOptions};
use chrono::NaiveDate;
use std::collections::BTreeMap;
use std::io::Write;
use std::path::PathBuf;

/// Arguments of `rounds horizon`.
#[derive(Debug, clap::Args)]
pub struct HorizonArgs {
    /// The council's data folder (CSV files).
    #[arg(long)]
    pub data: PathBuf,
    /// The first day of the horizon (YYYY-MM-DD).
    #[arg(long)]
    pub from: NaiveDate,
    /// Working days in the horizon.
    #[arg(long, default_value_t = 10)]
    pub days: usize,
    /// HiGHS time limit in seconds.
    #[arg(long, default_value_t = 3.0)]
    pub time_limit: f64,
    /// A rules table to use instead of the data folder's `rules.csv` or the England default.
    #[arg(long)]
    pub rules: Option<PathBuf>,
    /// List every visit's day, not only the counts and flags.
    #[arg(long)]
    pub list: bool,
}

/// Runs `rounds horizon`.
pub fn run(args: &HorizonArgs) -> anyhow::Result<()> {
    let dataset = load_data(&args.data)?;
    let rules = load_rules(&args.data, args.rules.as_deref())?;
    let options = HorizonOptions {
        working_days: args.days,
        time_limit_seconds: args.time_limit,
        ..HorizonOptions::default()
    };
    let input = horizon_input(&dataset, &rules, args.from, &BTreeMap::new(), &options);
    let plan = plan_horizon(&input, &options);
    let mut out = std::io::stdout().lock();
    writeln!(
        out,
        "horizon {} to {}: {} visits, status {:?}, objective {:.1}",
        plan.days.first().map_or(String::new(), |d| d.to_string()),
        plan.days.last().map_or(String::new(), |d| d.to_string()),
        plan.assignments.len(),
        plan.status,
        plan.objective
    )?;
    writeln!(out, "{:<10} {:>7} {:>6}", "day", "visits", "late")?;
    for day in &plan.days {
        let on_day: Vec<_> = plan.on(*day).collect();
        let late = on_day.iter().filter(|a| a.deadline < *day).count();
        writeln!(out, "{:<10} {:>7} {:>6}", day.format("%a %d %b"), on_day.len(), late)?;
    }
    if args.list {
        writeln!(
            out,
            "\n{:<10} {:<10} {:<10} {:<18} pinned",
            "day", "child", "deadline", "workers"
        )?;
        for a in &plan.assignments {
            let workers: Vec<&str> = a.workers.iter().map(|w| w.as_str()).collect();
            writeln!(
                out,
                "{:<10} {:<10} {:<10} {:<18} {}",
                a.day,
                a.child,
                a.deadline,
                workers.join("+"),
                a.pinned
            )?;
        }
    }
    writeln!(out, "\n{} visits will miss their deadline:", plan.flags.len())?;
    for flag in &plan.flags {
        let planned = flag.planned.map_or("no day".to_owned(), |d| d.to_string());
        writeln!(
            out,
            "  {} due {} (planned {planned}): {} {}",
            flag.child, flag.deadline, flag.code, flag.reason
        )?;
    }
    Ok(())
}
