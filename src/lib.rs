//! Rounds plans the daily rounds of children's social workers: which statutory home visits
//! happen on which day, who makes each one, in what order and at what times, and which pool car
//! they drive.
//!
//! The modules, in dependency order (see ARCHITECTURE.md for the full map):
//! - [`domain`]: the vocabulary as plain values (children, workers, pods, hubs, cars, rotas).
//! - [`rules`]: statutory timescales, from a council-editable table, to each child's deadline.
//! - [`travel`]: distances and times between places; the only module that knows speeds.
//! - [`fixtures`]: the deterministic synthetic Medway generator.
//! - [`day`]: one day's problem, the shared input of the optimiser and the checker.
//! - [`optimise`]: the day optimiser (column generation on HiGHS).
//! - [`check`]: the independent feasibility checker; never imports `optimise`.
//! - [`format`]: CSV import and export, JSON views; the only place that knows file formats.
//! - [`cli`]: the command line.
//!
//! The pure core (`domain`, `rules`, `travel`, `fixtures`, `day`, `optimise`, `check`) does no
//! I/O, never reads the clock and holds no global state.

#![forbid(unsafe_code)]
#![warn(missing_docs)]

/// mimalloc instead of the system allocator, here so that the server, the command line, the
/// tests and the benches all run on it: the optimiser makes and drops many short vectors (labels,
/// trial days), and glibc's malloc and free took about a third of a Medway solve's samples
/// (`perf record`, 2026-11-24) with the side search allocating on the other core.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

pub mod api;
pub mod check;
pub mod cli;
pub mod clock;
pub mod day;
pub mod domain;
pub mod fixtures;
pub mod fleet;
pub mod format;
pub mod horizon;
pub mod optimise;
pub mod planner;
pub mod rules;
pub mod sim;
pub mod store;
pub mod telemetry;
pub mod travel;
