//! What the API asks of a planner, and the planner it uses: [`planner::plan_day`], the day
//! optimiser with the independent checker behind it.
//!
//! The planner is a plain function value in the app state so tests can put a planner that fails
//! or waits in its place and watch what the API does around it; they cannot hand back an
//! unchecked rota, because only [`planner::plan_day`] makes a [`CheckedPlan`].

use crate::clock::with_stopwatch;
use crate::domain::Dataset;
use crate::planner::{self, CheckedPlan, DayRequest};
use std::sync::Arc;
use std::time::Duration;

/// A planner: dataset, request and time limit in, a checked plan out (or why it could not plan).
pub type Planner =
    Arc<dyn Fn(&Dataset, &DayRequest, Duration) -> Result<CheckedPlan, String> + Send + Sync>;

/// The day optimiser as a [`Planner`], timed by a monotonic stopwatch started with the solve.
pub fn optimiser() -> Planner {
    Arc::new(|dataset, request, limit| {
        with_stopwatch(limit, None, |options| planner::plan_day(dataset, request, options))
            .map_err(|error| error.to_string())
    })
}
