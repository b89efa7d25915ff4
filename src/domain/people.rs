//! Staff and teams: pods, workers, their working patterns and absences.

use super::ids::{HubId, LocalityId, PodId, Skill, WorkerId};
use super::places::Location;
use super::time::TimeSpan;
use chrono::{Datelike, NaiveDate};
use std::collections::BTreeSet;

/// A small area-based team: a practice manager, social workers and a support officer.
#[derive(Clone, Debug)]
pub struct Pod {
    /// Short id, e.g. `P01`.
    pub id: PodId,
    /// The team's name.
    pub name: String,
    /// The locality the pod serves.
    pub locality: LocalityId,
    /// The hub the pod works from.
    pub hub: HubId,
}

/// What a member of staff does, which decides what visits they can make and what they may see.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum StaffRole {
    /// Manages a pod; qualified, can make visits.
    PracticeManager,
    /// Makes statutory visits.
    SocialWorker,
    /// Runs the pod's rota; makes no statutory visits.
    SupportOfficer,
}

impl StaffRole {
    /// Whether this role makes statutory visits.
    pub fn visits(self) -> bool {
        !matches!(self, StaffRole::SupportOfficer)
    }

    /// The code used in files and URLs.
    pub fn code(self) -> &'static str {
        match self {
            StaffRole::PracticeManager => "practice_manager",
            StaffRole::SocialWorker => "social_worker",
            StaffRole::SupportOfficer => "support_officer",
        }
    }

    /// The role for a code, as [`StaffRole::code`] writes it.
    pub fn from_code(code: &str) -> Option<StaffRole> {
        [StaffRole::PracticeManager, StaffRole::SocialWorker, StaffRole::SupportOfficer]
            .into_iter()
            .find(|role| role.code() == code)
    }
}

/// Contracted hours for each weekday, Monday first; `None` is a day off (part-time patterns).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WeeklyPattern(pub [Option<TimeSpan>; 7]);

impl WeeklyPattern {
    /// The hours contracted on `date`'s weekday.
    pub fn on(&self, date: NaiveDate) -> Option<TimeSpan> {
        self.0[date.weekday().num_days_from_monday() as usize]
    }

    /// Contracted seconds in a week.
    pub fn weekly_seconds(&self) -> u32 {
        self.0.iter().flatten().map(|span| span.seconds()).sum()
    }
}

/// A member of staff.
#[derive(Clone, Debug)]
pub struct Worker {
    /// Staff id.
    pub id: WorkerId,
    /// Display name.
    pub name: String,
    /// What they do.
    pub role: StaffRole,
    /// Their team.
    pub pod: PodId,
    /// The hub they start from and where they collect pool cars.
    pub base_hub: HubId,
    /// Home, when they may start or end the day there.
    pub home: Option<Location>,
    /// Contracted hours.
    pub pattern: WeeklyPattern,
    /// Whether they hold a licence and may drive a pool car.
    pub can_drive: bool,
    /// Whether they may use their own car (paid mileage: the grey fleet).
    pub own_car: bool,
    /// Skills they hold (languages, qualifications).
    pub skills: BTreeSet<Skill>,
}

/// Why a worker is away.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum AbsenceKind {
    /// Annual leave.
    Leave,
    /// Off sick.
    Sickness,
    /// On a course.
    Training,
    /// At a court hearing (the family court sits at Gun Wharf).
    Court,
    /// On the duty rota, taking no visits.
    Duty,
}

impl AbsenceKind {
    /// The code used in files.
    pub fn code(self) -> &'static str {
        match self {
            AbsenceKind::Leave => "leave",
            AbsenceKind::Sickness => "sickness",
            AbsenceKind::Training => "training",
            AbsenceKind::Court => "court",
            AbsenceKind::Duty => "duty",
        }
    }

    /// The kind for a code, as [`AbsenceKind::code`] writes it.
    pub fn from_code(code: &str) -> Option<AbsenceKind> {
        use AbsenceKind::*;
        [Leave, Sickness, Training, Court, Duty].into_iter().find(|kind| kind.code() == code)
    }
}

/// A worker away for a whole day or a block of it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Absence {
    /// Who is away.
    pub worker: WorkerId,
    /// Which day.
    pub date: NaiveDate,
    /// Why.
    pub kind: AbsenceKind,
    /// The block of the day; `None` for the whole day.
    pub span: Option<TimeSpan>,
}

impl Absence {
    /// The part of the day the absence takes.
    pub fn blocked(&self) -> TimeSpan {
        self.span.unwrap_or_else(TimeSpan::whole_day)
    }
}
