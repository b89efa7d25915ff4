//! The optimiser's indexed view of a [`DayProblem`]: per worker the free intervals, transport
//! modes and the continuity cost of every visit they may make; per visit its *nodes* (a place,
//! and for joint or pinned visits a fixed start), and per hub the cars available at each instant.
//!
//! Joint visits are synchronised by fixing their start: each joint visit gets one node per place
//! and start on a [`JOINT_GRID`] grid inside the place's windows, and both workers must use the
//! same node. That is the one convention the optimiser adds to the contract: a joint visit starts
//! on the quarter hour (a time two colleagues can agree by phone).

use crate::day::{DayProblem, DayVisit, DayWorker, Weights};
use crate::domain::Endpoint;
use crate::travel::Leg;
use std::collections::{BTreeMap, BTreeSet};

/// Joint visits start on this grid (seconds).
pub const JOINT_GRID: u32 = 15 * 60;
/// Car capacity is checked at these instants (seconds apart). Two trips that overlap by less
/// than this may miss every instant; at a quarter hour the integer solve's rotas on Medway
/// overlapped by 4 to 10 minutes at six hubs and lost a visit to the car assignment, at five
/// minutes they keep every visit (the car assignment moves a trip the few minutes it needs).
pub const CAR_INSTANT: u32 = 5 * 60;
/// Instants in a day.
pub const N_INSTANTS: usize = (24 * 3600 / CAR_INSTANT) as usize;

/// Where a trip starts or ends, for one worker.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum End {
    /// The worker's base hub.
    Hub,
    /// The worker's home.
    Home,
}

/// How a trip travels.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Mode {
    /// A pool car of the worker's hub (the car itself is chosen last).
    Pool,
    /// The worker's own car.
    Own,
    /// On foot.
    Foot,
}

/// A visit at one of its places, maybe at a fixed start.
#[derive(Clone, Debug)]
pub struct Node {
    /// The visit's index in the problem.
    pub visit: usize,
    /// The place's index in the visit.
    pub place: usize,
    /// The place's point in the matrix.
    pub point: usize,
    /// Allowed start ranges `(earliest, latest)`, sorted; one `(t, t)` for a fixed start.
    pub starts: Vec<(u32, u32)>,
}

impl Node {
    /// The earliest allowed start at or after `arrive`.
    pub fn earliest_start(&self, arrive: u32) -> Option<u32> {
        self.starts.iter().find(|&&(_, latest)| latest >= arrive).map(|&(e, _)| e.max(arrive))
    }
}

/// One worker as the optimiser sees them.
#[derive(Clone, Debug)]
pub struct WorkerModel {
    /// Where the day starts.
    pub start: End,
    /// Where the day ends.
    pub end: End,
    /// The hub's point.
    pub hub_point: usize,
    /// The home's point.
    pub home_point: Option<usize>,
    /// Index of the hub in `problem.hubs`, if listed.
    pub hub: Option<usize>,
    /// Shift start and end (seconds).
    pub shift: (u32, u32),
    /// Free intervals of the day (shift plus overtime, minus blocks), sorted.
    pub intervals: Vec<(u32, u32)>,
    /// Transport modes the worker may use.
    pub modes: Vec<Mode>,
    /// Continuity cost of each visit, `None` where the worker may not make it.
    pub cost: Vec<Option<f64>>,
    /// The longest pool-car trip in km any car at the hub could make on a full battery.
    pub pool_km: f64,
}

impl WorkerModel {
    /// The point of an endpoint.
    pub fn point(&self, end: End) -> usize {
        match end {
            End::Hub => self.hub_point,
            End::Home => self.home_point.unwrap_or(self.hub_point),
        }
    }

    /// The endpoints a trip may end at.
    pub fn ends(&self) -> Vec<End> {
        let mut ends = vec![End::Hub];
        if self.home_point.is_some() {
            ends.push(End::Home);
        }
        ends
    }
}

/// The indexed problem.
#[derive(Debug)]
pub struct Model<'a> {
    /// The problem.
    pub problem: &'a DayProblem,
    /// The weights.
    pub weights: &'a Weights,
    /// Workers, in problem order.
    pub workers: Vec<WorkerModel>,
    /// Nodes of all visits.
    pub nodes: Vec<Node>,
    /// Each visit's nodes.
    pub visit_nodes: Vec<Vec<usize>>,
    /// Cars per hub (indices into `problem.cars`).
    pub hub_cars: Vec<Vec<usize>>,
    /// Cars available at each instant, per hub.
    pub hub_capacity: Vec<[u16; N_INSTANTS]>,
    /// The penalty of leaving each visit out.
    pub penalty: Vec<f64>,
    /// Per node, the shortest time any leg into its place takes (seconds, by any mode): every
    /// day that makes the visit there travels at least this long to reach it.
    pub min_in: Vec<u32>,
}

impl<'a> Model<'a> {
    /// Indexes `problem`.
    pub fn new(problem: &'a DayProblem) -> Model<'a> {
        let weights = &problem.policy.weights;
        let hub_cars: Vec<Vec<usize>> = problem
            .hubs
            .iter()
            .map(|hub| (0..problem.cars.len()).filter(|&c| problem.cars[c].hub == hub.id).collect())
            .collect();
        let hub_capacity = hub_cars
            .iter()
            .map(|cars| {
                let mut capacity = [0u16; N_INSTANTS];
                for (k, slot) in capacity.iter_mut().enumerate() {
                    let t = k as u32 * CAR_INSTANT;
                    *slot = cars
                        .iter()
                        .filter(|&&c| {
                            !problem.cars[c]
                                .unavailable
                                .iter()
                                .any(|span| span.start.0 <= t && t < span.end.0)
                        })
                        .count() as u16;
                }
                capacity
            })
            .collect();
        let mut nodes = Vec::new();
        let mut visit_nodes = Vec::new();
        for (v, visit) in problem.visits.iter().enumerate() {
            let mut mine = Vec::new();
            for (p, place) in visit.places.iter().enumerate() {
                let mut starts: Vec<(u32, u32)> = place
                    .windows
                    .iter()
                    .filter(|w| w.end.0 >= w.start.0 + visit.duration)
                    .map(|w| (w.start.0, w.end.0 - visit.duration))
                    .collect();
                starts.sort();
                let pinned = visit.pin.as_ref().and_then(|pin| pin.start).map(|t| t.0);
                let fixed_starts: Vec<u32> = if let Some(t) = pinned {
                    vec![t]
                } else if visit.joint {
                    starts
                        .iter()
                        .flat_map(|&(e, l)| {
                            let first = e.div_ceil(JOINT_GRID) * JOINT_GRID;
                            (first..=l).step_by(JOINT_GRID as usize)
                        })
                        .collect()
                } else {
                    Vec::new()
                };
                if pinned.is_some() || visit.joint {
                    for t in fixed_starts {
                        if starts.iter().any(|&(e, l)| e <= t && t <= l) {
                            mine.push(nodes.len());
                            nodes.push(Node {
                                visit: v,
                                place: p,
                                point: place.point,
                                starts: vec![(t, t)],
                            });
                        }
                    }
                } else if !starts.is_empty() {
                    mine.push(nodes.len());
                    nodes.push(Node { visit: v, place: p, point: place.point, starts });
                }
            }
            visit_nodes.push(mine);
        }
        let penalty = problem
            .visits
            .iter()
            .map(|v| {
                if v.deadline <= problem.date {
                    weights.missed_deadline
                } else {
                    weights.deferred
                }
            })
            .collect();
        let workers = problem.workers.iter().map(|w| worker_model(problem, w, &hub_cars)).collect();
        let min_in = min_in(problem, &nodes);
        Model {
            problem,
            weights,
            workers,
            nodes,
            visit_nodes,
            hub_cars,
            hub_capacity,
            penalty,
            min_in,
        }
    }

    /// The leg from `a` to `b` in `mode`.
    pub fn leg(&self, mode: Mode, a: usize, b: usize) -> Leg {
        match mode {
            Mode::Foot => self.problem.matrix.walk(a, b),
            Mode::Pool | Mode::Own => self.problem.matrix.drive(a, b),
        }
    }

    /// Whether a leg may be made in `mode`.
    pub fn leg_ok(&self, mode: Mode, leg: Leg) -> bool {
        mode != Mode::Foot || leg.km <= self.problem.policy.walk_max_km + 1e-9
    }

    /// The cost of a trip's travel, excluding continuity: trip weight, travel minutes, grey km.
    pub fn travel_cost(&self, mode: Mode, seconds: u32, km: f64) -> f64 {
        let grey = if mode == Mode::Own { self.weights.grey_km * km } else { 0.0 };
        self.weights.trip + self.weights.travel_minute * f64::from(seconds) / 60.0 + grey
    }

    /// The cost of being back at `back` after the day's last trip.
    pub fn overtime_cost(&self, w: usize, back: u32) -> f64 {
        let end = self.workers[w].shift.1;
        self.weights.overtime_minute * f64::from(back.saturating_sub(end)) / 60.0
    }

    /// The fairness cost of making `n` visits.
    pub fn fairness_cost(&self, w: usize, n: usize) -> f64 {
        let share = usize::from(self.problem.workers[w].fair_share);
        self.weights.over_fair_share * n.saturating_sub(share) as f64
    }

    /// The day's visit.
    pub fn visit(&self, v: usize) -> &DayVisit {
        &self.problem.visits[v]
    }
}

/// Per node, the shortest leg into its point from any other point, by car or on foot; zero
/// where two visits share the point (a school), as one may follow the other with no travel.
fn min_in(problem: &DayProblem, nodes: &[Node]) -> Vec<u32> {
    let matrix = &problem.matrix;
    let mut visits_at: BTreeMap<usize, BTreeSet<usize>> = BTreeMap::new();
    for node in nodes {
        visits_at.entry(node.point).or_default().insert(node.visit);
    }
    nodes
        .iter()
        .map(|node| {
            if visits_at[&node.point].len() > 1 {
                return 0;
            }
            (0..matrix.len())
                .filter(|&from| from != node.point)
                .map(|from| {
                    let (drive, walk) =
                        (matrix.drive(from, node.point), matrix.walk(from, node.point));
                    drive.seconds.min(walk.seconds)
                })
                .min()
                .unwrap_or(0)
        })
        .collect()
}

fn worker_model(problem: &DayProblem, worker: &DayWorker, hub_cars: &[Vec<usize>]) -> WorkerModel {
    let weights = &problem.policy.weights;
    let hub = problem.hubs.iter().position(|h| h.id == worker.hub);
    let shift = (worker.shift.start.0, worker.shift.end.0);
    let day_end = shift.1 + problem.policy.max_overtime_seconds;
    let mut intervals = Vec::new();
    let mut from = shift.0;
    let mut blocked = worker.blocked.clone();
    blocked.sort();
    for span in blocked {
        if span.start.0 > from {
            intervals.push((from, span.start.0.min(day_end)));
        }
        from = from.max(span.end.0);
    }
    if from < day_end {
        intervals.push((from, day_end));
    }
    intervals.retain(|&(a, b)| a < b && a < shift.1);
    let cars = hub.map(|h| hub_cars[h].as_slice()).unwrap_or(&[]);
    let pool_km = cars
        .iter()
        .map(|&c| {
            let car = &problem.cars[c];
            (car.usable_kwh - car.reserve_kwh).max(0.0) / car.kwh_per_km.max(1e-9)
        })
        .fold(0.0, f64::max);
    let mut modes = Vec::new();
    if worker.can_drive && !cars.is_empty() {
        modes.push(Mode::Pool);
    }
    if worker.own_car {
        modes.push(Mode::Own);
    }
    if problem.policy.walk_max_km > 0.0 {
        modes.push(Mode::Foot);
    }
    let cost = problem
        .visits
        .iter()
        .map(|visit| {
            if let Some(skill) = &visit.skill {
                if !worker.skills.contains(skill) {
                    return None;
                }
            }
            if let Some(pinned) = visit.pin.as_ref().and_then(|p| p.worker.as_ref()) {
                if pinned != &worker.id {
                    return None;
                }
            }
            Some(if visit.allocated == worker.id {
                0.0
            } else if visit.pod == worker.pod {
                weights.pod_colleague
            } else if visit.locality.as_ref() == Some(&worker.locality) {
                weights.same_locality
            } else {
                weights.anyone
            })
        })
        .collect();
    let end_of = |e: &Endpoint| match e {
        Endpoint::Home if worker.home_point.is_some() => End::Home,
        _ => End::Hub,
    };
    WorkerModel {
        start: end_of(&worker.start),
        end: end_of(&worker.end),
        hub_point: worker.hub_point,
        home_point: worker.home_point,
        hub,
        shift,
        intervals,
        modes,
        cost,
        pool_km,
    }
}
