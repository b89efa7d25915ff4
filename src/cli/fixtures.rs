//! `rounds fixtures`: write the synthetic council of a seed and scale as a folder of CSV files.

use anyhow::Context;
use std::path::PathBuf;

/// Arguments of `rounds fixtures`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Seed of the generator; the same seed gives the same files.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Size: 1 is Medway (about 1,700 children, 25 pods); 5 is a city the size of Birmingham.
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..=50))]
    pub scale: u32,
    /// Folder to write the CSV files into (created if missing).
    #[arg(long)]
    pub out: PathBuf,
}

/// Generates and writes the fixtures, then says what it wrote.
pub fn run(args: Args) -> anyhow::Result<()> {
    let dataset = crate::fixtures::generate(args.seed, args.scale);
    crate::format::csv::write_dir(&dataset, &args.out)
        .with_context(|| format!("writing fixtures to {}", args.out.display()))?;
    println!(
        "wrote {} localities, {} hubs, {} pods, {} workers, {} absences, {} children, {} cars to {}",
        dataset.localities.len(),
        dataset.hubs.len(),
        dataset.pods.len(),
        dataset.workers.len(),
        dataset.absences.len(),
        dataset.children.len(),
        dataset.cars.len(),
        args.out.display()
    );
    Ok(())
}
