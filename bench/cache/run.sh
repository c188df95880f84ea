#!/usr/bin/env bash
# One command: builds cache-service if needed, starts a private redis-server and the service, then measures at the
# same concurrency (50 connections) on this machine: raw Redis GET (redis-benchmark, the baseline), cache-service
# L1-hit GET, L2-hit GET and a rate-limit decision (wrk), plus an in-process Caffeine get (the physical limit).
# Prints req/s, p50, p99, Redis commands per request and the ratios against the baseline measured in the same run.
# Usage: bench/cache/run.sh [seconds per wrk run, default 10]
#        BEFORE=/dir/with/cache-service/quarkus-app-copy bench/cache/run.sh   also measures $BEFORE/cache-service
#          first (its own redis-server and baseline), so before and after share one run
#        JFR_DIR=/some/dir   records each service with JFR (settings=profile) into JFR_DIR/<label>.jfr; read with
#          java bench/profile/JfrTop.java <file> [frame on the stack] [class pattern]. JFR costs throughput: compare
#          profiles with profiles, figures with figures.
#        ROUNDS=n   (with BEFORE) alternates before/after n times and prints the median ratio of each
#        BEFORE_LABEL=name   (no dash) what to call the BEFORE build, e.g. a variant built with other options
#        SERVICE_OPTS="-Dname=value ..."   extra JVM options for the service(s), e.g. a config override to measure
#        BEFORE_OPTS="-Dname=value ..."   extra JVM options for the BEFORE build only: with BEFORE set to a copy of
#          the current build, measures a runtime configuration against the default one in the same rounds
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
TMP=$(mktemp -d)
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$TMP"
}
trap cleanup EXIT

# wrk: req/s, p50 and p99 in ms
wrk_run() {
  local out
  out=$(wrk -t2 -c"$CONNECTIONS" -d"${SECONDS_PER_RUN}s" --latency "$@")
  local rps p50 p99 n
  rps=$(echo "$out" | awk '/Requests\/sec/ {print $2}')
  n=$(echo "$out" | awk '/requests in/ {print $1}')
  p50=$(echo "$out" | awk '$1=="50%" {print $2}')
  p99=$(echo "$out" | awk '$1=="99%" {print $2}')
  to_ms() { python3 -c "import sys,re; v=sys.argv[1]; m=re.match(r'([0-9.]+)(us|ms|s)', v); f={'us':0.001,'ms':1,'s':1000}[m.group(2)]; print(round(float(m.group(1))*f, 3))" "$1"; }
  echo "$rps $(to_ms "$p50") $(to_ms "$p99") $n"
}
# Redis commands (all kinds, the service's background work included) since the last reset, then reset
# (commands a Lua script runs count too: get.lua is EVALSHA + TIME + HMGET + PTTL = 4 commands, one round trip)
redis_calls() {
  local c cpu
  c=$(redis-cli -p "$1" info commandstats | grep -o 'calls=[0-9]*' | cut -d= -f2 | paste -sd+ | bc)
  # and redis-server's own CPU seconds (user + sys) since the previous call
  local now prev
  now=$(redis-cli -p "$1" info cpu | tr -d '\r' | awk -F: '$1=="used_cpu_sys" || $1=="used_cpu_user" {s+=$2} END {print s}')
  prev=$(cat "$TMP/cpu.$1" 2>/dev/null || echo "$now")
  echo "$now" >"$TMP/cpu.$1"
  cpu=$(python3 -c "print($now - $prev)")
  [ -z "${JFR_DIR:-}" ] || redis-cli -p "$1" info commandstats | grep -v '^#' >>"$JFR_DIR/commandstats.txt"
  redis-cli -p "$1" config resetstat >/dev/null
  echo "${c:-0} $cpu"
}

echo "machine: load average $(cut -d' ' -f1-3 /proc/loadavg) before the run, $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), redis $(redis-server --version | cut -d' ' -f3 | cut -d= -f2), $(java -version 2>&1 | head -1)"

measure() { # label jar [extra JVM options]
  local label=$1 jar=$2 opts=${3:-} redis_port http_port svc_pid redis_pid jfr=()
  redis_port=$(free_port); http_port=$(free_port)
  redis-server --port "$redis_port" --bind 127.0.0.1 --save '' --appendonly no --dir "$TMP" >"$TMP/redis.log" 2>&1 &
  redis_pid=$!; PIDS+=($redis_pid)
  if [ -n "${JFR_DIR:-}" ]; then
    mkdir -p "$JFR_DIR"
    jfr=("-XX:StartFlightRecording=settings=profile,name=all,filename=$JFR_DIR/$label-all.jfr,dumponexit=true")
  fi
  # shellcheck disable=SC2086
  java -Xms256m -Xmx512m -XX:+UseParallelGC "${jfr[@]}" ${SERVICE_OPTS:-} $opts \
    -Dquarkus.http.port="$http_port" -Dquarkus.redis.hosts="redis://127.0.0.1:$redis_port" \
    -Dvigil.auth.reader-keys=bench-reader -Dvigil.auth.writer-keys=bench-writer -Dvigil.auth.admin-keys=bench-admin \
    -Dvigil.mongo.embedded.data-file= -Dquarkus.log.console.json.enabled=false -Dquarkus.log.level=WARN \
    -jar "$jar" >"$TMP/$label.log" 2>&1 &
  svc_pid=$!; PIDS+=($svc_pid)
  for _ in $(seq 1 300); do
    if curl -fs "http://127.0.0.1:$http_port/q/health/ready" >/dev/null 2>&1; then break; fi
    sleep 0.2
  done
  curl -fs "http://127.0.0.1:$http_port/q/health/ready" >/dev/null || { echo "$label not ready"; cat "$TMP/$label.log"; exit 1; }

  local base="http://127.0.0.1:$http_port" value
  value=$(python3 -c 'print("x" * 100)')
  admin() { curl -fs -o /dev/null -X PUT -H 'Authorization: Bearer bench-admin' -H 'Content-Type: application/json' "$@"; }
  admin "$base/api/v1/cache/namespaces/l2only" -d '{"l1MaxEntries":0,"compress":false}'
  admin "$base/api/v1/ratelimit/policies/bench" -d '{"limit":1000000,"windowMs":1000,"algorithm":"gcra"}'
  for ns in default l2only; do
    curl -fs -o /dev/null -X PUT -H 'Authorization: Bearer bench-writer' -H 'Content-Type: text/plain' \
      "$base/api/v1/cache/$ns/entries/hot?ttlMs=3600000" -d "$value"
  done
  redis-cli -p "$redis_port" SET hot "$value" >/dev/null

  # redis-benchmark GET of a 100-byte value, 50 clients: "rps","avg","min","p50","p95","p99","max"
  local cpu0 r_n=$((SECONDS_PER_RUN * 60000))
  redis_calls "$redis_port" >/dev/null
  redis-benchmark -p "$redis_port" -c "$CONNECTIONS" -n "$r_n" -t get -d 100 --csv >"$TMP/redis.csv" 2>/dev/null
  read -r _ cpu0 < <(redis_calls "$redis_port")
  local r_rps r_p50 r_p99
  read -r r_rps r_p50 r_p99 < <(tail -1 "$TMP/redis.csv" | tr -d '"' | awk -F, '{print $2, $5, $7}')
  local r_us
  r_us=$(python3 -c "print($cpu0 * 1e6 / $r_n)")

  local R="Authorization: Bearer bench-reader" W="Authorization: Bearer bench-writer"
  # warm-up: JIT and connections
  wrk -t2 -c"$CONNECTIONS" -d3s -H "$R" "$base/api/v1/cache/default/entries/hot" >/dev/null
  wrk -t2 -c"$CONNECTIONS" -d3s -H "$R" "$base/api/v1/cache/l2only/entries/hot" >/dev/null
  wrk -t2 -c"$CONNECTIONS" -d3s -H "$W" -s "$HERE/post.lua" "$base/api/v1/ratelimit/bench/warm" >/dev/null
  # with JFR_DIR, one more recording per case (1 ms sampling) so each case's profile is its own file
  jfr_case() { [ -z "${JFR_DIR:-}" ] || jcmd "$svc_pid" JFR."$1" name="$2" ${3:+settings=profile jdk.ExecutionSample#period=1ms filename="$JFR_DIR/$label-$2.jfr"} >/dev/null; }
  local l1 l2 rl c1 c2 c3
  redis_calls "$redis_port" >/dev/null
  jfr_case start l1 x
  l1=$(wrk_run -H "$R" "$base/api/v1/cache/default/entries/hot"); c1=$(redis_calls "$redis_port")
  jfr_case stop l1; jfr_case start l2 x
  l2=$(wrk_run -H "$R" "$base/api/v1/cache/l2only/entries/hot"); c2=$(redis_calls "$redis_port")
  jfr_case stop l2; jfr_case start rl x
  rl=$(wrk_run -H "$W" -s "$HERE/post.lua" "$base/api/v1/ratelimit/bench/subject-1"); c3=$(redis_calls "$redis_port")
  jfr_case stop rl
  local x1 x2
  x1=$(curl -s -o /dev/null -D - -H "$R" "$base/api/v1/cache/default/entries/hot" | awk 'tolower($1)=="x-cache:" {print $2}' | tr -d '\r')
  x2=$(curl -s -o /dev/null -D - -H "$R" "$base/api/v1/cache/l2only/entries/hot" | awk 'tolower($1)=="x-cache:" {print $2}' | tr -d '\r')
  kill "$svc_pid" "$redis_pid"; wait "$svc_pid" "$redis_pid" 2>/dev/null || true
  echo "$label|$r_rps $r_p50 $r_p99 $r_us|$l1 $c1|$l2 $c2|$rl $c3|$x1|$x2" >>"$TMP/results"
}

if [ -n "${BEFORE:-}" ]; then
  [ -f "$BEFORE/cache-service/quarkus-run.jar" ] || { echo "no $BEFORE/cache-service/quarkus-run.jar"; exit 1; }
  for round in $(seq 1 "${ROUNDS:-1}"); do
    suffix=""; [ "${ROUNDS:-1}" -gt 1 ] && suffix="-$round"
    measure "${BEFORE_LABEL:-before}$suffix" "$BEFORE/cache-service/quarkus-run.jar" "${BEFORE_OPTS:-}"
    measure "after$suffix" "$JAR"
  done
else
  measure cache-service "$JAR"
fi

read -r C_OPS C_NS < <(java -cp "$CAFFEINE_JAR" "$HERE/CaffeineBench.java" 5 | awk '{print $2, $3}')
echo "machine: load average $(cut -d' ' -f1-3 /proc/loadavg) after the run"

python3 - "$TMP/results" "$C_OPS" "$C_NS" <<'PY'
import sys
c_ops, c_ns = float(sys.argv[2]), float(sys.argv[3])
print(f"{'case (50 connections)':44} {'req/s':>10} {'p50 ms':>8} {'p99 ms':>8} {'vs Redis GET':>13} {'Redis cmds/req':>15} {'Redis CPU us/req':>17}")
for line in open(sys.argv[1]):
    label, base, l1, l2, rl, x1, x2 = line.strip().split('|')
    r = tuple(map(float, base.split()))
    print(f"{label + ': redis-benchmark GET (baseline)':44} {r[0]:>10.0f} {r[1]:>8.3f} {r[2]:>8.3f} {1:>12.2f}x {1:>15.2f} {r[3]:>17.1f}")
    res = {}
    for name, v in ((f"{label}: GET, L1 hit ({x1})", l1), (f"{label}: GET, L2 hit ({x2})", l2),
                    (f"{label}: rate-limit decision (GCRA)", rl)):
        rps, p50, p99, n, calls, cpu = map(float, v.split())
        res[name] = (rps, p99)
        print(f"{name:44} {rps:>10.0f} {p50:>8.3f} {p99:>8.3f} {rps / r[0]:>12.2f}x {calls / max(n, 1):>15.2f} {cpu * 1e6 / max(n, 1):>17.1f}")
    (l1r, _), (l2r, l2p99), (rlr, _) = res.values()
    print(f"  {label} goals: L1 hit >= 1.0x: {l1r / r[0]:.2f}x {'MET' if l1r / r[0] >= 1.0 else 'NOT MET'}; "
          f"L2 hit >= 0.6x: {l2r / r[0]:.2f}x {'MET' if l2r / r[0] >= 0.6 else 'NOT MET'}, "
          f"p99 < 3 ms: {l2p99:.3f} ms {'MET' if l2p99 < 3 else 'NOT MET'}; "
          f"limiter >= 0.6x: {rlr / r[0]:.2f}x {'MET' if rlr / r[0] >= 0.6 else 'NOT MET'}")
if len(medians := {}) == 0:
    import statistics
    for line in open(sys.argv[1]):
        label, base, l1, l2, rl, x1, x2 = line.strip().split('|')
        r = float(base.split()[0])
        m = medians.setdefault(label.split('-')[0], [[], [], [], []])
        for i, v in enumerate((l1, l2, rl)):
            m[i].append(float(v.split()[0]) / r)
        m[3].append(float(l2.split()[2]))
    if any(len(m[0]) > 1 for m in medians.values()):
        print()
        print("median over rounds: L1 hit / L2 hit / limiter (ratio to redis-benchmark GET of the same round), L2 p99 ms")
        for label, m in medians.items():
            print(f"  {label:8} {statistics.median(m[0]):.2f}x / {statistics.median(m[1]):.2f}x / "
                  f"{statistics.median(m[2]):.2f}x, L2 p99 {statistics.median(m[3]):.1f} ms  ({len(m[0])} rounds)")
print(f"{'Caffeine get in-process':44} {c_ops:>10.0f}   ({c_ns:.0f} ns per get per thread)")
PY
