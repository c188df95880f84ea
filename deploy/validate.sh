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

if command -v kubectl >/dev/null; then
  kinds=$(kubectl kustomize "$ROOT/k8s" | grep -c '^kind:') && echo "k8s: kustomize renders $kinds objects" || status=1
else
  echo "k8s: SKIPPED (kubectl not installed)"
fi

for dashboard in "$ROOT"/deploy/grafana/dashboards/*.json; do
  [ -e "$dashboard" ] || continue
  python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["panels"], "no panels"' "$dashboard" \
    && echo "grafana: $(basename "$dashboard") valid" || status=1
done
exit $status
