#!/usr/bin/env bash
# The main job: build Rounds in release mode and serve the API on embedded SQLite with the
# Medway demo data (imported on first start), printing the URL and a demo token per role.
# Set ROUNDS_DB (default sqlite://rounds.db) or DATABASE_URL=postgres://... to use another store.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-deps.sh
cargo build --release --locked --quiet
exec ./target/release/rounds serve --data fixtures/medway --db "${ROUNDS_DB:-${DATABASE_URL:-sqlite://rounds.db}}" "$@"
