#!/usr/bin/env bash
# alert-service benchmark, one command. Prints:
#  1. end to end: a sample batch breaching a p95 threshold, POSTed to metrics-service, until the webhook arrives —
#     Vigil (rule with for: 0 on metrics.live) vs the real Prometheus + Alertmanager from Debian at their fastest
#     settings (scrape/evaluation 1 s, resend-delay 1 s, group_wait 0), both fed by the same metrics-service, p50/p99
#     over E2E_BREACHES breaches, and the ratio;
#  2. rule evaluation throughput with 10,000 rules over a stream of rollups, as a ratio to the rate at which
#     metrics-service publishes rollups for as many series (one per series per 10 s bucket).
# Usage: bench/alert/run.sh   (env: E2E_BREACHES=100, ROLLUPS=20000; METRICS_OPTS, extra -D options for
#        metrics-service, e.g. -Dvigil.metrics.live.interval=100ms; KEEP_WORK=1 keeps the logs' directory)
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
ALERT_JAR="$ROOT/alert-service/target/quarkus-app/quarkus-run.jar"
METRICS_JAR="$ROOT/metrics-service/target/quarkus-app/quarkus-run.jar"
for m in alert-service metrics-service; do
  [[ -f "$ROOT/$m/target/quarkus-app/quarkus-run.jar" ]] || (cd "$ROOT" && mvn -B -q -o -pl "$m" -am package -DskipTests)
done
AM_BIN="$(command -v prometheus-alertmanager || command -v alertmanager)"

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
WORK="$(mktemp -d /tmp/vigil-alert-bench.XXXXXX)"
REDIS_PORT="$(free_port)"; METRICS_PORT="$(free_port)"; ALERT_PORT="$(free_port)"; HOOK_PORT="$(free_port)"
PROM_PORT="$(free_port)"; AM_PORT="$(free_port)"
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
  [[ -n "${KEEP_WORK:-}" ]] && echo "kept $WORK" || rm -rf "$WORK"
}
trap cleanup EXIT

redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save "" --appendonly no --dir "$WORK" >"$WORK/redis.log" 2>&1 &
PIDS+=($!)

# alert-service's configuration: the end-to-end rules and 10,000 rollup rules (10 per service, 1,000 services)
python3 - "$WORK/alert-config.json" "$HOOK_PORT" <<'PY'
import json, sys
path, hook = sys.argv[1], sys.argv[2]
rules = [
  {"id": "bench-live", "source": "metrics", "signal": "live", "expr": "p95Ms > 500", "matchers": ["service=bench"],
   "severity": "critical", "forMs": 0, "labels": {"path": "live"}},
  {"id": "bench-rollup", "source": "metrics", "signal": "rollup", "expr": "p95Ms > 500", "windowMs": 10000,
   "matchers": ["service=bench"], "severity": "critical", "forMs": 0, "labels": {"path": "rollup"}},
]
fields = ["p50Ms", "p95Ms", "p99Ms", "maxMs", "errorRate5xx", "errorRate4xx", "throughput", "count", "p90Ms", "errors5xx"]
for s in range(1000):
    for k in range(10):
        rules.append({"id": f"r{s}-{k}", "source": "metrics", "signal": "rollup", "expr": f"{fields[k]} > 1000000000",
                      "windowMs": 60000, "matchers": [f"service=svc{s}"], "severity": "warning"})
json.dump({"rules": rules,
           "receivers": [{"name": "hook", "type": "webhook", "url": f"http://127.0.0.1:{hook}/vigil"}],
           "route": {"receiver": "hook", "groupBy": ["endpoint", "path"], "groupWaitMs": 0, "groupIntervalMs": 1000}},
          open(path, "w"))
PY

KEYS=(-Dvigil.auth.writer-keys=bench-writer -Dvigil.auth.reader-keys=bench-reader -Dvigil.auth.admin-keys=bench-admin)
java -Xmx512m "${KEYS[@]}" -Dquarkus.http.port="$METRICS_PORT" -Dquarkus.redis.hosts="redis://127.0.0.1:$REDIS_PORT" \
  -Dvigil.mongo.embedded.data-file= -Dquarkus.log.console.json.enabled=false -Dquarkus.log.level=WARN ${METRICS_OPTS:-} \
  -jar "$METRICS_JAR" >"$WORK/metrics.log" 2>&1 &
PIDS+=($!)
java -Xmx1g "${KEYS[@]}" -Dquarkus.http.port="$ALERT_PORT" -Dquarkus.redis.hosts="redis://127.0.0.1:$REDIS_PORT" \
  -Dvigil.mongo.embedded.data-file= -Dquarkus.log.console.json.enabled=false -Dquarkus.log.level=WARN \
  -Dvigil.alert.config-file="$WORK/alert-config.json" -Dvigil.streams.batch-size=500 \
  -jar "$ALERT_JAR" >"$WORK/alert.log" 2>&1 &
PIDS+=($!)

cat >"$WORK/rules.yml" <<YML
groups:
  - name: bench
    rules:
      - alert: BenchP95
        # the raw cumulative buckets: a new series alerts on its first scrape (rate() would need two)
        expr: histogram_quantile(0.95, sum by (le, service, endpoint) (vigil_http_request_duration_seconds_bucket{service="bench"})) > 0.5
YML
cat >"$WORK/prometheus.yml" <<YML
global: {scrape_interval: 1s, evaluation_interval: 1s}
rule_files: [rules.yml]
scrape_configs:
  - job_name: metrics-service
    metrics_path: /q/metrics
    static_configs: [{targets: ["127.0.0.1:$METRICS_PORT"]}]
alerting:
  alertmanagers: [{api_version: v2, static_configs: [{targets: ["127.0.0.1:$AM_PORT"]}]}]
YML
cat >"$WORK/alertmanager.yml" <<YML
route: {receiver: bench, group_by: [endpoint], group_wait: 0s, group_interval: 1s, repeat_interval: 1h}
receivers:
  - name: bench
    webhook_configs: [{url: "http://127.0.0.1:$HOOK_PORT/am", send_resolved: false}]
YML
"$AM_BIN" --config.file="$WORK/alertmanager.yml" --storage.path="$WORK/am" --web.listen-address="127.0.0.1:$AM_PORT" \
  --cluster.listen-address= >"$WORK/am.log" 2>&1 &
PIDS+=($!)
prometheus --config.file="$WORK/prometheus.yml" --storage.tsdb.path="$WORK/prom" --rules.alert.resend-delay=1s \
  --web.listen-address="127.0.0.1:$PROM_PORT" >"$WORK/prom.log" 2>&1 &
PIDS+=($!)

for port in "$METRICS_PORT" "$ALERT_PORT"; do
  for _ in $(seq 1 240); do
    curl -fs "http://127.0.0.1:$port/q/health/ready" >/dev/null 2>&1 && break
    sleep 0.5
  done
done
for _ in $(seq 1 60); do curl -fs "http://127.0.0.1:$AM_PORT/-/ready" >/dev/null 2>&1 && break; sleep 0.5; done

echo "machine: $(nproc) cores, shared with other work (figures are noisy); $(date -u +%FT%TZ)"
java "$(dirname "$0")/Bench.java" "$METRICS_PORT" "$ALERT_PORT" "$HOOK_PORT" "$REDIS_PORT" \
  "${E2E_BREACHES:-100}" "${ROLLUPS:-20000}"
