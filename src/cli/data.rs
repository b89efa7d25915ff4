//! Loading what every command reads: the council's data folder and its rules table.

use crate::day::Policy;
use crate::domain::Dataset;
use crate::format::csv::load_dir;
use crate::format::policy::parse_policy;
use crate::format::rules::read_rules;
use crate::rules::RulesTable;
use anyhow::Context;
use std::path::Path;

/// The data folder, all of it validated (every error listed) or nothing.
pub fn load_data(dir: &Path) -> anyhow::Result<Dataset> {
    load_dir(dir)
        .map_err(|errors| anyhow::anyhow!("{errors}"))
        .with_context(|| format!("cannot import {}", dir.display()))
}

/// The rules table: `--rules FILE` if given, else `rules.csv` in the data folder if there is
/// one, else the built-in England table.
pub fn load_rules(data: &Path, explicit: Option<&Path>) -> anyhow::Result<RulesTable> {
    let candidate = data.join("rules.csv");
    let path = match explicit {
        Some(path) => path.to_path_buf(),
        None if candidate.exists() => candidate,
        None => return Ok(RulesTable::england()),
    };
    let text = std::fs::read_to_string(&path)
        .with_context(|| format!("cannot read {}", path.display()))?;
    read_rules(&path.display().to_string(), &text).map_err(|error| anyhow::anyhow!("{error}"))
}

/// A policy file (weights and the day's limits), every error listed.
pub fn read_policy(path: &Path) -> anyhow::Result<Policy> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    parse_policy(&path.display().to_string(), &text).map_err(|errors| {
        let lines: Vec<String> = errors.iter().map(ToString::to_string).collect();
        anyhow::anyhow!("{}", lines.join("\n"))
    })
}
