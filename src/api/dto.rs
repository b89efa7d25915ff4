//! The rota as stored and served: JSON glue between the domain's `Rota` and the wire.
//!
//! Holds case references and staff ids only, never a child's name or address: those are joined
//! from the dataset when a plan is read, so every such read passes through an audited handler.

use crate::domain::{
    CarId, ChildId, Endpoint, HubId, Rota, Stop, TimeOfDay, Transport, Trip, VisitId, WorkerDay,
    WorkerId,
};
use serde::{Deserialize, Serialize};

/// A rota document.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct RotaDoc {
    /// The day, `YYYY-MM-DD`.
    pub date: String,
    /// `all`, `pod:P01` or `locality:A`.
    pub scope: String,
    /// The import version planned from.
    pub import_version: i64,
    /// The objective.
    pub objective: f64,
    /// A lower bound on the objective.
    pub bound: f64,
    /// Relative gap between objective and bound.
    pub gap: f64,
    /// Whether the time limit stopped the search.
    pub timed_out: bool,
    /// The independent checker's verdict.
    pub verdict: VerdictDoc,
    /// Each worker's day.
    pub workers: Vec<WorkerDoc>,
    /// Visits left out, with reasons.
    pub unscheduled: Vec<UnscheduledDoc>,
}

/// The checker's verdict.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct VerdictDoc {
    /// Whether the rota may be published.
    pub publishable: bool,
    /// What the checker found wrong, in words.
    pub violations: Vec<String>,
}

/// One worker's day.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct WorkerDoc {
    /// Staff id.
    pub worker: String,
    /// Trips in time order.
    pub trips: Vec<TripDoc>,
}

/// One trip.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct TripDoc {
    /// `pool_car`, `own_car` or `on_foot`.
    pub transport: String,
    /// The pool car's registration.
    pub car: Option<String>,
    /// `hub:H1` or `home`.
    pub from: String,
    /// Leaves at `HH:MM:SS`.
    pub depart: String,
    /// Visits in order.
    pub stops: Vec<StopDoc>,
    /// `hub:H1` or `home`.
    pub to: String,
    /// Back at.
    pub back: String,
}

/// One visit on a trip.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct StopDoc {
    /// Visit id.
    pub visit: String,
    /// The child's case reference.
    pub child: String,
    /// 0 = home, 1 = the alternative place.
    pub place: usize,
    /// Arrives at.
    pub arrive: String,
    /// Starts at.
    pub start: String,
    /// Ends at.
    pub end: String,
}

/// A visit left out.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct UnscheduledDoc {
    /// Visit id.
    pub visit: String,
    /// Case reference.
    pub child: String,
    /// Latest date.
    pub deadline: String,
    /// Reason code.
    pub code: String,
    /// Reason in words.
    pub reason: String,
}

/// `HH:MM:SS`, exact to the second so a stored rota reloads unchanged.
pub fn time_text(time: TimeOfDay) -> String {
    let s = time.seconds();
    format!("{:02}:{:02}:{:02}", s / 3600, s / 60 % 60, s % 60)
}

/// Parses `HH:MM:SS` or `HH:MM`.
pub fn parse_time(text: &str) -> Option<TimeOfDay> {
    let parts: Vec<&str> = text.split(':').collect();
    let n = |i: usize| parts.get(i).and_then(|p| p.parse::<u32>().ok());
    match parts.len() {
        2 => TimeOfDay::hm(n(0)?, n(1)?),
        3 if n(2)? < 60 => Some(TimeOfDay::hm(n(0)?, n(1)?)?.plus(n(2)?)),
        _ => None,
    }
}

fn endpoint_text(endpoint: &Endpoint) -> String {
    match endpoint {
        Endpoint::Hub(hub) => format!("hub:{hub}"),
        Endpoint::Home => "home".to_owned(),
    }
}

fn parse_endpoint(text: &str) -> Endpoint {
    match text.strip_prefix("hub:") {
        Some(hub) => Endpoint::Hub(HubId(hub.to_owned())),
        None => Endpoint::Home,
    }
}

impl RotaDoc {
    /// The document for a solved rota.
    pub fn new(rota: &Rota, scope: &str, import_version: i64, verdict: VerdictDoc) -> RotaDoc {
        RotaDoc {
            date: rota.date.format("%Y-%m-%d").to_string(),
            scope: scope.to_owned(),
            import_version,
            objective: rota.report.objective,
            bound: rota.report.bound,
            gap: rota.report.gap(),
            timed_out: rota.report.timed_out,
            verdict,
            workers: rota.workers.iter().map(WorkerDoc::new).collect(),
            unscheduled: rota
                .unscheduled
                .iter()
                .map(|u| UnscheduledDoc {
                    visit: u.visit.to_string(),
                    child: u.child.to_string(),
                    deadline: u.deadline.format("%Y-%m-%d").to_string(),
                    code: u.code.to_owned(),
                    reason: u.reason.clone(),
                })
                .collect(),
        }
    }

    /// The workers' days as domain values (times that do not parse read as midnight).
    pub fn worker_days(&self) -> Vec<WorkerDay> {
        self.workers.iter().map(WorkerDoc::day).collect()
    }

    /// One worker's day, if the rota has it: a plan read needs only the caller's.
    pub fn worker_day(&self, worker: &WorkerId) -> Option<WorkerDay> {
        self.workers.iter().find(|w| w.worker == worker.0).map(WorkerDoc::day)
    }
}

impl WorkerDoc {
    fn day(&self) -> WorkerDay {
        let t = |text: &str| parse_time(text).unwrap_or_default();
        WorkerDay {
            worker: WorkerId(self.worker.clone()),
            trips: self
                .trips
                .iter()
                .map(|trip| Trip {
                    transport: match (trip.transport.as_str(), &trip.car) {
                        ("pool_car", Some(car)) => Transport::PoolCar(CarId(car.clone())),
                        ("on_foot", _) => Transport::OnFoot,
                        _ => Transport::OwnCar,
                    },
                    from: parse_endpoint(&trip.from),
                    depart: t(&trip.depart),
                    stops: trip
                        .stops
                        .iter()
                        .map(|s| Stop {
                            visit: VisitId(s.visit.clone()),
                            child: ChildId(s.child.clone()),
                            place: s.place,
                            arrive: t(&s.arrive),
                            start: t(&s.start),
                            end: t(&s.end),
                        })
                        .collect(),
                    to: parse_endpoint(&trip.to),
                    back: t(&trip.back),
                })
                .collect(),
        }
    }

    fn new(day: &WorkerDay) -> WorkerDoc {
        WorkerDoc {
            worker: day.worker.to_string(),
            trips: day
                .trips
                .iter()
                .map(|trip| TripDoc {
                    transport: match &trip.transport {
                        Transport::PoolCar(_) => "pool_car",
                        Transport::OwnCar => "own_car",
                        Transport::OnFoot => "on_foot",
                    }
                    .to_owned(),
                    car: match &trip.transport {
                        Transport::PoolCar(car) => Some(car.to_string()),
                        _ => None,
                    },
                    from: endpoint_text(&trip.from),
                    depart: time_text(trip.depart),
                    stops: trip
                        .stops
                        .iter()
                        .map(|s| StopDoc {
                            visit: s.visit.to_string(),
                            child: s.child.to_string(),
                            place: s.place,
                            arrive: time_text(s.arrive),
                            start: time_text(s.start),
                            end: time_text(s.end),
                        })
                        .collect(),
                    to: endpoint_text(&trip.to),
                    back: time_text(trip.back),
                })
                .collect(),
        }
    }
}

/// A stored rota's body, parsed: stored bodies are written by this service, so one that does
/// not parse is a server fault, not a bad request.
pub fn parse_doc(body: &str) -> Result<RotaDoc, super::error::ApiError> {
    serde_json::from_str(body)
        .map_err(|e| super::error::ApiError::Internal(format!("stored rota: {e}")))
}
