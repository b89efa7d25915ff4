//! Travel times and distances: the only place that knows how fast anyone drives or walks.
//!
//! The default model runs offline on a fresh machine: great-circle distance (`geo`'s haversine)
//! times a road-circuity factor, over a speed that depends on whether the trip is in town, rural,
//! or long enough to use trunk roads, plus a fixed allowance to park. A council can override any
//! pair with its own travel-time matrix ([`TravelMatrix::with_overrides`]).

use crate::domain::{Location, TownZone};
use geo::{Distance, Haversine};
use std::collections::BTreeMap;

/// One journey between two points.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Leg {
    /// Road distance in km.
    pub km: f64,
    /// Travel time in whole seconds (rounded up), parking included.
    pub seconds: u32,
}

/// The parameters of the default travel model.
#[derive(Clone, Debug, PartialEq)]
pub struct TravelModel {
    /// Road distance over great-circle distance.
    pub circuity: f64,
    /// Average speed in town, km/h.
    pub town_kmh: f64,
    /// Average speed outside towns, km/h.
    pub rural_kmh: f64,
    /// Average speed on trunk roads, for the part of a long journey past `trunk_after_km`.
    pub trunk_kmh: f64,
    /// Road km after which a journey is on trunk roads.
    pub trunk_after_km: f64,
    /// Seconds to park at the end of a drive.
    pub park_seconds: u32,
    /// Walking speed, km/h.
    pub walk_kmh: f64,
    /// The built-up areas.
    pub towns: Vec<TownZone>,
}

impl TravelModel {
    /// The default parameters over these towns: 1.3 circuity, 22 km/h in town (Medway's 10-25
    /// minute urban trips of 3-10 km), 45 km/h rural, 70 km/h on trunk roads past 15 km, 3 minutes
    /// to park, walking at 4.5 km/h.
    pub fn with_towns(towns: Vec<TownZone>) -> TravelModel {
        TravelModel {
            circuity: 1.3,
            town_kmh: 22.0,
            rural_kmh: 45.0,
            trunk_kmh: 70.0,
            trunk_after_km: 15.0,
            park_seconds: 180,
            walk_kmh: 4.5,
            towns,
        }
    }

    /// Whether a location is in a built-up area.
    pub fn in_town(&self, location: Location) -> bool {
        self.towns.iter().any(|town| great_circle_km(town.centre, location) <= town.radius_km)
    }

    /// Road km between two points.
    pub fn road_km(&self, from: Location, to: Location) -> f64 {
        great_circle_km(from, to) * self.circuity
    }

    /// The drive from `from` to `to`. The first `trunk_after_km` go at town speed when both
    /// ends are in town and rural speed otherwise; the rest at trunk speed.
    pub fn drive(&self, from: Location, to: Location) -> Leg {
        self.drive_leg(self.road_km(from, to), self.in_town(from) && self.in_town(to))
    }

    /// A drive of `km` road km, in town at both ends or not.
    fn drive_leg(&self, km: f64, in_town: bool) -> Leg {
        if km == 0.0 {
            return Leg { km, seconds: 0 };
        }
        let local_kmh = if in_town { self.town_kmh } else { self.rural_kmh };
        let local_km = km.min(self.trunk_after_km);
        let trunk_km = km - local_km;
        let hours = local_km / local_kmh + trunk_km / self.trunk_kmh;
        Leg { km, seconds: whole_seconds(hours * 3600.0) + self.park_seconds }
    }

    /// The walk from `from` to `to`.
    pub fn walk(&self, from: Location, to: Location) -> Leg {
        self.walk_leg(self.road_km(from, to))
    }

    /// A walk of `km` road km.
    fn walk_leg(&self, km: f64) -> Leg {
        Leg { km, seconds: whole_seconds(km / self.walk_kmh * 3600.0) }
    }
}

fn great_circle_km(a: Location, b: Location) -> f64 {
    Haversine.distance(a.point(), b.point()) / 1000.0
}

fn whole_seconds(seconds: f64) -> u32 {
    seconds.ceil().clamp(0.0, f64::from(u32::MAX)) as u32
}

/// A named point the matrix knows: a hub, a worker's home, a child's home or school.
#[derive(Clone, Debug, PartialEq)]
pub struct NamedPoint {
    /// A stable key (`hub:GUN`, `child:C0001`, `child:C0001:alt`, `home:W001`).
    pub key: String,
    /// Where it is.
    pub location: Location,
}

/// Drive and walk legs between every pair of a set of points, computed once for a day.
#[derive(Clone, Debug)]
pub struct TravelMatrix {
    points: Vec<NamedPoint>,
    drive: Vec<Leg>,
    walk: Vec<Leg>,
}

impl TravelMatrix {
    /// The matrix of `model` over `points`.
    /// Each point's town and each pair's distance are worked out once: asking the model for
    /// every leg took 8.5 s for a council ten times Medway's (3,000 points, each leg testing both
    /// ends against every town twice).
    pub fn build(model: &TravelModel, points: Vec<NamedPoint>) -> TravelMatrix {
        let n = points.len();
        let in_town: Vec<bool> = points.iter().map(|p| model.in_town(p.location)).collect();
        let still = Leg { km: 0.0, seconds: 0 };
        let mut drive = vec![still; n * n];
        let mut walk = vec![still; n * n];
        // Each pair once: the great circle and both legs are the same either way (building ten
        // times Medway's day, criterion: 363 ms computing every ordered pair, 250 ms each once).
        for (a, from) in points.iter().enumerate() {
            for (b, to) in points.iter().enumerate().skip(a) {
                let km = model.road_km(from.location, to.location);
                let (there, back) = (a * n + b, b * n + a);
                drive[there] = model.drive_leg(km, in_town[a] && in_town[b]);
                walk[there] = model.walk_leg(km);
                drive[back] = drive[there];
                walk[back] = walk[there];
            }
        }
        TravelMatrix { points, drive, walk }
    }

    /// A matrix from explicit legs, row-major (`from * n + to`): for hand-built test days and
    /// for benchmarks whose distances are not geographic (Solomon). `None` unless both `drive`
    /// and `walk` hold exactly `n * n` legs for `n` points.
    pub fn from_legs(
        points: Vec<NamedPoint>,
        drive: Vec<Leg>,
        walk: Vec<Leg>,
    ) -> Option<TravelMatrix> {
        let n = points.len();
        (drive.len() == n * n && walk.len() == n * n).then_some(TravelMatrix {
            points,
            drive,
            walk,
        })
    }

    /// Replaces the driving legs named in `overrides` (by point keys), as a council's own matrix
    /// says. Pairs naming points the matrix does not hold are ignored: the override file covers
    /// the whole council, a day uses part of it.
    pub fn with_overrides(mut self, overrides: &BTreeMap<(String, String), Leg>) -> TravelMatrix {
        let index: BTreeMap<&str, usize> =
            self.points.iter().enumerate().map(|(i, p)| (p.key.as_str(), i)).collect();
        let n = self.points.len();
        for ((from, to), leg) in overrides {
            if let (Some(&i), Some(&j)) = (index.get(from.as_str()), index.get(to.as_str())) {
                self.drive[i * n + j] = *leg;
            }
        }
        self
    }

    /// The points, in index order.
    pub fn points(&self) -> &[NamedPoint] {
        &self.points
    }

    /// Number of points.
    pub fn len(&self) -> usize {
        self.points.len()
    }

    /// Whether the matrix has no points.
    pub fn is_empty(&self) -> bool {
        self.points.is_empty()
    }

    /// The drive from point `from` to point `to`.
    pub fn drive(&self, from: usize, to: usize) -> Leg {
        self.drive[from * self.points.len() + to]
    }

    /// The walk from point `from` to point `to`.
    pub fn walk(&self, from: usize, to: usize) -> Leg {
        self.walk[from * self.points.len() + to]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(lat: f64, lon: f64) -> Location {
        Location::new(lat, lon).unwrap()
    }

    fn medway_towns() -> Vec<TownZone> {
        vec![TownZone { name: "Chatham".into(), centre: at(51.382, 0.527), radius_km: 6.0 }]
    }

    #[test]
    fn urban_trips_take_ten_to_twenty_five_minutes() {
        let model = TravelModel::with_towns(medway_towns());
        // Gun Wharf to Gillingham town centre: about 2 km as the crow flies.
        let leg = model.drive(at(51.3885, 0.5215), at(51.389, 0.549));
        assert!(leg.km > 2.0 && leg.km < 3.5, "{leg:?}");
        assert!((8 * 60..=15 * 60).contains(&leg.seconds), "{leg:?}");
    }

    #[test]
    fn grain_is_half_an_hour_from_gun_wharf() {
        let model = TravelModel::with_towns(medway_towns());
        let leg = model.drive(at(51.3885, 0.5215), at(51.459, 0.712));
        assert!((25 * 60..=40 * 60).contains(&leg.seconds), "{leg:?}");
    }

    #[test]
    fn a_london_placement_is_a_long_drive() {
        let model = TravelModel::with_towns(medway_towns());
        let leg = model.drive(at(51.3885, 0.5215), at(51.5072, -0.1276));
        assert!(leg.km > 55.0 && leg.seconds > 45 * 60, "{leg:?}");
    }

    #[test]
    fn the_matrix_holds_the_models_own_legs() {
        // In town, out of town (Grain), across the town's edge, and far (London): every drive
        // speed and both ends' towns.
        let model = TravelModel::with_towns(medway_towns());
        let places =
            [at(51.3885, 0.5215), at(51.389, 0.549), at(51.459, 0.712), at(51.5072, -0.1276)];
        let points: Vec<NamedPoint> = places
            .iter()
            .enumerate()
            .map(|(i, &location)| NamedPoint { key: format!("p{i}"), location })
            .collect();
        let matrix = TravelMatrix::build(&model, points);
        for (a, &from) in places.iter().enumerate() {
            for (b, &to) in places.iter().enumerate() {
                assert_eq!(matrix.drive(a, b), model.drive(from, to), "drive {a} -> {b}");
                assert_eq!(matrix.walk(a, b), model.walk(from, to), "walk {a} -> {b}");
            }
        }
    }

    #[test]
    fn overrides_replace_named_pairs_only() {
        let model = TravelModel::with_towns(medway_towns());
        let points = vec![
            NamedPoint { key: "hub:GUN".into(), location: at(51.3885, 0.5215) },
            NamedPoint { key: "child:C1".into(), location: at(51.389, 0.549) },
        ];
        let computed = TravelMatrix::build(&model, points.clone());
        let mut overrides = BTreeMap::new();
        overrides.insert(("hub:GUN".into(), "child:C1".into()), Leg { km: 4.0, seconds: 17 * 60 });
        overrides.insert(("hub:GUN".into(), "child:NOPE".into()), Leg { km: 1.0, seconds: 60 });
        let matrix = TravelMatrix::build(&model, points).with_overrides(&overrides);
        assert_eq!(matrix.drive(0, 1), Leg { km: 4.0, seconds: 17 * 60 });
        assert_eq!(matrix.drive(1, 0), computed.drive(1, 0));
        assert_eq!(matrix.drive(0, 0).seconds, 0);
    }
}
