//! The command line: clap glue, one file per subcommand, each a thin call into the library.

pub mod fixtures;
pub mod serve;
pub mod users;

use clap::{Parser, Subcommand};

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
    /// Write the synthetic Medway council (or a bigger one) as CSV files.
    Fixtures(fixtures::Args),
    /// Serve the HTTP API (and, on an empty database, the demo data and tokens).
    Serve(serve::ServeArgs),
    /// Manage users and their API tokens.
    Users(users::UsersArgs),
}

/// Runs the parsed command line.
pub fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        Command::Fixtures(args) => fixtures::run(args),
        Command::Serve(args) => serve::run(args),
        Command::Users(args) => users::run(args),
    }
}
