#!/usr/bin/env bash
# Installs what building Rounds needs when it is missing, so the README's commands work on a
# fresh machine: cmake and libclang-dev for HiGHS (built from source by good_lp's `highs`
# feature), and rustfmt/clippy for the checks. Quiet when everything is there.
set -euo pipefail

need=()
command -v cmake >/dev/null 2>&1 || need+=(cmake)
# bindgen needs libclang.so itself (libclang-dev's link); libclang-cpp.so, which other packages
# bring, does not do.
ls /usr/lib/llvm-*/lib/libclang.so >/dev/null 2>&1 || need+=(libclang-dev)
if [ "${ROUNDS_WITH_POSTGRES:-0}" = 1 ] && ! ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1; then
  need+=(postgresql)
fi
if [ ${#need[@]} -gt 0 ]; then
  echo "installing: ${need[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq "${need[@]}" >/dev/null
fi
if command -v rustup >/dev/null 2>&1; then
  for component in rustfmt clippy; do
    rustup component list --installed 2>/dev/null | grep -q "^$component" || rustup component add "$component" >&2
  done
fi
