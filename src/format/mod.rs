//! The edge where files and wire formats meet the domain: the only home of serde and csv.
pub mod policy;
pub mod rules;
pub mod solomon;
pub mod svg;
