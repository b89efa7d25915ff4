//! Statutory visit timescales: a rules table a council can edit turns each child's plan type
//! and history into the latest date of their next visit.
//!
//! The built-in England table is `fixtures/rules/england.csv`, embedded at compile time and
//! parsed by [`RulesTable::england`], so the file a council copies and edits is the one the
//! program runs on.
//!
//! # How a deadline is found
//! - The child's *start* is the placement start (children in care; a care leaver's move to new
//!   accommodation) or else the plan start (for private fostering: the notification).
//! - If the child has not been seen since the start and the plan has a `first_visit` row, that
//!   rule counts from the start. The regular rule (below) also applies when the child was seen
//!   before the start (e.g. in a previous placement), and the earlier of the two wins.
//! - Otherwise the regular rule counts from the last visit that saw the child (or from the start
//!   for a child never seen). Its phase is decided on that date, the start of the gap: before or
//!   after the first review (20 working days after becoming looked after, a `first_review` row),
//!   in or after the first year since the start (the placement anniversary), and for the latter
//!   whether the placement is meant to last until 18; then the `default` row.
//!
//! # Counting
//! - `working_days`: day 0 is the start; each following Monday-to-Friday that is not a bank
//!   holiday (unless the rule says bank holidays `count`) is one. Such a deadline is always a
//!   working day.
//! - `calendar_days`, `weeks` (7 days) and `calendar_months` (a day past the end of a shorter
//!   month is its last day: 31 Jan + 1 month = 28 Feb).
//! - `day1` rules count the start day itself as day 1, so their deadline is one day earlier
//!   (for working days: when the start is itself a working day).
//! - **A deadline that falls on a weekend or bank holiday moves to the previous working day.**
//!   Each interval is a statutory *maximum* and Rounds plans visits only on working days, so a
//!   Saturday deadline means the visit is made by Friday; moving it later would breach the
//!   regulation. This also applies to `working_days` rules that count bank holidays.

mod table;

pub use table::{
    parse_table, BankHolidays, ParseProblem, Phase, Rule, RulesTable, SeenAlone, StartDay,
    TableProblem, Unit, COLUMNS,
};

use crate::domain::{Child, ChildId, Dataset, PlanType, WorkingCalendar};
use chrono::{Datelike, Days, Months, NaiveDate, Weekday};
use std::collections::BTreeMap;
use table::Situation;

/// The built-in England table, as councils see and edit it.
pub const ENGLAND_CSV: &str = include_str!("../../fixtures/rules/england.csv");

/// The latest date of a child's next visit, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Deadline {
    /// The last day the child can be seen in time.
    pub date: NaiveDate,
    /// Which rule applied, in words: plan, phase, interval and what it counts from.
    pub rule: String,
    /// How often the child must be seen alone, from the same rule.
    pub seen_alone: SeenAlone,
}

/// A child due by a date.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Due {
    /// The child.
    pub child: ChildId,
    /// Their plan.
    pub plan: PlanType,
    /// The latest date of their next visit.
    pub deadline: NaiveDate,
    /// Which rule applied.
    pub rule: String,
    /// Calendar days from the deadline to the date asked about: 0 when due that very day,
    /// positive when the deadline has passed.
    pub overdue_days: i64,
}

impl RulesTable {
    /// The England table built into Rounds (from `fixtures/rules/england.csv`).
    pub fn england() -> RulesTable {
        match parse_table(ENGLAND_CSV) {
            Ok(table) => table,
            // The file is compiled in and covered by tests; this cannot happen in a release.
            Err(problems) => panic!("fixtures/rules/england.csv is invalid: {problems:?}"),
        }
    }
}

impl Rule {
    /// The date `interval` units after `start`, by this rule's counting conventions, before
    /// any move off a non-working day.
    pub fn counted_from(&self, start: NaiveDate, calendar: &WorkingCalendar) -> NaiveDate {
        let n = self.interval;
        let day1 = self.start_day == StartDay::Day1;
        match self.unit {
            Unit::WorkingDays => {
                let counted = |date: NaiveDate| match self.bank_holidays {
                    BankHolidays::Skip => calendar.is_working_day(date),
                    BankHolidays::Count => !matches!(date.weekday(), Weekday::Sat | Weekday::Sun),
                };
                let mut left = if day1 && counted(start) { n.saturating_sub(1) } else { n };
                let mut date = start;
                while left > 0 {
                    date = date.succ_opt().expect("date in range");
                    if counted(date) {
                        left -= 1;
                    }
                }
                date
            }
            Unit::CalendarDays | Unit::Weeks | Unit::CalendarMonths => {
                let end = match self.unit {
                    Unit::CalendarDays => start + Days::new(u64::from(n)),
                    Unit::Weeks => start + Days::new(7 * u64::from(n)),
                    _ => start + Months::new(n),
                };
                if day1 {
                    end.pred_opt().expect("date in range")
                } else {
                    end
                }
            }
        }
    }

    /// The deadline `interval` units after `start`: [`Rule::counted_from`], moved back to the
    /// previous working day when it falls on a weekend or bank holiday.
    pub fn deadline_from(&self, start: NaiveDate, calendar: &WorkingCalendar) -> NaiveDate {
        calendar.previous_working_day_from(self.counted_from(start, calendar))
    }

    fn describe(&self, what: &str, from: NaiveDate, counted: NaiveDate, date: NaiveDate) -> String {
        let mut text = format!(
            "{} {}: {} {} from {what} {from}",
            self.plan.code(),
            self.phase.code(),
            self.interval,
            self.unit.code().replace('_', " "),
        );
        if counted != date {
            text.push_str(&format!(
                " ({counted} is not a working day: moved back to {})",
                date.format("%a %Y-%m-%d")
            ));
        }
        text
    }
}

/// The latest date of the child's next visit under `rules`, counting working days with
/// `calendar`. Pure: the answer depends only on the child's dates, never on today.
pub fn next_deadline(child: &Child, rules: &RulesTable, calendar: &WorkingCalendar) -> Deadline {
    let start = child.placement_start.unwrap_or(child.plan_start);
    let start_word = if child.placement_start.is_some() { "placement start" } else { "plan start" };
    let seen_since_start = child.last_seen.is_some_and(|seen| seen >= start);

    let first = (!seen_since_start)
        .then(|| rules.rule(child.plan, Phase::FirstVisit))
        .flatten()
        .map(|rule| candidate(rule, start_word, start, calendar));

    let regular = match (child.last_seen, &first) {
        // Never seen and a first-visit rule applies: it alone sets the deadline.
        (None, Some(_)) => None,
        (None, None) => Some((start_word, start)),
        (Some(seen), _) => Some(("last seen", seen)),
    }
    .map(|(word, base)| {
        let review = rules
            .rule(child.plan, Phase::FirstReview)
            .map(|rule| base < rule.deadline_from(child.plan_start, calendar));
        let anniversary = start + Months::new(12);
        let situation = Situation {
            before_review: review,
            first_year: base < anniversary,
            until_18: child.placement_until_18,
        };
        let rule = rules.select(child.plan, &situation).expect("RulesTable::new checks coverage");
        candidate(rule, word, base, calendar)
    });

    match (first, regular) {
        (Some(a), Some(b)) => {
            if b.date < a.date {
                b
            } else {
                a
            }
        }
        (Some(a), None) => a,
        (None, Some(b)) => b,
        (None, None) => {
            unreachable!("a child never seen has a regular rule when no first-visit rule")
        }
    }
}

fn candidate(rule: &Rule, what: &str, from: NaiveDate, calendar: &WorkingCalendar) -> Deadline {
    let counted = rule.counted_from(from, calendar);
    let date = calendar.previous_working_day_from(counted);
    let mut text = rule.describe(what, from, counted, date);
    if !rule.source.is_empty() {
        text.push_str(&format!(" [{}]", rule.source));
    }
    Deadline { date, rule: text, seen_alone: rule.seen_alone }
}

/// The children whose next visit is due on or before `date`, by deadline then child id, counted
/// with the dataset's calendar.
pub fn due_by(dataset: &Dataset, rules: &RulesTable, date: NaiveDate) -> Vec<Due> {
    let mut due: Vec<Due> = dataset
        .children
        .iter()
        .filter_map(|child| {
            let deadline = next_deadline(child, rules, &dataset.calendar);
            (deadline.date <= date).then(|| Due {
                child: child.id.clone(),
                plan: child.plan,
                deadline: deadline.date,
                rule: deadline.rule,
                overdue_days: (date - deadline.date).num_days(),
            })
        })
        .collect();
    due.sort_by(|a, b| a.deadline.cmp(&b.deadline).then_with(|| a.child.cmp(&b.child)));
    due
}

/// How many of `due` are on each plan type; every plan type is present, zero included.
pub fn counts_by_plan(due: &[Due]) -> BTreeMap<PlanType, usize> {
    let mut counts: BTreeMap<PlanType, usize> = PlanType::ALL.iter().map(|&p| (p, 0)).collect();
    for entry in due {
        *counts.entry(entry.plan).or_default() += 1;
    }
    counts
}

#[cfg(test)]
mod tests;
