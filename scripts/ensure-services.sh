#!/usr/bin/env bash
# Makes sure the tests' outside parts exist: Debian's Chromium (for Playwright) and a Redis server.
# Installs with apt-get when running as root; otherwise says what is missing and carries on.
set -uo pipefail
need=()
[ -x /usr/bin/chromium ] || need+=(chromium)
command -v redis-server >/dev/null 2>&1 || need+=(redis-server)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
    echo "[kuiper] installing ${need[*]} with apt-get"
    apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
  else
    echo "[kuiper] missing: ${need[*]} (install them with your package manager)" >&2
  fi
fi
url="${REDIS_URL:-redis://127.0.0.1:6379}"
if [ -z "${REDIS_URL:-}" ] && command -v redis-server >/dev/null 2>&1; then
  if ! (exec 3<>/dev/tcp/127.0.0.1/6379) 2>/dev/null; then
    echo "[kuiper] starting redis-server on 127.0.0.1:6379"
    redis-server --port 6379 --bind 127.0.0.1 --daemonize yes --save '' --appendonly no >/dev/null
  fi
fi
exit 0
