//! Builds one day's [`DayProblem`] from the imported [`Dataset`]: who works, where, with which
//! cars, which visits, and the travel matrix over every point the day touches.
//!
//! This is the one place that turns weekly patterns, absences and car outages into the day's
//! spans, so the optimiser and the checker both see exactly the same day.

use super::{DayCar, DayHub, DayPlace, DayProblem, DayVisit, DayWorker, Policy};
use crate::domain::{
    ChildId, Dataset, Endpoint, PodId, TimeOfDay, TimeSpan, VisitId, VisitPlace, WorkerId,
};
use crate::travel::{Leg, NamedPoint, TravelMatrix, TravelModel};
use chrono::{NaiveDate, NaiveDateTime, NaiveTime};
use std::collections::BTreeMap;

/// The day's problem: the visiting staff working on `date` (weekly pattern minus absences), their
/// hubs, the pool cars with outages cut to the day, the `visits` (child, deadline), and the travel
/// matrix over all their points (the default travel model over the dataset's towns, with the
/// council's `overrides` applied by point key).
///
/// Children in `visits` that the dataset does not hold are skipped (the importer guarantees
/// references resolve, so this only happens with a stale visit list).
pub fn build_day(
    dataset: &Dataset,
    date: NaiveDate,
    visits: &[(ChildId, NaiveDate)],
    policy: Policy,
    overrides: &BTreeMap<(String, String), Leg>,
) -> DayProblem {
    let mut points: Vec<NamedPoint> = Vec::new();
    let mut index: BTreeMap<String, usize> = BTreeMap::new();
    let mut point = |key: String, location| -> usize {
        *index.entry(key.clone()).or_insert_with(|| {
            points.push(NamedPoint { key, location });
            points.len() - 1
        })
    };

    let hubs: Vec<DayHub> = dataset
        .hubs
        .iter()
        .map(|hub| DayHub {
            id: hub.id.clone(),
            point: point(format!("hub:{}", hub.id), hub.location),
        })
        .collect();
    let hub_point = |id: &crate::domain::HubId| hubs.iter().find(|h| &h.id == id).map(|h| h.point);

    let mut workers = Vec::new();
    for worker in &dataset.workers {
        if !worker.role.visits() {
            continue;
        }
        let Some(shift) = worker.pattern.on(date) else { continue };
        let absences: Vec<_> =
            dataset.absences.iter().filter(|a| a.worker == worker.id && a.date == date).collect();
        if absences.iter().any(|a| a.span.is_none()) {
            continue;
        }
        let mut blocked: Vec<TimeSpan> = absences.iter().map(|a| a.blocked()).collect();
        blocked.sort();
        if blocked.iter().any(|b| b.contains_span(shift)) {
            continue;
        }
        let Some(pod) = dataset.pod(&worker.pod) else { continue };
        let Some(hub_point) = hub_point(&worker.base_hub) else { continue };
        let home_point = worker.home.map(|home| point(format!("home:{}", worker.id), home));
        workers.push(DayWorker {
            id: worker.id.clone(),
            pod: worker.pod.clone(),
            locality: pod.locality.clone(),
            hub: worker.base_hub.clone(),
            hub_point,
            home_point,
            start: Endpoint::Hub(worker.base_hub.clone()),
            end: Endpoint::Hub(worker.base_hub.clone()),
            shift,
            blocked,
            can_drive: worker.can_drive,
            own_car: worker.own_car,
            skills: worker.skills.clone(),
            capacity: None,
            fair_share: 0,
        });
    }

    let working_day = working_day(&workers);
    let mut day_visits = Vec::new();
    for (child_id, deadline) in visits {
        let Some(child) = dataset.child(child_id) else { continue };
        let mut places =
            vec![day_place(&mut point, format!("child:{}", child.id), &child.home, working_day)];
        if let Some(alternative) = &child.alternative {
            places.push(day_place(
                &mut point,
                format!("child:{}:alt", child.id),
                alternative,
                working_day,
            ));
        }
        day_visits.push(DayVisit {
            id: VisitId(format!("{}@{}", child.id, date)),
            child: child.id.clone(),
            pod: child.pod.clone(),
            locality: child.locality.clone(),
            allocated: child.allocated.clone(),
            deadline: *deadline,
            duration: u32::from(child.visit_minutes) * 60,
            places,
            joint: child.joint,
            skill: child.skill.clone(),
            demand: 0,
            pin: None,
        });
    }

    // Fair share: the pod's visits spread over its available visiting workers, rounded up.
    let mut pod_visits: BTreeMap<&PodId, usize> = BTreeMap::new();
    for visit in &day_visits {
        *pod_visits.entry(&visit.pod).or_default() += if visit.joint { 2 } else { 1 };
    }
    let mut pod_workers: BTreeMap<PodId, Vec<WorkerId>> = BTreeMap::new();
    for worker in &workers {
        pod_workers.entry(worker.pod.clone()).or_default().push(worker.id.clone());
    }
    for worker in &mut workers {
        let n_workers = pod_workers.get(&worker.pod).map_or(1, Vec::len).max(1);
        let n_visits = pod_visits.get(&worker.pod).copied().unwrap_or(0);
        worker.fair_share = u16::try_from(n_visits.div_ceil(n_workers)).unwrap_or(u16::MAX);
    }

    let day_start = date.and_time(NaiveTime::MIN);
    let cars = dataset
        .cars
        .iter()
        .filter_map(|car| {
            let hub_point = hub_point(&car.hub)?;
            let mut unavailable: Vec<TimeSpan> = car
                .unavailable
                .iter()
                .filter_map(|outage| cut_to_day(day_start, outage.from, outage.until))
                .collect();
            unavailable.sort();
            Some(DayCar {
                id: car.id.clone(),
                hub: car.hub.clone(),
                hub_point,
                usable_kwh: car.usable_kwh,
                kwh_per_km: car.kwh_per_km,
                reserve_kwh: car.reserve_kwh,
                charger_kw: car.charger_kw,
                charge_kwh: car.charge_kwh.min(car.usable_kwh),
                unavailable,
            })
        })
        .collect();

    let model = TravelModel::with_towns(dataset.towns.clone());
    let matrix = TravelMatrix::build(&model, points).with_overrides(overrides);
    DayProblem { date, matrix, hubs, workers, visits: day_visits, cars, policy }
}

/// The span a home visit may take when the child's row names no windows: from the earliest
/// shift start to the latest shift end of the day's workers (09:00-17:00 on a day with none).
fn working_day(workers: &[DayWorker]) -> TimeSpan {
    let start = workers.iter().map(|w| w.shift.start).min();
    let end = workers.iter().map(|w| w.shift.end).max();
    match (start, end) {
        (Some(start), Some(end)) if start < end => TimeSpan { start, end },
        _ => TimeSpan { start: TimeOfDay(9 * 3600), end: TimeOfDay(17 * 3600) },
    }
}

fn day_place(
    point: &mut impl FnMut(String, crate::domain::Location) -> usize,
    key: String,
    place: &VisitPlace,
    working_day: TimeSpan,
) -> DayPlace {
    let windows = if place.windows.is_empty() { vec![working_day] } else { place.windows.clone() };
    DayPlace { point: point(key, place.location), windows }
}

/// The part of `from..until` that falls on the day starting at `day_start`, as a span of it.
fn cut_to_day(
    day_start: NaiveDateTime,
    from: NaiveDateTime,
    until: NaiveDateTime,
) -> Option<TimeSpan> {
    let day_end = day_start + chrono::Duration::days(1);
    let from = from.max(day_start);
    let until = until.min(day_end);
    if from >= until {
        return None;
    }
    let seconds = |t: NaiveDateTime| u32::try_from((t - day_start).num_seconds()).unwrap_or(0);
    TimeSpan::new(TimeOfDay(seconds(from)), TimeOfDay(seconds(until)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dt(d: u32, h: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(2026, 11, d).unwrap().and_hms_opt(h, 0, 0).unwrap()
    }

    #[test]
    fn cuts_an_outage_to_the_day() {
        let day = dt(23, 0);
        let span = cut_to_day(day, dt(22, 10), dt(23, 12)).unwrap();
        assert_eq!(span, TimeSpan { start: TimeOfDay(0), end: TimeOfDay(12 * 3600) });
        let span = cut_to_day(day, dt(23, 15), dt(25, 0)).unwrap();
        assert_eq!(span.end, TimeOfDay::END_OF_DAY);
        assert!(cut_to_day(day, dt(21, 0), dt(22, 12)).is_none());
    }
}
