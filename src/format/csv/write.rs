//! Writing a [`Dataset`] as the folder of CSV files the importer reads, byte for byte the same
//! for the same data: rows in the data set's order, numbers in a fixed shortest form.

use super::{files, WEEKDAYS};
use crate::domain::{Dataset, Location, TimeSpan, WorkingCalendar};
use chrono::NaiveDate;
use std::collections::BTreeMap;

/// A number with at most `decimals` decimals, trailing zeros dropped (`0.5`, `37.9`, `7`).
fn num(value: f64, decimals: usize) -> String {
    let text = format!("{value:.decimals$}");
    let text =
        if text.contains('.') { text.trim_end_matches('0').trim_end_matches('.') } else { &text };
    if text == "-0" {
        "0".to_owned()
    } else {
        text.to_owned()
    }
}

fn coord(value: f64) -> String {
    num(value, 6)
}

fn flag(value: bool) -> String {
    (if value { "yes" } else { "no" }).to_owned()
}

fn windows(spans: &[TimeSpan]) -> String {
    spans.iter().map(ToString::to_string).collect::<Vec<_>>().join(";")
}

fn date(value: Option<NaiveDate>) -> String {
    value.map(|d| d.format("%Y-%m-%d").to_string()).unwrap_or_default()
}

fn csv_bytes(header: &[&str], rows: Vec<Vec<String>>) -> Vec<u8> {
    let mut writer = csv::WriterBuilder::new().from_writer(Vec::new());
    writer.write_record(header).expect("writing to memory");
    for row in rows {
        writer.write_record(&row).expect("writing to memory");
    }
    writer.into_inner().expect("writing to memory")
}

/// Bank holidays the data set has beyond the built-in England & Wales ones.
fn extra_holidays(calendar: &WorkingCalendar) -> Vec<NaiveDate> {
    let builtin = WorkingCalendar::england_and_wales();
    let from = NaiveDate::from_ymd_opt(2000, 1, 1).expect("date");
    let to = NaiveDate::from_ymd_opt(2100, 12, 31).expect("date");
    from.iter_days()
        .take_while(|d| *d <= to)
        .filter(|d| calendar.is_bank_holiday(*d) && !builtin.is_bank_holiday(*d))
        .collect()
}

/// Every file of the data set, by file name.
pub fn files(data: &Dataset) -> BTreeMap<&'static str, Vec<u8>> {
    let mut out = BTreeMap::new();
    let loc = |l: Location| [coord(l.lat), coord(l.lon)];

    out.insert(
        files::LOCALITIES,
        csv_bytes(
            &["id", "name", "polygon"],
            data.localities
                .iter()
                .map(|l| {
                    let ring = l.boundary.exterior();
                    let mut points: Vec<String> = ring
                        .points()
                        .map(|p| format!("{} {}", coord(p.y()), coord(p.x())))
                        .collect();
                    // geo closes the ring; the file leaves it closed implicitly.
                    if ring.is_closed() && points.len() > 1 {
                        points.pop();
                    }
                    vec![l.id.to_string(), l.name.clone(), points.join(";")]
                })
                .collect(),
        ),
    );
    out.insert(
        files::HUBS,
        csv_bytes(
            &["id", "name", "lat", "lon", "locality", "chargers"],
            data.hubs
                .iter()
                .map(|h| {
                    let [lat, lon] = loc(h.location);
                    let locality = h.locality.as_ref().map(ToString::to_string).unwrap_or_default();
                    vec![
                        h.id.to_string(),
                        h.name.clone(),
                        lat,
                        lon,
                        locality,
                        h.chargers.to_string(),
                    ]
                })
                .collect(),
        ),
    );
    out.insert(
        files::TOWNS,
        csv_bytes(
            &["name", "lat", "lon", "radius_km"],
            data.towns
                .iter()
                .map(|t| {
                    let [lat, lon] = loc(t.centre);
                    vec![t.name.clone(), lat, lon, num(t.radius_km, 3)]
                })
                .collect(),
        ),
    );
    out.insert(
        files::PODS,
        csv_bytes(
            &["id", "name", "locality", "hub"],
            data.pods
                .iter()
                .map(|p| {
                    vec![
                        p.id.to_string(),
                        p.name.clone(),
                        p.locality.to_string(),
                        p.hub.to_string(),
                    ]
                })
                .collect(),
        ),
    );
    let mut worker_header = vec!["id", "name", "role", "pod", "base_hub", "home_lat", "home_lon"];
    worker_header.extend(WEEKDAYS);
    worker_header.extend(["can_drive", "own_car", "skills"]);
    out.insert(
        files::WORKERS,
        csv_bytes(
            &worker_header,
            data.workers
                .iter()
                .map(|w| {
                    let [home_lat, home_lon] = w.home.map(loc).unwrap_or_default();
                    let mut row = vec![
                        w.id.to_string(),
                        w.name.clone(),
                        w.role.code().to_owned(),
                        w.pod.to_string(),
                        w.base_hub.to_string(),
                        home_lat,
                        home_lon,
                    ];
                    row.extend(
                        w.pattern.0.iter().map(|d| d.map(|s| s.to_string()).unwrap_or_default()),
                    );
                    row.push(flag(w.can_drive));
                    row.push(flag(w.own_car));
                    row.push(w.skills.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(";"));
                    row
                })
                .collect(),
        ),
    );
    out.insert(
        files::ABSENCES,
        csv_bytes(
            &["worker", "date", "kind", "start", "end"],
            data.absences
                .iter()
                .map(|a| {
                    let (start, end) = a
                        .span
                        .map(|s| (s.start.to_string(), s.end.to_string()))
                        .unwrap_or_default();
                    vec![
                        a.worker.to_string(),
                        date(Some(a.date)),
                        a.kind.code().to_owned(),
                        start,
                        end,
                    ]
                })
                .collect(),
        ),
    );
    out.insert(
        files::CHILDREN,
        csv_bytes(
            &[
                "id",
                "name",
                "plan",
                "plan_start",
                "placement_start",
                "placement_until_18",
                "last_seen",
                "pod",
                "allocated_worker",
                "lat",
                "lon",
                "address",
                "out_of_area",
                "windows",
                "alt_lat",
                "alt_lon",
                "alt_address",
                "alt_windows",
                "visit_minutes",
                "joint",
                "skill",
            ],
            data.children
                .iter()
                .map(|c| {
                    let [lat, lon] = loc(c.home.location);
                    let alt = c.alternative.as_ref();
                    let [alt_lat, alt_lon] = alt.map(|a| loc(a.location)).unwrap_or_default();
                    vec![
                        c.id.to_string(),
                        c.name.clone(),
                        c.plan.code().to_owned(),
                        date(Some(c.plan_start)),
                        date(c.placement_start),
                        flag(c.placement_until_18),
                        date(c.last_seen),
                        c.pod.to_string(),
                        c.allocated.to_string(),
                        lat,
                        lon,
                        c.home.address.clone(),
                        flag(c.locality.is_none()),
                        windows(&c.home.windows),
                        alt_lat,
                        alt_lon,
                        alt.map(|a| a.address.clone()).unwrap_or_default(),
                        alt.map(|a| windows(&a.windows)).unwrap_or_default(),
                        c.visit_minutes.to_string(),
                        flag(c.joint),
                        c.skill.as_ref().map(ToString::to_string).unwrap_or_default(),
                    ]
                })
                .collect(),
        ),
    );
    out.insert(
        files::CARS,
        csv_bytes(
            &[
                "id",
                "model",
                "hub",
                "usable_kwh",
                "kwh_per_km",
                "reserve_kwh",
                "charger_kw",
                "charge_kwh",
            ],
            data.cars
                .iter()
                .map(|c| {
                    vec![
                        c.id.to_string(),
                        c.model.clone(),
                        c.hub.to_string(),
                        num(c.usable_kwh, 3),
                        num(c.kwh_per_km, 4),
                        num(c.reserve_kwh, 3),
                        num(c.charger_kw, 3),
                        num(c.charge_kwh, 3),
                    ]
                })
                .collect(),
        ),
    );
    out.insert(
        files::CAR_OUTAGES,
        csv_bytes(
            &["car", "from", "until"],
            data.cars
                .iter()
                .flat_map(|c| {
                    c.unavailable.iter().map(|o| {
                        vec![
                            c.id.to_string(),
                            o.from.format("%Y-%m-%d %H:%M").to_string(),
                            o.until.format("%Y-%m-%d %H:%M").to_string(),
                        ]
                    })
                })
                .collect(),
        ),
    );
    out.insert(
        files::HOLIDAYS,
        csv_bytes(
            &["date", "name"],
            extra_holidays(&data.calendar)
                .into_iter()
                .map(|d| vec![date(Some(d)), String::new()])
                .collect(),
        ),
    );
    out
}
