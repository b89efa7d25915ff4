//! The horizon MIP on small cases whose optimum is known by hand, and HiGHS integrality.

use chrono::NaiveDate;
use good_lp::solvers::highs::highs;
use good_lp::{constraint, variable, ProblemVariables, Solution, SolverModel};
use rounds::horizon::{
    plan_horizon, HorizonHub, HorizonInput, HorizonOptions, HorizonPin, HorizonPlan, HorizonStatus,
    HorizonVisit, HorizonWorker,
};
use std::collections::BTreeSet;

/// Mon 23 Nov 2026 onwards, weekdays only (no bank holidays in that fortnight).
fn days(n: usize) -> Vec<NaiveDate> {
    let mut out = Vec::new();
    let mut day = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
    while out.len() < n {
        if chrono::Datelike::weekday(&day).num_days_from_monday() < 5 {
            out.push(day);
        }
        day = day.succ_opt().unwrap();
    }
    out
}

fn worker(id: &str, free: &[u32]) -> HorizonWorker {
    HorizonWorker {
        id: id.into(),
        pod: "P1".into(),
        hub: "H1".into(),
        free_minutes: free.to_vec(),
        pool_car: false,
        own_car: false,
        skills: BTreeSet::new(),
    }
}

fn visit(id: &str, allocated: &str, deadline: usize, minutes: u32) -> HorizonVisit {
    HorizonVisit {
        id: id.into(),
        child: id.into(),
        pod: "P1".into(),
        allocated: allocated.into(),
        deadline: days(10)[deadline],
        minutes,
        car_minutes: minutes,
        joint: false,
        skill: None,
        pin: None,
    }
}

fn input(n_days: usize, workers: Vec<HorizonWorker>, visits: Vec<HorizonVisit>) -> HorizonInput {
    let hubs = vec![HorizonHub { id: "H1".into(), car_minutes: vec![10_000; n_days] }];
    HorizonInput { days: days(n_days), workers, hubs, visits }
}

/// The one place the tests call the planner.
fn plan(input: &HorizonInput) -> HorizonPlan {
    let options = HorizonOptions { time_limit_seconds: 30.0, ..HorizonOptions::default() };
    let plan = plan_horizon(input, &options);
    assert_eq!(plan.status, HorizonStatus::Optimal, "{plan:#?}");
    plan
}

/// (visit, day index, workers) for each assignment.
fn placed(plan: &HorizonPlan) -> Vec<(String, usize, Vec<String>)> {
    plan.assignments
        .iter()
        .map(|a| {
            let day = plan.days.iter().position(|d| *d == a.day).unwrap();
            (a.visit.to_string(), day, a.workers.iter().map(|w| w.to_string()).collect())
        })
        .collect()
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-6
}

#[test]
fn can_put_the_earlier_deadline_first_when_one_visit_fits_a_day() {
    let plan = plan(&input(
        2,
        vec![worker("W1", &[60, 60])],
        vec![visit("A", "W1", 1, 60), visit("B", "W1", 0, 60)],
    ));
    assert_eq!(
        placed(&plan),
        [("B".into(), 0, vec!["W1".into()]), ("A".into(), 1, vec!["W1".into()])]
    );
    assert!(plan.flags.is_empty());
    // Only A waits a day: 0.5.
    assert!(close(plan.objective, 0.5), "{}", plan.objective);
}

#[test]
fn can_hand_a_visit_to_a_pod_colleague_only_when_the_allocated_worker_is_full() {
    let visits = vec![visit("A", "W1", 0, 60), visit("B", "W1", 0, 60)];
    let plan1 = plan(&input(1, vec![worker("W1", &[60]), worker("W2", &[60])], visits.clone()));
    let workers: BTreeSet<_> = plan1.assignments.iter().map(|a| a.workers[0].to_string()).collect();
    assert_eq!(workers, BTreeSet::from(["W1".to_owned(), "W2".to_owned()]));
    assert!(close(plan1.objective, 30.0), "{}", plan1.objective);

    let plan2 = plan(&input(1, vec![worker("W1", &[120]), worker("W2", &[60])], visits));
    assert!(plan2.assignments.iter().all(|a| a.workers == ["W1".into()]));
    assert!(close(plan2.objective, 0.0), "{}", plan2.objective);
}

#[test]
fn spreads_a_worker_s_visits_rather_than_loading_one_day() {
    // Six hour-long visits due by day 1, six free hours each day. All on day 0 is 360 minutes
    // against a share of 180 plus an hour's slack: 120 over, cost 24. Four and two is within
    // the slack and two visits wait a day (1.0); three and three has three waiting (1.5).
    let visits = (0..6).map(|i| visit(&format!("V{i}"), "W1", 1, 60)).collect();
    let plan = plan(&input(2, vec![worker("W1", &[360, 360])], visits));
    let per_day: Vec<usize> = plan.days.iter().map(|d| plan.on(*d).count()).collect();
    assert_eq!(per_day, [4, 2]);
    assert!(close(plan.objective, 1.0), "{}", plan.objective);
}

#[test]
fn flags_visits_the_pod_cannot_make_in_time_with_the_reason() {
    // One hour a day, three hour-long visits due on day 0: one on time, two late.
    let visits = vec![visit("A", "W1", 0, 60), visit("B", "W1", 0, 60), visit("C", "W1", 0, 60)];
    let plan = plan(&input(3, vec![worker("W1", &[60, 60, 60])], visits));
    assert_eq!(plan.assignments.len(), 3);
    assert_eq!(plan.flags.len(), 2);
    let mut planned: Vec<_> = plan.flags.iter().map(|f| f.planned.unwrap()).collect();
    planned.sort();
    assert_eq!(planned, [plan.days[1], plan.days[2]]);
    assert!(
        plan.flags.iter().all(|f| f.code == "POD_FULL" && f.days_ahead == 0),
        "{:#?}",
        plan.flags
    );
    assert!(plan.flags[0].reason.contains("pod P1 has 1.0 h free"), "{}", plan.flags[0].reason);
    // Late by one and two working days, waiting one and two days.
    assert!(close(plan.objective, 3_000.0 + 1.5), "{}", plan.objective);
}

#[test]
fn flags_a_visit_when_nobody_who_can_make_it_is_in() {
    let mut on_leave = worker("W1", &[0, 0, 60]);
    on_leave.pod = "P2".into();
    let mut v = visit("A", "W1", 1, 60);
    v.pod = "P2".into();
    let plan = plan(&input(3, vec![on_leave, worker("W2", &[60, 60, 60])], vec![v]));
    assert_eq!(plan.flags.len(), 1);
    assert_eq!(plan.flags[0].code, "NO_STAFF");
    assert_eq!(plan.flags[0].planned, Some(plan.days[2]));
    assert_eq!(plan.flags[0].days_ahead, 1);
}

#[test]
fn flags_a_visit_too_long_for_any_free_slot_and_leaves_it_out() {
    let plan = plan(&input(2, vec![worker("W1", &[120, 120])], vec![visit("A", "W1", 1, 300)]));
    assert!(plan.assignments.is_empty());
    assert_eq!(plan.flags[0].code, "VISIT_TOO_LONG");
    assert_eq!(plan.flags[0].planned, None);
    assert!(close(plan.objective, 10_000.0), "{}", plan.objective);
}

#[test]
fn keeps_pinned_visits_where_the_officer_put_them() {
    let mut a = visit("A", "W1", 1, 60);
    a.pin = Some(HorizonPin { day: days(2)[1], worker: None });
    // Pinned beyond the worker's free hour: both stay on day 0 with W1.
    let mut b = visit("B", "W1", 1, 60);
    let mut c = visit("C", "W1", 1, 60);
    for v in [&mut b, &mut c] {
        v.pin = Some(HorizonPin { day: days(2)[0], worker: Some("W1".into()) });
    }
    let plan =
        plan(&input(2, vec![worker("W1", &[60, 60]), worker("W2", &[60, 60])], vec![a, b, c]));
    assert_eq!(
        placed(&plan),
        [
            ("B".into(), 0, vec!["W1".into()]),
            ("C".into(), 0, vec!["W1".into()]),
            ("A".into(), 1, vec!["W1".into()]),
        ]
    );
    assert!(plan.assignments.iter().all(|a| a.pinned));
}

#[test]
fn can_spread_visits_over_days_when_the_hub_has_one_car_hour_a_day() {
    let mut w1 = worker("W1", &[60, 60]);
    let mut w2 = worker("W2", &[60, 60]);
    w1.pool_car = true;
    w2.pool_car = true;
    let mut input = input(2, vec![w1, w2], vec![visit("A", "W1", 1, 60), visit("B", "W2", 1, 60)]);
    input.hubs[0].car_minutes = vec![60, 60];
    let plan = plan(&input);
    let used: BTreeSet<_> = placed(&plan).into_iter().map(|(_, day, _)| day).collect();
    assert_eq!(used, BTreeSet::from([0, 1]));
    assert!(plan.flags.is_empty());
    // One visit waits a day; a single hour is within the smoothing slack.
    assert!(close(plan.objective, 0.5), "{}", plan.objective);
}

#[test]
fn can_send_two_workers_on_a_joint_visit_the_same_day() {
    let mut v = visit("A", "W1", 1, 60);
    v.joint = true;
    let plan = plan(&input(2, vec![worker("W1", &[60, 60]), worker("W2", &[0, 60])], vec![v]));
    assert_eq!(placed(&plan), [("A".into(), 1, vec!["W1".into(), "W2".into()])]);
    // The second worker is a colleague (30) and the visit waits a day (0.5).
    assert!(close(plan.objective, 30.5), "{}", plan.objective);
}

/// good_lp's doc comment says its HiGHS backend rejects integer variables; it passes them
/// through (`add_column_with_integrality`). This pins that: the LP relaxations here are
/// fractional (1.5 and 2.5), so a continuous solve would give different answers.
#[test]
fn highs_through_good_lp_honours_integer_variables() {
    let mut vars = ProblemVariables::new();
    let x = vars.add(variable().binary());
    let y = vars.add(variable().binary());
    let z = vars.add(variable().integer().min(0).max(10));
    let solution = highs(vars.maximise(x + y + z))
        .set_threads(1)
        .with(constraint!(2 * x + 2 * y <= 3))
        .with(constraint!(2 * z <= 5))
        .solve()
        .unwrap();
    for var in [x, y, z] {
        let value = solution.value(var);
        assert!(close(value, value.round()), "{value} is not integral");
    }
    assert!(close(solution.value(x) + solution.value(y), 1.0));
    assert!(close(solution.value(z), 2.0));
}

mod from_a_dataset {
    //! The input builder: free minutes, car minutes and due visits from a small dataset.

    use super::*;
    use chrono::NaiveDateTime;
    use rounds::domain::{
        Absence, AbsenceKind, Car, Child, Dataset, Hub, Location, Outage, PlanType, Pod, StaffRole,
        TimeOfDay, TimeSpan, VisitPlace, WeeklyPattern, Worker,
    };
    use rounds::horizon::horizon_input;
    use rounds::rules::RulesTable;
    use std::collections::BTreeMap;

    fn t(h: u32) -> TimeOfDay {
        TimeOfDay::hm(h, 0).unwrap()
    }

    fn staff(id: &str, role: StaffRole) -> Worker {
        let day = TimeSpan::new(t(9), t(17));
        Worker {
            id: id.into(),
            name: id.into(),
            role,
            pod: "P1".into(),
            base_hub: "H1".into(),
            home: None,
            pattern: WeeklyPattern([day, day, day, day, day, None, None]),
            can_drive: true,
            own_car: false,
            skills: BTreeSet::new(),
        }
    }

    fn cp_child(id: &str, last_seen: NaiveDate, out_of_area: bool) -> Child {
        let (location, locality) = if out_of_area {
            (Location::new(51.50, -0.12).unwrap(), None)
        } else {
            (Location::new(51.385, 0.52).unwrap(), Some("A".into()))
        };
        Child {
            id: id.into(),
            name: id.into(),
            home: VisitPlace { location, address: "x".into(), windows: vec![] },
            alternative: None,
            locality,
            pod: "P1".into(),
            allocated: "W1".into(),
            plan: PlanType::ChildProtection,
            plan_start: NaiveDate::from_ymd_opt(2026, 1, 5).unwrap(),
            placement_start: None,
            placement_until_18: false,
            last_seen: Some(last_seen),
            visit_minutes: 60,
            joint: false,
            skill: None,
        }
    }

    fn dataset() -> Dataset {
        let d = |m, day| NaiveDate::from_ymd_opt(2026, m, day).unwrap();
        let at = |day: NaiveDate, h| -> NaiveDateTime { day.and_hms_opt(h, 0, 0).unwrap() };
        Dataset {
            hubs: vec![Hub {
                id: "H1".into(),
                name: "Gun Wharf".into(),
                location: Location::new(51.384, 0.524).unwrap(),
                locality: Some("A".into()),
                chargers: 2,
            }],
            pods: vec![Pod {
                id: "P1".into(),
                name: "Pod 1".into(),
                locality: "A".into(),
                hub: "H1".into(),
            }],
            workers: vec![
                staff("W1", StaffRole::SocialWorker),
                staff("W2", StaffRole::SocialWorker),
                staff("S1", StaffRole::SupportOfficer),
            ],
            absences: vec![
                // W1 on leave all Tuesday, W2 in court Monday 09:00-13:00.
                Absence {
                    worker: "W1".into(),
                    date: d(11, 24),
                    kind: AbsenceKind::Leave,
                    span: None,
                },
                Absence {
                    worker: "W2".into(),
                    date: d(11, 23),
                    kind: AbsenceKind::Court,
                    span: TimeSpan::new(t(9), t(13)),
                },
            ],
            children: vec![
                // Seen Mon 9 Nov: due Mon 23 Nov. Seen Tue 17 Nov: due Tue 1 Dec, outside a
                // three-day horizon. Out of area, seen Wed 11 Nov: due Wed 25 Nov.
                cp_child("C1", d(11, 9), false),
                cp_child("C2", d(11, 17), false),
                cp_child("C3", d(11, 11), true),
            ],
            cars: vec![Car {
                id: "AB12 CDE".into(),
                model: "BMW i3".into(),
                hub: "H1".into(),
                usable_kwh: 38.0,
                kwh_per_km: 0.16,
                reserve_kwh: 5.0,
                charger_kw: 7.0,
                charge_kwh: 30.0,
                unavailable: vec![Outage { from: at(d(11, 24), 6), until: at(d(11, 24), 10) }],
            }],
            ..Dataset::default()
        }
    }

    #[test]
    fn builds_free_minutes_car_minutes_and_due_visits() {
        let options = HorizonOptions { working_days: 3, visit_share: 0.5, ..Default::default() };
        let from = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
        let input =
            horizon_input(&dataset(), &RulesTable::england(), from, &BTreeMap::new(), &options);
        assert_eq!(input.days, days(3));
        let free: Vec<_> =
            input.workers.iter().map(|w| (w.id.to_string(), w.free_minutes.clone())).collect();
        // Half of 8 hours is 240; W1 off Tuesday; W2 loses 4 hours of Monday to court.
        assert_eq!(free, [("W1".into(), vec![240, 0, 240]), ("W2".into(), vec![120, 240, 240])]);
        // 08:00-19:00 is 660 minutes; the car is in the garage until 10:00 on Tuesday.
        assert_eq!(input.hubs[0].car_minutes, [660, 540, 660]);
        let visits: Vec<_> =
            input.visits.iter().map(|v| (v.child.to_string(), v.deadline)).collect();
        assert_eq!(visits, [("C1".into(), days(3)[0]), ("C3".into(), days(3)[2])]);
        // An in-area visit adds the expected 30 minutes' travel; London adds a return drive.
        assert_eq!(input.visits[0].minutes, 90);
        assert!(input.visits[1].minutes > 90 + 60, "{}", input.visits[1].minutes);

        let plan = plan(&input);
        assert_eq!(plan.assignments.len(), 2);
        assert!(plan.flags.is_empty(), "{:#?}", plan.flags);
    }
}

/// A Medway-sized fortnight: 25 pods of a manager and four social workers, four hubs of six
/// cars, about 1,000 visits with deadlines spread over the horizon. Capacity is ample, so
/// every visit must be placed on time within each worker's free minutes.
#[test]
fn can_plan_a_medway_sized_fortnight_on_time() {
    let n_days = 10;
    let mut seed: u64 = 7;
    let mut next = move |n: u64| {
        seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        (seed >> 33) % n
    };
    let mut workers = Vec::new();
    let mut visits = Vec::new();
    for pod in 0..25 {
        let hub = format!("H{}", pod % 4);
        for member in 0..5 {
            let mut w = worker(&format!("W{pod:02}{member}"), &[270; 10]);
            w.pod = format!("P{pod:02}").as_str().into();
            w.hub = hub.as_str().into();
            w.pool_car = true;
            w.own_car = member % 2 == 0;
            if next(10) == 0 {
                w.free_minutes[next(10) as usize] = 0; // a day of leave
            }
            workers.push(w);
        }
        for child in 0..40 {
            let allocated = format!("W{pod:02}{}", child % 5);
            let mut v = visit(&format!("C{pod:02}{child:02}"), &allocated, 0, 0);
            v.pod = format!("P{pod:02}").as_str().into();
            v.deadline = days(n_days)[next(n_days as u64) as usize];
            v.minutes = 60 + 15 * next(5) as u32;
            v.car_minutes = v.minutes;
            v.joint = next(40) == 0;
            visits.push(v);
        }
    }
    let hubs = (0..4)
        .map(|h| HorizonHub {
            id: format!("H{h}").as_str().into(),
            car_minutes: vec![6 * 660; n_days],
        })
        .collect();
    let input = HorizonInput { days: days(n_days), workers, hubs, visits };
    let options = HorizonOptions::default();
    let plan = plan_horizon(&input, &options);
    assert_ne!(plan.status, HorizonStatus::Greedy);
    assert!(plan.flags.is_empty(), "{:#?}", &plan.flags[..plan.flags.len().min(3)]);
    assert_eq!(plan.assignments.len(), input.visits.len());
    for w in &input.workers {
        for (d, day) in input.days.iter().enumerate() {
            let load: u32 = plan
                .on(*day)
                .filter(|a| a.workers.contains(&w.id))
                .map(|a| input.visits.iter().find(|v| v.id == a.visit).unwrap().minutes)
                .sum();
            assert!(load <= w.free_minutes[d], "{} on {day}: {load}", w.id);
        }
    }
}

#[test]
fn can_hand_an_overdue_visit_to_a_colleague_on_the_first_day() {
    let mut v = visit("A", "W1", 0, 60);
    v.deadline = days(1)[0].pred_opt().unwrap(); // Sunday 22 Nov, the day before
    let plan = plan(&input(2, vec![worker("W1", &[0, 60]), worker("W2", &[60, 60])], vec![v]));
    assert_eq!(placed(&plan), [("A".into(), 0, vec!["W2".into()])]);
    assert_eq!(plan.flags.len(), 1);
    assert_eq!((plan.flags[0].code, plan.flags[0].days_ahead), ("OVERDUE", -1));
}

#[test]
fn leaves_out_a_visit_pinned_outside_the_horizon() {
    let mut v = visit("A", "W1", 1, 60);
    v.pin = Some(HorizonPin { day: days(10)[5], worker: None });
    let plan = plan(&input(2, vec![worker("W1", &[60, 60])], vec![v]));
    assert!(plan.assignments.is_empty() && plan.flags.is_empty(), "{plan:#?}");
}

#[test]
fn flags_a_visit_left_out_because_the_pool_cars_are_booked() {
    let mut w1 = worker("W1", &[180, 180]);
    w1.pool_car = true;
    let visits = vec![visit("A", "W1", 1, 60), visit("B", "W1", 1, 60), visit("C", "W1", 1, 60)];
    let mut input = input(2, vec![w1], visits);
    input.hubs[0].car_minutes = vec![60, 60];
    let plan = plan(&input);
    assert_eq!(plan.assignments.len(), 2);
    assert_eq!(plan.flags.len(), 1);
    assert_eq!((plan.flags[0].code, plan.flags[0].planned), ("NO_CAR", None));
    assert!(plan.flags[0].reason.contains("pool cars at H1"), "{}", plan.flags[0].reason);
}
