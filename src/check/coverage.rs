//! Each visit made or left out exactly once, and joint visits made by two workers together.

use super::{codes, Checker};
use crate::domain::{Rota, VisitId};
use std::collections::BTreeMap;

/// Checks the visits made (recorded by the day walk) and the rota's unscheduled list against
/// the problem's visits.
pub(super) fn check_coverage(checker: &mut Checker<'_>, rota: &Rota) {
    let mut unscheduled: BTreeMap<&VisitId, usize> = BTreeMap::new();
    for entry in &rota.unscheduled {
        *unscheduled.entry(&entry.visit).or_default() += 1;
        match checker.visits.get(&entry.visit).copied() {
            None => checker.flag(
                codes::UNKNOWN_VISIT,
                None,
                Some(&entry.visit),
                None,
                format!("unscheduled visit {} is not in the day's problem", entry.visit),
            ),
            Some(visit) if visit.child != entry.child => checker.flag(
                codes::CHILD_MISMATCH,
                None,
                Some(&entry.visit),
                None,
                format!("visit {} is to child {}, not {}", visit.id, visit.child, entry.child),
            ),
            Some(_) => {}
        }
    }
    for visit in &checker.problem.visits {
        let made = checker.made.get(&visit.id).cloned().unwrap_or_default();
        let listed = unscheduled.get(&visit.id).copied().unwrap_or(0);
        if listed > 1 {
            checker.flag(
                codes::UNSCHEDULED_TWICE,
                None,
                Some(&visit.id),
                None,
                format!("visit {} is listed as unscheduled {listed} times", visit.id),
            );
        }
        if made.is_empty() {
            if listed == 0 {
                checker.flag(
                    codes::VISIT_MISSING,
                    None,
                    Some(&visit.id),
                    None,
                    format!("visit {} is neither made nor listed as unscheduled", visit.id),
                );
            }
            continue;
        }
        if listed > 0 {
            checker.flag(
                codes::SCHEDULED_AND_UNSCHEDULED,
                None,
                Some(&visit.id),
                None,
                format!("visit {} is made and also listed as unscheduled", visit.id),
            );
        }
        let mut workers: Vec<_> = made.iter().map(|m| &m.worker).collect();
        workers.sort();
        let n_made = workers.len();
        workers.dedup();
        let limit = if visit.joint { 2 } else { 1 };
        if workers.len() < n_made || n_made > limit {
            checker.flag(
                codes::VISIT_REPEATED,
                None,
                Some(&visit.id),
                None,
                format!("visit {} is made {n_made} times", visit.id),
            );
        } else if visit.joint {
            let together =
                made.len() == 2 && made[0].start == made[1].start && made[0].place == made[1].place;
            if !together {
                let how: Vec<String> = made
                    .iter()
                    .map(|m| format!("{} at {} (place {})", m.worker, m.start, m.place))
                    .collect();
                checker.flag(
                    codes::JOINT_VISIT,
                    None,
                    Some(&visit.id),
                    None,
                    format!(
                        "joint visit {} needs two workers starting together at one place, has {}",
                        visit.id,
                        how.join(", ")
                    ),
                );
            }
        }
    }
}
