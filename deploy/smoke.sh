#!/usr/bin/env bash
# End-to-end smoke test of what a new user runs: `./vigil up` on fresh state, every service ready, a real Prometheus
# (deploy/prometheus/prometheus.yml) scraping all five, Vigil's own metrics lint-clean under promtool, `./vigil down`
# leaving nothing behind. Run by .ci/run after the test suite.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
export VIGIL_HOME
VIGIL_HOME=$(mktemp -d)
PROM_DIR=$(mktemp -d)
prom_pid=
cleanup() {
  [ -n "$prom_pid" ] && kill "$prom_pid" 2>/dev/null || true
  "$ROOT/vigil" down >/dev/null 2>&1 || true
  rm -rf "$PROM_DIR"
}
trap cleanup EXIT

"$ROOT/vigil" up

# A real Prometheus scrapes every service with the shipped configuration.
cp "$ROOT"/deploy/prometheus/*.yml "$PROM_DIR/"
prometheus --config.file="$PROM_DIR/prometheus.yml" --storage.tsdb.path="$PROM_DIR/data" \
  --web.listen-address=127.0.0.1:19090 >"$PROM_DIR/prometheus.log" 2>&1 &
prom_pid=$!
up=0
for _ in $(seq 1 60); do
  up=$(curl -s -G --data-urlencode 'query=sum(up{job="vigil"})' http://127.0.0.1:19090/api/v1/query \
    | grep -o '"value":\[[^]]*\]' | grep -o '"[0-9]*"\]$' | tr -d '"]' || true)
  [ "${up:-0}" = 5 ] && break
  sleep 1
done
[ "${up:-0}" = 5 ] || { echo "smoke: Prometheus sees ${up:-0}/5 services up"; cat "$PROM_DIR/prometheus.log" | tail -5; exit 1; }
echo "smoke: Prometheus scrapes all 5 services"

# Some traffic with the keys `up` generated, so the series that appear on first use exist too.
# shellcheck disable=SC1091
. "$VIGIL_HOME/api-keys.env"
W="Authorization: Bearer $VIGIL_AUTH_WRITER_KEYS"
curl -sf -o /dev/null -H "$W" -H 'Content-Type: application/json' http://127.0.0.1:8081/api/v1/samples \
  -d '[{"service":"smoke","endpoint":"/ping","method":"GET","status":200,"durationMs":12},
       {"service":"smoke","endpoint":"/ping","method":"GET","status":500,"durationMs":1500}]'
# A queue of its own: alert-service's workers lease every job of 'notifications'.
curl -sf -o /dev/null -X PUT -H "Authorization: Bearer $VIGIL_AUTH_ADMIN_KEYS" -H 'Content-Type: application/json' \
  http://127.0.0.1:8084/api/v1/queues/smoke -d '{"maxAttempts":1}'
curl -sf -o /dev/null -H "$W" -H 'Content-Type: application/json' http://127.0.0.1:8084/api/v1/queues/smoke/jobs \
  -d '{"payload":{"to":"smoke"}}'
lease=$(curl -sf -H "$W" -H 'Content-Type: application/json' http://127.0.0.1:8084/api/v1/queues/smoke/lease \
  -d '{"count":1,"waitMs":2000}')
job=$(echo "$lease" | grep -o '"id":"[^"]*"' | head -1 | cut -d'"' -f4 || true)
token=$(echo "$lease" | grep -o '"token":"[^"]*"' | head -1 | cut -d'"' -f4 || true)
[ -n "$job" ] && [ -n "$token" ] || { echo "smoke: lease returned no job: $lease"; exit 1; }
curl -sf -o /dev/null -H "$W" -H 'Content-Type: application/json' \
  "http://127.0.0.1:8084/api/v1/queues/smoke/jobs/$job/ack" -d "{\"token\":\"$token\"}"
sleep 2
echo "smoke: ingested samples and ran a job through the queue"

# Vigil's own series follow Prometheus naming rules (the JVM/Vert.x ones Quarkus adds are not ours to rename).
for port in 8081 8082 8083 8084 8085; do
  lint=$(curl -s -H 'Accept: text/plain;version=0.0.4' "http://127.0.0.1:$port/q/metrics" | promtool check metrics 2>&1 | grep '^vigil_' || true)
  [ -z "$lint" ] || { echo "smoke: promtool on :$port: $lint"; exit 1; }
done
echo "smoke: vigil_* metrics pass promtool check metrics"

# The shipped rules and dashboards use only series the running services expose (and the overlays render).
"$ROOT/deploy/validate.sh"

"$ROOT/vigil" down
for port in 8081 8082 8083 8084 8085; do
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then echo "smoke: port $port still open after down"; exit 1; fi
done
echo "smoke: ./vigil down stopped everything it started"
