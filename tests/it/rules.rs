//! The rules table as a council uses it: the shipped file, and an edited copy that changes
//! deadlines.

use chrono::NaiveDate;
use rounds::domain::{Child, Dataset, Location, PlanType, VisitPlace};
use rounds::format::rules::{read_rules, write_rules};
use rounds::rules::{counts_by_plan, due_by, next_deadline, RulesTable};

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn cp_child(id: &str, last_seen: NaiveDate) -> Child {
    Child {
        id: id.into(),
        name: id.into(),
        home: VisitPlace {
            location: Location::new(51.39, 0.54).unwrap(),
            address: "x".into(),
            windows: vec![],
        },
        alternative: None,
        locality: None,
        pod: "P01".into(),
        allocated: "W01".into(),
        plan: PlanType::ChildProtection,
        plan_start: d(2026, 1, 5),
        placement_start: None,
        placement_until_18: false,
        last_seen: Some(last_seen),
        visit_minutes: 60,
        joint: false,
        skill: None,
    }
}

fn shipped_file() -> String {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/rules/england.csv");
    std::fs::read_to_string(path).unwrap()
}

#[test]
fn shipped_file_is_the_built_in_table() {
    let table = read_rules("fixtures/rules/england.csv", &shipped_file()).unwrap();
    assert_eq!(table, RulesTable::england());
    assert_eq!(write_rules(&table), shipped_file());
}

#[test]
fn can_make_child_protection_visits_fifteen_working_days_apart() {
    let edited = shipped_file().replace("CP,default,10,", "CP,default,15,");
    let local = read_rules("kent.csv", &edited).unwrap();
    // Seen Mon 16 Nov 2026: 10 working days is Mon 30 Nov, 15 is Mon 7 Dec.
    let dataset = Dataset { children: vec![cp_child("C1", d(2026, 11, 16))], ..Dataset::default() };
    let child = &dataset.children[0];
    assert_eq!(
        next_deadline(child, &RulesTable::england(), &dataset.calendar).date,
        d(2026, 11, 30)
    );
    assert_eq!(next_deadline(child, &local, &dataset.calendar).date, d(2026, 12, 7));
    assert_eq!(due_by(&dataset, &RulesTable::england(), d(2026, 11, 30)).len(), 1);
    let due = due_by(&dataset, &local, d(2026, 11, 30));
    assert!(due.is_empty());
    assert_eq!(counts_by_plan(&due)[&PlanType::ChildProtection], 0);
}

#[test]
fn rejects_an_edited_file_with_every_problem_listed() {
    let edited = shipped_file()
        .replace("CP,default,10,working_days", "CP,default,10,fortnights")
        .replace("CIN,default,20,working_days,day0", "CIN,default,20,working_days,day7");
    let err = read_rules("bad.csv", &edited).unwrap_err();
    let text = err.to_string();
    assert!(text.contains("bad.csv, line 14, column unit"), "{text}");
    assert!(text.contains("bad.csv, line 15, column start_day"), "{text}");
}
