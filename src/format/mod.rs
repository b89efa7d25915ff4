//! The edge where files and wire formats meet the domain: the only home of serde and csv.
//!
//! Domain types derive no serialisation; each format here converts by hand, which is also where
//! validation (and, for views, redaction) happens.

pub mod csv;
pub mod ics;
pub mod json;
pub mod policy;
pub mod rules;
pub mod solomon;
pub mod svg;
pub mod table;
