//! The one integration test binary: each module tests one area through the public API.

mod horizon;
mod rules;
mod store;
mod tidy;
