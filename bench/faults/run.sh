#!/usr/bin/env bash
# The larger fault-injection run: the same system tests as ./vigil test, with more hostile requests.
#   bench/faults/run.sh [requests]      (default 100000; ./vigil test sends 10000)
# Prints one report line per service: requests, accepted, accepted-then-lost, 4xx, 5xx.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT"
REQUESTS=${1:-100000}
mvn -B -q package -DskipTests
mvn -B -o -q -pl system-tests verify -Dvigil.hostile.requests="$REQUESTS" 2>&1 | grep -E '^(hostile|fault) |FAIL|ERROR\]' || true
