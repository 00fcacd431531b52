#!/usr/bin/env bash
# Installs the workspace's npm dependencies with the pinned pnpm when they are missing or stale.
# Only Node 20 and npm are assumed: pnpm itself comes through npx.
set -euo pipefail
cd "$(dirname "$0")/.."
PNPM="npx -y pnpm@10.34.9"
stamp=node_modules/.kuiper-lock-stamp
if [ ! -f "$stamp" ] || [ pnpm-lock.yaml -nt "$stamp" ]; then
  if [ "${CI:-}" = "true" ]; then
    $PNPM install --frozen-lockfile --reporter=append-only
  else
    $PNPM install --reporter=append-only
  fi
  touch "$stamp"
fi
