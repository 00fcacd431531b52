#!/usr/bin/env bash
# The one start command (README: `npm start`): installs dependencies if needed, then starts the
# Kuiper server with stats on http://127.0.0.1:8080/bayeux. Extra arguments go to `kuiper serve`.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-deps.sh
exec node packages/server/bin/kuiper.js serve --port "${PORT:-8080}" --host "${HOST:-127.0.0.1}" --stats "$@"
