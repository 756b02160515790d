# The durable-cron worker image: the CLI, the job types of durable-cron.config.json (here the shop
# example) and their workflow bundle, built once here instead of at every worker start.
#   docker build -t durable-cron-worker:0.1.0 .
# The compose file (docker-compose.yml) builds and runs it; see README, "Running in production".
# Every setting comes from the environment (deploy/worker.env.example lists them).

ARG NODE_IMAGE=node:22.21.1-bookworm-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci
COPY . .
RUN npm run build
# The workflows of every job type the config's jobs modules define, with durable-cron's own.
RUN node dist/src/cli/main.js bundle --out /app/workflow-bundle.js

FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json ./
# zod is a peer dependency: npm installs it with the production dependencies.
RUN npm ci --omit=dev && npm cache clean --force
COPY --from=build /app/dist/src ./dist/src
COPY --from=build /app/dist/workflows ./dist/workflows
COPY --from=build /app/dist/activities ./dist/activities
COPY --from=build /app/dist/examples ./dist/examples
COPY --from=build /app/workflow-bundle.js ./workflow-bundle.js
COPY durable-cron.config.json ./
ENV DURABLE_CRON_WORKFLOW_BUNDLE=/app/workflow-bundle.js
# File-based job effects (--data-dir .data) are the only writes; everything else is read-only.
RUN mkdir -p /app/.data && chown node:node /app/.data
USER node
# The pool's /metrics and /healthz (--metrics-port below).
EXPOSE 9464
HEALTHCHECK --interval=15s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:9464/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
ENTRYPOINT ["node", "dist/src/cli/main.js"]
CMD ["worker", "--metrics-port", "9464", "--grace", "30s", "--log-format", "json"]
