#!/usr/bin/env bash
# Makes sure the tests' outside parts exist: Debian's Chromium (for Playwright), a Redis server and
# a local Redis Cluster.
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
# A local 3-master Redis Cluster on 127.0.0.1:7000-7002 for the engine's cluster tests (issue 15).
# REDIS_CLUSTER_NODES (e.g. 127.0.0.1:7000,127.0.0.1:7001,127.0.0.1:7002) points the tests at
# another cluster instead; then nothing is started here.
cluster_ports=(7000 7001 7002)
cluster_dir="${TMPDIR:-/tmp}/kuiper-redis-cluster"
cluster_fail() {
  echo "[kuiper] Redis Cluster on 127.0.0.1 ports ${cluster_ports[*]}: $1" >&2
  echo "[kuiper]   the cluster tests will fail. Stop those servers (redis-cli -p PORT shutdown nosave)" \
    "and run 'bash scripts/ensure-services.sh' again, or set REDIS_CLUSTER_NODES to a working cluster." >&2
}
cluster_answers() { redis-cli -h 127.0.0.1 -p "$1" ping 2>/dev/null | grep PONG >/dev/null; }
cluster_state_ok() { redis-cli -h 127.0.0.1 -p "$1" cluster info 2>/dev/null | grep '^cluster_state:ok' >/dev/null; }
# Waits (up to $1 half-seconds) until every node says cluster_state:ok.
cluster_wait_ok() {
  local tries=0 port
  while [ $tries -lt "$1" ]; do
    local all=1
    for port in "${cluster_ports[@]}"; do cluster_state_ok "$port" || all=0; done
    [ $all = 1 ] && return 0
    tries=$((tries + 1)); sleep 0.5
  done
  return 1
}
ensure_redis_cluster() {
  command -v redis-server >/dev/null 2>&1 && command -v redis-cli >/dev/null 2>&1 || return 0
  local port open=()
  for port in "${cluster_ports[@]}"; do
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then open+=("$port"); fi
  done
  if [ ${#open[@]} -eq ${#cluster_ports[@]} ]; then
    for port in "${cluster_ports[@]}"; do
      cluster_answers "$port" || { cluster_fail "port $port is taken by something that is not Redis"; return 0; }
      redis-cli -h 127.0.0.1 -p "$port" info cluster 2>/dev/null | grep '^cluster_enabled:1' >/dev/null ||
        { cluster_fail "the Redis on port $port was not started with --cluster-enabled yes"; return 0; }
    done
    # Up already (a second run): nothing to do, unless it is not a healthy cluster (a cluster created
    # a moment ago may still be settling, hence a short wait).
    cluster_wait_ok 10 || cluster_fail "the ports answer but cluster_state is not ok on every node (redis-cli -p 7000 cluster info)"
    return 0
  fi
  if [ ${#open[@]} -gt 0 ]; then
    cluster_fail "only port(s) ${open[*]} answer; a cluster needs all three"
    return 0
  fi
  echo "[kuiper] starting a 3-master Redis Cluster on 127.0.0.1 ports ${cluster_ports[*]} (files in $cluster_dir)"
  # Nothing answers, so any node configuration left from an earlier cluster is stale: start afresh.
  rm -rf "$cluster_dir" && mkdir -p "$cluster_dir"
  for port in "${cluster_ports[@]}"; do
    redis-server --port "$port" --cluster-enabled yes --cluster-config-file "$cluster_dir/nodes-$port.conf" \
      --bind 127.0.0.1 --daemonize yes --save '' --appendonly no --dir "$cluster_dir" \
      --logfile "$cluster_dir/redis-$port.log" >/dev/null
  done
  local tries
  for port in "${cluster_ports[@]}"; do
    tries=0
    until cluster_answers "$port"; do
      tries=$((tries + 1))
      [ $tries -gt 50 ] && { cluster_fail "redis-server on port $port did not start (see $cluster_dir/redis-$port.log)"; return 0; }
      sleep 0.1
    done
  done
  local nodes=()
  for port in "${cluster_ports[@]}"; do nodes+=("127.0.0.1:$port"); done
  if ! redis-cli --cluster create "${nodes[@]}" --cluster-replicas 0 --cluster-yes >"$cluster_dir/create.log" 2>&1; then
    cluster_fail "redis-cli --cluster create failed (see $cluster_dir/create.log)"
    return 0
  fi
  cluster_wait_ok 60 || cluster_fail "created, but cluster_state did not become ok on every node"
}
if [ -z "${REDIS_CLUSTER_NODES:-}" ]; then ensure_redis_cluster; fi
exit 0
