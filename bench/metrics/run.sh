#!/usr/bin/env bash
# metrics-service benchmark: one command, prints each figure and its ratio to the in-process HdrHistogram record rate.
# Usage: bench/metrics/run.sh   (env: STREAM_SAMPLES, REST_SECONDS, QUERIES; QUERY_ONLY=true seeds 24 h and runs only
# the query figure; METRICS_JAR measures another build, e.g. a copy of the previous one, in the same conditions)
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
JAR="${METRICS_JAR:-$ROOT/metrics-service/target/quarkus-app/quarkus-run.jar}"
HDR="$HOME/.m2/repository/org/hdrhistogram/HdrHistogram/2.2.2/HdrHistogram-2.2.2.jar"

if [[ ! -f "$JAR" ]]; then
  (cd "$ROOT" && mvn -B -q -pl metrics-service -am package -DskipTests -o || mvn -B -q -pl metrics-service -am package -DskipTests)
fi
[[ -f "$HDR" ]] || (cd "$ROOT" && mvn -B -q dependency:get -Dartifact=org.hdrhistogram:HdrHistogram:2.2.2)

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
WORK="$(mktemp -d /tmp/vigil-metrics-bench.XXXXXX)"
REDIS_PORT="$(free_port)"
HTTP_PORT="$(free_port)"
REDIS_PID=""; SERVICE_PID=""
cleanup() {
  [[ -n "$SERVICE_PID" ]] && kill "$SERVICE_PID" 2>/dev/null && wait "$SERVICE_PID" 2>/dev/null || true
  [[ -n "$REDIS_PID" ]] && kill "$REDIS_PID" 2>/dev/null && wait "$REDIS_PID" 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save "" --appendonly no --dir "$WORK" >"$WORK/redis.log" 2>&1 &
REDIS_PID=$!

# The service as deployed, except: bench API keys, in-memory embedded MongoDB, and a sample age of 25 h so that the
# seeding step can send 24 h of history through the normal ingest path.
java -Xmx1g -XX:+UseParallelGC ${SERVICE_JAVA_OPTS:-} \
  -Dquarkus.http.port="$HTTP_PORT" -Dquarkus.redis.hosts="redis://127.0.0.1:$REDIS_PORT" \
  -Dvigil.auth.writer-keys=bench-writer -Dvigil.auth.reader-keys=bench-reader -Dvigil.auth.admin-keys=bench-admin \
  -Dvigil.mongo.embedded.data-file= -Dvigil.metrics.max-sample-age=25h -Dquarkus.log.console.json.enabled=false \
  -Dquarkus.log.level=WARN \
  -jar "$JAR" >"$WORK/service.log" 2>&1 &
SERVICE_PID=$!
for _ in $(seq 1 120); do
  curl -fs "http://127.0.0.1:$HTTP_PORT/q/health/ready" >/dev/null 2>&1 && break
  sleep 0.5
done
curl -fs "http://127.0.0.1:$HTTP_PORT/q/health/ready" >/dev/null || { echo "service did not start"; tail -50 "$WORK/service.log"; exit 1; }

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), java $(java -version 2>&1 | head -1)"
java -Xmx2g -cp "$HDR" -Dstream.samples="${STREAM_SAMPLES:-3000000}" -Drest.seconds="${REST_SECONDS:-15}" \
  -Dqueries="${QUERIES:-200}" -Dquery.only="${QUERY_ONLY:-false}" "$ROOT/bench/metrics/Bench.java" "http://127.0.0.1:$HTTP_PORT" "$REDIS_PORT"
