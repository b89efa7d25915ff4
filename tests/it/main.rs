//! The one integration test binary: each module tests one area through the public API.

mod check;
mod solomon;
mod tidy;
