//! Children on a plan, and what a visit to them needs.

use super::ids::{ChildId, LocalityId, PodId, Skill, WorkerId};
use super::places::Location;
use super::time::TimeSpan;
use chrono::NaiveDate;

/// The kind of plan a child is on, which decides how often they must be seen.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum PlanType {
    /// Child in care (looked after), in an ordinary placement.
    ChildInCare,
    /// Child in care placed with a parent before assessment.
    CareWithParent,
    /// Child in care with a temporarily approved connected person.
    CareWithConnectedPerson,
    /// Child protection plan.
    ChildProtection,
    /// Child in need plan.
    ChildInNeed,
    /// Privately fostered child.
    PrivateFostering,
    /// Care leaver aged 16-17 (relevant child).
    CareLeaverRelevant,
    /// Care leaver aged 18-25 (former relevant child).
    CareLeaverFormer,
}

impl PlanType {
    /// Every plan type, in the order reports list them.
    pub const ALL: [PlanType; 8] = [
        PlanType::ChildInCare,
        PlanType::CareWithParent,
        PlanType::CareWithConnectedPerson,
        PlanType::ChildProtection,
        PlanType::ChildInNeed,
        PlanType::PrivateFostering,
        PlanType::CareLeaverRelevant,
        PlanType::CareLeaverFormer,
    ];

    /// The code used in files, rules and reports.
    pub fn code(self) -> &'static str {
        match self {
            PlanType::ChildInCare => "CIC",
            PlanType::CareWithParent => "CIC_PARENT",
            PlanType::CareWithConnectedPerson => "CIC_CONNECTED",
            PlanType::ChildProtection => "CP",
            PlanType::ChildInNeed => "CIN",
            PlanType::PrivateFostering => "PF",
            PlanType::CareLeaverRelevant => "CL_RELEVANT",
            PlanType::CareLeaverFormer => "CL_FORMER",
        }
    }

    /// The plan type for a code, as [`PlanType::code`] writes it.
    pub fn from_code(code: &str) -> Option<PlanType> {
        PlanType::ALL.into_iter().find(|plan| plan.code() == code)
    }

    /// Whether the child is looked after (placement rules apply).
    pub fn in_care(self) -> bool {
        matches!(
            self,
            PlanType::ChildInCare | PlanType::CareWithParent | PlanType::CareWithConnectedPerson
        )
    }
}

/// A place where a visit can happen, and when.
#[derive(Clone, Debug, PartialEq)]
pub struct VisitPlace {
    /// Where.
    pub location: Location,
    /// The address, the most sensitive field Rounds holds.
    pub address: String,
    /// When a visit there may take place (it starts and ends inside one of them).
    pub windows: Vec<TimeSpan>,
}

/// A child on a plan.
#[derive(Clone, Debug)]
pub struct Child {
    /// Pseudonymous case reference.
    pub id: ChildId,
    /// Display name, shown only to those allowed to see it.
    pub name: String,
    /// Home (or placement): where visits usually happen, and when the family can be seen.
    pub home: VisitPlace,
    /// Another place the child may be seen, e.g. school during school hours.
    pub alternative: Option<VisitPlace>,
    /// The locality the home falls in; `None` for a placement out of area.
    pub locality: Option<LocalityId>,
    /// The pod that holds the case.
    pub pod: PodId,
    /// The allocated social worker, first choice for every visit.
    pub allocated: WorkerId,
    /// The plan the child is on.
    pub plan: PlanType,
    /// When the plan (or becoming looked after) started.
    pub plan_start: NaiveDate,
    /// When the current placement started, for children in care.
    pub placement_start: Option<NaiveDate>,
    /// Whether the placement is meant to last until the child is 18 (longer interval after a year).
    pub placement_until_18: bool,
    /// The last visit that saw the child; `None` if never seen on this plan.
    pub last_seen: Option<NaiveDate>,
    /// How long a visit takes, in minutes.
    pub visit_minutes: u16,
    /// Whether two workers must go together.
    pub joint: bool,
    /// A skill the visiting worker must hold.
    pub skill: Option<Skill>,
}

impl Child {
    /// The places a visit can happen, home first.
    pub fn places(&self) -> impl Iterator<Item = &VisitPlace> {
        std::iter::once(&self.home).chain(self.alternative.as_ref())
    }
}
