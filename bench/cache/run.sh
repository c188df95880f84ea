#!/usr/bin/env bash
# One command: builds cache-service if needed, starts a private redis-server and the service, then measures at the
# same concurrency (50 connections) on this machine: raw Redis GET (redis-benchmark, the baseline), cache-service
# L1-hit GET, L2-hit GET and a rate-limit decision (wrk), plus an in-process Caffeine get (the physical limit).
# Prints req/s, p50, p99 and the ratios against the baseline measured in the same run.
# Usage: bench/cache/run.sh [seconds per wrk run, default 10]
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
JAR="$ROOT/cache-service/target/quarkus-app/quarkus-run.jar"
SECONDS_PER_RUN=${1:-10}
CONNECTIONS=50

if [ ! -f "$JAR" ]; then
  echo "building cache-service..."
  (cd "$ROOT" && mvn -B -q -pl cache-service -am package -DskipTests)
fi
CAFFEINE_JAR=$(find ~/.m2/repository/com/github/ben-manes/caffeine/caffeine/3.3.1 -name 'caffeine-3.3.1.jar' | head -1)

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'; }
REDIS_PORT=$(free_port)
HTTP_PORT=$(free_port)
TMP=$(mktemp -d)
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$TMP"
}
trap cleanup EXIT

redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save '' --appendonly no --dir "$TMP" >"$TMP/redis.log" 2>&1 &
PIDS+=($!)
java -Xms256m -Xmx512m -XX:+UseParallelGC \
  -Dquarkus.http.port="$HTTP_PORT" -Dquarkus.redis.hosts="redis://127.0.0.1:$REDIS_PORT" \
  -Dvigil.auth.reader-keys=bench-reader -Dvigil.auth.writer-keys=bench-writer -Dvigil.auth.admin-keys=bench-admin \
  -Dvigil.mongo.embedded.data-file= -Dquarkus.log.console.json.enabled=false -Dquarkus.log.level=WARN \
  -jar "$JAR" >"$TMP/service.log" 2>&1 &
PIDS+=($!)
for _ in $(seq 1 300); do
  if curl -fs "http://127.0.0.1:$HTTP_PORT/q/health/ready" >/dev/null 2>&1; then break; fi
  sleep 0.2
done
curl -fs "http://127.0.0.1:$HTTP_PORT/q/health/ready" >/dev/null || { echo "service not ready"; cat "$TMP/service.log"; exit 1; }

BASE="http://127.0.0.1:$HTTP_PORT"
VALUE=$(python3 -c 'print("x" * 100)')
admin() { curl -fs -o /dev/null -X PUT -H 'Authorization: Bearer bench-admin' -H 'Content-Type: application/json' "$@"; }
admin "$BASE/api/v1/cache/namespaces/l2only" -d '{"l1MaxEntries":0,"compress":false}'
admin "$BASE/api/v1/ratelimit/policies/bench" -d '{"limit":1000000,"windowMs":1000,"algorithm":"gcra"}'
for ns in default l2only; do
  curl -fs -o /dev/null -X PUT -H 'Authorization: Bearer bench-writer' -H 'Content-Type: text/plain' \
    "$BASE/api/v1/cache/$ns/entries/hot?ttlMs=3600000" -d "$VALUE"
done
redis-cli -p "$REDIS_PORT" SET hot "$VALUE" >/dev/null

echo "machine: load average $(cut -d' ' -f1-3 /proc/loadavg) before the run, $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), redis $(redis-server --version | cut -d' ' -f3 | cut -d= -f2), $(java -version 2>&1 | head -1)"

# redis-benchmark GET of a 100-byte value, 50 clients: "rps","avg","min","p50","p95","p99","max"
redis-benchmark -p "$REDIS_PORT" -c "$CONNECTIONS" -n $((SECONDS_PER_RUN * 60000)) -t get -d 100 --csv >"$TMP/redis.csv" 2>/dev/null
read -r R_RPS R_P50 R_P99 < <(tail -1 "$TMP/redis.csv" | tr -d '"' | awk -F, '{print $2, $5, $7}')

# wrk: req/s, p50 and p99 in ms
wrk_run() {
  local out
  out=$(wrk -t2 -c"$CONNECTIONS" -d"${SECONDS_PER_RUN}s" --latency "$@")
  local rps p50 p99
  rps=$(echo "$out" | awk '/Requests\/sec/ {print $2}')
  p50=$(echo "$out" | awk '$1=="50%" {print $2}')
  p99=$(echo "$out" | awk '$1=="99%" {print $2}')
  to_ms() { python3 -c "import sys,re; v=sys.argv[1]; m=re.match(r'([0-9.]+)(us|ms|s)', v); f={'us':0.001,'ms':1,'s':1000}[m.group(2)]; print(round(float(m.group(1))*f, 3))" "$1"; }
  echo "$rps $(to_ms "$p50") $(to_ms "$p99")"
}
R="Authorization: Bearer bench-reader"
W="Authorization: Bearer bench-writer"
# warm-up: JIT and connections
wrk -t2 -c"$CONNECTIONS" -d3s -H "$R" "$BASE/api/v1/cache/default/entries/hot" >/dev/null
wrk -t2 -c"$CONNECTIONS" -d3s -H "$R" "$BASE/api/v1/cache/l2only/entries/hot" >/dev/null
wrk -t2 -c"$CONNECTIONS" -d3s -H "$W" -s "$HERE/post.lua" "$BASE/api/v1/ratelimit/bench/warm" >/dev/null
read -r L1_RPS L1_P50 L1_P99 < <(wrk_run -H "$R" "$BASE/api/v1/cache/default/entries/hot")
read -r L2_RPS L2_P50 L2_P99 < <(wrk_run -H "$R" "$BASE/api/v1/cache/l2only/entries/hot")
read -r RL_RPS RL_P50 RL_P99 < <(wrk_run -H "$W" -s "$HERE/post.lua" "$BASE/api/v1/ratelimit/bench/subject-1")
X_CACHE=$(curl -s -o /dev/null -D - -H "$R" "$BASE/api/v1/cache/default/entries/hot" | awk 'tolower($1)=="x-cache:" {print $2}' | tr -d '\r')
X_CACHE2=$(curl -s -o /dev/null -D - -H "$R" "$BASE/api/v1/cache/l2only/entries/hot" | awk 'tolower($1)=="x-cache:" {print $2}' | tr -d '\r')

read -r C_OPS C_NS < <(java -cp "$CAFFEINE_JAR" "$HERE/CaffeineBench.java" 5 | awk '{print $2, $3}')

python3 - "$R_RPS" "$R_P50" "$R_P99" "$L1_RPS" "$L1_P50" "$L1_P99" "$L2_RPS" "$L2_P50" "$L2_P99" \
  "$RL_RPS" "$RL_P50" "$RL_P99" "$C_OPS" "$C_NS" "$X_CACHE" "$X_CACHE2" <<'PY'
import sys
a = sys.argv[1:]
r, l1, l2, rl = [tuple(map(float, a[i:i + 3])) for i in (0, 3, 6, 9)]
c_ops, c_ns = float(a[12]), float(a[13])
print(f"{'case (50 connections)':34} {'req/s':>10} {'p50 ms':>8} {'p99 ms':>8} {'vs Redis GET':>13}")
print(f"{'redis-benchmark GET (baseline)':34} {r[0]:>10.0f} {r[1]:>8.3f} {r[2]:>8.3f} {1:>12.2f}x")
for name, v in ((f"cache-service GET, L1 hit ({a[14]})", l1), (f"cache-service GET, L2 hit ({a[15]})", l2),
                ("rate-limit decision (GCRA)", rl)):
    print(f"{name:34} {v[0]:>10.0f} {v[1]:>8.3f} {v[2]:>8.3f} {v[0] / r[0]:>12.2f}x")
print(f"{'Caffeine get in-process':34} {c_ops:>10.0f} {'':>8} {'':>8} {c_ops / r[0]:>12.2f}x   ({c_ns:.0f} ns per get per thread)")
print()
print(f"goal L1-hit throughput >= 0.8x Redis GET: {l1[0] / r[0]:.2f}x {'MET' if l1[0] / r[0] >= 0.8 else 'NOT MET'}")
print(f"goal L2-hit p99 < 2 ms: {l2[2]:.3f} ms {'MET' if l2[2] < 2 else 'NOT MET'}")
print(f"goal limiter >= 0.5x Redis GET: {rl[0] / r[0]:.2f}x {'MET' if rl[0] / r[0] >= 0.5 else 'NOT MET'}")
PY
