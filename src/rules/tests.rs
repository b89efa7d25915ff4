//! Deadlines around weekends, bank holidays, Christmas, month ends and placement anniversaries.
//! Expected dates are worked out by hand from the 2026-27 calendar in the comments.

use super::*;
use crate::domain::{Location, VisitPlace};

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn child(id: &str, plan: PlanType, plan_start: NaiveDate) -> Child {
    Child {
        id: id.into(),
        name: format!("Child {id}"),
        home: VisitPlace {
            location: Location::new(51.38, 0.52).unwrap(),
            address: "1 Test Street".into(),
            windows: vec![],
        },
        alternative: None,
        locality: None,
        pod: "P01".into(),
        allocated: "W01".into(),
        plan,
        plan_start,
        placement_start: None,
        placement_until_18: false,
        last_seen: None,
        visit_minutes: 60,
        joint: false,
        skill: None,
    }
}

fn seen(mut child: Child, date: NaiveDate) -> Child {
    child.last_seen = Some(date);
    child
}

fn placed(mut child: Child, date: NaiveDate, until_18: bool) -> Child {
    child.placement_start = Some(date);
    child.placement_until_18 = until_18;
    child
}

/// The one place the tests call the API: the deadline date under the England table.
fn deadline(child: &Child) -> NaiveDate {
    next_deadline(child, &RulesTable::england(), &WorkingCalendar::england_and_wales()).date
}

/// The England table with one rule replaced by a row in CSV form.
fn england_with(row: &str) -> RulesTable {
    let (plan, rest) = row.split_once(',').unwrap();
    let (phase, _) = rest.split_once(',').unwrap();
    let mut text: String = ENGLAND_CSV
        .lines()
        .filter(|line| !line.starts_with(&format!("{plan},{phase},")))
        .map(|line| format!("{line}\n"))
        .collect();
    text.push_str(row);
    text.push('\n');
    parse_table(&text).unwrap()
}

#[test]
fn england_table_has_a_row_for_every_domain_rule() {
    let table = RulesTable::england();
    assert_eq!(table.rules().len(), 20);
    let cic = |phase| table.rule(PlanType::ChildInCare, phase).unwrap();
    assert_eq!((cic(Phase::FirstVisit).interval, cic(Phase::FirstVisit).unit), (1, Unit::Weeks));
    assert_eq!(cic(Phase::AfterFirstYearUntil18).unit, Unit::CalendarMonths);
    let cp = table.rule(PlanType::ChildProtection, Phase::Default).unwrap();
    assert_eq!((cp.interval, cp.unit), (10, Unit::WorkingDays));
}

#[test]
fn cp_counts_ten_working_days_over_a_weekend() {
    // Mon 16 Nov 2026 + 10 working days = Mon 30 Nov.
    let c = seen(child("C1", PlanType::ChildProtection, d(2026, 1, 5)), d(2026, 11, 16));
    assert_eq!(deadline(&c), d(2026, 11, 30));
}

#[test]
fn cp_skips_christmas_and_new_year_2026() {
    // From Fri 18 Dec: 21, 22, 23, 24 (4); 25 and 28 Dec are bank holidays; 29, 30, 31 (7);
    // 1 Jan is a bank holiday; 4, 5, 6 Jan (10).
    let c = seen(child("C1", PlanType::ChildProtection, d(2026, 1, 5)), d(2026, 12, 18));
    assert_eq!(deadline(&c), d(2027, 1, 6));
}

#[test]
fn cin_counts_twenty_working_days_past_a_bank_holiday() {
    // From Mon 17 Aug 2026: 18-21 Aug (4), 24-28 Aug (9), 31 Aug is a bank holiday,
    // 1-4 Sep (13), 7-11 Sep (18), 14, 15 Sep (20).
    let c = seen(child("C1", PlanType::ChildInNeed, d(2026, 1, 5)), d(2026, 8, 17));
    assert_eq!(deadline(&c), d(2026, 9, 15));
}

#[test]
fn working_days_from_a_weekend_start_at_the_next_monday() {
    // Seen on Sat 21 Nov: the first working day counted is Mon 23 Nov; 10 is Fri 4 Dec.
    let c = seen(child("C1", PlanType::ChildProtection, d(2026, 1, 5)), d(2026, 11, 21));
    assert_eq!(deadline(&c), d(2026, 12, 4));
}

#[test]
fn calendar_deadline_on_christmas_day_moves_earlier_not_later() {
    // Former care leaver seen Fri 30 Oct 2026: 8 weeks is Fri 25 Dec, a bank holiday, so the
    // deadline is Thu 24 Dec (never Tue 29 Dec).
    let c = seen(child("C1", PlanType::CareLeaverFormer, d(2025, 1, 6)), d(2026, 10, 30));
    let got = next_deadline(&c, &RulesTable::england(), &WorkingCalendar::england_and_wales());
    assert_eq!(got.date, d(2026, 12, 24));
    assert!(got.rule.contains("moved back to Thu 2026-12-24"), "{}", got.rule);
}

#[test]
fn calendar_deadline_on_a_weekend_moves_to_the_friday() {
    // A relevant care leaver moved on Sat 21 Nov 2026: 7 days is Sat 28 Nov, so Fri 27 Nov.
    let c =
        placed(child("C1", PlanType::CareLeaverRelevant, d(2026, 3, 2)), d(2026, 11, 21), false);
    assert_eq!(deadline(&c), d(2026, 11, 27));
}

#[test]
fn calendar_deadline_after_the_28_december_holiday_moves_before_christmas() {
    // Relevant care leaver seen Wed 28 Oct 2026: 2 months is Mon 28 Dec,
    // a bank holiday; Sat 26 and Sun 27 are weekend, Fri 25 a bank holiday: Thu 24 Dec.
    let c = seen(child("C1", PlanType::CareLeaverRelevant, d(2026, 3, 2)), d(2026, 10, 28));
    assert_eq!(deadline(&c), d(2026, 12, 24));
}

#[test]
fn calendar_months_clamp_to_the_end_of_a_shorter_month() {
    let table = england_with("CL_RELEVANT,default,1,calendar_months,day0,skip,always,test");
    let cal = WorkingCalendar::england_and_wales();
    let rule = table.rule(PlanType::CareLeaverRelevant, Phase::Default).unwrap();
    // 31 Jan 2028 + 1 month = Tue 29 Feb 2028 (leap year), a working day.
    assert_eq!(rule.deadline_from(d(2028, 1, 31), &cal), d(2028, 2, 29));
    // 31 Jan 2027 + 1 month = Sun 28 Feb 2027, moved back to Fri 26 Feb.
    assert_eq!(rule.counted_from(d(2027, 1, 31), &cal), d(2027, 2, 28));
    assert_eq!(rule.deadline_from(d(2027, 1, 31), &cal), d(2027, 2, 26));
}

#[test]
fn never_seen_child_in_care_is_due_a_week_after_placement_start() {
    // Placed Mon 16 Nov 2026, never seen: Mon 23 Nov.
    let c = placed(child("C1", PlanType::ChildInCare, d(2026, 11, 16)), d(2026, 11, 16), true);
    assert_eq!(deadline(&c), d(2026, 11, 23));
}

#[test]
fn never_seen_cp_child_counts_from_the_plan_start() {
    // Plan started Thu 24 Dec 2026: 29, 30, 31 Dec, 4-8 Jan (8), 11, 12 Jan (10).
    let c = child("C1", PlanType::ChildProtection, d(2026, 12, 24));
    assert_eq!(deadline(&c), d(2027, 1, 12));
}

#[test]
fn new_placement_after_the_last_visit_is_due_within_a_week_unless_the_gap_closes_first() {
    // Seen 1 Oct 2026 in the old placement; moved on Tue 10 Nov. The first-visit rule gives
    // Tue 17 Nov; the six-week gap from 1 Oct closes on Thu 12 Nov, which is earlier.
    let c = placed(child("C1", PlanType::ChildInCare, d(2025, 6, 2)), d(2026, 11, 10), true);
    assert_eq!(deadline(&seen(c.clone(), d(2026, 10, 1))), d(2026, 11, 12));
    // Seen 3 Nov instead: the gap closes 15 Dec, so the first-visit rule (17 Nov) wins.
    assert_eq!(deadline(&seen(c.clone(), d(2026, 11, 3))), d(2026, 11, 17));
    // Seen on the day the placement started: that visit counts; six weeks from it.
    assert_eq!(deadline(&seen(c, d(2026, 11, 10))), d(2026, 12, 22));
}

#[test]
fn child_in_care_switches_interval_at_the_placement_anniversary() {
    // Placement from Tue 1 Dec 2025, meant to last until 18.
    let c = placed(child("C1", PlanType::ChildInCare, d(2025, 12, 1)), d(2025, 12, 1), true);
    // Seen Fri 20 Nov 2026, inside the first year: 6 weeks is Fri 1 Jan 2027, a bank
    // holiday, so Thu 31 Dec 2026.
    assert_eq!(deadline(&seen(c.clone(), d(2026, 11, 20))), d(2026, 12, 31));
    // Seen on the anniversary, Tue 1 Dec 2026: 3 months, Mon 1 Mar 2027.
    assert_eq!(deadline(&seen(c.clone(), d(2026, 12, 1))), d(2027, 3, 1));
    // The day before the anniversary is still the first year: 6 weeks, Mon 11 Jan 2027.
    assert_eq!(deadline(&seen(c.clone(), d(2026, 11, 30))), d(2027, 1, 11));
    // Not meant to last until 18: 6 weeks after the first year too, Tue 12 Jan 2027.
    let short = placed(c, d(2025, 12, 1), false);
    assert_eq!(deadline(&seen(short, d(2026, 12, 1))), d(2027, 1, 12));
}

#[test]
fn placed_with_parent_is_weekly_until_the_first_review_then_six_weeks() {
    // Looked after from Mon 2 Nov 2026: first review 20 working days later, Mon 30 Nov.
    let c = placed(child("C1", PlanType::CareWithParent, d(2026, 11, 2)), d(2026, 11, 2), false);
    assert_eq!(deadline(&c), d(2026, 11, 9));
    assert_eq!(deadline(&seen(c.clone(), d(2026, 11, 20))), d(2026, 11, 27));
    assert_eq!(deadline(&seen(c.clone(), d(2026, 11, 27))), d(2026, 12, 4));
    assert_eq!(deadline(&seen(c, d(2026, 11, 30))), d(2027, 1, 11));
}

#[test]
fn connected_person_placement_is_four_weekly_after_the_first_review() {
    let c = placed(
        child("C1", PlanType::CareWithConnectedPerson, d(2026, 11, 2)),
        d(2026, 11, 2),
        false,
    );
    assert_eq!(deadline(&seen(c.clone(), d(2026, 11, 23))), d(2026, 11, 30));
    // Seen Tue 1 Dec, after the review: 4 weeks, Tue 29 Dec.
    assert_eq!(deadline(&seen(c, d(2026, 12, 1))), d(2026, 12, 29));
}

#[test]
fn private_fostering_first_visit_counts_working_days_over_christmas() {
    // Notified Wed 23 Dec 2026: 24, 29, 30, 31 Dec, 4, 5, 6 Jan.
    let c = child("C1", PlanType::PrivateFostering, d(2026, 12, 23));
    assert_eq!(deadline(&c), d(2027, 1, 6));
    // Then six weeks in the first year, twelve after it.
    assert_eq!(deadline(&seen(c.clone(), d(2027, 1, 5))), d(2027, 2, 16));
    assert_eq!(deadline(&seen(c, d(2028, 1, 4))), d(2028, 3, 28));
}

#[test]
fn day1_rules_end_a_day_earlier() {
    let table = england_with("CP,default,10,working_days,day1,skip,always,test");
    let cal = WorkingCalendar::england_and_wales();
    let c = seen(child("C1", PlanType::ChildProtection, d(2026, 1, 5)), d(2026, 11, 16));
    assert_eq!(next_deadline(&c, &table, &cal).date, d(2026, 11, 27));
    let weekly = england_with("CL_FORMER,default,1,weeks,day1,skip,always,test");
    let rule = weekly.rule(PlanType::CareLeaverFormer, Phase::Default).unwrap();
    // Mon 16 Nov is day 1, so day 7 is Sun 22 Nov, moved back to Fri 20 Nov.
    assert_eq!(rule.deadline_from(d(2026, 11, 16), &cal), d(2026, 11, 20));
}

#[test]
fn counting_bank_holidays_as_working_days_still_moves_a_holiday_deadline_earlier() {
    let table = england_with("CP,default,2,working_days,day0,count,always,test");
    let cal = WorkingCalendar::england_and_wales();
    let rule = table.rule(PlanType::ChildProtection, Phase::Default).unwrap();
    // From Wed 23 Dec: 24 (1), 25 counted (2): a bank holiday, so back to Thu 24 Dec.
    assert_eq!(rule.counted_from(d(2026, 12, 23), &cal), d(2026, 12, 25));
    assert_eq!(rule.deadline_from(d(2026, 12, 23), &cal), d(2026, 12, 24));
    // Skipping them instead: 24 (1), 29 (2).
    let england = RulesTable::england();
    let skip = england.rule(PlanType::ChildProtection, Phase::Default).unwrap();
    let two = Rule { interval: 2, ..skip.clone() };
    assert_eq!(two.deadline_from(d(2026, 12, 23), &cal), d(2026, 12, 29));
}

#[test]
fn council_holidays_push_working_day_deadlines_later() {
    let mut cal = WorkingCalendar::england_and_wales();
    let c = seen(child("C1", PlanType::ChildProtection, d(2026, 1, 5)), d(2026, 11, 16));
    cal.add_holiday(d(2026, 11, 20));
    assert_eq!(next_deadline(&c, &RulesTable::england(), &cal).date, d(2026, 12, 1));
}

#[test]
fn due_by_lists_children_due_by_deadline_then_id_with_counts() {
    let children = vec![
        seen(child("C3", PlanType::ChildProtection, d(2026, 1, 5)), d(2026, 11, 9)), // 23 Nov
        seen(child("C2", PlanType::ChildProtection, d(2026, 1, 5)), d(2026, 11, 6)), // 20 Nov
        seen(child("C1", PlanType::ChildInNeed, d(2026, 1, 5)), d(2026, 10, 26)),    // 23 Nov
        seen(child("C4", PlanType::ChildInNeed, d(2026, 1, 5)), d(2026, 11, 20)),    // not due
    ];
    let dataset = Dataset { children, ..Dataset::default() };
    let due = due_by(&dataset, &RulesTable::england(), d(2026, 11, 23));
    let got: Vec<_> = due.iter().map(|e| (e.child.as_str(), e.deadline, e.overdue_days)).collect();
    assert_eq!(
        got,
        [("C2", d(2026, 11, 20), 3), ("C1", d(2026, 11, 23), 0), ("C3", d(2026, 11, 23), 0)]
    );
    let counts = counts_by_plan(&due);
    assert_eq!(counts[&PlanType::ChildProtection], 2);
    assert_eq!(counts[&PlanType::ChildInNeed], 1);
    assert_eq!(counts[&PlanType::ChildInCare], 0);
    assert_eq!(counts.len(), PlanType::ALL.len());
}
