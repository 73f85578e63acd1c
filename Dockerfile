# syntax=docker/dockerfile:1
# Liftoff's image (docs/deploy.md): `docker build -t liftoff .`, then `liftoff start` (the default), `liftoff worker`
# or `liftoff migrate`. The build steps live in scripts/image-build-steps.sh, which CI also runs on every change.
ARG NODE_IMAGE=node:20-bookworm-slim

FROM ${NODE_IMAGE} AS build
# better-sqlite3 installs a prebuilt binary when it can download one and compiles itself otherwise.
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
# Manifests first: a change to the sources reuses the installed dependencies.
COPY package.json package-lock.json ./
COPY packages/rego/package.json packages/rego/
COPY packages/server/package.json packages/server/
COPY packages/web/package.json packages/web/
COPY packages/slack-sim/package.json packages/slack-sim/
RUN npm ci --no-audit --no-fund
COPY . .
RUN scripts/image-build-steps.sh /app

FROM ${NODE_IMAGE}
# tini: PID 1 that forwards SIGTERM and reaps the runs' processes. bubblewrap: the runs' sandbox. git: stacks with a
# repository. Terraform or OpenTofu go in /opt/liftoff/bin (on PATH), e.g. in an image built FROM this one.
RUN apt-get update \
 && apt-get install -y --no-install-recommends tini bubblewrap git openssh-client ca-certificates \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --system --gid 10001 liftoff \
 && useradd --system --uid 10001 --gid liftoff --home-dir /home/liftoff --create-home --shell /usr/sbin/nologin liftoff \
 && mkdir -p /opt/liftoff/bin
COPY --from=build /app /app
# The code stays root's and read-only to the service; only ./data (the SQLite default) is its own.
RUN mkdir /app/data && chown liftoff:liftoff /app/data \
 && ln -s /app/packages/server/bin/liftoff.js /usr/local/bin/liftoff
WORKDIR /app
ENV HOST=0.0.0.0 PORT=3000 PATH=/opt/liftoff/bin:$PATH
USER 10001:10001
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
ENTRYPOINT ["/usr/bin/tini", "--", "liftoff"]
CMD ["start"]
