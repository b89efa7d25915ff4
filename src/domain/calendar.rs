//! Working days: weekends and England & Wales bank holidays, with room for a council's own.

use chrono::{Datelike, NaiveDate, Weekday};
use std::collections::BTreeSet;

/// England & Wales bank holidays 2025 to 2028 (2028 as projected), from DOMAIN.md.
const ENGLAND_AND_WALES: [(i32, u32, u32); 32] = [
    (2025, 1, 1),
    (2025, 4, 18),
    (2025, 4, 21),
    (2025, 5, 5),
    (2025, 5, 26),
    (2025, 8, 25),
    (2025, 12, 25),
    (2025, 12, 26),
    (2026, 1, 1),
    (2026, 4, 3),
    (2026, 4, 6),
    (2026, 5, 4),
    (2026, 5, 25),
    (2026, 8, 31),
    (2026, 12, 25),
    (2026, 12, 28),
    (2027, 1, 1),
    (2027, 3, 26),
    (2027, 3, 29),
    (2027, 5, 3),
    (2027, 5, 31),
    (2027, 8, 30),
    (2027, 12, 27),
    (2027, 12, 28),
    (2028, 1, 3),
    (2028, 4, 14),
    (2028, 4, 17),
    (2028, 5, 1),
    (2028, 5, 29),
    (2028, 8, 28),
    (2028, 12, 25),
    (2028, 12, 26),
];

/// Which days are working days.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WorkingCalendar {
    bank_holidays: BTreeSet<NaiveDate>,
}

impl Default for WorkingCalendar {
    fn default() -> Self {
        WorkingCalendar::england_and_wales()
    }
}

impl WorkingCalendar {
    /// The England & Wales calendar with the built-in bank holidays.
    pub fn england_and_wales() -> WorkingCalendar {
        let bank_holidays = ENGLAND_AND_WALES
            .iter()
            .filter_map(|&(y, m, d)| NaiveDate::from_ymd_opt(y, m, d))
            .collect();
        WorkingCalendar { bank_holidays }
    }

    /// Adds a holiday (a one-off bank holiday, or a council closure day).
    pub fn add_holiday(&mut self, date: NaiveDate) {
        self.bank_holidays.insert(date);
    }

    /// Whether `date` is a bank holiday.
    pub fn is_bank_holiday(&self, date: NaiveDate) -> bool {
        self.bank_holidays.contains(&date)
    }

    /// Whether `date` is a working day: not a Saturday, Sunday or bank holiday.
    pub fn is_working_day(&self, date: NaiveDate) -> bool {
        !matches!(date.weekday(), Weekday::Sat | Weekday::Sun) && !self.is_bank_holiday(date)
    }

    /// The working day `n` working days after `date` (`n = 0` gives `date` itself if it is one,
    /// else the next working day).
    pub fn add_working_days(&self, date: NaiveDate, n: u32) -> NaiveDate {
        let mut day = date;
        let mut left = n;
        if left == 0 {
            return self.next_working_day_from(date);
        }
        while left > 0 {
            day = day.succ_opt().expect("date in range");
            if self.is_working_day(day) {
                left -= 1;
            }
        }
        day
    }

    /// `date` if it is a working day, else the next one.
    pub fn next_working_day_from(&self, date: NaiveDate) -> NaiveDate {
        let mut day = date;
        while !self.is_working_day(day) {
            day = day.succ_opt().expect("date in range");
        }
        day
    }

    /// `date` if it is a working day, else the last one before it.
    pub fn previous_working_day_from(&self, date: NaiveDate) -> NaiveDate {
        let mut day = date;
        while !self.is_working_day(day) {
            day = day.pred_opt().expect("date in range");
        }
        day
    }

    /// Working days in `from..=to`, in order.
    pub fn working_days(&self, from: NaiveDate, to: NaiveDate) -> Vec<NaiveDate> {
        from.iter_days().take_while(|d| *d <= to).filter(|d| self.is_working_day(*d)).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn skips_weekends_and_christmas() {
        let cal = WorkingCalendar::england_and_wales();
        // Thu 24 Dec 2026 + 1 working day: Fri 25 and Mon 28 are bank holidays.
        assert_eq!(cal.add_working_days(d(2026, 12, 24), 1), d(2026, 12, 29));
        assert!(!cal.is_working_day(d(2026, 11, 22)));
        assert!(cal.is_working_day(d(2026, 11, 23)));
        assert_eq!(cal.add_working_days(d(2026, 11, 20), 1), d(2026, 11, 23));
    }

    #[test]
    fn counts_working_days_in_a_range() {
        let cal = WorkingCalendar::england_and_wales();
        assert_eq!(cal.working_days(d(2026, 12, 21), d(2027, 1, 3)).len(), 7);
    }

    #[test]
    fn takes_a_council_holiday() {
        let mut cal = WorkingCalendar::england_and_wales();
        cal.add_holiday(d(2026, 11, 23));
        assert!(!cal.is_working_day(d(2026, 11, 23)));
    }
}
