#!/usr/bin/env bash
# The one test command (README: `npm test`): installs what is missing, type-checks, runs every test.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-deps.sh
bash scripts/ensure-services.sh
echo "[kuiper] type-check"
node_modules/.bin/tsc -p tsconfig.json --noEmit
echo "[kuiper] tests"
set +e
node_modules/.bin/vitest run "$@"
code=$?
set -e
node scripts/summary.mjs .vitest-results.json || true
exit $code
