//! The committed Medway fixtures: they regenerate byte for byte, import cleanly, put every child
//! in the locality their home falls in, and look like Medway; bigger scales grow in proportion.

use rounds::domain::{locality_of, Dataset, Location, PlanType};
use rounds::fixtures::generate;
use rounds::format::csv::{files, load_dir, load_files, to_files, write_dir};
use std::path::PathBuf;

fn medway_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures/medway")
}

fn medway() -> Dataset {
    load_dir(&medway_dir())
        .unwrap_or_else(|errors| panic!("fixtures/medway does not import:\n{errors}"))
}

#[test]
fn regenerating_seed_1_scale_1_reproduces_fixtures_medway_byte_for_byte() {
    let out = tempfile::tempdir().unwrap();
    write_dir(&generate(1, 1), out.path()).unwrap();
    for name in files::ALL {
        let committed = std::fs::read(medway_dir().join(name)).unwrap();
        let fresh = std::fs::read(out.path().join(name)).unwrap();
        assert!(
            committed == fresh,
            "{name} differs from a fresh `rounds fixtures --seed 1 --scale 1`"
        );
    }
}

#[test]
fn fixtures_medway_round_trip_through_import_and_export() {
    let data = medway();
    for (name, bytes) in to_files(&data) {
        let committed = std::fs::read(medway_dir().join(&name)).unwrap();
        assert!(committed == bytes, "{name} changes when read and written back");
    }
}

#[test]
fn every_child_has_the_locality_their_home_falls_in() {
    let data = medway();
    let mut in_area = 0;
    for child in &data.children {
        let found = locality_of(&data.localities, child.home.location).map(|l| l.id.clone());
        assert_eq!(child.locality, found, "{}", child.id);
        in_area += usize::from(found.is_some());
    }
    assert!(in_area > 1_000, "only {in_area} children live in Medway");
}

#[test]
fn named_places_fall_in_their_locality() {
    let data = medway();
    let places = [
        ("Strood", 51.393, 0.478, "A"),
        ("Rochester", 51.388, 0.503, "A"),
        ("Hoo St Werburgh", 51.423, 0.558, "A"),
        ("Isle of Grain", 51.459, 0.712, "A"),
        ("Cuxton", 51.374, 0.455, "A"),
        ("Chatham", 51.382, 0.527, "B"),
        ("Gun Wharf", 51.3885, 0.5215, "B"),
        ("Walderslade", 51.341, 0.517, "B"),
        ("Lordswood", 51.335, 0.543, "B"),
        ("Gillingham", 51.389, 0.549, "C"),
        ("Twydall", 51.373, 0.585, "C"),
        ("Medway Maritime Hospital", 51.3835, 0.5395, "C"),
        ("Luton", 51.370, 0.546, "D"),
        ("Hempstead", 51.352, 0.568, "D"),
        ("Rainham", 51.362, 0.609, "D"),
        ("Maidstone", 51.272, 0.522, "-"),
        ("Gravesend", 51.441, 0.370, "-"),
    ];
    for (name, lat, lon, want) in places {
        let found = locality_of(&data.localities, Location { lat, lon });
        assert_eq!(found.map_or("-", |l| l.id.as_str()), want, "{name}");
    }
}

#[test]
fn medway_fixtures_have_the_size_and_mix_of_medway() {
    let data = medway();
    assert_eq!(data.localities.len(), 4);
    assert_eq!(data.pods.len(), 25);
    assert_eq!(data.workers.len(), 150);
    assert_eq!(data.cars.len(), 25);
    assert_eq!(data.children.len(), 1_700);
    let in_care: Vec<_> = data.children.iter().filter(|c| c.plan.in_care()).collect();
    assert_eq!(in_care.len(), 490);
    let away = in_care.iter().filter(|c| c.locality.is_none()).count();
    assert!(
        away * 2 > in_care.len(),
        "only {away} of {} in care placed out of area",
        in_care.len()
    );
    for plan in PlanType::ALL {
        assert!(data.children.iter().any(|c| c.plan == plan), "no child on {plan:?}");
    }
    let peninsula = data
        .children
        .iter()
        .filter(|c| c.home.location.lat > 51.415 && c.locality.is_some())
        .count();
    assert!(peninsula > 50, "{peninsula} children on the Hoo Peninsula");
    let joint = data.children.iter().filter(|c| c.joint).count();
    assert!((40..=130).contains(&joint), "{joint} joint visits");
    let new_placements =
        data.children.iter().filter(|c| c.plan.in_care() && c.last_seen.is_none()).count();
    assert!(new_placements > 0, "no new placement waiting for its first visit");
    for car in &data.cars {
        assert!(car.reserve_kwh < car.charge_kwh && car.charge_kwh <= car.usable_kwh, "{}", car.id);
        assert!((0.15..=0.2).contains(&car.kwh_per_km), "{}", car.id);
    }
    assert!(data.cars.iter().any(|c| !c.unavailable.is_empty()));
    assert!(data.absences.len() > 300, "{} absences", data.absences.len());
}

#[test]
fn every_worker_can_be_given_the_skill_their_children_need() {
    let data = medway();
    for child in &data.children {
        if let Some(skill) = &child.skill {
            let worker = data.worker(&child.allocated).unwrap();
            assert!(worker.skills.contains(skill), "{} needs {skill}", child.id);
        }
    }
}

#[test]
fn scale_5_is_about_five_times_medway_and_valid() {
    let data = generate(3, 5);
    assert_eq!(data.pods.len(), 125);
    assert_eq!(data.children.len(), 8_500);
    assert_eq!(data.cars.len(), 125);
    assert_eq!(data.localities.len(), 20);
    let reloaded = load_files(&to_files(&data)).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(reloaded.children.len(), 8_500);
}
