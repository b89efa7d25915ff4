//! `rounds bench-solomon`: the public Solomon (and Gehring & Homberger) VRPTW instances through
//! the same column generation and the same independent checker as a council's day, compared
//! with the best-known solutions. Long routes and tight capacity are what Medway's days do not
//! test; this is where the route search meets the literature.

use crate::check::check_rota;
use crate::clock::with_stopwatch;
use crate::format::solomon::{day_problem, parse_instance, rota_distance};
use crate::optimise::plan_day;
use anyhow::Context;
use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// Arguments of `rounds bench-solomon`.
#[derive(Debug, clap::Args)]
pub struct BenchSolomonArgs {
    /// A folder of instances (`*.txt`), with the best-known values in `bks.csv` if present.
    pub dir: PathBuf,
    /// Time limit per instance, e.g. `10s`.
    #[arg(long, default_value = "10s", value_parser = super::parse_duration)]
    pub time_limit: Duration,
    /// Only these instances (comma-separated names, e.g. `R101,C101`).
    #[arg(long, value_delimiter = ',')]
    pub only: Vec<String>,
    /// Also write the rows as CSV here.
    #[arg(long)]
    pub csv: Option<PathBuf>,
}

/// A best-known solution: vehicles first, then distance.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Best {
    /// Vehicles.
    pub vehicles: u32,
    /// Distance.
    pub distance: f64,
}

/// One instance's result.
#[derive(Clone, Debug, PartialEq)]
pub struct Row {
    /// The instance's name.
    pub name: String,
    /// Vehicles used.
    pub vehicles: u32,
    /// Total distance (double-precision Euclidean).
    pub distance: f64,
    /// Customers left unserved.
    pub unserved: usize,
    /// The solve's lower bound on the weighted objective (vehicle cost plus distance), and its
    /// kind.
    pub bound: f64,
    /// The bound's kind, as the solve reports it.
    pub bound_kind: String,
    /// Whether the independent checker accepted the routes.
    pub feasible: bool,
    /// Wall time of the solve and check.
    pub seconds: f64,
    /// The best-known solution, when `bks.csv` lists the instance.
    pub best: Option<Best>,
}

impl Row {
    /// Distance over the best-known distance, percent; `None` without a best-known value.
    pub fn gap_percent(&self) -> Option<f64> {
        self.best.map(|b| 100.0 * (self.distance - b.distance) / b.distance)
    }

    /// Whether the vehicle count matches the best-known one (the first criterion).
    pub fn same_vehicles(&self) -> bool {
        self.best.is_some_and(|b| b.vehicles == self.vehicles)
    }
}

/// The class of an instance: `R101` is R1, `RC2_4_1` is RC2.
pub fn class_of(name: &str) -> String {
    let head = name.split('_').next().unwrap_or(name);
    let letters: String = head.chars().take_while(|c| c.is_ascii_alphabetic()).collect();
    let series = head[letters.len()..].chars().next().map(String::from).unwrap_or_default();
    format!("{letters}{series}")
}

/// Per class: instances, those with the best-known vehicle count, and the mean distance gap
/// over those (a gap with more vehicles compares different things, so it is left out).
#[derive(Clone, Debug, PartialEq)]
pub struct ClassSummary {
    /// Instances with a best-known value.
    pub instances: usize,
    /// Of those, with the same vehicle count and all customers served.
    pub same_vehicles: usize,
    /// Mean distance gap over the same-vehicle ones, percent.
    pub mean_gap: Option<f64>,
    /// Mean distance gap over all of them, whatever the vehicles, percent.
    pub mean_gap_all: Option<f64>,
}

/// The summary of `rows` by class, in class order.
pub fn summarise(rows: &[Row]) -> BTreeMap<String, ClassSummary> {
    let mut classes: BTreeMap<String, Vec<&Row>> = BTreeMap::new();
    for row in rows.iter().filter(|r| r.best.is_some()) {
        classes.entry(class_of(&row.name)).or_default().push(row);
    }
    classes
        .into_iter()
        .map(|(class, rows)| {
            let mean = |rows: &[&Row]| {
                let gaps: Vec<f64> = rows.iter().filter_map(|r| r.gap_percent()).collect();
                (!gaps.is_empty()).then(|| gaps.iter().sum::<f64>() / gaps.len() as f64)
            };
            let same: Vec<&Row> =
                rows.iter().copied().filter(|r| r.same_vehicles() && r.unserved == 0).collect();
            let summary = ClassSummary {
                instances: rows.len(),
                same_vehicles: same.len(),
                mean_gap: mean(&same),
                mean_gap_all: mean(&rows),
            };
            (class, summary)
        })
        .collect()
}

/// Runs `rounds bench-solomon`; fails when the checker rejects any instance's routes.
pub fn run(args: &BenchSolomonArgs) -> anyhow::Result<()> {
    let best = read_bks(&args.dir)?;
    let mut files: Vec<PathBuf> = std::fs::read_dir(&args.dir)
        .with_context(|| format!("cannot read {}", args.dir.display()))?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|path| path.extension().is_some_and(|e| e == "txt"))
        .filter(|path| {
            args.only.is_empty() || args.only.iter().any(|n| path.file_stem() == Some(n.as_ref()))
        })
        .collect();
    files.sort();
    if files.is_empty() {
        anyhow::bail!("no instance (*.txt) in {}", args.dir.display());
    }
    let mut out = std::io::stdout().lock();
    writeln!(
        out,
        "{:<9} {:>8} {:>10} {:>10} {:>8} {:>16} {:>8} {:>7}",
        "instance", "vehicles", "distance", "best", "gap %", "bound (kind)", "checker", "time"
    )?;
    let mut rows = Vec::new();
    for path in &files {
        let row = solve_one(path, args.time_limit, &best)?;
        writeln!(out, "{}", format_row(&row))?;
        rows.push(row);
    }
    writeln!(out)?;
    for (class, s) in summarise(&rows) {
        let gap = |g: Option<f64>| g.map_or("-".to_string(), |g| format!("{g:.2}%"));
        writeln!(
            out,
            "{class:<4} {} instances, {} with the best-known vehicle count (mean distance gap {}); mean gap over all {}",
            s.instances,
            s.same_vehicles,
            gap(s.mean_gap),
            gap(s.mean_gap_all)
        )?;
    }
    if let Some(csv) = &args.csv {
        write_csv(csv, &rows)?;
    }
    let rejected: Vec<&str> =
        rows.iter().filter(|r| !r.feasible).map(|r| r.name.as_str()).collect();
    if !rejected.is_empty() {
        anyhow::bail!("the checker rejected the routes of {}", rejected.join(", "));
    }
    Ok(())
}

/// Solves and checks one instance file.
pub fn solve_one(
    path: &Path,
    limit: Duration,
    best: &BTreeMap<String, Best>,
) -> anyhow::Result<Row> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    let instance = parse_instance(&text).with_context(|| path.display().to_string())?;
    let problem = day_problem(&instance);
    let started = Instant::now();
    let rota = with_stopwatch(limit, None, |options| plan_day(&problem, options))
        .with_context(|| format!("{}: the optimiser failed", instance.name))?;
    let verdict = check_rota(&problem, &rota);
    let seconds = started.elapsed().as_secs_f64();
    let (vehicles, distance) = rota_distance(&problem, &rota);
    // bks.csv spells names in capitals; some instance files (Homberger's) in lower case.
    let name = instance.name.to_ascii_uppercase();
    Ok(Row {
        best: best.get(&name).copied(),
        name,
        vehicles,
        distance,
        unserved: rota.unscheduled.len(),
        bound: rota.report.bound,
        bound_kind: rota.report.bound_kind.code().to_string(),
        feasible: verdict.is_feasible(),
        seconds,
    })
}

fn format_row(row: &Row) -> String {
    let best = row.best.map_or("-".into(), |b| format!("{}/{:.2}", b.vehicles, b.distance));
    let vehicles = match row.best {
        Some(b) if b.vehicles != row.vehicles => format!("{}*", row.vehicles),
        _ => row.vehicles.to_string(),
    };
    let unserved =
        if row.unserved > 0 { format!(" ({} unserved)", row.unserved) } else { String::new() };
    format!(
        "{:<9} {:>8} {:>10.2} {:>10} {:>8} {:>16} {:>8} {:>6.1}s{}",
        row.name,
        vehicles,
        row.distance,
        best,
        row.gap_percent().map_or("-".into(), |g| format!("{g:.2}")),
        format!("{:.0} ({})", row.bound, row.bound_kind),
        if row.feasible { "ok" } else { "REJECTED" },
        row.seconds,
        unserved
    )
}

/// `bks.csv` of the folder (`instance,vehicles,distance,...`), empty when there is none.
pub fn read_bks(dir: &Path) -> anyhow::Result<BTreeMap<String, Best>> {
    let path = dir.join("bks.csv");
    if !path.exists() {
        return Ok(BTreeMap::new());
    }
    let mut reader =
        csv::Reader::from_path(&path).with_context(|| format!("cannot read {}", path.display()))?;
    let mut best = BTreeMap::new();
    for (i, record) in reader.records().enumerate() {
        let record = record.with_context(|| format!("{}: row {}", path.display(), i + 1))?;
        let field = |k: usize, name: &str| {
            record.get(k).with_context(|| format!("{}: row {}: no {name}", path.display(), i + 1))
        };
        let vehicles = field(1, "vehicles")?.trim().parse().with_context(|| {
            format!("{}: row {}, vehicles: not a whole number", path.display(), i + 1)
        })?;
        let distance = field(2, "distance")?.trim().parse().with_context(|| {
            format!("{}: row {}, distance: not a number", path.display(), i + 1)
        })?;
        best.insert(field(0, "instance")?.trim().to_string(), Best { vehicles, distance });
    }
    Ok(best)
}

fn write_csv(path: &Path, rows: &[Row]) -> anyhow::Result<()> {
    let mut writer =
        csv::Writer::from_path(path).with_context(|| format!("cannot write {}", path.display()))?;
    writer.write_record([
        "instance",
        "vehicles",
        "distance",
        "unserved",
        "bks_vehicles",
        "bks_distance",
        "gap_percent",
        "bound",
        "bound_kind",
        "feasible",
        "seconds",
    ])?;
    for row in rows {
        writer.write_record([
            row.name.clone(),
            row.vehicles.to_string(),
            format!("{:.4}", row.distance),
            row.unserved.to_string(),
            row.best.map_or(String::new(), |b| b.vehicles.to_string()),
            row.best.map_or(String::new(), |b| format!("{:.4}", b.distance)),
            row.gap_percent().map_or(String::new(), |g| format!("{g:.3}")),
            format!("{:.2}", row.bound),
            row.bound_kind.clone(),
            row.feasible.to_string(),
            format!("{:.2}", row.seconds),
        ])?;
    }
    writer.flush()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(name: &str, vehicles: u32, distance: f64, best: (u32, f64)) -> Row {
        Row {
            name: name.into(),
            vehicles,
            distance,
            unserved: 0,
            bound: 0.0,
            bound_kind: "trivial".into(),
            feasible: true,
            seconds: 1.0,
            best: Some(Best { vehicles: best.0, distance: best.1 }),
        }
    }

    #[test]
    fn names_the_class_of_solomon_and_homberger_instances() {
        assert_eq!(class_of("R101"), "R1");
        assert_eq!(class_of("RC208"), "RC2");
        assert_eq!(class_of("C1_2_1"), "C1");
        assert_eq!(class_of("RC2_4_1"), "RC2");
    }

    #[test]
    fn averages_the_gap_only_where_the_vehicle_count_matches() {
        let rows = vec![
            row("R101", 20, 1100.0, (19, 1000.0)),
            row("R102", 17, 1050.0, (17, 1000.0)),
            row("R103", 13, 1030.0, (13, 1000.0)),
            row("C101", 10, 828.94, (10, 828.94)),
        ];
        let summary = summarise(&rows);
        let r1 = &summary["R1"];
        assert_eq!((r1.instances, r1.same_vehicles), (3, 2));
        assert!((r1.mean_gap.unwrap() - 4.0).abs() < 1e-9);
        assert!((r1.mean_gap_all.unwrap() - 6.0).abs() < 1e-9);
        assert_eq!(summary["C1"].mean_gap, Some(0.0));
    }
}
