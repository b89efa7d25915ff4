//! Time of day in whole seconds, the one clock the optimiser and the checker reason in.
//!
//! A day plan never crosses midnight, so a `u32` count of seconds since 00:00 is exact, cheap to
//! compare and free of time-zone questions; dates stay `chrono::NaiveDate`. Seconds rather than
//! minutes so travel times are not rounded up to whole minutes leg by leg (which adds up over a
//! long trip), and so the Solomon benchmark, whose times are real numbers, can be run through
//! the same engine at a fine resolution. Values past 24:00 are allowed for that benchmark.

use std::fmt;

/// Seconds in a minute, for readability at call sites.
pub const MINUTE: u32 = 60;

/// A time of day, in whole seconds since midnight.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct TimeOfDay(pub u32);

impl TimeOfDay {
    /// The end of the day, 24:00, used as an open upper bound.
    pub const END_OF_DAY: TimeOfDay = TimeOfDay(24 * 60 * MINUTE);

    /// Builds a time from hours and minutes; `None` past 24:00.
    pub fn hm(hours: u32, minutes: u32) -> Option<TimeOfDay> {
        let total = hours.checked_mul(60)?.checked_add(minutes)?;
        (minutes < 60 && total <= 24 * 60).then_some(TimeOfDay(total * MINUTE))
    }

    /// Parses `HH:MM` (also `H:MM`, and `HH:MM:SS` with zero seconds as spreadsheets write it).
    pub fn parse(text: &str) -> Option<TimeOfDay> {
        let mut parts = text.trim().split(':');
        let hours = parts.next()?.parse::<u32>().ok()?;
        let minutes = parts.next()?;
        if minutes.len() != 2 {
            return None;
        }
        let minutes = minutes.parse::<u32>().ok()?;
        match parts.next() {
            None | Some("00") => {}
            Some(_) => return None,
        }
        if parts.next().is_some() {
            return None;
        }
        TimeOfDay::hm(hours, minutes)
    }

    /// Seconds since midnight.
    pub fn seconds(self) -> u32 {
        self.0
    }

    /// Whole minutes since midnight (rounded down).
    pub fn minutes(self) -> u32 {
        self.0 / MINUTE
    }

    /// This time plus `seconds`.
    pub fn plus(self, seconds: u32) -> TimeOfDay {
        TimeOfDay(self.0.saturating_add(seconds))
    }
}

impl fmt::Display for TimeOfDay {
    /// `HH:MM`, rounding seconds down: a rota is read to the minute.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let minutes = self.minutes();
        write!(f, "{:02}:{:02}", minutes / 60, minutes % 60)
    }
}

/// A span of the day, `start` inclusive, `end` exclusive in meaning ("from 09:00 to 12:00").
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TimeSpan {
    /// When the span opens.
    pub start: TimeOfDay,
    /// When the span closes.
    pub end: TimeOfDay,
}

impl TimeSpan {
    /// A span; `None` when it would close before it opens.
    pub fn new(start: TimeOfDay, end: TimeOfDay) -> Option<TimeSpan> {
        (start <= end).then_some(TimeSpan { start, end })
    }

    /// The whole day, 00:00 to 24:00.
    pub fn whole_day() -> TimeSpan {
        TimeSpan { start: TimeOfDay(0), end: TimeOfDay::END_OF_DAY }
    }

    /// Length in seconds.
    pub fn seconds(self) -> u32 {
        self.end.0 - self.start.0
    }

    /// Whether the two spans share any second.
    pub fn overlaps(self, other: TimeSpan) -> bool {
        self.start < other.end && other.start < self.end
    }

    /// Whether `other` lies wholly inside this span.
    pub fn contains_span(self, other: TimeSpan) -> bool {
        self.start <= other.start && other.end <= self.end
    }
}

impl fmt::Display for TimeSpan {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-{}", self.start, self.end)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_prints_times() {
        assert_eq!(TimeOfDay::parse("09:05"), TimeOfDay::hm(9, 5));
        assert_eq!(TimeOfDay::parse("9:05"), Some(TimeOfDay(545 * 60)));
        assert_eq!(TimeOfDay::parse("15:30:00"), TimeOfDay::hm(15, 30));
        assert_eq!(TimeOfDay::parse("24:00"), Some(TimeOfDay::END_OF_DAY));
        assert_eq!(TimeOfDay::parse("24:01"), None);
        assert_eq!(TimeOfDay::parse("12:60"), None);
        assert_eq!(TimeOfDay::parse("noon"), None);
        assert_eq!(TimeOfDay(930 * 60 + 59).to_string(), "15:30");
    }

    #[test]
    fn spans_overlap_only_when_they_share_a_second() {
        let t = |h, m| TimeOfDay::hm(h, m).unwrap();
        let morning = TimeSpan::new(t(9, 0), t(12, 0)).unwrap();
        let afternoon = TimeSpan::new(t(12, 0), t(15, 0)).unwrap();
        assert!(!morning.overlaps(afternoon));
        assert!(morning.overlaps(TimeSpan::new(t(11, 40), t(12, 10)).unwrap()));
        assert!(TimeSpan::new(t(10, 0), t(9, 0)).is_none());
        assert_eq!(morning.seconds(), 3 * 3600);
    }
}
