//! Which visits a day is offered, shared by `plan` and `simulate` so that a day planned alone
//! and a day of the simulation choose them the same way.

use crate::domain::{ChildId, Dataset};
use crate::horizon::HorizonOptions;
use crate::planner::{visits_due, visits_from_horizon};
use crate::rules::RulesTable;
use chrono::NaiveDate;
use clap::{Args, ValueEnum};
use std::time::Duration;

/// Where a day's visits come from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Source {
    /// The rolling horizon plan's visits for the day, plus every visit due within
    /// `--lookahead` working days.
    Horizon,
    /// Every visit due within `--lookahead` working days; the day optimiser picks.
    Lookahead,
}

/// The options that choose a day's visits.
#[derive(Clone, Debug, Args)]
pub struct VisitArgs {
    /// Where the day's visits come from.
    #[arg(long = "visits", value_enum, default_value = "horizon")]
    pub source: Source,
    /// Also offer visits due up to this many working days later.
    #[arg(long, default_value_t = 2)]
    pub lookahead: u32,
}

impl VisitArgs {
    /// The day's visits; `horizon_limit`, when given, replaces the horizon solve's default
    /// time limit (the simulation gives it the day's budget).
    pub fn choose(
        &self,
        dataset: &Dataset,
        rules: &RulesTable,
        date: NaiveDate,
        horizon_limit: Option<Duration>,
    ) -> Vec<(ChildId, NaiveDate)> {
        match self.source {
            Source::Horizon => {
                let mut options = HorizonOptions::default();
                if let Some(limit) = horizon_limit {
                    options.time_limit_seconds = limit.as_secs_f64();
                }
                visits_from_horizon(dataset, rules, date, self.lookahead, &options)
            }
            Source::Lookahead => visits_due(dataset, rules, date, self.lookahead),
        }
    }
}
