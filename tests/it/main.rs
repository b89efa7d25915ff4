//! The one integration test binary: each module tests one area through the public API.

mod check;
mod gen;
mod horizon;
mod props;
mod rules;
mod solomon;
mod tidy;
