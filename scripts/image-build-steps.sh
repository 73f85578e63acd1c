#!/usr/bin/env bash
# The container image's build recipe. The Dockerfile RUNs it in its build stage, and .ci/run runs it on every
# checkout, so the recipe is exercised on every change even where no Docker engine runs (docs/deploy.md).
#
#   scripts/image-build-steps.sh OUT
#
# From a source tree whose dependencies are installed (npm ci):
#   1. builds the web UI (packages/web/dist);
#   2. assembles OUT, the image's /app: manifests and lockfile, the server and Rego engine sources (run by tsx, as
#      in development), the web UI build, and node_modules pruned to production dependencies;
#   3. checks OUT the way the image runs it (scripts/image-check.mjs): --help, migrate, start, a run, worker.
set -euo pipefail

out="${1:-}"
if [ -z "$out" ]; then
  echo "usage: scripts/image-build-steps.sh OUT (a new or empty directory outside the source tree)" >&2
  exit 2
fi
src="$(cd "$(dirname "$0")/.." && pwd)"
mkdir -p "$out"
out="$(cd "$out" && pwd)"
case "$out/" in "$src"/*)
  echo "image-build-steps: OUT ($out) must be outside the source tree" >&2
  exit 2
  ;;
esac
if [ -n "$(ls -A "$out")" ]; then
  echo "image-build-steps: OUT ($out) is not empty" >&2
  exit 2
fi
cd "$src"
if [ ! -d node_modules ]; then
  echo "image-build-steps: node_modules is missing: run npm ci first" >&2
  exit 2
fi

echo "== image: web UI"
npm run build -w packages/web

echo "== image: assemble $out"
cp package.json package-lock.json tsconfig.json tsconfig.base.json "$out/"
for manifest in packages/*/package.json; do
  mkdir -p "$out/$(dirname "$manifest")"
  cp "$manifest" "$out/$manifest"
done
cp -R packages/rego/src "$out/packages/rego/"
cp -R packages/server/bin packages/server/src "$out/packages/server/"
cp -R packages/web/dist "$out/packages/web/"
# A copy of the installed tree, pruned, rather than a second install: nothing is downloaded or compiled twice
# (better-sqlite3 is built once), and what runs is what the tests ran against.
cp -a node_modules "$out/"
(cd "$out" && npm prune --omit=dev --no-audit --no-fund)

echo "== image: check"
node scripts/image-check.mjs "$out"
