#!/usr/bin/env bash
# One command: builds health-service if needed, then in one run
#  1. checks 1,000 HTTP targets on a loopback stub every 10 s with a bare JDK HttpClient loop (the baseline), then
#     with health-service (same stub, same targets, same interval), and prints CPU seconds per 1,000 checks and the
#     p99 lateness of checks against their schedule, with the ratios;
#  2. drives /q/health/ready, /q/health/live and a bare endpoint of the same service (/api/v1/ping) at ~1,000 req/s
#     with wrk and prints their p50/p90/p99.
# Usage: bench/health/run.sh [--targets 1000] [--interval-ms 10000] [--seconds 60]
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
JAR="$ROOT/health-service/target/quarkus-app/quarkus-run.jar"
TARGETS=1000; INTERVAL_MS=10000; SECONDS_RUN=60
while [ $# -gt 0 ]; do
  case "$1" in
    --targets) TARGETS=$2; shift 2 ;;
    --interval-ms) INTERVAL_MS=$2; shift 2 ;;
    --seconds) SECONDS_RUN=$2; shift 2 ;;
    *) echo "unknown option $1"; exit 2 ;;
  esac
done

if [ ! -f "$JAR" ]; then
  echo "building health-service..."
  (cd "$ROOT" && mvn -B -q -pl health-service -am package -DskipTests)
fi
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install wrk"; exit 1; }

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'; }
cpu_s() { awk '{ printf "%.3f", ($14 + $15) / '"$(getconf CLK_TCK)"' }' "/proc/$1/stat"; }
TMP=$(mktemp -d)
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$TMP"
}
trap cleanup EXIT

echo "machine: load average $(cut -d' ' -f1-3 /proc/loadavg) before the run, $(nproc) cores, $(java -version 2>&1 | head -1)"
echo "targets=$TARGETS interval=${INTERVAL_MS}ms measured=${SECONDS_RUN}s each"

java -Xmx256m "$HERE/HealthBench.java" stub "$TMP/stub.port" >"$TMP/stub.log" 2>&1 &
PIDS+=($!)
for _ in $(seq 1 100); do [ -s "$TMP/stub.port" ] && break; sleep 0.2; done
STUB="http://127.0.0.1:$(cat "$TMP/stub.port")"
count() { curl -fs "$STUB/__count"; }

# 1a. Baseline: the bare JDK HttpClient loop.
BARE=$(java -Xmx256m "$HERE/HealthBench.java" bare "$STUB" "$TARGETS" "$INTERVAL_MS" "$SECONDS_RUN")
echo "bare JDK HttpClient loop: $BARE"

# 1b. health-service with the same targets, declared in configuration (config/application.properties in its
#     working directory, as a ConfigMap would mount them), on its own redis-server and the embedded MongoDB.
REDIS_PORT=$(free_port); HTTP_PORT=$(free_port)
redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save '' --appendonly no --dir "$TMP" >"$TMP/redis.log" 2>&1 &
REDIS_PID=$!; PIDS+=($REDIS_PID)
mkdir -p "$TMP/svc/config"
{
  echo "vigil.health.services.enabled=false"
  for i in $(seq 0 $((TARGETS - 1))); do
    echo "vigil.health.targets.t$i.type=http"
    echo "vigil.health.targets.t$i.url=$STUB/t$i"
    echo "vigil.health.targets.t$i.interval=${INTERVAL_MS}ms"
    echo "vigil.health.targets.t$i.timeout=5s"
    echo "vigil.health.targets.t$i.conditions[0]=[STATUS] == 200"
    echo "vigil.health.targets.t$i.conditions[1]=[BODY].status == UP"
  done
} >"$TMP/svc/config/application.properties"
(cd "$TMP/svc" && exec java -Xms256m -Xmx512m -XX:+UseSerialGC -Xlog:gc:file="$TMP/gc.log" -Dquarkus.http.port="$HTTP_PORT" \
  -Dquarkus.redis.hosts="redis://127.0.0.1:$REDIS_PORT" -Dvigil.auth.reader-keys=bench-reader \
  -Dvigil.auth.admin-keys=bench-admin -Dvigil.mongo.embedded.data-file= -Dquarkus.log.console.json.enabled=false \
  -Dquarkus.log.level=WARN -jar "$JAR" >"$TMP/service.log" 2>&1) &
SVC_PID=$!; PIDS+=($SVC_PID)
for _ in $(seq 1 300); do
  curl -fs "http://127.0.0.1:$HTTP_PORT/q/health/ready" >/dev/null 2>&1 && break
  sleep 0.2
done
curl -fs "http://127.0.0.1:$HTTP_PORT/q/health/ready" >/dev/null || { echo "service not ready"; tail -50 "$TMP/service.log"; exit 1; }
# Warm-up: one full interval plus a little, so every target is on the schedule and the JIT has seen the paths.
sleep $(( INTERVAL_MS / 1000 + 5 ))
C0=$(count); S0=$(cpu_s $SVC_PID); R0=$(cpu_s $REDIS_PID)
LATE0=$(curl -fs "http://127.0.0.1:$HTTP_PORT/q/metrics" | grep '^vigil_health_schedule_lateness_seconds_bucket' || true)
sleep "$SECONDS_RUN"
C1=$(count); S1=$(cpu_s $SVC_PID); R1=$(cpu_s $REDIS_PID)
LATE1=$(curl -fs "http://127.0.0.1:$HTTP_PORT/q/metrics" | grep '^vigil_health_schedule_lateness_seconds_bucket' || true)
UP=$(curl -fs -H "Authorization: Bearer bench-reader" "http://127.0.0.1:$HTTP_PORT/api/v1/status" \
  | python3 -c 'import json,sys; d=json.load(sys.stdin); print(sum(1 for t in d["targets"] if t["state"]=="UP"))')

python3 - "$BARE" "$C0" "$C1" "$S0" "$S1" "$R0" "$R1" "$UP" "$TARGETS" <<'PY' "$LATE0" "$LATE1"
import re, sys
bare, c0, c1, s0, s1, r0, r1, up, targets, late0, late1 = sys.argv[1:12]
b = dict(kv.split("=") for kv in bare.split())
bare_cpu_per_1k = float(b["cpu_s"]) / (int(b["checks"]) / 1000)
checks = int(c1) - int(c0)
svc_cpu = float(s1) - float(s0)
redis_cpu = float(r1) - float(r0)
svc_per_1k = svc_cpu / (checks / 1000)
def buckets(text):
    out = {}
    for line in text.splitlines():
        m = re.search(r'le="([^"]+)"\} ([0-9.eE+]+)', line)
        if m:
            out[m.group(1)] = float(m.group(2))
    return out
b0, b1 = buckets(late0), buckets(late1)
les = sorted((float(k) if k != "+Inf" else float("inf"), k) for k in b1)
total = b1.get("+Inf", 0) - b0.get("+Inf", 0)
p99 = None
for value, key in les:
    if total and (b1[key] - b0.get(key, 0)) >= 0.99 * total:
        p99 = value
        break
print(f"health-service: checks={checks} cpu_s={svc_cpu:.3f} (+ redis-server {redis_cpu:.3f}) targets UP={up}/{targets}")
print(f"CPU s per 1,000 checks: bare loop {bare_cpu_per_1k:.3f}, health-service {svc_per_1k:.3f} "
      f"(ratio {svc_per_1k / bare_cpu_per_1k:.2f}x; with redis-server {(svc_cpu + redis_cpu) / (checks / 1000):.3f}, "
      f"ratio {(svc_cpu + redis_cpu) / (checks / 1000) / bare_cpu_per_1k:.2f}x)")
print(f"p99 lateness against the schedule: bare loop {int(b['p99_lateness_ms'])} ms, "
      f"health-service <= {p99 * 1000:.0f} ms (histogram bucket bound)")
print("health-service lateness distribution: " + ", ".join(
    f"<={v * 1000:.0f}ms {100 * (b1[k] - b0.get(k, 0)) / total:.1f}%" for v, k in les if total and v != float("inf")))
PY

echo "health-service GC: $(grep -c 'Pause' "$TMP/gc.log" || true) pauses, longest $(grep -o '[0-9.]*ms$' "$TMP/gc.log" | sort -n | tail -1)"

# 2. Probes at ~1,000 req/s against a bare endpoint of the same service.
for path in /api/v1/ping /q/health/live /q/health/ready; do
  wrk -t2 -c10 -d"${WRK_SECONDS:-20}"s -s "$HERE/ready.lua" "http://127.0.0.1:$HTTP_PORT$path" >/dev/null 2>&1 || true
  printf '%-16s ' "$path"
  wrk -t2 -c10 -d"${WRK_SECONDS:-20}"s -s "$HERE/ready.lua" "http://127.0.0.1:$HTTP_PORT$path" | grep '^requests='
done
echo "(the first wrk pass per path is a warm-up; health-service keeps checking its $TARGETS targets meanwhile)"
