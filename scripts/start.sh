#!/usr/bin/env bash
# The one start command (README: `npm start`): installs dependencies if needed, builds the demo when
# its sources changed (the @kuiper packages' dist and `next build`), then serves the Next.js demo and
# Kuiper (at /bayeux) in one process on http://127.0.0.1:3000 — PORT and HOST override; REDIS_URL
# shares rooms with other processes. The bare Bayeux server is `npm run serve`.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-deps.sh
node apps/demo/scripts/build.mjs
cd apps/demo
export NODE_ENV=production PORT="${PORT:-3000}" HOST="${HOST:-127.0.0.1}"
exec node --import tsx server/main.ts
