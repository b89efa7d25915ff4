//! Which due visit goes on which working day across a rolling horizon (default 10 working
//! days), before the day optimiser decides who goes when and in which car.
//!
//! [`plan_horizon`] solves a mixed-integer program on HiGHS (through good_lp):
//! - **variables**: `x[visit, day, worker]` = 1 when the worker makes the visit that day, for
//!   each worker who may make it (the allocated worker and pod colleagues holding the skill)
//!   and each horizon day with room for it; `miss[visit]` = 1 when the visit gets no day;
//!   `y[visit, day]` for joint visits (two workers, same day).
//! - **constraints**: each visit made once or missed; each worker's load per day (visit plus
//!   expected travel, in minutes) within their free minutes (contracted hours minus absences,
//!   times the share of a day that visits may take); each hub's pool-car minutes per day, where
//!   visits by workers who may use their own car can overflow to it at a cost (grey fleet);
//!   pinned visits fixed to the day (and worker) an officer chose.
//! - **objective**: a missed visit ([`HorizonWeights::missed`]) outweighs any late day
//!   ([`HorizonWeights::late_day`] per working day after the deadline), which outweighs
//!   continuity ([`HorizonWeights::pod_colleague`] per visit not made by the allocated worker),
//!   then smooth load ([`HorizonWeights::over_share_minute`] per minute a worker's day is
//!   above their share of their own horizon load, in proportion to their free minutes that
//!   day, plus [`HorizonOptions::smoothing_slack_minutes`]), grey-fleet minutes, and a small
//!   preference for earlier days (room to retry after a family is not in).
//!
//! Every visit that cannot meet its deadline is returned as a [`Flag`] with a reason code and
//! sentence on the first day of the horizon, so a manager hears of it days ahead.
//!
//! The input is split into independent parts (pods linked by a shared hub or an allocated
//! worker in another pod), each solved alone: no constraint crosses parts, so the optimum is
//! the same and the models are a quarter the size. Each model starts from an
//! earliest-deadline-first greedy plan (the answer, too, if HiGHS fails). HiGHS presolve is
//! off: on a Medway fortnight its probing took longer than the whole time budget.
//!
//! Pure: no clock (HiGHS's own time limit bounds the solve) and no I/O. One HiGHS thread, so
//! a plan proved optimal (within `mip_gap`) is the same on every run; a plan stopped by the
//! time limit ([`HorizonStatus::TimeLimit`]) is the best found by then, which on a slower or
//! busier machine may be a different one. The smoothing term's LP relaxation is weak (a
//! fractional visit can be spread over days), so large cases usually stop at the limit with
//! a proven gap rather than proved optimal.

mod build;
mod explain;
mod model;
mod split;

pub use build::horizon_input;

use crate::domain::{ChildId, HubId, PodId, Skill, TimeSpan, VisitId, WorkerId};
use chrono::NaiveDate;
use std::collections::BTreeSet;

/// The horizon's input: days, workers' free minutes, hubs' car minutes and the due visits.
#[derive(Clone, Debug, PartialEq)]
pub struct HorizonInput {
    /// The working days of the horizon, in order.
    pub days: Vec<NaiveDate>,
    /// Workers who make visits.
    pub workers: Vec<HorizonWorker>,
    /// Hubs and their pool-car minutes.
    pub hubs: Vec<HorizonHub>,
    /// Visits due within the horizon (or already overdue).
    pub visits: Vec<HorizonVisit>,
}

/// A worker as the horizon sees them.
#[derive(Clone, Debug, PartialEq)]
pub struct HorizonWorker {
    /// Who.
    pub id: WorkerId,
    /// Their pod.
    pub pod: PodId,
    /// The hub whose pool cars they use.
    pub hub: HubId,
    /// Minutes free for visits and travel on each horizon day (same order as `days`).
    pub free_minutes: Vec<u32>,
    /// Whether they drive pool cars (and so use the hub's car minutes).
    pub pool_car: bool,
    /// Whether they may fall back to their own car when the pool is full.
    pub own_car: bool,
    /// Skills held.
    pub skills: BTreeSet<Skill>,
}

/// A hub's pool-car minutes per horizon day.
#[derive(Clone, Debug, PartialEq)]
pub struct HorizonHub {
    /// Which hub.
    pub id: HubId,
    /// Car minutes available on each horizon day (all its cars, minus outages).
    pub car_minutes: Vec<u32>,
}

/// An officer's decision that the horizon keeps.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HorizonPin {
    /// The day the visit is fixed to.
    pub day: NaiveDate,
    /// The worker fixed to make it, if the officer chose one.
    pub worker: Option<WorkerId>,
}

/// A visit to give a day.
#[derive(Clone, Debug, PartialEq)]
pub struct HorizonVisit {
    /// The visit.
    pub id: VisitId,
    /// The child.
    pub child: ChildId,
    /// The pod holding the case.
    pub pod: PodId,
    /// The allocated worker.
    pub allocated: WorkerId,
    /// The latest date of the visit.
    pub deadline: NaiveDate,
    /// Minutes of a worker's day it takes: the visit plus expected travel.
    pub minutes: u32,
    /// Minutes a pool car is out for it.
    pub car_minutes: u32,
    /// Whether two workers must go.
    pub joint: bool,
    /// A skill the workers must hold.
    pub skill: Option<Skill>,
    /// An officer's pin; a pin outside the horizon leaves the visit out of this plan.
    pub pin: Option<HorizonPin>,
}

/// The objective's weights.
#[derive(Clone, Debug, PartialEq)]
pub struct HorizonWeights {
    /// A visit given no day in the horizon.
    pub missed: f64,
    /// Each working day a visit is made after its deadline.
    pub late_day: f64,
    /// A visit made by a pod colleague rather than the allocated worker (per colleague).
    pub pod_colleague: f64,
    /// Each minute a worker's day is loaded above their share of their horizon load.
    pub over_share_minute: f64,
    /// Each pool-car minute covered by an own car instead.
    pub grey_minute: f64,
    /// Each horizon day a visit waits (day index: 0 on the first day).
    pub day: f64,
}

impl Default for HorizonWeights {
    fn default() -> Self {
        HorizonWeights {
            missed: 10_000.0,
            late_day: 1_000.0,
            pod_colleague: 30.0,
            over_share_minute: 0.2,
            grey_minute: 0.5,
            day: 0.5,
        }
    }
}

/// How to build and solve the horizon.
#[derive(Clone, Debug, PartialEq)]
pub struct HorizonOptions {
    /// Working days in the horizon.
    pub working_days: usize,
    /// HiGHS time limit, in seconds, shared among the independent parts; the best plan found
    /// by then is returned.
    pub time_limit_seconds: f64,
    /// HiGHS stops once the plan is proved within this relative gap of the optimum.
    pub mip_gap: f32,
    /// Expected travel per visit inside the council, in minutes.
    pub travel_minutes: u32,
    /// Share of a worker's free hours that visits and travel may take (the rest is recording,
    /// supervision and admin). *(est.)*
    pub visit_share: f64,
    /// Minutes a worker's day may exceed their share of their horizon load before smoothing
    /// charges: visits are indivisible, so one visit's worth of unevenness is not a fault (and
    /// charging it would only add a constant that weakens HiGHS's bound).
    pub smoothing_slack_minutes: u32,
    /// The part of a day pool cars can be booked, for car minutes.
    pub car_day: TimeSpan,
    /// The objective's weights.
    pub weights: HorizonWeights,
}

impl Default for HorizonOptions {
    fn default() -> Self {
        HorizonOptions {
            working_days: 10,
            time_limit_seconds: 3.0,
            mip_gap: 0.01,
            travel_minutes: 30,
            visit_share: 0.6,
            smoothing_slack_minutes: 60,
            car_day: TimeSpan {
                start: crate::domain::TimeOfDay(8 * 3600),
                end: crate::domain::TimeOfDay(19 * 3600),
            },
            weights: HorizonWeights::default(),
        }
    }
}

/// One visit given a day.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Assignment {
    /// The visit.
    pub visit: VisitId,
    /// The child.
    pub child: ChildId,
    /// The day it is planned for.
    pub day: NaiveDate,
    /// Who makes it (two for a joint visit), sorted.
    pub workers: Vec<WorkerId>,
    /// Its deadline.
    pub deadline: NaiveDate,
    /// Whether an officer pinned it.
    pub pinned: bool,
}

/// A visit that will not meet its deadline, raised on the first day of the horizon.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Flag {
    /// The visit.
    pub visit: VisitId,
    /// The child.
    pub child: ChildId,
    /// Its deadline.
    pub deadline: NaiveDate,
    /// The day it is planned for (late), or `None` when no day in the horizon was found.
    pub planned: Option<NaiveDate>,
    /// Calendar days from the horizon's first day to the deadline (negative: already overdue).
    pub days_ahead: i64,
    /// A stable code: `OVERDUE`, `NO_STAFF`, `VISIT_TOO_LONG`, `POD_FULL`, `NO_CAR`, `CAPACITY`.
    pub code: &'static str,
    /// The reason, in words a manager can act on.
    pub reason: String,
}

/// How the solve ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HorizonStatus {
    /// HiGHS proved the plan optimal (within `mip_gap`).
    Optimal,
    /// The time limit stopped HiGHS; the plan is the best found.
    TimeLimit,
    /// HiGHS failed; the plan is the earliest-deadline-first greedy one.
    Greedy,
}

/// The horizon plan.
#[derive(Clone, Debug, PartialEq)]
pub struct HorizonPlan {
    /// The horizon's days.
    pub days: Vec<NaiveDate>,
    /// Visits given a day, by day then visit id.
    pub assignments: Vec<Assignment>,
    /// Visits that will not meet their deadline, by deadline then visit id.
    pub flags: Vec<Flag>,
    /// The objective value of the plan.
    pub objective: f64,
    /// How the solve ended.
    pub status: HorizonStatus,
}

impl HorizonPlan {
    /// The visits planned for `day`.
    pub fn on(&self, day: NaiveDate) -> impl Iterator<Item = &Assignment> {
        self.assignments.iter().filter(move |a| a.day == day)
    }
}

/// Gives every due visit a day on or before its deadline where it can, and flags the rest.
///
/// The input is first split into independent parts (pods linked by shared hubs), each solved
/// alone with a share of the time limit in proportion to its visits.
pub fn plan_horizon(input: &HorizonInput, options: &HorizonOptions) -> HorizonPlan {
    let parts = split::parts(input);
    let n_visits: usize = parts.iter().map(|p| p.visits.len()).sum();
    let mut chosen: model::Chosen = vec![None; input.visits.len()];
    let mut objective = 0.0;
    let mut status = HorizonStatus::Optimal;
    for part in &parts {
        let share = part.visits.len() as f64 / n_visits.max(1) as f64;
        let part_options = HorizonOptions {
            time_limit_seconds: options.time_limit_seconds * share,
            ..options.clone()
        };
        let (part_chosen, part_objective, part_status) =
            model::solve(&part.input(input), &part_options);
        part.merge(part_chosen, &mut chosen);
        objective += part_objective;
        status = match (status, part_status) {
            (HorizonStatus::Greedy, _) | (_, HorizonStatus::Greedy) => HorizonStatus::Greedy,
            (HorizonStatus::TimeLimit, _) | (_, HorizonStatus::TimeLimit) => {
                HorizonStatus::TimeLimit
            }
            _ => HorizonStatus::Optimal,
        };
    }
    explain::finish(input, chosen, objective, status)
}
