//! The command line: clap glue, one file per subcommand, each a thin call into the library.

pub mod bench_solomon;
pub mod data;
pub mod due;
pub mod fixtures;
pub mod horizon;
pub mod plan;
pub mod serve;
pub mod simulate;
pub mod users;
pub mod visits;

use clap::{Parser, Subcommand};
use std::time::Duration;

/// Rounds plans the daily rounds of children's social workers: statutory visits, who makes
/// them, when, and in which pool car.
#[derive(Debug, Parser)]
#[command(name = "rounds", version, about, long_about = None)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the HTTP API (and, on an empty database, the demo data and tokens).
    Serve(serve::ServeArgs),
    /// List the children who must be seen by a date, with their deadlines.
    Due(due::DueArgs),
    /// Plan one day: who visits whom, when, in which car; checked before it is printed.
    Plan(plan::PlanArgs),
    /// Give each visit due over the next working days a day on or before its deadline.
    Horizon(horizon::HorizonArgs),
    /// Play the service forward with disruptions; with `--cars A..B`, size the fleet.
    Simulate(simulate::SimulateArgs),
    /// Write the synthetic Medway council (or a bigger one) as CSV files.
    Fixtures(fixtures::Args),
    /// Manage users and their API tokens.
    Users(users::UsersArgs),
    /// Run the Solomon VRPTW benchmark instances through the optimiser and the checker.
    BenchSolomon(bench_solomon::BenchSolomonArgs),
}

/// Runs the parsed command line.
pub fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        Command::Serve(args) => serve::run(args),
        Command::Due(args) => due::run(&args),
        Command::Plan(args) => plan::run(&args),
        Command::Horizon(args) => horizon::run(&args),
        Command::Simulate(args) => simulate::run(&args),
        Command::Fixtures(args) => fixtures::run(args),
        Command::Users(args) => users::run(args),
        Command::BenchSolomon(args) => bench_solomon::run(&args),
    }
}

/// Parses `10s`, `500ms`, `2m` or a bare number of seconds.
pub fn parse_duration(text: &str) -> Result<Duration, String> {
    let text = text.trim();
    let (number, unit) = match text.find(|c: char| !(c.is_ascii_digit() || c == '.')) {
        Some(at) => text.split_at(at),
        None => (text, "s"),
    };
    let value: f64 = number.parse().map_err(|_| format!("'{text}': expected e.g. 10s or 500ms"))?;
    let seconds = match unit {
        "ms" => value / 1000.0,
        "s" => value,
        "m" | "min" => value * 60.0,
        _ => return Err(format!("'{text}': unit must be ms, s or m")),
    };
    Duration::try_from_secs_f64(seconds).map_err(|e| format!("'{text}': {e}"))
}

#[cfg(test)]
mod tests {
    use super::parse_duration;
    use std::time::Duration;

    #[test]
    fn durations_read_as_people_write_them() {
        assert_eq!(parse_duration("10s"), Ok(Duration::from_secs(10)));
        assert_eq!(parse_duration("500ms"), Ok(Duration::from_millis(500)));
        assert_eq!(parse_duration("2m"), Ok(Duration::from_secs(120)));
        assert_eq!(parse_duration("3"), Ok(Duration::from_secs(3)));
        assert!(parse_duration("ten").is_err());
        assert!(parse_duration("5h").is_err());
    }
}
