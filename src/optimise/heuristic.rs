//! The construction heuristic: cheapest insertion of each visit, most urgent and least flexible
//! first, into the workers' days, keeping every rule and the pool's car count. It gives the
//! first columns of the master and a feasible rota in milliseconds, whatever happens next.

use super::column::{schedule_day, Column, TripSpec};
use super::model::{End, Mode, Model};

/// Pool-car bookings per hub, as `(worker, depart, back)`, to keep the count of cars out at any
/// time within the cars available.
#[derive(Clone, Debug, Default)]
pub struct CarBook {
    bookings: Vec<Vec<(usize, u32, u32)>>,
}

impl CarBook {
    /// An empty book for the model's hubs.
    pub fn new(model: &Model) -> CarBook {
        CarBook { bookings: vec![Vec::new(); model.problem.hubs.len()] }
    }

    /// Whether worker `w`'s day fits the pool given everyone else's bookings.
    pub fn fits(&self, model: &Model, column: &Column) -> bool {
        let Some(hub) = model.workers[column.worker].hub else {
            return column.trips.iter().all(|t| t.mode != Mode::Pool);
        };
        let cars = &model.hub_cars[hub];
        let pool: Vec<&super::column::TripPlan> =
            column.trips.iter().filter(|t| t.mode == Mode::Pool).collect();
        for (i, trip) in pool.iter().enumerate() {
            let (a, b) = (trip.depart, trip.back);
            // Only bookings overlapping this trip matter: the other workers' and this day's own.
            let overlapping: Vec<(u32, u32)> = self.bookings[hub]
                .iter()
                .filter(|o| o.0 != column.worker && o.1 < b && a < o.2)
                .map(|o| (o.1, o.2))
                .chain(pool[..i].iter().map(|t| (t.depart, t.back)).filter(|o| o.0 < b && a < o.1))
                .collect();
            let free = cars
                .iter()
                .filter(|&&c| {
                    !model.problem.cars[c].unavailable.iter().any(|s| s.start.0 < b && a < s.end.0)
                })
                .count();
            if overlapping.len() < free {
                continue;
            }
            let mut points = vec![a];
            points.extend(overlapping.iter().map(|o| o.0).filter(|&p| a < p && p < b));
            for p in points {
                let busy = overlapping.iter().filter(|o| o.0 <= p && p < o.1).count();
                if busy + 1 > free {
                    return false;
                }
            }
        }
        true
    }

    /// Records worker `w`'s day, replacing what it booked before.
    pub fn record(&mut self, model: &Model, column: &Column) {
        let Some(hub) = model.workers[column.worker].hub else { return };
        self.bookings[hub].retain(|b| b.0 != column.worker);
        for trip in column.trips.iter().filter(|t| t.mode == Mode::Pool) {
            self.bookings[hub].push((column.worker, trip.depart, trip.back));
        }
    }
}

/// The heuristic's result: a day per worker (`None` for no trips).
#[derive(Clone, Debug)]
pub struct Construction {
    /// Each worker's day.
    pub days: Vec<Option<Column>>,
}

/// Builds a rota by cheapest insertion.
pub fn construct(model: &Model) -> Construction {
    let n_workers = model.workers.len();
    let mut days: Vec<Option<Column>> = vec![None; n_workers];
    let mut book = CarBook::new(model);
    let mut order: Vec<usize> = (0..model.problem.visits.len()).collect();
    let flexibility = |v: usize| -> u64 {
        let nodes = &model.visit_nodes[v];
        let span: u64 = nodes
            .iter()
            .flat_map(|&n| model.nodes[n].starts.iter())
            .map(|&(e, l)| u64::from(l - e) + 60)
            .sum();
        let eligible = model.workers.iter().filter(|w| w.cost[v].is_some()).count() as u64;
        span * eligible.max(1)
    };
    let flexibility: Vec<u64> = order.iter().map(|&v| flexibility(v)).collect();
    order.sort_by(|&a, &b| {
        let va = model.visit(a);
        let vb = model.visit(b);
        model.penalty[b]
            .total_cmp(&model.penalty[a])
            .then(vb.pin.is_some().cmp(&va.pin.is_some()))
            .then(vb.joint.cmp(&va.joint))
            .then(flexibility[a].cmp(&flexibility[b]))
            .then(a.cmp(&b))
    });
    for v in order {
        if model.visit(v).joint {
            insert_joint(model, &mut days, &mut book, v);
        } else {
            insert_single(model, &mut days, &mut book, v);
        }
    }
    Construction { days }
}

/// Inserts visits `visits` into `days` where they fit (the pool counted from the days' own
/// bookings), until `stop` says so; returns whether any went in.
pub fn reinsert(
    model: &Model,
    days: &mut [Option<Column>],
    visits: &[usize],
    stop: &dyn Fn() -> bool,
) -> bool {
    let mut book = CarBook::new(model);
    for column in days.iter().flatten() {
        book.record(model, column);
    }
    let mut any = false;
    for &v in visits {
        if stop() {
            break;
        }
        if days.iter().flatten().flat_map(|c| c.nodes()).any(|n| model.nodes[n].visit == v) {
            continue;
        }
        any |= if model.visit(v).joint {
            insert_joint(model, days, &mut book, v)
        } else {
            insert_single(model, days, &mut book, v)
        };
    }
    any
}

/// Workers who may make visit `v`, in groups to try in turn: the pod (allocated worker
/// included), the locality, everyone else.
fn candidates(model: &Model, v: usize) -> Vec<Vec<usize>> {
    let mut pod = Vec::new();
    let mut near = Vec::new();
    let mut far = Vec::new();
    for (w, worker) in model.workers.iter().enumerate() {
        match worker.cost[v] {
            Some(c) if c <= model.weights.pod_colleague => pod.push(w),
            Some(c) if c <= model.weights.same_locality => near.push(w),
            Some(_) => far.push(w),
            None => {}
        }
    }
    vec![pod, near, far]
}

fn insert_single(model: &Model, days: &mut [Option<Column>], book: &mut CarBook, v: usize) -> bool {
    for group in candidates(model, v) {
        let mut best: Option<(f64, Column)> = None;
        for &w in &group {
            for &n in &model.visit_nodes[v] {
                if let Some((delta, column)) = best_insertion(model, days, book, w, n) {
                    if best.as_ref().is_none_or(|b| delta < b.0) {
                        best = Some((delta, column));
                    }
                }
            }
        }
        if let Some((delta, column)) = best {
            if delta < model.penalty[v] {
                book.record(model, &column);
                let w = column.worker;
                days[w] = Some(column);
                return true;
            }
        }
    }
    false
}

fn insert_joint(model: &Model, days: &mut [Option<Column>], book: &mut CarBook, v: usize) -> bool {
    let workers: Vec<usize> = candidates(model, v).concat();
    let mut best: Option<(f64, Column, Column)> = None;
    for &n in &model.visit_nodes[v] {
        let mut options: Vec<(f64, Column)> =
            workers.iter().filter_map(|&w| best_insertion(model, days, book, w, n)).collect();
        options.sort_by(|a, b| a.0.total_cmp(&b.0));
        // The two cheapest must also fit the pool together.
        for i in 0..options.len() {
            for j in i + 1..options.len().min(i + 4) {
                let mut trial = book.clone();
                trial.record(model, &options[i].1);
                if !trial.fits(model, &options[j].1) {
                    continue;
                }
                let delta = options[i].0 + options[j].0;
                if best.as_ref().is_none_or(|b| delta < b.0) {
                    best = Some((delta, options[i].1.clone(), options[j].1.clone()));
                }
                break;
            }
        }
    }
    match best {
        Some((delta, a, b)) if delta < model.penalty[v] => {
            book.record(model, &a);
            book.record(model, &b);
            let (wa, wb) = (a.worker, b.worker);
            days[wa] = Some(a);
            days[wb] = Some(b);
            true
        }
        _ => false,
    }
}

/// The cheapest way to add node `n` to worker `w`'s day: into any trip at any position (with any
/// transport), or as a new trip anywhere in the day. Returns the cost increase and the new day.
pub fn best_insertion(
    model: &Model,
    days: &[Option<Column>],
    book: &CarBook,
    w: usize,
    n: usize,
) -> Option<(f64, Column)> {
    let worker = &model.workers[w];
    model.workers[w].cost[model.nodes[n].visit]?;
    let current = days[w].as_ref();
    let base_cost = current.map_or(0.0, |c| c.cost);
    let specs = current.map(Column::specs).unwrap_or_default();
    let mut best: Option<(f64, Column)> = None;
    let mut consider = |candidate: Vec<TripSpec>| {
        if let Some(column) = schedule_day(model, w, &candidate) {
            // The pool check scans the hub's bookings: only a cheaper day is worth it.
            let delta = column.cost - base_cost;
            if best.as_ref().is_none_or(|b| delta < b.0) && book.fits(model, &column) {
                best = Some((delta, column));
            }
        }
    };
    for t in 0..specs.len() {
        for pos in 0..=specs[t].nodes.len() {
            for &mode in &worker.modes {
                let mut candidate = specs.clone();
                candidate[t].nodes.insert(pos, n);
                candidate[t].mode = mode;
                consider(candidate);
            }
        }
    }
    for t in 0..=specs.len() {
        for &mode in &worker.modes {
            let mut candidate = specs.clone();
            let to = if t == specs.len() { worker.end } else { start_of(worker.start, &specs, t) };
            candidate.insert(t, TripSpec { mode, to, nodes: vec![n] });
            consider(candidate);
        }
    }
    best
}

/// Where trip `t` of `specs` starts (the end of the one before, or the day's start).
fn start_of(day_start: End, specs: &[TripSpec], t: usize) -> End {
    if t == 0 {
        day_start
    } else {
        specs[t - 1].to
    }
}
