//! The single place allowed to read the wall clock: the pure core takes dates and times as
//! arguments, and the edges ask a [`Clock`], which tests fix.

use crate::optimise::{Progress, SolveOptions};
use chrono::{DateTime, Utc};
use std::time::{Duration, Instant};

/// Where "now" comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Clock {
    /// The system clock.
    System,
    /// A fixed instant (tests, demos).
    Fixed(DateTime<Utc>),
}

impl Clock {
    /// The current instant.
    pub fn now(self) -> DateTime<Utc> {
        match self {
            #[allow(clippy::disallowed_methods)]
            Clock::System => Utc::now(),
            Clock::Fixed(at) => at,
        }
    }
}

/// The system clock's current instant.
pub fn now() -> DateTime<Utc> {
    Clock::System.now()
}

/// Runs `solve` with options timed by a monotonic stopwatch started now, no iteration cap: the
/// core keeps no clock, so every edge that solves (CLI, API, benches) supplies one this way.
pub fn with_stopwatch<T>(
    limit: Duration,
    progress: Option<&dyn Fn(&Progress)>,
    solve: impl FnOnce(&SolveOptions) -> T,
) -> T {
    let started = Instant::now();
    let elapsed = move || started.elapsed();
    solve(&SolveOptions {
        time_limit: limit,
        elapsed: Some(&elapsed),
        stop: None,
        progress,
        max_iterations: u32::MAX,
    })
}
