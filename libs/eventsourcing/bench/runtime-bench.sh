#!/usr/bin/env bash
# npm run bench:runtime — sustained records/s of the sample service through the runtime, beside the raw broker's
# records/s from Kafka's own ProducerPerformance for the same record size, and their ratio.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../../.."
source scripts/node24.sh
[[ -d node_modules ]] || npm ci --no-audit --no-fund
if [[ -z "${KAFKA_BROKERS:-}" || -z "${DATABASE_URL:-}" ]]; then
  bash deploy/local/stack.sh up
  eval "$(bash deploy/local/stack.sh env)"
fi
STACK_HOME=${BILLING_STACK_HOME:-$HOME/.cache/billing-platform}
TOOLS=$STACK_HOME/kafka-tools/libs
if [[ ! -f $TOOLS/.resolved ]]; then
  echo "bench: resolving Kafka's performance tools with Maven into $TOOLS"
  rm -rf "$TOOLS.tmp" && mkdir -p "$TOOLS.tmp"
  mvn -B -q -f deploy/local/kafka-tools/pom.xml dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory="$TOOLS.tmp"
  rm -rf "$TOOLS" && mv "$TOOLS.tmp" "$TOOLS" && touch "$TOOLS/.resolved"
fi
export KAFKA_TOOLS_CLASSPATH="$TOOLS/*"
exec npx ts-node -r tsconfig-paths/register --transpile-only libs/eventsourcing/bench/runtime-bench.ts "$@"
