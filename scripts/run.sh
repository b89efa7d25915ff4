#!/usr/bin/env bash
# The main job: build Rounds in release mode and run it on the Medway demo data.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-deps.sh
cargo build --release --locked --quiet
exec ./target/release/rounds due --data fixtures/medway --date "${ROUNDS_DATE:-2026-11-23}" "$@"
