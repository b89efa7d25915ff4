//! Architecture invariants as tests: what the pure core never imports, what `check` never
//! shares with `optimise`, and the habits every file keeps (a `//!` doc, no `dbg!`).

use std::path::{Path, PathBuf};

/// Modules of the pure core: no I/O, no clock, no serde, no async, no database, no HTTP.
const PURE: &[&str] =
    &["domain", "rules", "travel", "day", "fixtures", "horizon", "optimise", "check", "sim"];

/// What the pure core must not name.
const FORBIDDEN_IN_PURE: &[&str] = &[
    "crate::format",
    "crate::store",
    "crate::api",
    "crate::cli",
    "crate::clock",
    "serde",
    "sqlx",
    "axum",
    "tokio",
    "std::fs",
    "std::net",
    "std::env",
    "Instant::now",
    "SystemTime",
];

fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The top-level module a file under src/ belongs to (`src/optimise/master.rs` -> `optimise`).
fn module_of(path: &Path) -> String {
    let relative = path.strip_prefix(root().join("src")).unwrap();
    let first = relative.components().next().unwrap().as_os_str().to_string_lossy().into_owned();
    first.trim_end_matches(".rs").to_owned()
}

/// Source lines that are code, not comments (so a doc may mention a forbidden name).
fn code_lines(text: &str) -> impl Iterator<Item = (usize, &str)> {
    text.lines().enumerate().filter(|(_, line)| !line.trim_start().starts_with("//"))
}

#[test]
fn pure_core_does_no_io_and_knows_no_edges() {
    let mut offences = Vec::new();
    for path in rust_files(&root().join("src")) {
        if !PURE.contains(&module_of(&path).as_str()) {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        for (n, line) in code_lines(&text) {
            for word in FORBIDDEN_IN_PURE {
                if line.contains(word) {
                    offences.push(format!("{}:{}: {word}", path.display(), n + 1));
                }
            }
        }
    }
    assert!(offences.is_empty(), "the pure core reaches out:\n{}", offences.join("\n"));
}

#[test]
fn check_never_imports_optimise() {
    let mut offences = Vec::new();
    for path in rust_files(&root().join("src/check")) {
        let text = std::fs::read_to_string(&path).unwrap();
        for (n, line) in code_lines(&text) {
            if line.contains("optimise") {
                offences.push(format!("{}:{}", path.display(), n + 1));
            }
        }
    }
    assert!(offences.is_empty(), "check shares logic with optimise:\n{}", offences.join("\n"));
}

#[test]
fn only_the_edges_name_their_frameworks() {
    let owners: &[(&str, &[&str])] =
        &[("sqlx", &["store", "api", "cli"]), ("axum", &["api", "cli"]), ("tower_http", &["api"])];
    let mut offences = Vec::new();
    for path in rust_files(&root().join("src")) {
        let module = module_of(&path);
        let text = std::fs::read_to_string(&path).unwrap();
        for (n, line) in code_lines(&text) {
            for (name, allowed) in owners {
                if line.contains(&format!("{name}::")) && !allowed.contains(&module.as_str()) {
                    offences.push(format!("{}:{}: {name}", path.display(), n + 1));
                }
            }
        }
    }
    assert!(offences.is_empty(), "a framework outside its edge:\n{}", offences.join("\n"));
}

#[test]
fn every_file_says_why_it_exists_and_keeps_no_debugging() {
    let mut offences = Vec::new();
    for dir in ["src", "tests", "benches"] {
        for path in rust_files(&root().join(dir)) {
            let text = std::fs::read_to_string(&path).unwrap();
            if !text.starts_with("//!") {
                offences.push(format!("{}: no //! doc at the top", path.display()));
            }
            for (n, line) in code_lines(&text) {
                let banned = ["dbg!(", "#[should_panic", "#[ignore"];
                for word in banned {
                    if line.contains(word) && !path.ends_with("tidy.rs") {
                        offences.push(format!("{}:{}: {word}", path.display(), n + 1));
                    }
                }
            }
        }
    }
    assert!(offences.is_empty(), "{}", offences.join("\n"));
}

/// One schema for both engines: the two migration folders hold the same files, which differ
/// only in their flavour's first comment and in how an id column counts (SQLite's
/// `AUTOINCREMENT`, PostgreSQL's `BIGSERIAL`). A change made to one flavour alone fails here.
#[test]
fn both_engines_migrate_to_the_same_schema() {
    let folder = |engine: &str| {
        let mut files: Vec<PathBuf> = std::fs::read_dir(root().join("migrations").join(engine))
            .expect("a migrations folder")
            .map(|entry| entry.expect("a folder entry").path())
            .collect();
        files.sort();
        files
    };
    let (sqlite, postgres) = (folder("sqlite"), folder("postgres"));
    let names = |files: &[PathBuf]| -> Vec<String> {
        files.iter().map(|f| f.file_name().unwrap().to_string_lossy().into_owned()).collect()
    };
    assert_eq!(names(&sqlite), names(&postgres), "the same migration files for both engines");
    assert!(!sqlite.is_empty());
    for (lite, pg) in sqlite.iter().zip(&postgres) {
        let read = |path: &Path| std::fs::read_to_string(path).expect("a migration");
        let schema =
            |text: String| -> Vec<String> { text.lines().skip(1).map(str::to_owned).collect() };
        let lite = read(lite).replace("INTEGER PRIMARY KEY AUTOINCREMENT", "BIGSERIAL PRIMARY KEY");
        assert_eq!(schema(lite), schema(read(pg)), "{} differs between engines", pg.display());
    }
}
