//! Turns the optimiser's columns and cars into the domain's [`Rota`].

use super::cars::CarPlan;
use super::column::Column;
use super::explain::explain;
use super::heuristic::CarBook;
use super::model::{End, Mode, Model};
use crate::domain::{
    Endpoint, Rota, SolveReport, Stop, TimeOfDay, Transport, Trip, Unscheduled, WorkerDay,
};

/// The rota of `days` with `cars`, its unscheduled visits explained, and `report` (whose
/// objective is recomputed here from the days).
pub fn to_rota(
    model: &Model,
    days: &[Option<Column>],
    cars: &CarPlan,
    mut report: SolveReport,
) -> Rota {
    let problem = model.problem;
    let mut made = vec![false; problem.visits.len()];
    let mut objective = 0.0;
    let mut workers = Vec::with_capacity(problem.workers.len());
    for (w, worker) in problem.workers.iter().enumerate() {
        let mut trips = Vec::new();
        if let Some(column) = &days[w] {
            objective += column.cost;
            for (t, trip) in column.trips.iter().enumerate() {
                let transport = match trip.mode {
                    Mode::Pool => {
                        let car = cars.cars.get(w).and_then(|c| c.get(t).copied().flatten());
                        Transport::PoolCar(
                            car.map(|c| problem.cars[c].id.clone()).unwrap_or_else(|| "?".into()),
                        )
                    }
                    Mode::Own => Transport::OwnCar,
                    Mode::Foot => Transport::OnFoot,
                };
                let endpoint = |end: End| match end {
                    End::Hub => Endpoint::Hub(worker.hub.clone()),
                    End::Home => Endpoint::Home,
                };
                let stops = trip
                    .stops
                    .iter()
                    .map(|s| {
                        let node = &model.nodes[s.node];
                        made[node.visit] = true;
                        let visit = &problem.visits[node.visit];
                        Stop {
                            visit: visit.id.clone(),
                            child: visit.child.clone(),
                            place: node.place,
                            arrive: TimeOfDay(s.arrive),
                            start: TimeOfDay(s.start),
                            end: TimeOfDay(s.end),
                        }
                    })
                    .collect();
                trips.push(Trip {
                    transport,
                    from: endpoint(trip.from),
                    depart: TimeOfDay(trip.depart),
                    stops,
                    to: endpoint(trip.to),
                    back: TimeOfDay(trip.back),
                });
            }
        }
        workers.push(WorkerDay { worker: worker.id.clone(), trips });
    }
    let book = CarBook::of(model, days);
    let mut unscheduled = Vec::new();
    for (v, visit) in problem.visits.iter().enumerate() {
        if made[v] {
            continue;
        }
        objective += model.penalty[v];
        let car_reason = cars.dropped.iter().find(|d| d.0 == v).map(|d| (d.1, d.2.clone()));
        let (code, reason) = explain(model, days, &book, v, car_reason);
        unscheduled.push(Unscheduled {
            visit: visit.id.clone(),
            child: visit.child.clone(),
            deadline: visit.deadline,
            code,
            reason,
        });
    }
    report.objective = objective;
    // The bound may only exceed the objective by rounding in the LP.
    if report.bound > objective && report.bound - objective < 1e-6 * objective.abs().max(1.0) {
        report.bound = objective;
    }
    Rota { date: problem.date, workers, unscheduled, report }
}
