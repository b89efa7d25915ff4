//! The one integration test binary: each module tests one area through the public API.

mod api;
mod check;
mod fixtures;
mod gen;
mod horizon;
mod import;
mod optimise;
mod props;
mod rules;
mod solomon;
mod store;
mod tidy;
