# syntax=docker/dockerfile:1
# One image for every service of the platform; SERVICE (env, or the first argument) picks which one runs:
#   docker build -t billing-platform .
#   docker run -e SERVICE=contracts -e KAFKA_BROKERS=... -e DATABASE_URL=... billing-platform
#   docker run billing-platform create-topics        # the topics of schemas/topics.json, then exit
# Services that exist: contracts, entitlements, metering, rating. invoicing, payments and revenue have no
# services/*/src/main.ts yet; deploy/docker/run-service.sh refuses them until they do.
# The services run from TypeScript source (ts-node, transpile only, path aliases from tsconfig): the same command as
# the local stack and the kill tests, so there is no separate build output to drift from what the tests ran.
# Node 24 LTS, as package.json engines, .nvmrc and scripts/node24.sh pin it.
ARG NODE_IMAGE=node:24-bookworm-slim

FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY package.json package-lock.json ./
# --ignore-scripts: no dependency needs an install script at run time (package.json "allowScripts" denies them too,
# but only an npm that reads that field honours it; this flag holds for every npm). ts-node and typescript are
# devDependencies the services run on, so the full tree is installed, not --omit=dev.
RUN npm ci --ignore-scripts --no-audit --no-fund && npm cache clean --force

FROM ${NODE_IMAGE} AS runtime
WORKDIR /app
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    TS_NODE_PROJECT=/app/tsconfig.json
COPY --from=deps --chown=node:node /app/node_modules ./node_modules
COPY --chown=node:node package.json package-lock.json tsconfig.json tsconfig.base.json ./
COPY --chown=node:node schemas ./schemas
COPY --chown=node:node libs ./libs
COPY --chown=node:node services ./services
COPY --chown=node:node deploy/local/create-topics.ts ./deploy/local/create-topics.ts
COPY --chown=node:node deploy/docker/run-service.sh ./deploy/docker/run-service.sh
USER node
# Each service listens on its own default port (contracts 3101, entitlements 3102, metering 3103, rating 3104)
# unless PORT is set; /health is liveness, /ready readiness (every assigned partition rebuilt), /metrics Prometheus.
EXPOSE 3101 3102 3103 3104
ENTRYPOINT ["sh", "/app/deploy/docker/run-service.sh"]
