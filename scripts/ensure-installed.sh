#!/usr/bin/env bash
# npm's pretest/predemo hook: a fresh clone has no node_modules; install exactly what package-lock.json pins.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
if [[ ! -x node_modules/.bin/jest || package-lock.json -nt node_modules/.package-lock.json ]]; then
  echo "installing dependencies (npm ci)"
  npm ci --no-audit --no-fund </dev/null
fi
