#!/usr/bin/env bash
# The whole test suite: formatting, lints, then every test (unit, integration, property, doc)
# with the store and API tests on both SQLite and a throwaway PostgreSQL, and the benches
# compiled and smoke-run once.
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS_WITH_POSTGRES=1 bash scripts/ensure-deps.sh
cargo fmt --check
cargo clippy --all-targets --locked -- -D warnings
bash scripts/with-postgres.sh cargo test --locked --all-targets
cargo test --locked --doc
