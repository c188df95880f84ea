#!/usr/bin/env bash
# OTLP/HTTP benchmark: spans/s through OTLP protobuf (batches of 512) against the JSON samples path in the same run,
# p99 export latency as the exporter sees it, Redis memory per 1,000 active series.
# Usage: bench/otlp/run.sh   (env: SECONDS_PER_PATH (15), CLIENTS (4))
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
JAR="$ROOT/metrics-service/target/quarkus-app/quarkus-run.jar"
M2="$HOME/.m2/repository"
PROTO="$M2/io/opentelemetry/proto/opentelemetry-proto/1.11.0-alpha/opentelemetry-proto-1.11.0-alpha.jar"
PROTOBUF="$M2/com/google/protobuf/protobuf-java/4.35.1/protobuf-java-4.35.1.jar"

if [[ ! -f "$JAR" ]]; then
  (cd "$ROOT" && mvn -B -q -pl metrics-service -am package -DskipTests -o || mvn -B -q -pl metrics-service -am package -DskipTests)
fi
[[ -f "$PROTO" ]] || (cd "$ROOT" && mvn -B -q dependency:get -Dartifact=io.opentelemetry.proto:opentelemetry-proto:1.11.0-alpha)
[[ -f "$PROTOBUF" ]] || (cd "$ROOT" && mvn -B -q dependency:get -Dartifact=com.google.protobuf:protobuf-java:4.35.1)

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
WORK="$(mktemp -d /tmp/vigil-otlp-bench.XXXXXX)"
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

# The service as deployed, except: bench API keys and an in-memory embedded MongoDB.
java -Xmx1g -XX:+UseParallelGC ${SERVICE_JAVA_OPTS:-} \
  -Dquarkus.http.port="$HTTP_PORT" -Dquarkus.redis.hosts="redis://127.0.0.1:$REDIS_PORT" \
  -Dvigil.auth.writer-keys=bench-writer -Dvigil.auth.reader-keys=bench-reader -Dvigil.auth.admin-keys=bench-admin \
  -Dvigil.mongo.embedded.data-file= -Dquarkus.log.console.json.enabled=false -Dquarkus.log.level=WARN \
  -jar "$JAR" >"$WORK/service.log" 2>&1 &
SERVICE_PID=$!
for _ in $(seq 1 240); do
  curl -fs "http://127.0.0.1:$HTTP_PORT/q/health/ready" >/dev/null 2>&1 && break
  sleep 0.5
done
curl -fs "http://127.0.0.1:$HTTP_PORT/q/health/ready" >/dev/null || { echo "service did not start"; tail -50 "$WORK/service.log"; exit 1; }

echo "machine: $(nproc) cores, load $(cut -d' ' -f1 /proc/loadavg), java $(java -version 2>&1 | head -1)"
java -Xmx1g -cp "$PROTO:$PROTOBUF" -Dseconds="${SECONDS_PER_PATH:-15}" -Dclients="${CLIENTS:-4}" \
  "$ROOT/bench/otlp/Bench.java" "http://127.0.0.1:$HTTP_PORT" bench-writer "$REDIS_PORT"
