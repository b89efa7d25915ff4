//! The one integration test binary: each module tests one area through the public API.

mod check;
mod gen;
mod props;
mod solomon;
mod tidy;
