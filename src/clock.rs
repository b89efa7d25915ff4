//! The single place allowed to read the wall clock: the pure core takes dates and times as
//! arguments, and the edges ask a [`Clock`], which tests fix.

use chrono::{DateTime, Utc};

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
