//! Playing a rota out: what actually happens when families are out and visits run over.

use super::Disruptions;
use crate::day::{DayProblem, DayWorker};
use crate::domain::{ChildId, Endpoint, TimeOfDay, Transport, Trip, VisitId, WorkerId, MINUTE};
use rand::Rng;
use rand_chacha::ChaCha8Rng;
use std::collections::BTreeMap;

/// One visit as it went.
#[derive(Clone, Debug, PartialEq)]
pub struct PlayedVisit {
    /// The visit.
    pub visit: VisitId,
    /// The child.
    pub child: ChildId,
    /// Who made it (the first of a joint pair).
    pub worker: WorkerId,
    /// Whether the child was seen: made, and the family was in.
    pub seen: bool,
    /// Whether the worker got there and made it at all (an overrun earlier in the day can push
    /// a visit past the end of the shift, and then it is not made).
    pub made: bool,
}

/// What a day's rota came to.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Happened {
    /// The visits of the rota, as they went, by visit id.
    pub visits: Vec<PlayedVisit>,
    /// Km driven in pool cars.
    pub pool_km: f64,
    /// Km driven in own cars.
    pub own_km: f64,
    /// kWh used by pool cars.
    pub kwh: f64,
    /// Pool car trips: the car's hub, out and back.
    pub car_trips: Vec<(crate::domain::HubId, TimeOfDay, TimeOfDay)>,
}

/// Plays the rota out with this day's draws of no-access and overruns.
pub fn play_out(
    problem: &DayProblem,
    rota: &crate::domain::Rota,
    rates: &Disruptions,
    rng: &mut ChaCha8Rng,
) -> Happened {
    // One no-access draw per visit, in id order, so a joint visit's two workers agree.
    let mut visit_ids: Vec<&VisitId> = problem.visits.iter().map(|v| &v.id).collect();
    visit_ids.sort();
    let family_out: BTreeMap<&VisitId, bool> = visit_ids
        .into_iter()
        .map(|id| (id, rng.gen_bool(rates.no_access.clamp(0.0, 1.0))))
        .collect();
    let mut happened = Happened::default();
    let mut played: BTreeMap<VisitId, PlayedVisit> = BTreeMap::new();
    for day in &rota.workers {
        let Some(worker) = problem.workers.iter().find(|w| w.id == day.worker) else { continue };
        for trip in &day.trips {
            play_trip(problem, worker, trip, rates, rng, &family_out, &mut played, &mut happened);
        }
    }
    happened.visits = played.into_values().collect();
    happened
}

#[allow(clippy::too_many_arguments)]
fn play_trip(
    problem: &DayProblem,
    worker: &DayWorker,
    trip: &Trip,
    rates: &Disruptions,
    rng: &mut ChaCha8Rng,
    family_out: &BTreeMap<&VisitId, bool>,
    played: &mut BTreeMap<VisitId, PlayedVisit>,
    happened: &mut Happened,
) {
    let leg = |from: usize, to: usize| match trip.transport {
        Transport::OnFoot => problem.matrix.walk(from, to),
        _ => problem.matrix.drive(from, to),
    };
    let mut at = endpoint_point(problem, worker, &trip.from);
    let mut clock = trip.depart;
    let mut km = 0.0;
    for stop in &trip.stops {
        let Some(visit) = problem.visits.iter().find(|v| v.id == stop.visit) else { continue };
        let point = visit.places[stop.place.min(visit.places.len() - 1)].point;
        let travel = leg(at, point);
        let start = clock.plus(travel.seconds).max(stop.start);
        let overrun = if rng.gen_bool(rates.overrun.clamp(0.0, 1.0)) {
            rng.gen_range(5..=rates.overrun_max_minutes.max(5)) * MINUTE
        } else {
            0
        };
        let end = start.plus(visit.duration + overrun);
        let made = start.plus(visit.duration) <= worker.shift.end;
        let entry = played.entry(visit.id.clone()).or_insert_with(|| PlayedVisit {
            visit: visit.id.clone(),
            child: visit.child.clone(),
            worker: worker.id.clone(),
            seen: false,
            made: false,
        });
        if made {
            km += travel.km;
            at = point;
            clock = end;
            entry.made = true;
            entry.seen = !family_out.get(&visit.id).copied().unwrap_or(false);
        }
    }
    let home = endpoint_point(problem, worker, &trip.to);
    let back_leg = leg(at, home);
    km += back_leg.km;
    let back = clock.plus(back_leg.seconds);
    match &trip.transport {
        Transport::PoolCar(id) => {
            happened.pool_km += km;
            if let Some(car) = problem.cars.iter().find(|c| &c.id == id) {
                happened.kwh += km * car.kwh_per_km;
                happened.car_trips.push((car.hub.clone(), trip.depart, back));
            }
        }
        Transport::OwnCar => happened.own_km += km,
        Transport::OnFoot => {}
    }
}

fn endpoint_point(problem: &DayProblem, worker: &DayWorker, endpoint: &Endpoint) -> usize {
    match endpoint {
        Endpoint::Home => worker.home_point.unwrap_or(worker.hub_point),
        Endpoint::Hub(id) => {
            problem.hubs.iter().find(|h| &h.id == id).map_or(worker.hub_point, |h| h.point)
        }
    }
}
