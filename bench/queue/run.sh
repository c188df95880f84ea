#!/usr/bin/env bash
# One command: builds queue-service if needed, starts a private redis-server and the service, runs BullMQ and
# queue-service against that same Redis, prints the figures and ratios, and cleans up.
# Usage: bench/queue/run.sh [--jobs 100000] [--producers 50] [--latency-ops 20000]
# Single enqueue is measured for BullMQ, queue-service over REST, queue-service direct (ioredis EVALSHA of the
# direct-enqueue contract) and queue-client (Java, DirectLoad.java); JAVA_CLIENT=false leaves the Java client out.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
# QUEUE_JAR: measure another build (e.g. a copy of the previous one) against BullMQ in the same conditions.
JAR="${QUEUE_JAR:-$ROOT/queue-service/target/quarkus-app/quarkus-run.jar}"

if [ ! -f "$JAR" ]; then
  echo "building queue-service..."
  (cd "$ROOT" && mvn -B -q -pl queue-service -am package -DskipTests)
fi
(cd "$HERE" && npm ci --silent --no-audit --no-fund)
JAVA_ARGS=()
if [ "${JAVA_CLIENT:-true}" = true ]; then
  if [ ! -d "$ROOT/queue-client/target/classes" ]; then
    (cd "$ROOT" && mvn -B -q -o -pl queue-client -am install -DskipTests)
  fi
  # queue-client needs only Vert.x's Redis client, which the service's own lib/ holds (the dependency plugin is not
  # in the offline Maven repository)
  JAVA_ARGS=(--java-cp "$ROOT/queue-client/target/classes:$(dirname "$JAR")/lib/main/*")
fi

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
# One Vert.x event loop: on this 2-core box shared with Redis and the load generator, hopping between event-loop
# threads (HTTP on one, the Redis connection on another) cost more than a second loop gains (README "Tuning").
java -Xms512m -Xmx1g -XX:+UseParallelGC -Dquarkus.vertx.event-loops-pool-size=1 \
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

echo "machine: load average $(cut -d" " -f1-3 /proc/loadavg) before the run, $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(redis-server --version | cut -d' ' -f3), node $(node --version), $(java -version 2>&1 | head -1)"
node "$HERE/bench.mjs" --redis-port "$REDIS_PORT" --service "http://127.0.0.1:$HTTP_PORT" "${JAVA_ARGS[@]}" "$@"
