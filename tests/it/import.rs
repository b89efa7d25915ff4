//! CSV import: each error class is reported with its file, row, column and reason, every error of
//! an import is reported together, and nothing is loaded when any is found.

use rounds::format::csv::{load_files, to_files, ErrorCode, ImportError, ImportErrors};
use std::collections::BTreeMap;

/// A council small enough to read: one square locality, one hub, pod, worker, child and car.
fn minimal() -> BTreeMap<String, String> {
    let files = [
        ("localities.csv", "id,name,polygon\nA,Square,51.0 0.0;51.0 1.0;52.0 1.0;52.0 0.0\n"),
        ("hubs.csv", "id,name,lat,lon,locality,chargers\nH,Hub,51.5,0.5,A,2\n"),
        ("pods.csv", "id,name,locality,hub\nP1,Pod one,A,H\n"),
        (
            "workers.csv",
            "id,name,role,pod,base_hub,mon,tue,wed,thu,fri,can_drive\n\
             W1,Sam Worker,social_worker,P1,H,09:00-17:00,09:00-17:00,,09:00-17:00,09:00-13:00,yes\n\
             W2,Alex Manager,practice_manager,P1,H,09:00-17:00,09:00-17:00,09:00-17:00,09:00-17:00,09:00-17:00,no\n",
        ),
        (
            "children.csv",
            "id,name,plan,plan_start,last_seen,pod,allocated_worker,lat,lon,out_of_area,windows\n\
             C1,Child One,CIN,2026-01-05,2026-11-02,P1,W1,51.4,0.4,,15:30-18:30\n\
             C2,Child Two,CP,2026-03-05,2026-11-16,P1,W2,51.6,0.6,no,\n",
        ),
        ("absences.csv", "worker,date,kind,start,end\nW1,2026-11-23,court,10:00,13:00\n"),
        (
            "cars.csv",
            "id,model,hub,usable_kwh,kwh_per_km,reserve_kwh,charger_kw,charge_kwh\n\
             CAR1,BMW i3,H,37.9,0.16,4,7,30\n",
        ),
        ("car_outages.csv", "car,from,until\nCAR1,2026-11-23 08:00,2026-11-23 12:00\n"),
    ];
    files.into_iter().map(|(name, text)| (name.to_owned(), text.to_owned())).collect()
}

fn load(files: &BTreeMap<String, String>) -> Result<rounds::domain::Dataset, ImportErrors> {
    let bytes = files.iter().map(|(k, v)| (k.clone(), v.clone().into_bytes())).collect();
    load_files(&bytes)
}

/// The errors of the minimal council with `file` replaced by `text`.
fn errors_with(file: &str, text: &str) -> Vec<ImportError> {
    let mut files = minimal();
    files.insert(file.to_owned(), text.to_owned());
    match load(&files) {
        Ok(_) => panic!("{file} was accepted:\n{text}"),
        Err(errors) => errors.errors,
    }
}

/// Asserts there is exactly one error and it is this one.
fn assert_one(errors: &[ImportError], file: &str, row: usize, column: &str, code: ErrorCode) {
    assert_eq!(errors.len(), 1, "{errors:#?}");
    let error = &errors[0];
    assert_eq!(
        (error.file.as_str(), error.row, error.column.as_str(), error.code),
        (file, row, column, code)
    );
}

#[test]
fn can_load_the_minimal_council() {
    let data = load(&minimal()).unwrap();
    assert_eq!(data.children.len(), 2);
    assert_eq!(data.children[0].locality.as_ref().map(|l| l.as_str()), Some("A"));
    assert_eq!(data.workers[0].pattern.0[2], None, "Wednesday off");
    assert_eq!(data.absences.len(), 1);
    assert_eq!(data.cars[0].unavailable.len(), 1);
}

#[test]
fn can_read_ofsted_annex_a_column_names() {
    let mut files = minimal();
    files.insert(
        "children.csv".into(),
        "Child Unique ID,Plan,Plan start,Date last seen,Allocated team,Allocated worker,Latitude,Longitude\n\
         C9,CIN,2026-01-05,02/11/2026,P1,W1,51.4,0.4\n"
            .into(),
    );
    let data = load(&files).unwrap();
    let child = &data.children[0];
    assert_eq!(child.id.as_str(), "C9");
    assert_eq!(child.last_seen, chrono::NaiveDate::from_ymd_opt(2026, 11, 2));
    assert_eq!(child.allocated.as_str(), "W1");
}

#[test]
fn rejects_a_bad_date_naming_file_row_and_column() {
    let errors = errors_with(
        "children.csv",
        "id,plan,plan_start,last_seen,pod,allocated_worker,lat,lon\nC1,CIN,2026-01-05,2026-13-01,P1,W1,51.4,0.4\n",
    );
    assert_one(&errors, "children.csv", 2, "last_seen", ErrorCode::BadDate);
    assert_eq!(
        errors[0].to_string(),
        "children.csv row 2, column last_seen: bad date '2026-13-01' (expected YYYY-MM-DD)"
    );
}

#[test]
fn rejects_a_bad_time() {
    let errors = errors_with(
        "absences.csv",
        "worker,date,kind,start,end\nW1,2026-11-23,court,25:00,13:00\n",
    );
    assert_one(&errors, "absences.csv", 2, "start", ErrorCode::BadTime);
    assert!(errors[0].reason.contains("'25:00'"), "{}", errors[0].reason);

    let errors = errors_with(
        "workers.csv",
        "id,name,role,pod,base_hub,mon\nW1,Sam,social_worker,P1,H,17:00-09:00\nW2,Alex,practice_manager,P1,H,\n",
    );
    assert_one(&errors, "workers.csv", 2, "mon", ErrorCode::BadTime);
}

#[test]
fn rejects_an_unknown_pod_worker_hub_locality_and_car() {
    let children =
        "id,plan,plan_start,pod,allocated_worker,lat,lon\nC1,CIN,2026-01-05,P9,W9,51.4,0.4\n";
    let errors = errors_with("children.csv", children);
    assert_eq!(errors.len(), 2, "{errors:#?}");
    assert_eq!((errors[0].column.as_str(), errors[0].code), ("pod", ErrorCode::UnknownReference));
    assert_eq!(errors[0].reason, "unknown pod 'P9'");
    assert_eq!(
        (errors[1].column.as_str(), errors[1].reason.as_str()),
        ("allocated_worker", "unknown worker 'W9'")
    );

    let cars = "id,hub,usable_kwh,kwh_per_km,charge_kwh\nCAR1,NOPE,40,0.16,30\n";
    assert_one(&errors_with("cars.csv", cars), "cars.csv", 2, "hub", ErrorCode::UnknownReference);

    let pods = "id,name,locality,hub\nP1,Pod one,Z,H\n";
    assert_one(
        &errors_with("pods.csv", pods),
        "pods.csv",
        2,
        "locality",
        ErrorCode::UnknownReference,
    );

    let outages = "car,from,until\nCAR7,2026-11-23 08:00,2026-11-23 12:00\n";
    assert_one(
        &errors_with("car_outages.csv", outages),
        "car_outages.csv",
        2,
        "car",
        ErrorCode::UnknownReference,
    );
}

#[test]
fn rejects_a_duplicate_id() {
    let errors = errors_with(
        "workers.csv",
        "id,name,role,pod,base_hub\nW1,Sam,social_worker,P1,H\nW2,Alex,practice_manager,P1,H\nW1,Kim,social_worker,P1,H\n",
    );
    assert_one(&errors, "workers.csv", 4, "id", ErrorCode::DuplicateId);
    assert_eq!(errors[0].reason, "duplicate id 'W1'");
}

#[test]
fn rejects_a_hub_outside_every_locality() {
    let errors = errors_with("hubs.csv", "id,name,lat,lon\nH,Hub,50.5,0.5\n");
    assert_one(&errors, "hubs.csv", 2, "lat", ErrorCode::OutsideLocalities);
}

#[test]
fn rejects_a_child_outside_every_locality_unless_placed_out_of_area() {
    let header = "id,plan,plan_start,pod,allocated_worker,lat,lon,out_of_area\n";
    let errors =
        errors_with("children.csv", &format!("{header}C1,CIC,2026-01-05,P1,W1,51.27,-0.5,\n"));
    assert_one(&errors, "children.csv", 2, "lat", ErrorCode::OutsideLocalities);

    let mut files = minimal();
    files
        .insert("children.csv".into(), format!("{header}C1,CIC,2026-01-05,P1,W1,51.27,-0.5,yes\n"));
    let data = load(&files).unwrap();
    assert_eq!(data.children[0].locality, None);
}

#[test]
fn rejects_a_negative_or_impossible_battery() {
    let header = "id,hub,usable_kwh,kwh_per_km,reserve_kwh,charge_kwh\n";
    let errors = errors_with("cars.csv", &format!("{header}CAR1,H,40,0.16,4,-1\n"));
    assert_one(&errors, "cars.csv", 2, "charge_kwh", ErrorCode::BadBattery);

    let errors = errors_with("cars.csv", &format!("{header}CAR1,H,40,0.16,4,45\n"));
    assert_one(&errors, "cars.csv", 2, "charge_kwh", ErrorCode::BadBattery);
    assert!(errors[0].reason.contains("more than the usable"), "{}", errors[0].reason);

    let errors = errors_with("cars.csv", &format!("{header}CAR1,H,-40,0.16,4,10\n"));
    assert!(
        errors.iter().any(|e| e.column == "usable_kwh" && e.code == ErrorCode::BadBattery),
        "{errors:#?}"
    );
}

#[test]
fn rejects_a_missing_required_column_once_with_the_header() {
    let errors = errors_with(
        "children.csv",
        "id,plan_start,pod,allocated_worker,lat,lon\nC1,2026-01-05,P1,W1,51.4,0.4\nC2,2026-01-05,P1,W1,51.4,0.4\n",
    );
    assert_one(&errors, "children.csv", 1, "plan", ErrorCode::MissingColumn);
    assert!(errors[0].reason.contains("id,plan_start,pod"), "{}", errors[0].reason);
}

#[test]
fn rejects_a_row_with_the_wrong_number_of_fields() {
    let errors = errors_with("pods.csv", "id,name,locality,hub\nP1,Pod one,A\n");
    assert!(errors
        .iter()
        .any(|e| e.file == "pods.csv" && e.row == 2 && e.code == ErrorCode::WrongFieldCount));
}

#[test]
fn rejects_a_folder_without_a_required_file() {
    let mut files = minimal();
    files.remove("pods.csv");
    let errors = load(&files).unwrap_err().errors;
    assert!(errors
        .iter()
        .any(|e| e.file == "pods.csv" && e.row == 0 && e.code == ErrorCode::MissingFile));
}

#[test]
fn reports_every_error_of_a_file_together() {
    let errors = errors_with(
        "children.csv",
        "id,plan,plan_start,last_seen,pod,allocated_worker,lat,lon\n\
         C1,CIN,2026-01-05,2026-13-01,P1,W1,51.4,0.4\n\
         C2,XX,2026-01-05,2026-11-01,P1,W1,51.4,0.4\n\
         C3,CIN,2026-01-05,2026-11-01,P1,W7,51.4,0.4\n\
         C1,CIN,2026-01-05,2026-11-01,P1,W1,51.4,0.4\n",
    );
    let found: Vec<(usize, &str, ErrorCode)> =
        errors.iter().map(|e| (e.row, e.column.as_str(), e.code)).collect();
    assert_eq!(
        found,
        vec![
            (2, "last_seen", ErrorCode::BadDate),
            (3, "plan", ErrorCode::BadValue),
            (4, "allocated_worker", ErrorCode::UnknownReference),
            (5, "id", ErrorCode::DuplicateId),
        ]
    );
    let text = ImportErrors { errors }.to_string();
    assert_eq!(text.lines().count(), 4, "{text}");
}

#[test]
fn reports_errors_of_several_files_and_loads_nothing() {
    let mut files = minimal();
    files.insert(
        "hubs.csv".into(),
        "id,name,lat,lon\nH,Hub,51.5,0.5\nH,Hub again,51.5,0.5\n".into(),
    );
    files.insert("absences.csv".into(), "worker,date,kind\nW1,2026-02-30,leave\n".into());
    let errors = load(&files).unwrap_err();
    assert_eq!(errors.in_file("hubs.csv").count(), 1);
    assert_eq!(errors.in_file("absences.csv").count(), 1);
}

#[test]
fn can_add_a_bank_holiday_and_write_it_back() {
    let mut files = minimal();
    files.insert("holidays.csv".into(), "date,name\n2026-11-23,Council closure\n".into());
    let data = load(&files).unwrap();
    assert!(!data.calendar.is_working_day(chrono::NaiveDate::from_ymd_opt(2026, 11, 23).unwrap()));
    let written = to_files(&data);
    assert_eq!(String::from_utf8_lossy(&written["holidays.csv"]), "date,name\n2026-11-23,\n");
}
