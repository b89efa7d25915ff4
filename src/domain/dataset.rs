//! Everything a council imports: the whole state Rounds plans from.

use super::calendar::WorkingCalendar;
use super::child::Child;
use super::fleet::Car;
use super::ids::{ChildId, HubId, PodId, WorkerId};
use super::people::{Absence, Pod, Worker};
use super::places::{Hub, Locality, TownZone};

/// The imported data: localities, hubs, pods, workers, absences, children and cars.
///
/// Built by the CSV importer or the fixture generator after validation, so the references
/// between entities (a child's pod, a worker's hub) are known to resolve.
#[derive(Clone, Debug, Default)]
pub struct Dataset {
    /// The council's areas.
    pub localities: Vec<Locality>,
    /// Offices and car bases.
    pub hubs: Vec<Hub>,
    /// Teams.
    pub pods: Vec<Pod>,
    /// Staff.
    pub workers: Vec<Worker>,
    /// Leave, sickness, training, court and duty.
    pub absences: Vec<Absence>,
    /// Children on a plan.
    pub children: Vec<Child>,
    /// Pool cars.
    pub cars: Vec<Car>,
    /// Built-up areas, where the travel model drives at town speed.
    pub towns: Vec<TownZone>,
    /// Working days (bank holidays built in plus the council's own).
    pub calendar: WorkingCalendar,
}

impl Dataset {
    /// The worker with this id.
    pub fn worker(&self, id: &WorkerId) -> Option<&Worker> {
        self.workers.iter().find(|w| &w.id == id)
    }

    /// The child with this id.
    pub fn child(&self, id: &ChildId) -> Option<&Child> {
        self.children.iter().find(|c| &c.id == id)
    }

    /// The pod with this id.
    pub fn pod(&self, id: &PodId) -> Option<&Pod> {
        self.pods.iter().find(|p| &p.id == id)
    }

    /// The hub with this id.
    pub fn hub(&self, id: &HubId) -> Option<&Hub> {
        self.hubs.iter().find(|h| &h.id == id)
    }
}
