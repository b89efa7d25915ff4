//! The rota as JSON: the one view `rounds plan --format json` prints and the API serves.
//!
//! Wire types are plain serde structs built by hand from the domain's [`Rota`] and the
//! [`DayProblem`] it answers (for km, travel minutes and each car's charge through the day), so
//! the domain stays free of serde and the wire shape can change without touching the solver.
//! Times are `HH:MM`; the shape is documented in docs/plan-json.md.

use crate::day::DayProblem;
use crate::domain::{Endpoint, Rota, TimeOfDay, Transport, Trip};
use serde::Serialize;

/// A day's rota.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct RotaView {
    /// The day, `YYYY-MM-DD`.
    pub date: String,
    /// Each worker's day.
    pub workers: Vec<WorkerView>,
    /// Each pool car's bookings and charge.
    pub cars: Vec<CarView>,
    /// Visits not made, with reasons.
    pub unscheduled: Vec<UnscheduledView>,
    /// How the solve went.
    pub report: ReportView,
}

/// One worker's day.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct WorkerView {
    /// Staff id.
    pub worker: String,
    /// Visits made.
    pub visits: usize,
    /// Km travelled.
    pub km: f64,
    /// Minutes travelled.
    pub travel_minutes: f64,
    /// Trips in order.
    pub trips: Vec<TripView>,
}

/// One trip.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct TripView {
    /// `pool_car`, `own_car` or `on_foot`.
    pub transport: &'static str,
    /// The pool car's registration.
    pub car: Option<String>,
    /// `hub:<id>` or `home`.
    pub from: String,
    /// `hub:<id>` or `home`.
    pub to: String,
    /// Departure, `HH:MM`.
    pub depart: String,
    /// Return, `HH:MM`.
    pub back: String,
    /// Km travelled.
    pub km: f64,
    /// Minutes travelled.
    pub travel_minutes: f64,
    /// The visits in order.
    pub stops: Vec<StopView>,
}

/// One visit made.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct StopView {
    /// Visit id.
    pub visit: String,
    /// Case reference.
    pub child: String,
    /// `home` or `alternative` (e.g. school).
    pub place: &'static str,
    /// Arrival, `HH:MM`.
    pub arrive: String,
    /// Start, `HH:MM`.
    pub start: String,
    /// End, `HH:MM`.
    pub end: String,
}

/// A pool car's day.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct CarView {
    /// Registration.
    pub car: String,
    /// Hub id.
    pub hub: String,
    /// Charge at the start of the day, kWh.
    pub charge_start_kwh: f64,
    /// Charge at the end of the last trip, kWh (before overnight charging).
    pub charge_end_kwh: f64,
    /// Bookings in time order.
    pub bookings: Vec<BookingView>,
}

/// One booking of a car.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct BookingView {
    /// Who drives.
    pub worker: String,
    /// Departure, `HH:MM`.
    pub depart: String,
    /// Return, `HH:MM`.
    pub back: String,
    /// Km driven.
    pub km: f64,
    /// Charge on leaving, kWh.
    pub charge_out_kwh: f64,
    /// Charge on return, kWh.
    pub charge_back_kwh: f64,
}

/// A visit left out.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct UnscheduledView {
    /// Visit id.
    pub visit: String,
    /// Case reference.
    pub child: String,
    /// The latest date the child must be seen, `YYYY-MM-DD`.
    pub deadline: String,
    /// Stable reason code.
    pub code: &'static str,
    /// The reason in words.
    pub reason: String,
}

/// The solve's figures.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct ReportView {
    /// The rota's objective.
    pub objective: f64,
    /// A lower bound on every rota's objective.
    pub bound: f64,
    /// `exact_lp`, `lagrangian` or `trivial`.
    pub bound_kind: &'static str,
    /// Relative gap between objective and bound.
    pub gap: f64,
    /// Column generation iterations.
    pub iterations: u32,
    /// Columns generated.
    pub columns: u32,
    /// Wall time, ms.
    pub millis: u64,
    /// Whether the time limit stopped the search.
    pub timed_out: bool,
    /// The rota each search proposed, before and after the car stage.
    pub candidates: Vec<CandidateView>,
}

/// One search's rota ([`crate::domain::Candidate`]).
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct CandidateView {
    /// `construction`, `side_search`, `lp_rounding`, `integer_solve` or `local_search`.
    pub search: &'static str,
    /// Its objective as the search left it.
    pub before_cars: f64,
    /// Its objective once cars are assigned.
    pub after_cars: f64,
    /// Visits the car stage left out of it.
    pub dropped: u32,
}

fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

fn endpoint(end: &Endpoint) -> String {
    match end {
        Endpoint::Hub(hub) => format!("hub:{hub}"),
        Endpoint::Home => "home".into(),
    }
}

/// Km and travel seconds of a trip, from the problem's matrix.
pub fn trip_travel(problem: &DayProblem, worker: usize, trip: &Trip) -> (f64, u32) {
    let day_worker = &problem.workers[worker];
    let point = |end: &Endpoint| match end {
        Endpoint::Home => day_worker.home_point.unwrap_or(day_worker.hub_point),
        Endpoint::Hub(id) => {
            problem.hubs.iter().find(|h| &h.id == id).map_or(day_worker.hub_point, |h| h.point)
        }
    };
    let mut points = vec![point(&trip.from)];
    for stop in &trip.stops {
        let visit = problem.visits.iter().find(|v| v.id == stop.visit);
        if let Some(place) = visit.and_then(|v| v.places.get(stop.place)) {
            points.push(place.point);
        }
    }
    points.push(point(&trip.to));
    let walk = trip.transport == Transport::OnFoot;
    points.windows(2).fold((0.0, 0), |(km, s), pair| {
        let leg = if walk {
            problem.matrix.walk(pair[0], pair[1])
        } else {
            problem.matrix.drive(pair[0], pair[1])
        };
        (km + leg.km, s + leg.seconds)
    })
}

/// The JSON view of `rota`, a plan for `problem`.
pub fn rota_view(problem: &DayProblem, rota: &Rota) -> RotaView {
    let mut workers = Vec::new();
    let mut bookings: Vec<(String, TimeOfDay, TimeOfDay, f64, String)> = Vec::new();
    for day in &rota.workers {
        let w = problem.workers.iter().position(|x| x.id == day.worker);
        let mut trips = Vec::new();
        let (mut km_total, mut seconds_total, mut visits) = (0.0, 0u32, 0);
        for trip in &day.trips {
            let (km, seconds) = w.map_or((0.0, 0), |w| trip_travel(problem, w, trip));
            km_total += km;
            seconds_total += seconds;
            visits += trip.stops.len();
            let (transport, car) = match &trip.transport {
                Transport::PoolCar(car) => {
                    bookings.push((
                        car.0.clone(),
                        trip.depart,
                        trip.back,
                        km,
                        day.worker.0.clone(),
                    ));
                    ("pool_car", Some(car.0.clone()))
                }
                Transport::OwnCar => ("own_car", None),
                Transport::OnFoot => ("on_foot", None),
            };
            trips.push(TripView {
                transport,
                car,
                from: endpoint(&trip.from),
                to: endpoint(&trip.to),
                depart: trip.depart.to_string(),
                back: trip.back.to_string(),
                km: round2(km),
                travel_minutes: round2(f64::from(seconds) / 60.0),
                stops: trip
                    .stops
                    .iter()
                    .map(|s| StopView {
                        visit: s.visit.0.clone(),
                        child: s.child.0.clone(),
                        place: if s.place == 0 { "home" } else { "alternative" },
                        arrive: s.arrive.to_string(),
                        start: s.start.to_string(),
                        end: s.end.to_string(),
                    })
                    .collect(),
            });
        }
        workers.push(WorkerView {
            worker: day.worker.0.clone(),
            visits,
            km: round2(km_total),
            travel_minutes: round2(f64::from(seconds_total) / 60.0),
            trips,
        });
    }
    bookings.sort_by(|a, b| (&a.0, a.1).cmp(&(&b.0, b.1)));
    let cars = problem
        .cars
        .iter()
        .map(|car| {
            let mut charge = car.charge_kwh;
            let mut last: Option<TimeOfDay> = None;
            let mut views = Vec::new();
            for (_, depart, back, km, worker) in bookings.iter().filter(|b| b.0 == car.id.0) {
                if let Some(last) = last {
                    let hours = f64::from(depart.0.saturating_sub(last.0)) / 3600.0;
                    charge = (charge + car.charger_kw * hours).min(car.usable_kwh);
                }
                let out = charge;
                charge -= km * car.kwh_per_km;
                last = Some(*back);
                views.push(BookingView {
                    worker: worker.clone(),
                    depart: depart.to_string(),
                    back: back.to_string(),
                    km: round2(*km),
                    charge_out_kwh: round2(out),
                    charge_back_kwh: round2(charge),
                });
            }
            CarView {
                car: car.id.0.clone(),
                hub: car.hub.0.clone(),
                charge_start_kwh: round2(car.charge_kwh),
                charge_end_kwh: round2(charge),
                bookings: views,
            }
        })
        .collect();
    let unscheduled = rota
        .unscheduled
        .iter()
        .map(|u| UnscheduledView {
            visit: u.visit.0.clone(),
            child: u.child.0.clone(),
            deadline: u.deadline.to_string(),
            code: u.code,
            reason: u.reason.clone(),
        })
        .collect();
    let report = &rota.report;
    RotaView {
        date: rota.date.to_string(),
        workers,
        cars,
        unscheduled,
        report: ReportView {
            objective: round2(report.objective),
            bound: round2(report.bound),
            bound_kind: report.bound_kind.code(),
            gap: (report.gap() * 1e6).round() / 1e6,
            iterations: report.iterations,
            columns: report.columns,
            millis: report.millis,
            timed_out: report.timed_out,
            candidates: report
                .candidates
                .iter()
                .map(|c| CandidateView {
                    search: c.search.code(),
                    before_cars: round2(c.before_cars),
                    after_cars: round2(c.after_cars),
                    dropped: c.dropped,
                })
                .collect(),
        },
    }
}

/// The rota as pretty-printed JSON.
pub fn rota_json(problem: &DayProblem, rota: &Rota) -> String {
    serde_json::to_string_pretty(&rota_view(problem, rota)).expect("plain data serialises")
}
