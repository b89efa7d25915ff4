//! The rota as a readable table for the terminal: one block per worker with trips and stops,
//! then the cars, the visits left out with their reasons, and the solve's figures.

use super::json::{rota_view, RotaView};
use crate::day::DayProblem;
use crate::domain::Rota;
use std::fmt::Write;

/// The rota of `problem` as text.
pub fn rota_table(problem: &DayProblem, rota: &Rota) -> String {
    render(&rota_view(problem, rota))
}

fn render(view: &RotaView) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "Rota for {}", view.date);
    for worker in view.workers.iter().filter(|w| !w.trips.is_empty()) {
        let _ = writeln!(
            out,
            "\n{}  {} visit(s), {:.1} km, {:.0} min travel",
            worker.worker, worker.visits, worker.km, worker.travel_minutes
        );
        for trip in &worker.trips {
            let how = match (&trip.car, trip.transport) {
                (Some(car), _) => format!("pool car {car}"),
                (None, "own_car") => "own car".into(),
                (None, _) => "on foot".into(),
            };
            let _ = writeln!(
                out,
                "  {}-{}  {} -> {}  {how}, {:.1} km",
                trip.depart, trip.back, trip.from, trip.to, trip.km
            );
            for stop in &trip.stops {
                let _ = writeln!(
                    out,
                    "    {}-{}  {:<14} {:<10} {} (arrive {})",
                    stop.start, stop.end, stop.visit, stop.child, stop.place, stop.arrive
                );
            }
        }
    }
    let used: Vec<_> = view.cars.iter().filter(|c| !c.bookings.is_empty()).collect();
    if !used.is_empty() {
        let _ = writeln!(out, "\nCars");
        for car in used {
            let bookings: Vec<String> = car
                .bookings
                .iter()
                .map(|b| format!("{}-{} {}", b.depart, b.back, b.worker))
                .collect();
            let _ = writeln!(
                out,
                "  {:<9} {:<5} {:>5.1} -> {:>5.1} kWh  {}",
                car.car,
                car.hub,
                car.charge_start_kwh,
                car.charge_end_kwh,
                bookings.join(", ")
            );
        }
    }
    if !view.unscheduled.is_empty() {
        let _ = writeln!(out, "\nNot scheduled");
        for u in &view.unscheduled {
            let _ = writeln!(
                out,
                "  {:<14} {:<10} due {}  {}: {}",
                u.visit, u.child, u.deadline, u.code, u.reason
            );
        }
    }
    let r = &view.report;
    let _ = writeln!(
        out,
        "\nObjective {:.1}, bound {:.1} ({}), gap {:.2}%, {} iterations, {} columns, {} ms{}",
        r.objective,
        r.bound,
        r.bound_kind,
        r.gap * 100.0,
        r.iterations,
        r.columns,
        r.millis,
        if r.timed_out { ", stopped at the time limit" } else { "" }
    );
    let searches: Vec<String> = r
        .candidates
        .iter()
        .map(|c| {
            let search = c.search.replace('_', " ");
            match c.dropped {
                0 => format!("{search} {:.1}", c.after_cars),
                n => format!(
                    "{search} {:.1} ({:.1} before cars, {n} visits lost their car)",
                    c.after_cars, c.before_cars
                ),
            }
        })
        .collect();
    let _ = writeln!(out, "Searches: {}", searches.join("; "));
    out
}
