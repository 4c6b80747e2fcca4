#!/usr/bin/env bash
# npm run demo [-- --keep]: scenario A of ACCEPTANCE.md end to end on a fresh clone.
#   0. runs on Node 24 (scripts/node24.sh fetches it from the npm registry when the machine's node is older);
#   1. installs the dependencies if node_modules is missing (npm ci);
#   2. starts the local stack (deploy/local/stack.sh: Kafka from Maven Central jars, the machine's PostgreSQL) unless
#      KAFKA_BROKERS and DATABASE_URL both point at a running platform already;
#   3. runs scripts/demo.ts, which plays the scenario on fresh topics and schemas and cleans them up (--keep: leaves them).
# The stack is left running for the next demo or test run; the last lines say how to stop it.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

log() { printf 'demo: %s\n' "$*" >&2; }

source scripts/node24.sh
log "node $(node --version)"

bash scripts/ensure-installed.sh >&2

started_stack=0
if [[ -z ${KAFKA_BROKERS:-} || -z ${DATABASE_URL:-} ]]; then
  log "KAFKA_BROKERS/DATABASE_URL not both set: starting the local stack (bash deploy/local/stack.sh up)"
  user_brokers=${KAFKA_BROKERS:-}
  bash deploy/local/stack.sh up >&2
  eval "$(bash deploy/local/stack.sh env)"
  # A broker the user named wins over the local one (stack.sh env keeps a user's DATABASE_URL by itself).
  if [[ -n $user_brokers ]]; then export KAFKA_BROKERS=$user_brokers; fi
  started_stack=1
fi

status=0
npx --no-install ts-node -r tsconfig-paths/register --transpile-only scripts/demo.ts "$@" || status=$?

if ((started_stack)); then
  echo
  echo "The local stack keeps running (Kafka on ${KAFKA_BROKERS}, PostgreSQL at ${DATABASE_URL})."
  echo "  stop it:      bash deploy/local/stack.sh down    (or: npm run stack:down; PostgreSQL is the machine's and keeps running)"
  echo "  reuse it:     eval \"\$(bash deploy/local/stack.sh env)\"; npm run demo"
fi
exit $status
