//! From a dataset and the rules to the horizon's input: the working days, each worker's free
//! minutes per day, each hub's car minutes per day, and one visit per child due by the
//! horizon's last day.
//!
//! One visit per child: a child due weekly may need a second visit inside ten working days,
//! but the horizon is re-planned every day (rolling), and the next deadline only exists once
//! the first visit is made.

use super::{HorizonHub, HorizonInput, HorizonOptions, HorizonPin, HorizonVisit, HorizonWorker};
use crate::domain::{ChildId, Dataset, TimeOfDay, TimeSpan, VisitId};
use crate::rules::{due_by, RulesTable};
use crate::travel::TravelModel;
use chrono::{NaiveDate, NaiveDateTime};
use std::collections::BTreeMap;

/// The horizon input for the `options.working_days` working days from `from` (inclusive):
/// every child whose deadline under `rules` falls on or before the last of them (overdue ones
/// included), with officers' `pins` by child.
pub fn horizon_input(
    dataset: &Dataset,
    rules: &RulesTable,
    from: NaiveDate,
    pins: &BTreeMap<ChildId, HorizonPin>,
    options: &HorizonOptions,
) -> HorizonInput {
    let calendar = &dataset.calendar;
    let mut days = Vec::with_capacity(options.working_days);
    let mut day = calendar.next_working_day_from(from);
    while days.len() < options.working_days {
        days.push(day);
        day = calendar.add_working_days(day, 1);
    }

    let workers = dataset
        .workers
        .iter()
        .filter(|w| w.role.visits())
        .map(|worker| {
            let free_minutes = days
                .iter()
                .map(|&day| {
                    let Some(shift) = worker.pattern.on(day) else { return 0 };
                    let blocked: Vec<TimeSpan> = dataset
                        .absences
                        .iter()
                        .filter(|a| a.worker == worker.id && a.date == day)
                        .map(|a| a.blocked())
                        .collect();
                    let free = shift.seconds() - covered(shift, &blocked);
                    (f64::from(free) / 60.0 * options.visit_share).floor() as u32
                })
                .collect();
            HorizonWorker {
                id: worker.id.clone(),
                pod: worker.pod.clone(),
                hub: worker.base_hub.clone(),
                free_minutes,
                pool_car: worker.can_drive,
                own_car: worker.own_car,
                skills: worker.skills.clone(),
            }
        })
        .collect();

    let hubs = dataset
        .hubs
        .iter()
        .map(|hub| HorizonHub {
            id: hub.id.clone(),
            car_minutes: days
                .iter()
                .map(|&day| {
                    let window = (at(day, options.car_day.start), at(day, options.car_day.end));
                    dataset
                        .cars
                        .iter()
                        .filter(|car| car.hub == hub.id)
                        .map(|car| {
                            let out: i64 = car
                                .unavailable
                                .iter()
                                .map(|o| {
                                    let start = o.from.max(window.0);
                                    let end = o.until.min(window.1);
                                    (end - start).num_seconds().max(0)
                                })
                                .sum();
                            let minutes = (window.1 - window.0).num_seconds() - out;
                            (minutes.max(0) / 60) as u32
                        })
                        .sum()
                })
                .collect(),
        })
        .collect();

    let travel = TravelModel::with_towns(dataset.towns.clone());
    let last = *days.last().unwrap_or(&from);
    let visits = due_by(dataset, rules, last)
        .into_iter()
        .filter_map(|due| {
            let child = dataset.child(&due.child)?;
            let travel_minutes = match child.locality {
                Some(_) => options.travel_minutes,
                // Out of area: a return drive from the pod's hub.
                None => dataset
                    .pod(&child.pod)
                    .and_then(|pod| dataset.hub(&pod.hub))
                    .map(|hub| {
                        let leg = travel.drive(hub.location, child.home.location);
                        (2 * leg.seconds).div_ceil(60).max(options.travel_minutes)
                    })
                    .unwrap_or(options.travel_minutes),
            };
            let minutes = u32::from(child.visit_minutes) + travel_minutes;
            Some(HorizonVisit {
                id: VisitId(format!("{}@{}", child.id, due.deadline)),
                child: child.id.clone(),
                pod: child.pod.clone(),
                allocated: child.allocated.clone(),
                deadline: due.deadline,
                minutes,
                car_minutes: minutes,
                joint: child.joint,
                skill: child.skill.clone(),
                pin: pins.get(&child.id).cloned(),
            })
        })
        .collect();

    HorizonInput { days, workers, hubs, visits }
}

/// The moment `time` on `day` (24:00 is the next midnight).
fn at(day: NaiveDate, time: TimeOfDay) -> NaiveDateTime {
    let midnight = day.and_hms_opt(0, 0, 0).expect("midnight exists");
    midnight + chrono::Duration::seconds(i64::from(time.seconds()))
}

/// Seconds of `shift` covered by the union of `blocked` spans.
fn covered(shift: TimeSpan, blocked: &[TimeSpan]) -> u32 {
    let mut spans: Vec<(u32, u32)> = blocked
        .iter()
        .map(|b| (b.start.0.max(shift.start.0), b.end.0.min(shift.end.0)))
        .filter(|(s, e)| s < e)
        .collect();
    spans.sort();
    let mut total = 0;
    let mut reach = shift.start.0;
    for (start, end) in spans {
        let start = start.max(reach);
        if end > start {
            total += end - start;
            reach = end;
        }
    }
    total
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Days;

    fn span(h1: u32, h2: u32) -> TimeSpan {
        TimeSpan::new(TimeOfDay::hm(h1, 0).unwrap(), TimeOfDay::hm(h2, 0).unwrap()).unwrap()
    }

    #[test]
    fn overlapping_absences_are_counted_once() {
        let shift = span(9, 17);
        assert_eq!(covered(shift, &[span(8, 10), span(9, 11), span(16, 20)]), 3 * 3600);
        assert_eq!(covered(shift, &[TimeSpan::whole_day()]), 8 * 3600);
        assert_eq!(covered(shift, &[]), 0);
    }

    #[test]
    fn a_day_runs_to_the_next_midnight() {
        let day = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
        assert_eq!(at(day, TimeOfDay::END_OF_DAY), at(day + Days::new(1), TimeOfDay(0)));
    }
}
