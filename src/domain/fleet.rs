//! The council's pool of electric cars.

use super::ids::{CarId, HubId};
use chrono::NaiveDateTime;

/// A pool car, based and charged at one hub.
#[derive(Clone, Debug)]
pub struct Car {
    /// Registration plate, the id fleet managers use.
    pub id: CarId,
    /// Make and model, e.g. "BMW i3".
    pub model: String,
    /// Where it is parked, booked from and returned to.
    pub hub: HubId,
    /// Usable battery capacity in kWh.
    pub usable_kwh: f64,
    /// Energy use in kWh per km.
    pub kwh_per_km: f64,
    /// Charge that must always remain, in kWh (the floor).
    pub reserve_kwh: f64,
    /// Power of the charger it uses at the hub, in kW.
    pub charger_kw: f64,
    /// Charge at the start of the planning day, in kWh.
    pub charge_kwh: f64,
    /// Periods when it cannot be booked (servicing, repairs).
    pub unavailable: Vec<Outage>,
}

/// A period when a car is out of service.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Outage {
    /// From (inclusive).
    pub from: NaiveDateTime,
    /// Until (exclusive).
    pub until: NaiveDateTime,
}
