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
