//! Splitting the horizon into independent parts: pods linked by shared hubs (their workers'
//! pool cars) or by an allocated worker from another pod. No constraint crosses two parts, so
//! solving each alone gives the same optimum as one big model, and HiGHS handles four models of
//! a quarter the size far faster than one (the LP and the branching both grow faster than
//! linearly).

use super::model::Chosen;
use super::HorizonInput;
use std::collections::BTreeMap;

/// One independent part: indices into the full input.
pub(crate) struct Part {
    /// Workers of the part.
    pub workers: Vec<usize>,
    /// Hubs of the part.
    pub hubs: Vec<usize>,
    /// Visits of the part.
    pub visits: Vec<usize>,
}

impl Part {
    /// The part as an input of its own.
    pub fn input(&self, input: &HorizonInput) -> HorizonInput {
        HorizonInput {
            days: input.days.clone(),
            workers: self.workers.iter().map(|&w| input.workers[w].clone()).collect(),
            hubs: self.hubs.iter().map(|&h| input.hubs[h].clone()).collect(),
            visits: self.visits.iter().map(|&v| input.visits[v].clone()).collect(),
        }
    }

    /// Writes the part's choice back into the full input's indices.
    pub fn merge(&self, part_chosen: Chosen, chosen: &mut Chosen) {
        for (v, choice) in self.visits.iter().zip(part_chosen) {
            chosen[*v] =
                choice.map(|(day, ws)| (day, ws.into_iter().map(|w| self.workers[w]).collect()));
        }
    }
}

/// The independent parts, in a fixed order (by their first pod or hub id); parts with no
/// visit are dropped.
pub(crate) fn parts(input: &HorizonInput) -> Vec<Part> {
    let mut nodes: BTreeMap<String, usize> = BTreeMap::new();
    let mut node = |key: String| {
        let n = nodes.len();
        *nodes.entry(key).or_insert(n)
    };
    let worker_pod: BTreeMap<&str, usize> =
        input.workers.iter().map(|w| (w.id.as_str(), node(format!("pod:{}", w.pod)))).collect();
    let worker_nodes: Vec<(usize, usize)> = input
        .workers
        .iter()
        .map(|w| (worker_pod[w.id.as_str()], node(format!("hub:{}", w.hub))))
        .collect();
    let hub_nodes: Vec<usize> = input.hubs.iter().map(|h| node(format!("hub:{}", h.id))).collect();
    let visit_nodes: Vec<(usize, Option<usize>)> = input
        .visits
        .iter()
        .map(|v| (node(format!("pod:{}", v.pod)), worker_pod.get(v.allocated.as_str()).copied()))
        .collect();

    let mut parent: Vec<usize> = (0..nodes.len()).collect();
    fn find(parent: &mut [usize], mut x: usize) -> usize {
        while parent[x] != x {
            parent[x] = parent[parent[x]];
            x = parent[x];
        }
        x
    }
    let mut union = |a: usize, b: usize| {
        let (ra, rb) = (find(&mut parent, a), find(&mut parent, b));
        if ra != rb {
            parent[ra.max(rb)] = ra.min(rb);
        }
    };
    for &(pod, hub) in &worker_nodes {
        union(pod, hub);
    }
    for &(pod, allocated_pod) in &visit_nodes {
        if let Some(other) = allocated_pod {
            union(pod, other);
        }
    }

    let mut by_root: BTreeMap<usize, Part> = BTreeMap::new();
    let worker_roots: Vec<usize> =
        worker_nodes.iter().map(|&(pod, _)| find(&mut parent, pod)).collect();
    let hub_roots: Vec<usize> = hub_nodes.iter().map(|&h| find(&mut parent, h)).collect();
    let visit_roots: Vec<usize> =
        visit_nodes.iter().map(|&(pod, _)| find(&mut parent, pod)).collect();
    for (w, root) in worker_roots.into_iter().enumerate() {
        by_root.entry(root).or_insert_with(empty).workers.push(w);
    }
    for (h, root) in hub_roots.into_iter().enumerate() {
        by_root.entry(root).or_insert_with(empty).hubs.push(h);
    }
    for (v, root) in visit_roots.into_iter().enumerate() {
        by_root.entry(root).or_insert_with(empty).visits.push(v);
    }
    by_root.into_values().filter(|p| !p.visits.is_empty()).collect()
}

fn empty() -> Part {
    Part { workers: Vec::new(), hubs: Vec::new(), visits: Vec::new() }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::horizon::{HorizonHub, HorizonVisit, HorizonWorker};
    use chrono::NaiveDate;

    fn worker(id: &str, pod: &str, hub: &str) -> HorizonWorker {
        HorizonWorker {
            id: id.into(),
            pod: pod.into(),
            hub: hub.into(),
            free_minutes: vec![60],
            pool_car: true,
            own_car: false,
            skills: Default::default(),
        }
    }

    fn visit(id: &str, pod: &str, allocated: &str) -> HorizonVisit {
        HorizonVisit {
            id: id.into(),
            child: id.into(),
            pod: pod.into(),
            allocated: allocated.into(),
            deadline: NaiveDate::from_ymd_opt(2026, 11, 23).unwrap(),
            minutes: 60,
            car_minutes: 60,
            joint: false,
            skill: None,
            pin: None,
        }
    }

    fn split(input: &HorizonInput) -> Vec<(Vec<usize>, Vec<usize>, Vec<usize>)> {
        parts(input).into_iter().map(|p| (p.workers, p.hubs, p.visits)).collect()
    }

    #[test]
    fn pods_sharing_a_hub_stay_together_and_others_split() {
        let hubs =
            ["H1", "H2"].map(|id| HorizonHub { id: id.into(), car_minutes: vec![60] }).to_vec();
        let input = HorizonInput {
            days: vec![NaiveDate::from_ymd_opt(2026, 11, 23).unwrap()],
            workers: vec![
                worker("A", "P1", "H1"),
                worker("B", "P2", "H1"),
                worker("C", "P3", "H2"),
            ],
            hubs,
            visits: vec![visit("V1", "P3", "C"), visit("V2", "P2", "B"), visit("V3", "P1", "A")],
        };
        assert_eq!(split(&input), [(vec![0, 1], vec![0], vec![1, 2]), (vec![2], vec![1], vec![0])]);
    }

    #[test]
    fn a_visit_allocated_across_pods_joins_them() {
        let hubs =
            ["H1", "H2"].map(|id| HorizonHub { id: id.into(), car_minutes: vec![60] }).to_vec();
        let input = HorizonInput {
            days: vec![NaiveDate::from_ymd_opt(2026, 11, 23).unwrap()],
            workers: vec![worker("A", "P1", "H1"), worker("C", "P3", "H2")],
            hubs,
            visits: vec![visit("V1", "P3", "A")],
        };
        assert_eq!(split(&input), [(vec![0, 1], vec![0, 1], vec![0])]);
    }
}
