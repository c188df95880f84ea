#!/usr/bin/env bash
# One command: /q/health/ready against the same service's bare endpoint (/q/health/live, which has no checks) at
# about 1,000 req/s (10 wrk connections, 10 ms apart: bench/health/ready.lua), each service on its own redis-server
# and the embedded MongoDB, optionally with a previous build of the same service measured in the same run.
# Usage: bench/probes/run.sh [service ...]          (default: queue-service metrics-service)
#        BEFORE=/path/to/dir-with-<service>/quarkus-app-copies bench/probes/run.sh   also measures $BEFORE/<service>
#        WRK_SECONDS=20 (per measured pass; each path gets a warm-up pass first)
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
SERVICES=("$@"); [ ${#SERVICES[@]} -gt 0 ] || SERVICES=(queue-service metrics-service)
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install wrk"; exit 1; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'; }
TMP=$(mktemp -d)
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$TMP"
}
trap cleanup EXIT

echo "machine: load average $(cut -d' ' -f1-3 /proc/loadavg) before the run, $(nproc) cores, $(java -version 2>&1 | head -1)"

measure() { # label jar
  local label=$1 jar=$2 redis_port http_port svc_pid redis_pid
  redis_port=$(free_port); http_port=$(free_port)
  redis-server --port "$redis_port" --bind 127.0.0.1 --save '' --appendonly no --dir "$TMP" >/dev/null 2>&1 &
  redis_pid=$!; PIDS+=($redis_pid)
  java -Xms128m -Xmx256m -XX:+UseSerialGC -Dquarkus.http.port="$http_port" \
    -Dquarkus.redis.hosts="redis://127.0.0.1:$redis_port" -Dvigil.mongo.embedded.data-file= \
    -Dvigil.health.services.enabled=false -Dquarkus.log.console.json.enabled=false -Dquarkus.log.level=WARN \
    -jar "$jar" >"$TMP/$label.log" 2>&1 &
  svc_pid=$!; PIDS+=($svc_pid)
  for _ in $(seq 1 300); do curl -fs "http://127.0.0.1:$http_port/q/health/ready" >/dev/null 2>&1 && break; sleep 0.2; done
  curl -fs "http://127.0.0.1:$http_port/q/health/ready" >/dev/null || { echo "$label not ready"; tail -30 "$TMP/$label.log"; exit 1; }
  for path in /q/health/live /q/health/ready; do
    wrk -t2 -c10 -d"${WRK_SECONDS:-20}"s -s "$ROOT/bench/health/ready.lua" "http://127.0.0.1:$http_port$path" >/dev/null 2>&1 || true
    printf '%-32s %-16s ' "$label" "$path"
    wrk -t2 -c10 -d"${WRK_SECONDS:-20}"s -s "$ROOT/bench/health/ready.lua" "http://127.0.0.1:$http_port$path" | grep '^requests='
  done
  local pings
  pings=$(redis-cli -p "$redis_port" info commandstats | grep -o 'cmdstat_ping:calls=[0-9]*' | cut -d= -f2)
  echo "$label: Redis PINGs during the run: ${pings:-0}"
  kill "$svc_pid" "$redis_pid"; wait "$svc_pid" "$redis_pid" 2>/dev/null || true
}

for svc in "${SERVICES[@]}"; do
  jar="$ROOT/$svc/target/quarkus-app/quarkus-run.jar"
  [ -f "$jar" ] || (cd "$ROOT" && mvn -B -q -pl "$svc" -am package -DskipTests)
  if [ -n "${BEFORE:-}" ] && [ -f "$BEFORE/$svc/quarkus-run.jar" ]; then
    measure "$svc (before)" "$BEFORE/$svc/quarkus-run.jar"
  fi
  measure "$svc" "$jar"
done
