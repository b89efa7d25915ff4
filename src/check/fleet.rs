//! Pool cars: one trip at a time, never in an outage, and charge above the reserve.
//!
//! The charge is replayed booking by booking in departure order: it starts at the day's
//! `charge_kwh` (no charging before the first booking), drops by the trip's driven km times
//! `kwh_per_km`, must be at or above `reserve_kwh` when the car is back, and rises at
//! `charger_kw` while the car is parked between bookings, up to `usable_kwh`.

use super::{codes, Booking, Checker};
use crate::domain::TimeOfDay;

/// Slack for floating-point sums of kWh, far below any meaningful amount of charge.
const KWH_TOLERANCE: f64 = 1e-9;

/// Replays every pool car's bookings recorded by the day walk.
pub(super) fn check_cars(checker: &mut Checker<'_>) {
    let problem = checker.problem;
    for car in &problem.cars {
        let mut bookings: Vec<Booking> =
            checker.bookings.iter().filter(|b| b.car == car.id).cloned().collect();
        bookings.sort_by(|a, b| (a.depart, a.back, &a.worker).cmp(&(b.depart, b.back, &b.worker)));
        let mut charge = car.charge_kwh;
        let mut previous_back: Option<u64> = None;
        for (idx, booking) in bookings.iter().enumerate() {
            let span =
                format!("{}-{}", TimeOfDay(booking.depart as u32), TimeOfDay(booking.back as u32));
            if let Some(earlier) = bookings[..idx].iter().find(|b| b.back > booking.depart) {
                checker.flag(
                    codes::CAR_DOUBLE_BOOKED,
                    Some(&booking.worker),
                    None,
                    Some(&car.id),
                    format!(
                        "car {} is booked by {} for {span} while still out with {}",
                        car.id, booking.worker, earlier.worker
                    ),
                );
            }
            for outage in &car.unavailable {
                if booking.depart < u64::from(outage.end.seconds())
                    && u64::from(outage.start.seconds()) < booking.back
                {
                    checker.flag(
                        codes::CAR_UNAVAILABLE,
                        Some(&booking.worker),
                        None,
                        Some(&car.id),
                        format!(
                            "car {} is booked for {span} but is out of service {outage}",
                            car.id
                        ),
                    );
                }
            }
            if let Some(back) = previous_back {
                if booking.depart > back {
                    let hours = (booking.depart - back) as f64 / 3600.0;
                    let charged = (charge + car.charger_kw * hours).min(car.usable_kwh);
                    charge = charge.max(charged);
                }
            }
            charge -= booking.km * car.kwh_per_km;
            if charge < car.reserve_kwh - KWH_TOLERANCE {
                checker.flag(
                    codes::BATTERY_RESERVE,
                    Some(&booking.worker),
                    None,
                    Some(&car.id),
                    format!(
                        "car {} is back from {span} with {charge:.2} kWh, below its reserve of {:.2} kWh",
                        car.id, car.reserve_kwh
                    ),
                );
            }
            previous_back = Some(previous_back.map_or(booking.back, |b| b.max(booking.back)));
        }
    }
}
