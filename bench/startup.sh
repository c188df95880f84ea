#!/usr/bin/env bash
# Start-up time and idle memory of each Vigil service in JVM mode.
# For each service, alone on the machine (one at a time): ms from `java -jar` to the first 200 of /q/health/ready,
# the "started in" Quarkus reports, and RSS after 5 s idle; once with the JVM's default flags (the baseline) and once
# with the launcher's flags (VIGIL_JAVA_OPTS in ./vigil). Prints each figure and the ratio tuned/default.
# Usage: bench/startup.sh            (builds the jars if missing)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
SERVICES=(metrics-service health-service alert-service queue-service cache-service)
TUNED=$(sed -n 's/^JAVA_OPTS=\${VIGIL_JAVA_OPTS:-\(.*\)}$/\1/p' "$ROOT/vigil")
WORK=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null; rm -rf "$WORK"' EXIT

[ -f "$ROOT/cache-service/target/quarkus-app/quarkus-run.jar" ] || (cd "$ROOT" && mvn -B -q package -DskipTests)

port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
REDIS_PORT=$((30000 + RANDOM % 10000))
redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save "" --appendonly no >"$WORK/redis.log" 2>&1 &
until port_busy "$REDIS_PORT"; do sleep 0.05; done

measure() { # service, flags -> "ready_ms started_s rss_mb"
  local svc=$1 flags=$2 port=$((41000 + RANDOM % 9000)) t0 pid ms rss started
  t0=$(date +%s%N)
  # shellcheck disable=SC2086
  QUARKUS_REDIS_HOSTS="redis://127.0.0.1:$REDIS_PORT" QUARKUS_HTTP_PORT=$port VIGIL_DATA_DIR="$WORK/data" \
    java $flags -jar "$ROOT/$svc/target/quarkus-app/quarkus-run.jar" >"$WORK/$svc.log" 2>&1 &
  pid=$!
  until [ "$(curl -s -o /dev/null -m 1 -w '%{http_code}' "http://127.0.0.1:$port/q/health/ready")" = 200 ]; do
    kill -0 "$pid" 2>/dev/null || { echo "$svc died: $(tail -5 "$WORK/$svc.log")" >&2; exit 1; }
    sleep 0.01
  done
  ms=$((($(date +%s%N) - t0) / 1000000))
  sleep 5
  rss=$(($(awk '/VmRSS/ {print $2}' "/proc/$pid/status") / 1024))
  started=$(grep -o 'started in [0-9.]*s' "$WORK/$svc.log" | grep -o '[0-9.]*' | head -1)
  kill "$pid"; wait "$pid" 2>/dev/null || true
  echo "$ms $started $rss"
}

printf 'JVM: %s\ntuned flags: %s\n\n' "$(java -version 2>&1 | head -1)" "$TUNED"
printf '%-16s %28s   %28s   %s\n' service "default: ready_ms started rss" "tuned: ready_ms started rss" "ratio ready / rss"
for svc in "${SERVICES[@]}"; do
  read -r d_ms d_st d_rss < <(measure "$svc" "")
  read -r t_ms t_st t_rss < <(measure "$svc" "$TUNED")
  printf '%-16s %12s ms %5ss %4s MB   %12s ms %5ss %4s MB   %.2fx / %.2fx\n' "$svc" \
    "$d_ms" "$d_st" "$d_rss" "$t_ms" "$t_st" "$t_rss" \
    "$(echo "$t_ms / $d_ms" | bc -l)" "$(echo "$t_rss / $d_rss" | bc -l)"
done
