//! Which part of the service a rota covers: everything, one pod or one locality.

use crate::domain::{Dataset, LocalityId, PodId};
use std::collections::BTreeSet;
use std::fmt;

/// A rota's scope.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Scope {
    /// The whole service.
    All,
    /// One pod.
    Pod(PodId),
    /// One locality.
    Locality(LocalityId),
}

impl Scope {
    /// Parses `all`, `pod:P01` or `locality:A`.
    pub fn parse(text: &str) -> Option<Scope> {
        match text.split_once(':') {
            None if text == "all" => Some(Scope::All),
            Some(("pod", id)) if !id.is_empty() => Some(Scope::Pod(PodId(id.to_owned()))),
            Some(("locality", id)) if !id.is_empty() => {
                Some(Scope::Locality(LocalityId(id.to_owned())))
            }
            _ => None,
        }
    }

    /// The pods it covers.
    pub fn pods(&self, dataset: &Dataset) -> BTreeSet<PodId> {
        dataset
            .pods
            .iter()
            .filter(|pod| match self {
                Scope::All => true,
                Scope::Pod(id) => &pod.id == id,
                Scope::Locality(id) => &pod.locality == id,
            })
            .map(|pod| pod.id.clone())
            .collect()
    }
}

impl fmt::Display for Scope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Scope::All => f.write_str("all"),
            Scope::Pod(id) => write!(f, "pod:{id}"),
            Scope::Locality(id) => write!(f, "locality:{id}"),
        }
    }
}
