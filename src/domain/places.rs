//! Where things are: points on the map, the localities that tile the council, and hubs.

use super::ids::{HubId, LocalityId};
use geo::{Contains, Point, Polygon};

/// A WGS84 position. Latitude first, as people read it; `geo` wants (x = lon, y = lat).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Location {
    /// Degrees north.
    pub lat: f64,
    /// Degrees east.
    pub lon: f64,
}

impl Location {
    /// A location; `None` outside the valid range of latitude and longitude or when not finite.
    pub fn new(lat: f64, lon: f64) -> Option<Location> {
        let valid = lat.is_finite() && lon.is_finite() && lat.abs() <= 90.0 && lon.abs() <= 180.0;
        valid.then_some(Location { lat, lon })
    }

    /// The same point as `geo` sees it.
    pub fn point(self) -> Point<f64> {
        Point::new(self.lon, self.lat)
    }
}

/// One of the council's areas, with its boundary.
#[derive(Clone, Debug)]
pub struct Locality {
    /// Short id, e.g. `A`.
    pub id: LocalityId,
    /// The name people use, e.g. "Strood, Hoo Peninsula & Rochester West".
    pub name: String,
    /// The boundary, in (lon, lat) coordinates.
    pub boundary: Polygon<f64>,
}

impl Locality {
    /// Whether the location lies inside this locality's boundary.
    pub fn contains(&self, location: Location) -> bool {
        self.boundary.contains(&location.point())
    }
}

/// The locality a location falls in, if any: the first whose polygon contains it.
///
/// Localities are meant to tile the council without overlap; `None` means out of area (a
/// placement in Kent or London, say).
pub fn locality_of(localities: &[Locality], location: Location) -> Option<&Locality> {
    localities.iter().find(|locality| locality.contains(location))
}

/// A built-up area, where driving is slow: a circle around a town centre.
#[derive(Clone, Debug, PartialEq)]
pub struct TownZone {
    /// The town's name.
    pub name: String,
    /// Its centre.
    pub centre: Location,
    /// How far the built-up area reaches, in km.
    pub radius_km: f64,
}

/// An office where workers start their day and pool cars park and charge.
#[derive(Clone, Debug)]
pub struct Hub {
    /// Short id, e.g. `GUN`.
    pub id: HubId,
    /// The building's name.
    pub name: String,
    /// Where it is.
    pub location: Location,
    /// The locality it serves, if it is a locality hub.
    pub locality: Option<LocalityId>,
    /// Number of car chargers.
    pub chargers: u32,
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::LineString;

    fn square() -> Locality {
        let ring = LineString::from(vec![(0.0, 51.0), (1.0, 51.0), (1.0, 52.0), (0.0, 52.0)]);
        Locality { id: "A".into(), name: "Square".into(), boundary: Polygon::new(ring, vec![]) }
    }

    #[test]
    fn finds_the_locality_that_contains_a_point() {
        let localities = [square()];
        assert!(locality_of(&localities, Location::new(51.5, 0.5).unwrap()).is_some());
        assert!(locality_of(&localities, Location::new(51.5, 1.5).unwrap()).is_none());
    }

    #[test]
    fn rejects_impossible_coordinates() {
        assert!(Location::new(91.0, 0.0).is_none());
        assert!(Location::new(51.0, f64::NAN).is_none());
    }
}
