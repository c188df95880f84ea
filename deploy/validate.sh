#!/usr/bin/env bash
# Validates what Vigil ships besides code, with the real tools: Prometheus config and rules (promtool), the
# Kubernetes manifests (kubectl kustomize, offline), the Grafana dashboards (JSON). A missing tool is reported, not
# silently passed.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
status=0

if command -v promtool >/dev/null; then
  (cd "$ROOT/deploy/prometheus" && promtool check config prometheus.yml >/dev/null) && echo "prometheus: config and rules valid" || status=1
else
  echo "prometheus: SKIPPED (promtool not installed: apt-get install prometheus)"
fi

# The one-host trial: compose file parses, every file it mounts exists, its Prometheus config is valid.
if python3 - "$ROOT/deploy" <<'PY'
import os, sys, yaml
deploy = sys.argv[1]
compose = yaml.safe_load(open(os.path.join(deploy, "compose.yaml")))
for name, svc in compose["services"].items():
    for volume in svc.get("volumes", []):
        source = volume.split(":")[0]
        if source.startswith("."):
            assert os.path.exists(os.path.join(deploy, source)), f"{name}: {source} does not exist"
PY
then
  tmp=$(mktemp -d)
  cp "$ROOT/deploy/compose/prometheus.yml" "$ROOT/deploy/prometheus/vigil-rules.yml" "$tmp/"
  if ! command -v promtool >/dev/null || (cd "$tmp" && promtool check config prometheus.yml >/dev/null); then
    echo "compose: compose.yaml and its mounted files valid"
  else
    status=1
  fi
  rm -rf "$tmp"
else
  status=1
fi

if command -v kubectl >/dev/null; then
  for overlay in dev prod; do
    kinds=$(kubectl kustomize "$ROOT/k8s/overlays/$overlay" | grep -c '^kind:') \
      && echo "k8s: overlay $overlay renders $kinds objects" || status=1
  done
else
  echo "k8s: SKIPPED (kubectl not installed)"
fi

for dashboard in "$ROOT"/deploy/grafana/dashboards/*.json; do
  [ -e "$dashboard" ] || continue
  python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["panels"], "no panels"' "$dashboard" \
    && echo "grafana: $(basename "$dashboard") valid" || status=1
done
# Every vigil_* series a rule or a dashboard uses must be one the services expose, or the panel stays empty and the
# alert never fires. Needs the services running (deploy/smoke.sh calls this after ./vigil up and some traffic).
used=$(cat "$ROOT"/deploy/prometheus/*.yml "$ROOT"/deploy/grafana/dashboards/*.json | grep -oE 'vigil_[a-z0-9_]+' | sort -u)
exposed=""
for port in 8081 8082 8083 8084 8085; do
  exposed+=$(curl -s --max-time 5 -H 'Accept: text/plain;version=0.0.4' "http://127.0.0.1:$port/q/metrics" \
    | grep -oE '^vigil_[a-z0-9_]+' || true)$'\n'
done
if [ -z "${exposed//$'\n'/}" ]; then
  echo "metric names: SKIPPED (no service running on 8081-8085; deploy/smoke.sh checks them)"
else
  missing=$(comm -23 <(echo "$used") <(echo "$exposed" | sort -u))
  # A meter with per-label series (a receiver, a namespace, a policy) appears with its first event. Such a name is
  # accepted when a service's source declares it (its Micrometer name plus a Prometheus suffix); any other missing
  # name is a typo or a removed meter, and fails.
  declared=$(grep -rhoE '"vigil[._][a-z0-9_.]+"' "$ROOT"/*-service/src/main/java "$ROOT"/vigil-common/src/main/java \
    | tr -d '"' | tr '.' '_' | sort -u)
  unknown=""; lazy=""
  for name in $missing; do
    base=$(echo "$name" | sed -E 's/_(total|bucket|count|sum|max)$//')
    if echo "$declared" | grep -qxF -e "$base" -e "${base%_seconds}"; then
      lazy+="$name "
    else
      unknown+="$name "
    fi
  done
  if [ -n "$unknown" ]; then
    echo "metric names: used in rules or dashboards but neither exposed nor declared by any service: $unknown"; status=1
  else
    echo "metric names: all $(echo "$used" | wc -l) vigil_* names in rules and dashboards are exposed${lazy:+ or declared (series appear with their first event: $lazy)}"
  fi
fi
exit $status
