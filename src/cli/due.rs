//! `rounds due`: the children who must be seen by a date, with their deadlines, the rule that
//! set each one, and the counts by plan type.

use super::data::{load_data, load_rules};
use crate::domain::PlanType;
use crate::rules::{counts_by_plan, due_by};
use chrono::NaiveDate;
use std::io::Write;
use std::path::PathBuf;

/// Arguments of `rounds due`.
#[derive(Debug, clap::Args)]
pub struct DueArgs {
    /// The council's data folder (CSV files).
    #[arg(long)]
    pub data: PathBuf,
    /// List children whose deadline is on or before this date (YYYY-MM-DD).
    #[arg(long)]
    pub date: NaiveDate,
    /// A rules table to use instead of the data folder's `rules.csv` or the England default.
    #[arg(long)]
    pub rules: Option<PathBuf>,
    /// Print only the counts by plan type.
    #[arg(long)]
    pub summary: bool,
}

/// Runs `rounds due`.
pub fn run(args: &DueArgs) -> anyhow::Result<()> {
    let dataset = load_data(&args.data)?;
    let rules = load_rules(&args.data, args.rules.as_deref())?;
    let due = due_by(&dataset, &rules, args.date);
    let mut out = std::io::stdout().lock();
    if !args.summary {
        writeln!(
            out,
            "{:<10} {:<13} {:<10} {:>7}  {:<8} {:<6} rule",
            "child", "plan", "deadline", "overdue", "worker", "pod"
        )?;
        for item in &due {
            let child = dataset.child(&item.child).expect("due children come from the dataset");
            writeln!(
                out,
                "{:<10} {:<13} {:<10} {:>7}  {:<8} {:<6} {}",
                item.child,
                item.plan.code(),
                item.deadline,
                item.overdue_days.max(0),
                child.allocated,
                child.pod,
                item.rule.split(" [").next().unwrap_or(&item.rule),
            )?;
        }
        writeln!(out)?;
    }
    writeln!(out, "due by {}: {} of {} children", args.date, due.len(), dataset.children.len())?;
    let counts = counts_by_plan(&due);
    for plan in PlanType::ALL {
        writeln!(out, "  {:<13} {:>5}", plan.code(), counts.get(&plan).copied().unwrap_or(0))?;
    }
    let overdue = due.iter().filter(|d| d.overdue_days > 0).count();
    writeln!(out, "  overdue       {overdue:>5}")?;
    Ok(())
}
