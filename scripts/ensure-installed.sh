#!/usr/bin/env bash
# npm's pretest/predemo hook: a fresh clone has no node_modules; install exactly what package-lock.json pins,
# with the project's Node 24 (scripts/node24.sh fetches it when the machine's node is older).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/node24.sh
if [[ ! -x node_modules/.bin/jest || package-lock.json -nt node_modules/.package-lock.json ]]; then
  echo "installing dependencies (npm ci)"
  npm ci --no-audit --no-fund </dev/null
fi
