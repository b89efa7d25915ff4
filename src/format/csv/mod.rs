//! CSV import and export: one file per entity in a folder (documented in docs/csv-format.md).
//!
//! Import validates everything before anything is used: every error of every file is collected
//! with its file, row, column and reason, and the caller gets either a whole [`Dataset`] or the
//! full list of [`ImportError`]s, never a half-loaded council. Export writes the same files,
//! deterministically, so `rounds fixtures` output can be committed and compared byte for byte.

mod errors;
mod read;
mod table;
mod write;

pub use errors::{ErrorCode, ImportError, ImportErrors};

use crate::domain::Dataset;
use std::collections::BTreeMap;
use std::path::Path;

/// The file names, one per entity.
pub mod files {
    /// Localities and their polygons (required).
    pub const LOCALITIES: &str = "localities.csv";
    /// Hubs (required).
    pub const HUBS: &str = "hubs.csv";
    /// Built-up areas for the travel model (optional).
    pub const TOWNS: &str = "towns.csv";
    /// Pods (required).
    pub const PODS: &str = "pods.csv";
    /// Workers (required).
    pub const WORKERS: &str = "workers.csv";
    /// Absences (optional).
    pub const ABSENCES: &str = "absences.csv";
    /// Children (required).
    pub const CHILDREN: &str = "children.csv";
    /// Pool cars (optional).
    pub const CARS: &str = "cars.csv";
    /// Car outages (optional).
    pub const CAR_OUTAGES: &str = "car_outages.csv";
    /// Extra bank holidays (optional).
    pub const HOLIDAYS: &str = "holidays.csv";
    /// Every file, in load order.
    pub const ALL: [&str; 10] =
        [LOCALITIES, HUBS, TOWNS, PODS, WORKERS, ABSENCES, CHILDREN, CARS, CAR_OUTAGES, HOLIDAYS];
}

/// The weekday columns of workers.csv, Monday first.
pub const WEEKDAYS: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

/// Writes every file of `dataset` into `dir` (created if missing). Same data, same bytes.
pub fn write_dir(dataset: &Dataset, dir: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    for (name, bytes) in write::files(dataset) {
        std::fs::write(dir.join(name), bytes)?;
    }
    Ok(())
}

/// The files of `dataset`, by file name, as [`write_dir`] writes them.
pub fn to_files(dataset: &Dataset) -> BTreeMap<String, Vec<u8>> {
    write::files(dataset).into_iter().map(|(name, bytes)| (name.to_owned(), bytes)).collect()
}

/// Reads the known files of `dir` (others are ignored) and validates them together.
pub fn load_dir(dir: &Path) -> Result<Dataset, ImportErrors> {
    let mut found = BTreeMap::new();
    let mut errors = Vec::new();
    for name in files::ALL {
        let path = dir.join(name);
        if !path.exists() {
            continue;
        }
        match std::fs::read(&path) {
            Ok(bytes) => {
                found.insert(name.to_owned(), bytes);
            }
            Err(e) => errors.push(ImportError {
                file: name.to_owned(),
                row: 0,
                column: String::new(),
                code: ErrorCode::Unreadable,
                reason: format!("cannot read {}: {e}", path.display()),
            }),
        }
    }
    if !errors.is_empty() {
        return Err(ImportErrors { errors });
    }
    load_files(&found)
}

/// Validates uploaded files (file name -> bytes; a name may carry a folder, which is ignored).
pub fn load_files(files: &BTreeMap<String, Vec<u8>>) -> Result<Dataset, ImportErrors> {
    let by_name: BTreeMap<String, Vec<u8>> = files
        .iter()
        .map(|(name, bytes)| {
            let base = name.rsplit(['/', '\\']).next().unwrap_or(name).to_lowercase();
            (base, bytes.clone())
        })
        .collect();
    read::load(&by_name)
}
