#!/bin/sh
# Entry point of the platform image (Dockerfile at the repo root): runs the service named by $1 or $SERVICE.
# invoicing, payments and revenue are not listed: their services/*/src/main.ts do not exist yet. Add each here
# (and to docker-compose.yml and deploy/prometheus/prometheus.yml) when it lands.
set -eu
SERVICE=${1:-${SERVICE:-}}
case "$SERVICE" in
  contracts | entitlements | metering | rating)
    ENTRY=services/$SERVICE/src/main.ts ;;
  create-topics)
    ENTRY=deploy/local/create-topics.ts ;;
  *)
    echo "run-service: unknown SERVICE '$SERVICE'; one of: contracts entitlements metering rating create-topics" >&2
    exit 2 ;;
esac
# exec: node becomes PID 1's child under `init: true` (or PID 1) and gets SIGTERM itself, so Nest's shutdown hooks
# stop the consumers and close transactions cleanly.
exec node -r ts-node/register/transpile-only -r tsconfig-paths/register "$ENTRY"
