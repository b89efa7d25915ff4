//! Newtype identifiers, so a worker's id can never be passed where a child's is expected.
//!
//! Ids are the council's own strings (from its CSV exports); they order and compare as strings,
//! which keeps every output that iterates over them deterministic.

use std::fmt;

macro_rules! string_id {
    ($(#[$doc:meta] $name:ident),* $(,)?) => {$(
        #[$doc]
        #[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub struct $name(pub String);

        impl $name {
            /// The id as the council wrote it.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl From<&str> for $name {
            fn from(s: &str) -> Self {
                Self(s.to_owned())
            }
        }
    )*};
}

string_id! {
    /// A child's pseudonymous case reference (never their name).
    ChildId,
    /// One visit to make (a child may have several in a horizon).
    VisitId,
    /// A member of staff.
    WorkerId,
    /// A small area-based team.
    PodId,
    /// One of the council's four areas.
    LocalityId,
    /// An office where pool cars are based and charged.
    HubId,
    /// A pool car, by its registration.
    CarId,
    /// A skill a visit may require (a language, a qualification).
    Skill,
}
