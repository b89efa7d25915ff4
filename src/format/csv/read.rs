//! Reading the folder of CSV files into a [`Dataset`], file by file in dependency order, checking
//! every row and every reference; the caller gets the data set only if no error was found.

use super::errors::{ErrorCode, ImportError, ImportErrors};
use super::table::{self, opt, req, Column, Row, Table};
use super::{files, WEEKDAYS};
use crate::domain::{
    locality_of, Absence, AbsenceKind, Car, CarId, Child, ChildId, Dataset, Hub, HubId, Locality,
    LocalityId, Location, Outage, PlanType, Pod, PodId, Skill, StaffRole, TimeSpan, TownZone,
    VisitPlace, WeeklyPattern, Worker, WorkerId, WorkingCalendar,
};
use geo::{LineString, Polygon};
use std::collections::{BTreeMap, BTreeSet};

/// Columns of each file (canonical name first, then accepted aliases).
pub const LOCALITIES: &[Column] =
    &[req("id", &["locality"]), req("name", &[]), req("polygon", &["boundary"])];
/// Columns of hubs.csv.
pub const HUBS: &[Column] = &[
    req("id", &["hub"]),
    req("name", &[]),
    req("lat", &["latitude"]),
    req("lon", &["longitude", "lng"]),
    opt("locality", &[]),
    opt("chargers", &[]),
];
/// Columns of towns.csv.
pub const TOWNS: &[Column] = &[
    req("name", &["town"]),
    req("lat", &["latitude"]),
    req("lon", &["longitude", "lng"]),
    req("radius_km", &[]),
];
/// Columns of pods.csv.
pub const PODS: &[Column] =
    &[req("id", &["pod", "team"]), req("name", &[]), req("locality", &[]), req("hub", &[])];
/// Columns of workers.csv.
pub const WORKERS: &[Column] = &[
    req("id", &["worker"]),
    req("name", &[]),
    req("role", &[]),
    req("pod", &["team"]),
    req("base_hub", &["hub"]),
    opt("home_lat", &[]),
    opt("home_lon", &[]),
    opt("mon", &["monday"]),
    opt("tue", &["tuesday"]),
    opt("wed", &["wednesday"]),
    opt("thu", &["thursday"]),
    opt("fri", &["friday"]),
    opt("sat", &["saturday"]),
    opt("sun", &["sunday"]),
    opt("can_drive", &[]),
    opt("own_car", &[]),
    opt("skills", &[]),
];
/// Columns of absences.csv.
pub const ABSENCES: &[Column] = &[
    req("worker", &["worker_id"]),
    req("date", &[]),
    req("kind", &["reason", "type"]),
    opt("start", &[]),
    opt("end", &[]),
];
/// Columns of children.csv; the aliases are the Ofsted Annex A column names.
pub const CHILDREN: &[Column] = &[
    req("id", &["child_id", "child_unique_id", "unique_child_identifier", "child_identifier"]),
    opt("name", &["child_name"]),
    req("plan", &["plan_type"]),
    req("plan_start", &["plan_start_date", "date_started_to_be_looked_after"]),
    opt("placement_start", &["placement_start_date", "date_of_latest_placement"]),
    opt("placement_until_18", &[]),
    opt(
        "last_seen",
        &[
            "date_last_seen",
            "date_child_was_last_seen",
            "date_of_last_statutory_visit",
            "date_of_last_social_work_visit",
            "last_visit",
        ],
    ),
    req("pod", &["allocated_team", "team"]),
    req("allocated_worker", &["worker", "social_worker"]),
    req("lat", &["latitude"]),
    req("lon", &["longitude", "lng"]),
    opt("address", &[]),
    opt("out_of_area", &[]),
    opt("windows", &[]),
    opt("alt_lat", &[]),
    opt("alt_lon", &[]),
    opt("alt_address", &[]),
    opt("alt_windows", &[]),
    opt("visit_minutes", &["duration"]),
    opt("joint", &["joint_visit"]),
    opt("skill", &["required_skill"]),
];
/// Columns of cars.csv.
pub const CARS: &[Column] = &[
    req("id", &["registration", "car"]),
    opt("model", &[]),
    req("hub", &[]),
    req("usable_kwh", &[]),
    req("kwh_per_km", &[]),
    opt("reserve_kwh", &[]),
    opt("charger_kw", &[]),
    req("charge_kwh", &[]),
];
/// Columns of car_outages.csv.
pub const CAR_OUTAGES: &[Column] =
    &[req("car", &["registration"]), req("from", &[]), req("until", &["to"])];
/// Columns of holidays.csv.
pub const HOLIDAYS: &[Column] = &[req("date", &[]), opt("name", &[])];

/// Parses every file, collecting all errors; the data set only when there are none.
pub fn load(files_in: &BTreeMap<String, Vec<u8>>) -> Result<Dataset, ImportErrors> {
    let mut errors = Vec::new();
    let mut get = |name: &'static str, columns: &[Column], required: bool| -> Option<Table> {
        match files_in.get(name) {
            Some(bytes) => table::read(name, bytes, columns, &mut errors),
            None => {
                if required {
                    errors.push(ImportError {
                        file: name.to_owned(),
                        row: 0,
                        column: String::new(),
                        code: ErrorCode::MissingFile,
                        reason: "missing file".into(),
                    });
                }
                None
            }
        }
    };
    let t_localities = get(files::LOCALITIES, LOCALITIES, true);
    let t_hubs = get(files::HUBS, HUBS, true);
    let t_towns = get(files::TOWNS, TOWNS, false);
    let t_pods = get(files::PODS, PODS, true);
    let t_workers = get(files::WORKERS, WORKERS, true);
    let t_absences = get(files::ABSENCES, ABSENCES, false);
    let t_children = get(files::CHILDREN, CHILDREN, true);
    let t_cars = get(files::CARS, CARS, false);
    let t_outages = get(files::CAR_OUTAGES, CAR_OUTAGES, false);
    let t_holidays = get(files::HOLIDAYS, HOLIDAYS, false);

    let mut data = Dataset::default();
    let errors_before = errors.len();
    data.localities = localities(t_localities.as_ref(), &mut errors);
    let localities_clean = t_localities.is_some() && errors.len() == errors_before;
    let locality_ids = ids(t_localities.as_ref(), "id");
    let hub_ids = ids(t_hubs.as_ref(), "id");
    let pod_ids = ids(t_pods.as_ref(), "id");
    let worker_ids = ids(t_workers.as_ref(), "id");
    let car_ids = ids(t_cars.as_ref(), "id");
    let cx = Refs {
        localities: &data.localities.clone(),
        localities_clean,
        locality_ids: &locality_ids,
        hub_ids: &hub_ids,
        pod_ids: &pod_ids,
        worker_ids: &worker_ids,
        car_ids: &car_ids,
    };
    data.hubs = hubs(t_hubs.as_ref(), &cx, &mut errors);
    data.towns = towns(t_towns.as_ref(), &mut errors);
    data.pods = pods(t_pods.as_ref(), &cx, &mut errors);
    data.workers = workers(t_workers.as_ref(), &cx, &mut errors);
    data.absences = absences(t_absences.as_ref(), &cx, &mut errors);
    data.children = children(t_children.as_ref(), &cx, &mut errors);
    data.cars = cars(t_cars.as_ref(), &cx, &mut errors);
    outages(t_outages.as_ref(), &cx, &mut data.cars, &mut errors);
    data.calendar = holidays(t_holidays.as_ref(), &mut errors);
    if errors.is_empty() {
        Ok(data)
    } else {
        Err(ImportErrors { errors })
    }
}

/// What rows may refer to: the ids each file defines (even on rows with other errors, so one
/// mistake is not reported again on every row that names it) and the localities' shapes.
struct Refs<'a> {
    localities: &'a [Locality],
    localities_clean: bool,
    locality_ids: &'a BTreeSet<String>,
    hub_ids: &'a BTreeSet<String>,
    pod_ids: &'a BTreeSet<String>,
    worker_ids: &'a BTreeSet<String>,
    car_ids: &'a BTreeSet<String>,
}

fn ids(table: Option<&Table>, column: &str) -> BTreeSet<String> {
    table
        .map(|t| t.rows().map(|r| r.text(column).to_owned()).filter(|s| !s.is_empty()).collect())
        .unwrap_or_default()
}

/// Checks that `value` names an id of `what`; records an error otherwise.
fn reference(
    row: &mut Row<'_>,
    column: &str,
    value: &str,
    known: &BTreeSet<String>,
    what: &str,
) -> bool {
    if known.contains(value) {
        return true;
    }
    row.fail(column, ErrorCode::UnknownReference, format!("unknown {what} '{value}'"));
    false
}

/// Records a duplicate id; true when the id is new.
fn unique(row: &mut Row<'_>, seen: &mut BTreeSet<String>, id: &str) -> bool {
    if seen.insert(id.to_owned()) {
        return true;
    }
    row.fail("id", ErrorCode::DuplicateId, format!("duplicate id '{id}'"));
    false
}

/// Keeps the row's errors; true when there were none.
fn finish(row: Row<'_>, errors: &mut Vec<ImportError>) -> bool {
    let ok = row.ok();
    errors.extend(row.errors);
    ok
}

fn parse_polygon(text: &str) -> Option<Polygon<f64>> {
    let mut ring = Vec::new();
    for vertex in text.split(';').map(str::trim).filter(|v| !v.is_empty()) {
        let mut parts = vertex.split_whitespace();
        let lat = parts.next()?.parse::<f64>().ok()?;
        let lon = parts.next()?.parse::<f64>().ok()?;
        if parts.next().is_some() {
            return None;
        }
        let location = Location::new(lat, lon)?;
        ring.push((location.lon, location.lat));
    }
    (ring.len() >= 3).then(|| Polygon::new(LineString::from(ring), vec![]))
}

fn localities(table: Option<&Table>, errors: &mut Vec<ImportError>) -> Vec<Locality> {
    let Some(table) = table else { return Vec::new() };
    let mut seen = BTreeSet::new();
    let mut out = Vec::new();
    for mut row in table.rows() {
        let id = row.required("id");
        let name = row.required("name");
        let polygon_text = row.required("polygon");
        let boundary = polygon_text.as_deref().and_then(|text| {
            let polygon = parse_polygon(text);
            if polygon.is_none() {
                row.fail(
                    "polygon",
                    ErrorCode::BadLocation,
                    "bad polygon (expected at least three 'lat lon' vertices separated by ';')"
                        .into(),
                );
            }
            polygon
        });
        if let Some(id) = &id {
            unique(&mut row, &mut seen, id);
        }
        if finish(row, errors) {
            if let (Some(id), Some(name), Some(boundary)) = (id, name, boundary) {
                out.push(Locality { id: LocalityId(id), name, boundary });
            }
        }
    }
    out
}

/// Checks a location lies in some locality (when the localities loaded cleanly).
fn inside(row: &mut Row<'_>, cx: &Refs<'_>, location: Location, what: &str) -> Option<LocalityId> {
    let found = locality_of(cx.localities, location).map(|l| l.id.clone());
    if found.is_none() && cx.localities_clean {
        row.fail(
            "lat",
            ErrorCode::OutsideLocalities,
            format!("{what} at ({}, {}) is outside every locality", location.lat, location.lon),
        );
    }
    found
}

fn hubs(table: Option<&Table>, cx: &Refs<'_>, errors: &mut Vec<ImportError>) -> Vec<Hub> {
    let Some(table) = table else { return Vec::new() };
    let mut seen = BTreeSet::new();
    let mut out = Vec::new();
    for mut row in table.rows() {
        let id = row.required("id");
        let name = row.required("name");
        let location = row.location("lat", "lon");
        let locality = row.optional("locality");
        if let Some(l) = &locality {
            reference(&mut row, "locality", l, cx.locality_ids, "locality");
        }
        let chargers = row.count("chargers", 0);
        if let Some(location) = location {
            inside(&mut row, cx, location, "the hub");
        }
        if let Some(id) = &id {
            unique(&mut row, &mut seen, id);
        }
        if finish(row, errors) {
            if let (Some(id), Some(name), Some(location), Some(chargers)) =
                (id, name, location, chargers)
            {
                out.push(Hub {
                    id: HubId(id),
                    name,
                    location,
                    locality: locality.map(LocalityId),
                    chargers,
                });
            }
        }
    }
    out
}

fn towns(table: Option<&Table>, errors: &mut Vec<ImportError>) -> Vec<TownZone> {
    let Some(table) = table else { return Vec::new() };
    let mut out = Vec::new();
    for mut row in table.rows() {
        let name = row.required("name");
        let centre = row.location("lat", "lon");
        let radius_km = row.number("radius_km");
        if let Some(r) = radius_km.filter(|r| *r < 0.0) {
            row.fail("radius_km", ErrorCode::BadValue, format!("negative radius {r}"));
        }
        if finish(row, errors) {
            if let (Some(name), Some(centre), Some(radius_km)) = (name, centre, radius_km) {
                out.push(TownZone { name, centre, radius_km });
            }
        }
    }
    out
}

fn pods(table: Option<&Table>, cx: &Refs<'_>, errors: &mut Vec<ImportError>) -> Vec<Pod> {
    let Some(table) = table else { return Vec::new() };
    let mut seen = BTreeSet::new();
    let mut out = Vec::new();
    for mut row in table.rows() {
        let id = row.required("id");
        let name = row.required("name");
        let locality = row.required("locality");
        let hub = row.required("hub");
        if let Some(l) = &locality {
            reference(&mut row, "locality", l, cx.locality_ids, "locality");
        }
        if let Some(h) = &hub {
            reference(&mut row, "hub", h, cx.hub_ids, "hub");
        }
        if let Some(id) = &id {
            unique(&mut row, &mut seen, id);
        }
        if finish(row, errors) {
            if let (Some(id), Some(name), Some(locality), Some(hub)) = (id, name, locality, hub) {
                out.push(Pod {
                    id: PodId(id),
                    name,
                    locality: LocalityId(locality),
                    hub: HubId(hub),
                });
            }
        }
    }
    out
}

fn workers(table: Option<&Table>, cx: &Refs<'_>, errors: &mut Vec<ImportError>) -> Vec<Worker> {
    let Some(table) = table else { return Vec::new() };
    let mut seen = BTreeSet::new();
    let mut out = Vec::new();
    for mut row in table.rows() {
        let id = row.required("id");
        let name = row.required("name");
        let role = row.required("role").and_then(|code| {
            let role = StaffRole::from_code(&code);
            if role.is_none() {
                row.fail(
                    "role",
                    ErrorCode::BadValue,
                    format!("bad role '{code}' (expected practice_manager, social_worker or support_officer)"),
                );
            }
            role
        });
        let pod = row.required("pod");
        if let Some(p) = &pod {
            reference(&mut row, "pod", p, cx.pod_ids, "pod");
        }
        let hub = row.required("base_hub");
        if let Some(h) = &hub {
            reference(&mut row, "base_hub", h, cx.hub_ids, "hub");
        }
        let home = row.optional_location("home_lat", "home_lon");
        let mut week: [Option<TimeSpan>; 7] = [None; 7];
        for (day, column) in WEEKDAYS.iter().enumerate() {
            week[day] = row.windows(column).and_then(|spans| {
                if spans.len() > 1 {
                    row.fail(
                        column,
                        ErrorCode::BadTime,
                        "one span of hours per day (expected HH:MM-HH:MM)".into(),
                    );
                }
                spans.first().copied()
            });
        }
        let can_drive = row.flag("can_drive", true);
        let own_car = row.flag("own_car", false);
        let skills: BTreeSet<Skill> = row
            .text("skills")
            .split(';')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(|s| Skill(s.to_owned()))
            .collect();
        if let Some(id) = &id {
            unique(&mut row, &mut seen, id);
        }
        if finish(row, errors) {
            if let (Some(id), Some(name), Some(role), Some(pod), Some(hub)) =
                (id, name, role, pod, hub)
            {
                out.push(Worker {
                    id: WorkerId(id),
                    name,
                    role,
                    pod: PodId(pod),
                    base_hub: HubId(hub),
                    home,
                    pattern: WeeklyPattern(week),
                    can_drive,
                    own_car,
                    skills,
                });
            }
        }
    }
    out
}

fn absences(table: Option<&Table>, cx: &Refs<'_>, errors: &mut Vec<ImportError>) -> Vec<Absence> {
    let Some(table) = table else { return Vec::new() };
    let mut out = Vec::new();
    for mut row in table.rows() {
        let worker = row.required("worker");
        if let Some(w) = &worker {
            reference(&mut row, "worker", w, cx.worker_ids, "worker");
        }
        let date = row.required_date("date");
        let kind = row.required("kind").and_then(|code| {
            let kind = AbsenceKind::from_code(&code);
            if kind.is_none() {
                row.fail(
                    "kind",
                    ErrorCode::BadValue,
                    format!("bad absence kind '{code}' (expected leave, sickness, training, court or duty)"),
                );
            }
            kind
        });
        let start = row.time("start");
        let end = row.time("end");
        let span = match (start, end) {
            (None, None) => None,
            (Some(start), Some(end)) => {
                let span = TimeSpan::new(start, end);
                if span.is_none() {
                    row.fail(
                        "end",
                        ErrorCode::BadTime,
                        format!("the absence ends ({end}) before it starts ({start})"),
                    );
                }
                span
            }
            _ if row.ok() => {
                row.fail(
                    "end",
                    ErrorCode::BadTime,
                    "give both start and end, or neither for a whole day".into(),
                );
                None
            }
            _ => None,
        };
        if finish(row, errors) {
            if let (Some(worker), Some(date), Some(kind)) = (worker, date, kind) {
                out.push(Absence { worker: WorkerId(worker), date, kind, span });
            }
        }
    }
    out
}

fn visit_place(
    row: &mut Row<'_>,
    lat: &str,
    lon: &str,
    address: &str,
    windows: &str,
    optional: bool,
) -> Option<VisitPlace> {
    let location = if optional { row.optional_location(lat, lon) } else { row.location(lat, lon) };
    let windows = row.windows(windows).unwrap_or_else(|| vec![TimeSpan::whole_day()]);
    Some(VisitPlace { location: location?, address: row.text(address).to_owned(), windows })
}

fn children(table: Option<&Table>, cx: &Refs<'_>, errors: &mut Vec<ImportError>) -> Vec<Child> {
    let Some(table) = table else { return Vec::new() };
    let mut seen = BTreeSet::new();
    let mut out = Vec::new();
    for mut row in table.rows() {
        let id = row.required("id");
        let name = row.text("name").to_owned();
        let plan = row.required("plan").and_then(|code| {
            let plan = PlanType::from_code(&code);
            if plan.is_none() {
                let codes: Vec<&str> = PlanType::ALL.iter().map(|p| p.code()).collect();
                row.fail(
                    "plan",
                    ErrorCode::BadValue,
                    format!("bad plan '{code}' (expected one of {})", codes.join(", ")),
                );
            }
            plan
        });
        let plan_start = row.required_date("plan_start");
        let placement_start = row.date("placement_start");
        let placement_until_18 = row.flag("placement_until_18", false);
        let last_seen = row.date("last_seen");
        let pod = row.required("pod");
        if let Some(p) = &pod {
            reference(&mut row, "pod", p, cx.pod_ids, "pod");
        }
        let allocated = row.required("allocated_worker");
        if let Some(w) = &allocated {
            reference(&mut row, "allocated_worker", w, cx.worker_ids, "worker");
        }
        let home = visit_place(&mut row, "lat", "lon", "address", "windows", false);
        let out_of_area = row.flag("out_of_area", false);
        let alternative = if row.text("alt_lat").is_empty() && row.text("alt_lon").is_empty() {
            None
        } else {
            visit_place(&mut row, "alt_lat", "alt_lon", "alt_address", "alt_windows", true)
        };
        let visit_minutes = row.count("visit_minutes", 60).and_then(|m| {
            let minutes = u16::try_from(m).ok().filter(|m| (1..=720).contains(m));
            if minutes.is_none() {
                row.fail(
                    "visit_minutes",
                    ErrorCode::BadValue,
                    format!("bad visit length {m} (expected 1 to 720 minutes)"),
                );
            }
            minutes
        });
        let joint = row.flag("joint", false);
        let skill = row.optional("skill").map(Skill);
        let locality = home.as_ref().and_then(|home| {
            if out_of_area {
                locality_of(cx.localities, home.location).map(|l| l.id.clone())
            } else {
                inside(&mut row, cx, home.location, "the child's home (not marked out_of_area)")
            }
        });
        if let Some(id) = &id {
            unique(&mut row, &mut seen, id);
        }
        if finish(row, errors) {
            if let (
                Some(id),
                Some(plan),
                Some(plan_start),
                Some(pod),
                Some(allocated),
                Some(home),
                Some(visit_minutes),
            ) = (id, plan, plan_start, pod, allocated, home, visit_minutes)
            {
                out.push(Child {
                    id: ChildId(id),
                    name,
                    home,
                    alternative,
                    locality,
                    pod: PodId(pod),
                    allocated: WorkerId(allocated),
                    plan,
                    plan_start,
                    placement_start,
                    placement_until_18,
                    last_seen,
                    visit_minutes,
                    joint,
                    skill,
                });
            }
        }
    }
    out
}

fn cars(table: Option<&Table>, cx: &Refs<'_>, errors: &mut Vec<ImportError>) -> Vec<Car> {
    let Some(table) = table else { return Vec::new() };
    let mut seen = BTreeSet::new();
    let mut out = Vec::new();
    for mut row in table.rows() {
        let id = row.required("id");
        let model = row.text("model").to_owned();
        let hub = row.required("hub");
        if let Some(h) = &hub {
            reference(&mut row, "hub", h, cx.hub_ids, "hub");
        }
        let usable = row.number("usable_kwh");
        let per_km = row.number("kwh_per_km");
        let reserve = row.optional_number("reserve_kwh").unwrap_or(0.0);
        let charger = row.optional_number("charger_kw").unwrap_or(7.0);
        let charge = row.number("charge_kwh");
        for (column, value) in [
            ("usable_kwh", usable),
            ("kwh_per_km", per_km),
            ("reserve_kwh", Some(reserve)),
            ("charger_kw", Some(charger)),
            ("charge_kwh", charge),
        ] {
            if let Some(v) = value.filter(|v| *v < 0.0) {
                row.fail(column, ErrorCode::BadBattery, format!("negative {column} {v}"));
            }
        }
        if let (Some(usable), Some(charge)) = (usable, charge) {
            if charge > usable {
                row.fail(
                    "charge_kwh",
                    ErrorCode::BadBattery,
                    format!("charge {charge} kWh is more than the usable {usable} kWh"),
                );
            }
            if reserve > usable {
                row.fail(
                    "reserve_kwh",
                    ErrorCode::BadBattery,
                    format!("reserve {reserve} kWh is more than the usable {usable} kWh"),
                );
            }
            if usable == 0.0 {
                row.fail(
                    "usable_kwh",
                    ErrorCode::BadBattery,
                    "a car needs a usable capacity above 0 kWh".into(),
                );
            }
        }
        if let Some(id) = &id {
            unique(&mut row, &mut seen, id);
        }
        if finish(row, errors) {
            if let (Some(id), Some(hub), Some(usable_kwh), Some(kwh_per_km), Some(charge_kwh)) =
                (id, hub, usable, per_km, charge)
            {
                out.push(Car {
                    id: CarId(id),
                    model,
                    hub: HubId(hub),
                    usable_kwh,
                    kwh_per_km,
                    reserve_kwh: reserve,
                    charger_kw: charger,
                    charge_kwh,
                    unavailable: Vec::new(),
                });
            }
        }
    }
    out
}

fn outages(table: Option<&Table>, cx: &Refs<'_>, cars: &mut [Car], errors: &mut Vec<ImportError>) {
    let Some(table) = table else { return };
    for mut row in table.rows() {
        let car = row.required("car");
        if let Some(c) = &car {
            reference(&mut row, "car", c, cx.car_ids, "car");
        }
        let from = row.required_datetime("from");
        let until = row.required_datetime("until");
        if let (Some(from), Some(until)) = (from, until) {
            if until <= from {
                row.fail(
                    "until",
                    ErrorCode::BadDate,
                    format!("the outage ends ({until}) before it starts ({from})"),
                );
            }
        }
        if finish(row, errors) {
            if let (Some(car), Some(from), Some(until)) = (car, from, until) {
                if let Some(car) = cars.iter_mut().find(|c| c.id.as_str() == car) {
                    car.unavailable.push(Outage { from, until });
                }
            }
        }
    }
}

fn holidays(table: Option<&Table>, errors: &mut Vec<ImportError>) -> WorkingCalendar {
    let mut calendar = WorkingCalendar::england_and_wales();
    let Some(table) = table else { return calendar };
    for mut row in table.rows() {
        let date = row.required_date("date");
        if finish(row, errors) {
            if let Some(date) = date {
                calendar.add_holiday(date);
            }
        }
    }
    calendar
}
