//! The one integration test binary: each module tests one area through the public API.

mod api;
mod fixtures;
mod horizon;
mod import;
mod rules;
mod store;
mod tidy;
