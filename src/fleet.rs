//! Fleet utilisation from published rotas: per car, per hub and per day, hours booked over hours
//! available, km, kWh, trips, idle cars, grey-fleet km and the CO2 the pool's electric cars
//! saved. Pure: rotas and the dataset in, figures out; it reads no child's name or address
//! (only the locations of stops, to measure the km).

use crate::domain::{CarId, Dataset, Endpoint, HubId, Location, Transport, WorkerDay};
use crate::travel::TravelModel;
use chrono::NaiveDate;
use std::collections::BTreeMap;

/// kg of CO2 per km saved by an electric pool car over an average petrol car.
pub const CO2_KG_PER_KM: f64 = 0.176;

/// Hours a pool car can be booked in a working day (08:00 to 18:00).
pub const CAR_HOURS_PER_DAY: f64 = 10.0;

/// One car's figures (over a day or a period).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct CarFigures {
    /// Hours booked.
    pub hours_booked: f64,
    /// Hours it could have been booked.
    pub hours_available: f64,
    /// Km driven.
    pub km: f64,
    /// kWh used.
    pub kwh: f64,
    /// Trips made.
    pub trips: u32,
}

impl CarFigures {
    /// Booked over available, 0 when nothing was available.
    pub fn utilisation(&self) -> f64 {
        if self.hours_available > 0.0 {
            self.hours_booked / self.hours_available
        } else {
            0.0
        }
    }

    fn add(&mut self, other: &CarFigures) {
        self.hours_booked += other.hours_booked;
        self.hours_available += other.hours_available;
        self.km += other.km;
        self.kwh += other.kwh;
        self.trips += other.trips;
    }
}

/// One day's figures.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct DayFigures {
    /// Per car.
    pub cars: BTreeMap<CarId, CarFigures>,
    /// Per hub (its cars summed).
    pub hubs: BTreeMap<HubId, CarFigures>,
    /// Cars with no trip.
    pub idle_cars: u32,
    /// Km in workers' own cars.
    pub grey_km: f64,
    /// Km in pool cars.
    pub pool_km: f64,
}

/// The figures of a period.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Utilisation {
    /// Per day.
    pub days: BTreeMap<NaiveDate, DayFigures>,
    /// Per car over the period.
    pub cars: BTreeMap<CarId, CarFigures>,
    /// Per hub over the period.
    pub hubs: BTreeMap<HubId, CarFigures>,
    /// Grey-fleet km over the period.
    pub grey_km: f64,
    /// Pool km over the period.
    pub pool_km: f64,
    /// kg CO2 saved by driving pool electric cars rather than petrol cars.
    pub co2_saved_kg: f64,
}

/// The utilisation of the dataset's cars over the given days' rotas.
pub fn utilisation(dataset: &Dataset, days: &[(NaiveDate, Vec<WorkerDay>)]) -> Utilisation {
    let model = TravelModel::with_towns(dataset.towns.clone());
    let mut result = Utilisation::default();
    for (date, workers) in days {
        let day = result.days.entry(*date).or_default();
        for car in &dataset.cars {
            day.cars.entry(car.id.clone()).or_insert_with(|| CarFigures {
                hours_available: CAR_HOURS_PER_DAY,
                ..CarFigures::default()
            });
        }
        for worker_day in workers {
            let worker = dataset.worker(&worker_day.worker);
            for trip in &worker_day.trips {
                let place = |endpoint: &Endpoint| -> Option<Location> {
                    match endpoint {
                        Endpoint::Hub(hub) => dataset.hub(hub).map(|h| h.location),
                        Endpoint::Home => worker.and_then(|w| w.home),
                    }
                };
                let mut points: Vec<Location> = Vec::new();
                points.extend(place(&trip.from));
                for stop in &trip.stops {
                    let location = dataset
                        .child(&stop.child)
                        .and_then(|child| child.places().nth(stop.place))
                        .map(|p| p.location);
                    points.extend(location);
                }
                points.extend(place(&trip.to));
                let km: f64 = points.windows(2).map(|w| model.road_km(w[0], w[1])).sum();
                match &trip.transport {
                    Transport::PoolCar(car_id) => {
                        day.pool_km += km;
                        let kwh_per_km = dataset
                            .cars
                            .iter()
                            .find(|c| &c.id == car_id)
                            .map_or(0.0, |c| c.kwh_per_km);
                        let figures = day.cars.entry(car_id.clone()).or_default();
                        figures.km += km;
                        figures.kwh += km * kwh_per_km;
                        figures.trips += 1;
                        figures.hours_booked +=
                            f64::from(trip.back.seconds().saturating_sub(trip.depart.seconds()))
                                / 3600.0;
                    }
                    Transport::OwnCar => day.grey_km += km,
                    Transport::OnFoot => {}
                }
            }
        }
        for car in &dataset.cars {
            let figures = day.cars.get(&car.id).cloned().unwrap_or_default();
            if figures.trips == 0 {
                day.idle_cars += 1;
            }
            day.hubs.entry(car.hub.clone()).or_default().add(&figures);
            result.cars.entry(car.id.clone()).or_default().add(&figures);
            result.hubs.entry(car.hub.clone()).or_default().add(&figures);
        }
        result.grey_km += day.grey_km;
        result.pool_km += day.pool_km;
    }
    result.co2_saved_kg = result.pool_km * CO2_KG_PER_KM;
    result
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{Stop, TimeOfDay, Trip, VisitId};

    fn day() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 23).unwrap()
    }

    /// The first worker of the Medway fixture drives the first car of their hub to one child
    /// and back, and drives their own car to another.
    fn one_day(dataset: &Dataset) -> (Vec<(NaiveDate, Vec<WorkerDay>)>, f64, f64, CarId) {
        let worker = dataset.workers.iter().find(|w| w.role.visits()).unwrap();
        let car = dataset.cars.iter().find(|c| c.hub == worker.base_hub).unwrap();
        let hub = dataset.hub(&worker.base_hub).unwrap();
        let model = TravelModel::with_towns(dataset.towns.clone());
        let (a, b) = (&dataset.children[0], &dataset.children[1]);
        let stop = |child: &crate::domain::Child, start: u32| Stop {
            visit: VisitId(child.id.0.clone()),
            child: child.id.clone(),
            place: 0,
            arrive: TimeOfDay(start),
            start: TimeOfDay(start),
            end: TimeOfDay(start + 3600),
        };
        let trip = |transport, child, depart: u32| Trip {
            transport,
            from: Endpoint::Hub(hub.id.clone()),
            depart: TimeOfDay(depart),
            stops: vec![stop(child, depart + 1800)],
            to: Endpoint::Hub(hub.id.clone()),
            back: TimeOfDay(depart + 3 * 3600),
        };
        let trips = vec![
            trip(Transport::PoolCar(car.id.clone()), a, 9 * 3600),
            trip(Transport::OwnCar, b, 13 * 3600),
        ];
        let pool_km = 2.0 * model.road_km(hub.location, a.home.location);
        let grey_km = 2.0 * model.road_km(hub.location, b.home.location);
        (
            vec![(day(), vec![WorkerDay { worker: worker.id.clone(), trips }])],
            pool_km,
            grey_km,
            car.id.clone(),
        )
    }

    #[test]
    fn can_count_hours_km_energy_idle_cars_and_co2() {
        let dataset = crate::fixtures::generate(1, 1);
        let (days, pool_km, grey_km, car) = one_day(&dataset);
        let figures = utilisation(&dataset, &days);
        let used = &figures.cars[&car];
        assert_eq!(used.trips, 1);
        assert!((used.hours_booked - 3.0).abs() < 1e-9);
        assert!((used.utilisation() - 3.0 / CAR_HOURS_PER_DAY).abs() < 1e-9);
        assert!((used.km - pool_km).abs() < 1e-9 && pool_km > 0.0);
        let kwh_per_km = dataset.cars.iter().find(|c| c.id == car).unwrap().kwh_per_km;
        assert!((used.kwh - pool_km * kwh_per_km).abs() < 1e-9);
        assert!((figures.grey_km - grey_km).abs() < 1e-9);
        assert!((figures.co2_saved_kg - pool_km * CO2_KG_PER_KM).abs() < 1e-9);
        let today = &figures.days[&day()];
        assert_eq!(today.idle_cars as usize, dataset.cars.len() - 1);
        let hub = &dataset.cars.iter().find(|c| c.id == car).unwrap().hub;
        assert_eq!(today.hubs[hub].trips, 1);
    }
}
