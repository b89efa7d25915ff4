//! The day optimiser on tiny hand-made days, each exercising one rule, and a brute-force check
//! of optimality on random tiny days. Every rota goes through `solve`, which also checks the
//! properties every rota must have (bound below objective, each visit at most once).

use chrono::NaiveDate;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rounds::day::{DayCar, DayHub, DayPlace, DayProblem, DayVisit, DayWorker, Pin, Policy};
use rounds::domain::{
    BoundKind, Endpoint, Location, Rota, Search, Skill, TimeOfDay, TimeSpan, Transport, WorkerId,
};
use rounds::optimise::{plan_day, SolveOptions};
use rounds::travel::{NamedPoint, TravelMatrix, TravelModel};
use std::collections::BTreeSet;

fn t(h: u32, m: u32) -> TimeOfDay {
    TimeOfDay::hm(h, m).unwrap()
}

fn span(a: TimeOfDay, b: TimeOfDay) -> TimeSpan {
    TimeSpan::new(a, b).unwrap()
}

fn date() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 23).unwrap()
}

/// A day around one hub (point 0) with children at the given (north km, east km) offsets.
struct Day {
    problem: DayProblem,
}

impl Day {
    fn new(places_km: &[(f64, f64)]) -> Day {
        let hub = (51.38, 0.52);
        let mut points = vec![NamedPoint {
            key: "hub:H".into(),
            location: Location::new(hub.0, hub.1).unwrap(),
        }];
        for (i, &(north, east)) in places_km.iter().enumerate() {
            let lat = hub.0 + north / 111.0;
            let lon = hub.1 + east / 69.5;
            points.push(NamedPoint {
                key: format!("child:C{i}"),
                location: Location::new(lat, lon).unwrap(),
            });
        }
        let matrix = TravelMatrix::build(&TravelModel::with_towns(Vec::new()), points);
        let policy = Policy { walk_max_km: 0.0, ..Policy::default() };
        Day {
            problem: DayProblem {
                date: date(),
                matrix,
                hubs: vec![DayHub { id: "H".into(), point: 0 }],
                workers: Vec::new(),
                visits: Vec::new(),
                cars: Vec::new(),
                policy,
            },
        }
    }

    fn worker(mut self, id: &str) -> Day {
        self.problem.workers.push(DayWorker {
            id: id.into(),
            pod: "P1".into(),
            locality: "A".into(),
            hub: "H".into(),
            hub_point: 0,
            home_point: None,
            start: Endpoint::Hub("H".into()),
            end: Endpoint::Hub("H".into()),
            shift: span(t(9, 0), t(17, 0)),
            blocked: Vec::new(),
            can_drive: true,
            own_car: false,
            skills: BTreeSet::new(),
            capacity: None,
            fair_share: 10,
        });
        self
    }

    fn with_worker(mut self, edit: impl FnOnce(&mut DayWorker)) -> Day {
        edit(self.problem.workers.last_mut().unwrap());
        self
    }

    /// A visit to child `i` (point i + 1) by worker `allocated`, 60 minutes in `window`.
    fn visit(mut self, i: usize, allocated: &str, window: TimeSpan) -> Day {
        self.problem.visits.push(DayVisit {
            id: format!("V{i}").as_str().into(),
            child: format!("C{i}").as_str().into(),
            pod: "P1".into(),
            locality: Some("A".into()),
            allocated: allocated.into(),
            deadline: date(),
            duration: 3600,
            places: vec![DayPlace { point: i + 1, windows: vec![window] }],
            joint: false,
            skill: None,
            demand: 0,
            pin: None,
        });
        self
    }

    fn with_visit(mut self, edit: impl FnOnce(&mut DayVisit)) -> Day {
        edit(self.problem.visits.last_mut().unwrap());
        self
    }

    fn car(mut self, id: &str) -> Day {
        self.problem.cars.push(DayCar {
            id: id.into(),
            hub: "H".into(),
            hub_point: 0,
            usable_kwh: 40.0,
            kwh_per_km: 0.17,
            reserve_kwh: 5.0,
            charger_kw: 7.0,
            charge_kwh: 40.0,
            unavailable: Vec::new(),
        });
        self
    }

    fn with_car(mut self, edit: impl FnOnce(&mut DayCar)) -> Day {
        edit(self.problem.cars.last_mut().unwrap());
        self
    }
}

/// Plans the day without a clock and checks what every rota must satisfy.
fn solve(problem: &DayProblem) -> Rota {
    let rota = plan_day(problem, &SolveOptions::untimed()).expect("a rota");
    let report = &rota.report;
    assert!(
        report.bound <= report.objective + 1e-6,
        "bound {} above objective {}",
        report.bound,
        report.objective
    );
    // The rota is the candidate cheapest once cars are assigned, and says so.
    assert_eq!(report.candidates.first().map(|c| c.search), Some(Search::Construction));
    let cheapest = report.candidates.iter().map(|c| c.after_cars).fold(f64::INFINITY, f64::min);
    assert!((report.objective - cheapest).abs() < 1e-6, "{report:?}");
    let mut made = BTreeSet::new();
    for day in &rota.workers {
        let mut last_back = TimeOfDay(0);
        for trip in &day.trips {
            assert!(trip.depart >= last_back, "{} trips overlap", day.worker);
            let mut time = trip.depart;
            for stop in &trip.stops {
                assert!(stop.arrive >= time && stop.start >= stop.arrive && stop.end > stop.start);
                assert!(made.insert((stop.visit.clone(), day.worker.clone())));
                time = stop.end;
            }
            assert!(trip.back >= time);
            last_back = trip.back;
        }
    }
    let n_made = made.iter().map(|(v, _)| v).collect::<BTreeSet<_>>().len();
    assert_eq!(n_made + rota.unscheduled.len(), problem.visits.len());
    rota
}

fn stops_of<'a>(rota: &'a Rota, worker: &str) -> Vec<&'a rounds::domain::Stop> {
    rota.workers
        .iter()
        .filter(|d| d.worker == WorkerId::from(worker))
        .flat_map(|d| d.trips.iter().flat_map(|t| t.stops.iter()))
        .collect()
}

#[test]
fn can_plan_one_worker_two_visits_with_an_exact_bound() {
    let day = Day::new(&[(2.0, 0.0), (2.0, 2.0)])
        .worker("W1")
        .car("CAR1")
        .visit(0, "W1", span(t(9, 0), t(17, 0)))
        .visit(1, "W1", span(t(9, 0), t(17, 0)));
    let rota = solve(&day.problem);
    assert!(rota.unscheduled.is_empty());
    assert_eq!(stops_of(&rota, "W1").len(), 2);
    assert_eq!(rota.report.bound_kind, BoundKind::ExactLp);
    assert!(rota.report.gap() < 1e-6, "{:?}", rota.report);
}

#[test]
fn windows_force_the_order_of_visits() {
    let day = Day::new(&[(2.0, 0.0), (-2.0, 1.0)])
        .worker("W1")
        .car("CAR1")
        .visit(0, "W1", span(t(14, 0), t(17, 0)))
        .visit(1, "W1", span(t(9, 0), t(11, 0)));
    let rota = solve(&day.problem);
    let stops = stops_of(&rota, "W1");
    assert_eq!(stops.len(), 2);
    assert!(stops[0].visit.as_str() == "V1" && stops[0].end <= t(11, 0));
    assert!(stops[1].visit.as_str() == "V0" && stops[1].start >= t(14, 0));
}

#[test]
fn can_make_a_joint_visit_with_two_workers_at_the_same_start() {
    let day = Day::new(&[(3.0, 0.0)])
        .worker("W1")
        .worker("W2")
        .car("CAR1")
        .car("CAR2")
        .visit(0, "W1", span(t(10, 0), t(16, 0)))
        .with_visit(|v| v.joint = true);
    let rota = solve(&day.problem);
    assert!(rota.unscheduled.is_empty());
    let (a, b) = (stops_of(&rota, "W1"), stops_of(&rota, "W2"));
    assert_eq!((a.len(), b.len()), (1, 1));
    assert_eq!(a[0].start, b[0].start);
}

#[test]
fn leaves_out_a_joint_visit_when_only_one_worker_is_free() {
    let day = Day::new(&[(3.0, 0.0)])
        .worker("W1")
        .car("CAR1")
        .visit(0, "W1", span(t(10, 0), t(16, 0)))
        .with_visit(|v| v.joint = true);
    let rota = solve(&day.problem);
    assert_eq!(rota.unscheduled.len(), 1);
    assert_eq!(rota.unscheduled[0].code, "JOINT_ONE_WORKER");
}

#[test]
fn gives_a_skilled_visit_only_to_a_qualified_worker() {
    let day = Day::new(&[(2.0, 0.0)])
        .worker("W1")
        .worker("W2")
        .with_worker(|w| {
            w.skills.insert(Skill::from("bsl"));
        })
        .car("CAR1")
        .visit(0, "W1", span(t(9, 0), t(17, 0)))
        .with_visit(|v| v.skill = Some("bsl".into()));
    let rota = solve(&day.problem);
    assert_eq!(stops_of(&rota, "W2").len(), 1);
    assert!(stops_of(&rota, "W1").is_empty());
}

#[test]
fn explains_a_skill_nobody_holds() {
    let day = Day::new(&[(2.0, 0.0)])
        .worker("W1")
        .car("CAR1")
        .visit(0, "W1", span(t(9, 0), t(17, 0)))
        .with_visit(|v| v.skill = Some("bsl".into()));
    let rota = solve(&day.problem);
    assert_eq!(rota.unscheduled[0].code, "NO_SKILL");
    assert!(rota.unscheduled[0].reason.contains("bsl"), "{}", rota.unscheduled[0].reason);
}

#[test]
fn a_car_shortage_sends_one_worker_in_their_own_car() {
    let day = Day::new(&[(2.0, 0.0), (-2.0, 0.0)])
        .worker("W1")
        .worker("W2")
        .with_worker(|w| w.own_car = true)
        .car("CAR1")
        .visit(0, "W1", span(t(10, 0), t(11, 0)))
        .visit(1, "W2", span(t(10, 0), t(11, 0)));
    let rota = solve(&day.problem);
    assert!(rota.unscheduled.is_empty(), "{:?}", rota.unscheduled);
    let transports: BTreeSet<_> =
        rota.workers.iter().flat_map(|d| d.trips.iter().map(|t| t.transport.clone())).collect();
    assert!(transports.contains(&Transport::OwnCar));
    assert!(transports.contains(&Transport::PoolCar("CAR1".into())));
}

/// Three workers, one car, and three morning visits with room to leave at any time until
/// late morning: each trip alone could hold the car for no instant in common with the others
/// (the old bound counted only that, and made all three), but the one car cannot make more
/// than two of them. The bound now counts each trip from departure to return and sees it.
#[test]
fn the_bound_counts_each_pool_trip_from_its_departure_to_its_return() {
    let day = Day::new(&[(5.0, 0.0), (5.0, 0.2), (5.0, -0.2)])
        .worker("W1")
        .worker("W2")
        .worker("W3")
        .car("CAR1")
        .visit(0, "W1", span(t(9, 0), t(12, 0)))
        .visit(1, "W2", span(t(9, 0), t(12, 0)))
        .visit(2, "W3", span(t(9, 0), t(12, 0)));
    let rota = solve(&day.problem);
    assert_eq!(rota.unscheduled.len(), 1, "{:?}", rota.unscheduled);
    let report = &rota.report;
    let penalty = day.problem.policy.weights.missed_deadline;
    assert_eq!(report.bound_kind, BoundKind::ExactLp);
    assert!(report.bound > 0.5 * penalty, "{report:?}");
}

#[test]
fn a_car_outage_splits_the_day_into_two_trips() {
    let day = Day::new(&[(2.0, 0.0), (-2.0, 0.0)])
        .worker("W1")
        .car("CAR1")
        .with_car(|c| c.unavailable = vec![span(t(11, 0), t(14, 0))])
        .visit(0, "W1", span(t(9, 30), t(10, 45)))
        .visit(1, "W1", span(t(14, 30), t(16, 0)));
    let rota = solve(&day.problem);
    assert!(rota.unscheduled.is_empty(), "{:?}", rota.unscheduled);
    let trips = &rota.workers[0].trips;
    assert_eq!(trips.len(), 2);
    assert!(trips[0].back <= t(11, 0) && trips[1].depart >= t(14, 0));
}

/// The only car is out all morning and the visit may happen in a morning or an afternoon
/// window: the rota goes in the afternoon, and the bound must count that day too (a pricing
/// that only tried each place's first window open after arrival found no day at all, and
/// bounded the rota by the penalty of leaving the visit out).
#[test]
fn a_later_window_of_a_place_counts_in_the_bound_when_the_car_is_out_before() {
    let day = Day::new(&[(2.0, 0.0)])
        .worker("W1")
        .car("CAR1")
        .with_car(|c| c.unavailable = vec![span(t(9, 0), t(12, 0))])
        .visit(0, "W1", span(t(9, 0), t(11, 0)))
        .with_visit(|v| v.places[0].windows.push(span(t(14, 0), t(16, 0))));
    let rota = solve(&day.problem);
    assert!(rota.unscheduled.is_empty(), "{:?}", rota.unscheduled);
    assert!(stops_of(&rota, "W1")[0].start >= t(14, 0));
    assert_eq!(rota.report.bound_kind, BoundKind::ExactLp);
    assert!(rota.report.gap() < 1e-6, "{:?}", rota.report);
}

#[test]
fn a_battery_allows_only_one_long_trip() {
    // 25 km out: each visit is a 65 km round trip; the car holds 12 kWh above its reserve
    // (70 km) and cannot charge.
    let day = Day::new(&[(25.0, 0.0), (-25.0, 0.0)])
        .worker("W1")
        .worker("W2")
        .car("CAR1")
        .with_car(|c| {
            c.usable_kwh = 17.0;
            c.charge_kwh = 17.0;
            c.kwh_per_km = 0.17;
            c.charger_kw = 0.0;
        })
        .visit(0, "W1", span(t(9, 0), t(12, 0)))
        .visit(1, "W2", span(t(13, 0), t(17, 0)));
    let rota = solve(&day.problem);
    assert_eq!(rota.unscheduled.len(), 1, "{:?}", rota.unscheduled);
    assert_eq!(rota.unscheduled[0].code, "NO_CAR_CHARGE", "{:?}", rota.unscheduled);
}

#[test]
fn an_absence_block_keeps_visits_out_of_it() {
    let day = Day::new(&[(2.0, 0.0), (-2.0, 0.0)])
        .worker("W1")
        .with_worker(|w| w.blocked = vec![span(t(10, 0), t(13, 0))])
        .car("CAR1")
        .visit(0, "W1", span(t(10, 30), t(12, 30)))
        .visit(1, "W1", span(t(9, 0), t(17, 0)));
    let rota = solve(&day.problem);
    assert_eq!(rota.unscheduled.len(), 1);
    assert_eq!(rota.unscheduled[0].visit.as_str(), "V0");
    assert_eq!(rota.unscheduled[0].code, "NO_WORKER_FREE");
    let trip = &rota.workers[0].trips[0];
    assert!(trip.back <= t(10, 0) || trip.depart >= t(13, 0));
}

#[test]
fn keeps_a_pinned_visit_with_its_worker_and_start() {
    let day = Day::new(&[(2.0, 0.0)])
        .worker("W1")
        .worker("W2")
        .car("CAR1")
        .car("CAR2")
        .visit(0, "W1", span(t(9, 0), t(17, 0)))
        .with_visit(|v| v.pin = Some(Pin { worker: Some("W2".into()), start: Some(t(14, 0)) }));
    let rota = solve(&day.problem);
    let stops = stops_of(&rota, "W2");
    assert_eq!(stops.len(), 1);
    assert_eq!(stops[0].start, t(14, 0));
}

#[test]
fn leaves_out_a_visit_whose_window_nobody_is_free_for_with_a_reason() {
    let day =
        Day::new(&[(2.0, 0.0)]).worker("W1").car("CAR1").visit(0, "W1", span(t(17, 30), t(19, 0)));
    let rota = solve(&day.problem);
    assert_eq!(rota.unscheduled[0].code, "NO_WORKER_FREE");
    assert!(rota.unscheduled[0].reason.contains("17:30"), "{}", rota.unscheduled[0].reason);
}

/// The optimum of a tiny day by enumeration: every assignment of visits to workers (or none),
/// every order, one pool-car trip per worker from the hub, earliest starts. Valid as the true
/// optimum when cars are plentiful, nobody is blocked and nobody walks or has an own car (then a
/// second trip only adds a trip and a detour through the hub).
fn brute_force(problem: &DayProblem) -> f64 {
    let n = problem.visits.len();
    let k = problem.workers.len();
    let weights = &problem.policy.weights;
    let mut best = f64::INFINITY;
    let mut assignment = vec![0usize; n];
    loop {
        let mut total =
            weights.missed_deadline * assignment.iter().filter(|&&a| a == k).count() as f64;
        for w in 0..k {
            let mine: Vec<usize> = (0..n).filter(|&v| assignment[v] == w).collect();
            match best_route(problem, w, &mine) {
                Some(cost) => total += cost,
                None => total = f64::INFINITY,
            }
        }
        best = best.min(total);
        // Next assignment (base k + 1).
        let mut i = 0;
        while i < n {
            assignment[i] += 1;
            if assignment[i] <= k {
                break;
            }
            assignment[i] = 0;
            i += 1;
        }
        if i == n {
            return best;
        }
    }
}

fn best_route(problem: &DayProblem, w: usize, visits: &[usize]) -> Option<f64> {
    if visits.is_empty() {
        return Some(0.0);
    }
    let worker = &problem.workers[w];
    let weights = &problem.policy.weights;
    let mut best: Option<f64> = None;
    let mut order = visits.to_vec();
    permutations(&mut order, 0, &mut |order| {
        let mut time = worker.shift.start.0;
        let mut at = worker.hub_point;
        let mut travel = 0u32;
        let mut cost = weights.trip;
        for &v in order {
            let visit = &problem.visits[v];
            let place = &visit.places[0];
            let leg = problem.matrix.drive(at, place.point);
            let arrive = time + leg.seconds;
            let window = place.windows[0];
            let start = arrive.max(window.start.0);
            let end = start + visit.duration;
            if end > window.end.0 || end > worker.shift.end.0 {
                return;
            }
            travel += leg.seconds;
            time = end;
            at = place.point;
            cost += if visit.allocated == worker.id { 0.0 } else { weights.pod_colleague };
        }
        let leg = problem.matrix.drive(at, worker.hub_point);
        let back = time + leg.seconds;
        if back > worker.shift.end.0 + problem.policy.max_overtime_seconds {
            return;
        }
        travel += leg.seconds;
        cost += weights.travel_minute * f64::from(travel) / 60.0;
        cost += weights.overtime_minute * f64::from(back.saturating_sub(worker.shift.end.0)) / 60.0;
        cost += weights.over_fair_share
            * order.len().saturating_sub(usize::from(worker.fair_share)) as f64;
        if best.is_none_or(|b| cost < b) {
            best = Some(cost);
        }
    });
    best
}

fn permutations(items: &mut Vec<usize>, k: usize, visit: &mut impl FnMut(&[usize])) {
    if k == items.len() {
        visit(items);
        return;
    }
    for i in k..items.len() {
        items.swap(k, i);
        permutations(items, k + 1, visit);
        items.swap(k, i);
    }
}

#[test]
fn finds_the_true_optimum_of_tiny_days() {
    let mut rng = ChaCha8Rng::seed_from_u64(7);
    for case in 0..12 {
        let n = rng.gen_range(2..=5);
        let places: Vec<(f64, f64)> =
            (0..n).map(|_| (rng.gen_range(-8.0..8.0), rng.gen_range(-8.0..8.0))).collect();
        let mut day = Day::new(&places).worker("W1").worker("W2").car("CAR1").car("CAR2");
        day.problem.workers[1].fair_share = rng.gen_range(0..3);
        day.problem.workers[0].shift = span(t(9, 0), t(rng.gen_range(12..17), 0));
        for i in 0..n {
            let open = rng.gen_range(9..15);
            let close = (open + rng.gen_range(1..5)).min(18);
            let allocated = if rng.gen_bool(0.5) { "W1" } else { "W2" };
            day = day.visit(i, allocated, span(t(open, 0), t(close, 0)));
        }
        let rota = solve(&day.problem);
        let optimum = brute_force(&day.problem);
        // Before any LP the bound is already above zero, and below every rota.
        let options = SolveOptions { max_iterations: 0, ..SolveOptions::untimed() };
        let first = plan_day(&day.problem, &options).expect("a rota").report;
        assert_eq!(first.bound_kind, BoundKind::Lagrangian);
        assert!(first.bound > 0.0 && first.bound <= optimum + 1e-6, "case {case}: {first:?}");
        assert!(
            (rota.report.objective - optimum).abs() < 1e-6,
            "case {case}: optimiser {} vs brute force {optimum}",
            rota.report.objective
        );
    }
}

#[test]
fn a_visit_left_out_for_want_of_a_car_says_so_not_that_the_staff_are_booked() {
    // Two workers free all afternoon, one car, two after-school visits 8 km out in opposite
    // directions (too far to walk, no own cars): one is made, and the other is left out because
    // the car is out, while the second worker is free.
    let day = Day::new(&[(8.0, 0.0), (-8.0, 0.0)])
        .worker("W1")
        .worker("W2")
        .car("CAR1")
        .visit(0, "W1", span(t(15, 30), t(16, 30)))
        .visit(1, "W2", span(t(15, 30), t(16, 30)));
    let rota = solve(&day.problem);
    assert_eq!(rota.unscheduled.len(), 1, "{:?}", rota.unscheduled);
    let left = &rota.unscheduled[0];
    assert_eq!(left.code, "NO_CAR_FREE", "{left:?}");
    assert!(left.reason.contains("all 1 cars at H"), "{}", left.reason);
}
