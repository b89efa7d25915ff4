//! The simulation's books: per day and in total, the figures a council judges the service by.

use super::{Happened, PlannedDay};
use crate::domain::{ChildId, Dataset, HubId, TimeOfDay};
use chrono::NaiveDate;
use std::collections::{BTreeMap, BTreeSet};

/// The hour a hub had most cars out.
#[derive(Clone, Debug, PartialEq)]
pub struct HubPeak {
    /// The hub.
    pub hub: HubId,
    /// The hour (0-23) when most of its cars were out.
    pub hour: u32,
    /// How many were out then.
    pub cars_out: u32,
}

/// One simulated day.
#[derive(Clone, Debug, PartialEq)]
pub struct DayStats {
    /// The day.
    pub date: NaiveDate,
    /// Visits in the rota.
    pub planned: u32,
    /// Visits made.
    pub made: u32,
    /// Visits that saw the child.
    pub seen: u32,
    /// Visits where the family was not in.
    pub no_access: u32,
    /// Visits the rota left out.
    pub unscheduled: u32,
    /// Of those, visits whose deadline was that day or past, by reason code.
    pub missed_by_reason: BTreeMap<String, u32>,
    /// Children seen on or before their deadline.
    pub on_time: u32,
    /// Children seen after their deadline.
    pub late: u32,
    /// Workers off sick.
    pub sick: u32,
    /// Seen by the allocated worker.
    pub by_allocated: u32,
    /// Km in pool cars.
    pub pool_km: f64,
    /// Km in own cars.
    pub own_km: f64,
    /// kWh used.
    pub kwh: f64,
    /// Hours booked over hours available (08:00-18:00 per car), in percent.
    pub car_utilisation: f64,
    /// The busiest hour per hub.
    pub peaks: Vec<HubPeak>,
    /// Whether the checker accepted the rota.
    pub feasible: bool,
}

/// The whole run.
#[derive(Clone, Debug, PartialEq)]
pub struct SimReport {
    /// Day by day.
    pub days: Vec<DayStats>,
    /// Over the run.
    pub totals: Totals,
}

/// Figures over the whole run.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Totals {
    /// Children seen on or before their deadline.
    pub on_time: u32,
    /// Children seen late, plus children still late at the end.
    pub late: u32,
    /// Days late summed over late children (calendar days).
    pub days_late: i64,
    /// The most days any child was late.
    pub worst_days_late: i64,
    /// Of the late children, those a rota left out on or past their deadline for want of staff
    /// (no worker of the pod free, or every eligible worker's day full): late because the
    /// service was short-handed, not because a family was out or a car was missing.
    pub late_for_staffing: u32,
    /// Left out on or past their deadline, by reason code, summed over days.
    pub missed_by_reason: BTreeMap<String, u32>,
    /// Visits made.
    pub made: u32,
    /// Of them, by the allocated worker.
    pub by_allocated: u32,
    /// Km in pool cars.
    pub pool_km: f64,
    /// Km in own cars.
    pub own_km: f64,
    /// kWh used.
    pub kwh: f64,
    /// Mean daily car utilisation, percent.
    pub car_utilisation: f64,
    /// Days whose rota the checker rejected.
    pub infeasible_days: u32,
}

impl Totals {
    /// Statutory visits on time, percent.
    pub fn on_time_percent(&self) -> f64 {
        percent(self.on_time, self.on_time + self.late)
    }

    /// Visits made by the allocated worker, percent.
    pub fn continuity_percent(&self) -> f64 {
        percent(self.by_allocated, self.made)
    }
}

fn percent(part: u32, whole: u32) -> f64 {
    if whole == 0 {
        100.0
    } else {
        100.0 * f64::from(part) / f64::from(whole)
    }
}

/// Hours of the day a pool car counts as available, for utilisation.
const CAR_DAY: (u32, u32) = (8, 18);

/// The reasons for leaving a visit out that mean the staff could not make it that day.
const STAFFING: [&str; 2] = ["NO_WORKER_FREE", "NO_TIME"];

#[derive(Default)]
pub(super) struct Ledger {
    days: Vec<DayStats>,
    totals: Totals,
    /// Children left out on or past their deadline for a staffing reason and not seen since.
    short_staffed: BTreeSet<ChildId>,
}

impl Ledger {
    pub(super) fn record_day(
        &mut self,
        date: NaiveDate,
        dataset: &Dataset,
        deadlines: &BTreeMap<ChildId, NaiveDate>,
        planned: &PlannedDay,
        happened: &Happened,
        sick: usize,
    ) -> DayStats {
        let mut stats = DayStats {
            date,
            planned: happened.visits.len() as u32,
            made: 0,
            seen: 0,
            no_access: 0,
            unscheduled: planned.rota.unscheduled.len() as u32,
            missed_by_reason: BTreeMap::new(),
            on_time: 0,
            late: 0,
            sick: sick as u32,
            by_allocated: 0,
            pool_km: happened.pool_km,
            own_km: happened.own_km,
            kwh: happened.kwh,
            car_utilisation: 0.0,
            peaks: Vec::new(),
            feasible: planned.feasible,
        };
        for left in planned.rota.unscheduled.iter().filter(|u| u.deadline <= date) {
            *stats.missed_by_reason.entry(left.code.to_owned()).or_default() += 1;
            if STAFFING.contains(&left.code) {
                self.short_staffed.insert(left.child.clone());
            }
        }
        for visit in &happened.visits {
            stats.made += u32::from(visit.made);
            stats.no_access += u32::from(visit.made && !visit.seen);
            if !visit.seen {
                continue;
            }
            stats.seen += 1;
            let allocated =
                dataset.child(&visit.child).is_some_and(|c| c.allocated == visit.worker);
            stats.by_allocated += u32::from(allocated);
            let short_staffed = self.short_staffed.remove(&visit.child);
            match deadlines.get(&visit.child) {
                Some(deadline) if *deadline < date => {
                    stats.late += 1;
                    self.totals.late_for_staffing += u32::from(short_staffed);
                    let days = (date - *deadline).num_days();
                    self.totals.days_late += days;
                    self.totals.worst_days_late = self.totals.worst_days_late.max(days);
                }
                _ => stats.on_time += 1,
            }
        }
        stats.car_utilisation = utilisation(dataset, date, &happened.car_trips);
        stats.peaks = peaks(&happened.car_trips);
        let totals = &mut self.totals;
        totals.on_time += stats.on_time;
        totals.late += stats.late;
        totals.made += stats.seen;
        totals.by_allocated += stats.by_allocated;
        totals.pool_km += stats.pool_km;
        totals.own_km += stats.own_km;
        totals.kwh += stats.kwh;
        totals.car_utilisation += stats.car_utilisation;
        totals.infeasible_days += u32::from(!stats.feasible);
        for (code, n) in &stats.missed_by_reason {
            *totals.missed_by_reason.entry(code.clone()).or_default() += n;
        }
        self.days.push(stats.clone());
        stats
    }

    /// Closes the books: children still past their deadline at the end count as late.
    pub(super) fn finish(
        mut self,
        dataset: &Dataset,
        last_day: Option<NaiveDate>,
        deadline: &dyn Fn(&Dataset, &ChildId) -> NaiveDate,
    ) -> SimReport {
        if let Some(last) = last_day {
            for child in &dataset.children {
                let due = deadline(dataset, &child.id);
                if due < last {
                    let days = (last - due).num_days();
                    self.totals.late += 1;
                    self.totals.late_for_staffing +=
                        u32::from(self.short_staffed.contains(&child.id));
                    self.totals.days_late += days;
                    self.totals.worst_days_late = self.totals.worst_days_late.max(days);
                }
            }
        }
        if !self.days.is_empty() {
            self.totals.car_utilisation /= self.days.len() as f64;
        }
        SimReport { days: self.days, totals: self.totals }
    }
}

/// Booked hours over available hours in the car day, for the cars not out of service.
fn utilisation(dataset: &Dataset, date: NaiveDate, trips: &[(HubId, TimeOfDay, TimeOfDay)]) -> f64 {
    let (open, close) = CAR_DAY;
    let day_start = date.and_hms_opt(open, 0, 0).expect("valid hour");
    let day_end = date.and_hms_opt(close, 0, 0).expect("valid hour");
    let available = dataset
        .cars
        .iter()
        .filter(|car| !car.unavailable.iter().any(|o| o.from <= day_start && o.until >= day_end))
        .count();
    if available == 0 {
        return 0.0;
    }
    let window = (open * 3600, close * 3600);
    let booked: u32 = trips
        .iter()
        .map(|(_, out, back)| {
            back.seconds().min(window.1).saturating_sub(out.seconds().max(window.0))
        })
        .sum();
    100.0 * f64::from(booked) / (available as f64 * f64::from(window.1 - window.0))
}

/// For each hub, the hour with most of its cars out (ties: the earliest hour).
fn peaks(trips: &[(HubId, TimeOfDay, TimeOfDay)]) -> Vec<HubPeak> {
    let mut by_hub: BTreeMap<&HubId, [u32; 24]> = BTreeMap::new();
    for (hub, out, back) in trips {
        let hours = by_hub.entry(hub).or_insert([0; 24]);
        for (hour, count) in hours.iter_mut().enumerate() {
            let (from, to) = (hour as u32 * 3600, (hour as u32 + 1) * 3600);
            if out.seconds() < to && back.seconds() > from {
                *count += 1;
            }
        }
    }
    by_hub
        .into_iter()
        .map(|(hub, hours)| {
            let (hour, cars_out) = hours
                .iter()
                .enumerate()
                .max_by(|a, b| a.1.cmp(b.1).then(b.0.cmp(&a.0)))
                .map(|(h, n)| (h as u32, *n))
                .unwrap_or((0, 0));
            HubPeak { hub: hub.clone(), hour, cars_out }
        })
        .collect()
}
