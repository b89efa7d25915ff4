//! The vocabulary of Rounds as plain values: no I/O, no clock, no serialisation.
//!
//! Everything else speaks these words: a *child* on a *plan* is *visited* by a *worker* of a
//! *pod* in a *locality*, on a *trip* from a *hub*, maybe in a pool *car*; a day's trips for all
//! workers make a *rota*.

pub mod calendar;
pub mod child;
pub mod dataset;
pub mod fleet;
pub mod ids;
pub mod people;
pub mod places;
pub mod plan;
pub mod time;

pub use calendar::WorkingCalendar;
pub use child::{Child, PlanType, VisitPlace};
pub use dataset::Dataset;
pub use fleet::{Car, Outage};
pub use ids::{CarId, ChildId, HubId, LocalityId, PodId, Skill, VisitId, WorkerId};
pub use people::{Absence, AbsenceKind, Pod, StaffRole, WeeklyPattern, Worker};
pub use places::{locality_of, Hub, Locality, Location, TownZone};
pub use plan::{
    BoundKind, Candidate, Endpoint, Rota, Search, SolveReport, Stop, Transport, Trip, Unscheduled,
    WorkerDay,
};
pub use time::{TimeOfDay, TimeSpan, MINUTE};
