#!/usr/bin/env bash
# JVM start to ready, against a bare Quarkus app measured in the same run (issue 19, "Start-up").
# For the bare app (bench/startup/bare-app: quarkus-rest + jackson + smallrye-health + micrometer-prometheus, the same
# Quarkus) and each service: ms from `java` to the first 200 of /q/health/ready (polled every ~10 ms) and VmRSS at that
# moment, started the way ./vigil up starts them (same flags, same env, private redis-server, embedded MongoDB, run from
# target/quarkus-app). Each round starts every app once in each mode, in turn, so drift on a shared machine hits all alike;
# the medians of RUNS rounds and their ratio to the bare app are printed, without and with the AppCDS archive.
# Usage: bench/startup.sh          RUNS=3 (default), MODES="off on" (AppCDS), APPS="bare metrics-service ..."
#        VIGIL_JAVA_OPTS=... overrides the flags as it does for ./vigil (VIGIL_JAVA_OPTS=" ": the JVM's defaults);
#        JAVA=/path/to/java picks another JVM.
#        BEFORE=dir also measures, in the same rounds, each service's older build copied to dir/<service>/quarkus-app
#        (shown as <service>@before), e.g. cp -a <service>/target/quarkus-app before changing anything.
# Builds offline what is missing: the bare app, and the services with -Dquarkus.package.jar.appcds.enabled=true.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BARE=$ROOT/bench/startup/bare-app
RUNS=${RUNS:-3}
MODES=${MODES:-off on}
APPS=${APPS:-bare metrics-service health-service alert-service queue-service cache-service}
# shellcheck source=bench/startup/lib.sh
. "$ROOT/bench/startup/lib.sh"
WORK=$(mktemp -d)
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$WORK"; }
trap cleanup EXIT

if [ ! -f "$BARE/target/quarkus-app/quarkus-run.jar" ]; then
  echo "building the bare app (offline)..." >&2
  (cd "$BARE" && nice -n 10 mvn -B -o -q package -DskipTests -Dquarkus.package.jar.appcds.enabled=true) >&2
fi
missing=()
for app in $APPS; do [ "$app" = bare ] || [[ $app == *@before ]] || [ -f "$(dir_of "$app")/quarkus-run.jar" ] || missing+=("$app"); done
if [ ${#missing[@]} -gt 0 ]; then
  echo "building ${missing[*]} (offline, AppCDS on)..." >&2
  (cd "$ROOT" && nice -n 10 mvn -B -o -q package -DskipTests -Dquarkus.package.jar.appcds.enabled=true \
    -pl "$(IFS=,; echo "${missing[*]}")" -am) >&2
fi
if [ -n "${BEFORE:-}" ]; then
  with=
  for app in $APPS; do with+=" $app"; [ "$app" = bare ] || [ ! -d "$BEFORE/$app/quarkus-app" ] || with+=" $app@before"; done
  APPS=$with
fi
if [[ " $MODES " == *" on "* ]]; then
  for app in $APPS; do
    [ -f "$(dir_of "$app")/app-cds.jsa" ] || { echo "$app: no app-cds.jsa; rebuild it with -Dquarkus.package.jar.appcds.enabled=true (./vigil up does)" >&2; exit 1; }
  done
fi

start_redis "$WORK/redis.log"

measure() { # app mode -> "ready_ms rss_mb"
  local cds=()
  [ "$2" = on ] && cds=(-XX:SharedArchiveFile=app-cds.jsa)
  start_ready "$1" "$WORK" "${cds[@]}"
  kill "$APP_PID"; wait "$APP_PID" 2>/dev/null || true
  echo "$READY_MS $RSS_MB"
}

median() { tr ' ' '\n' | { grep -v '^$' || true; } | sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }

printf 'JVM: %s\nflags: %s\nruns: %s (medians), cores: %s, load: %s\n\n' "$("$JAVA" -version 2>&1 | head -1)" "$FLAGS" \
  "$RUNS" "$(nproc)" "$(cut -d' ' -f1-3 /proc/loadavg)"
declare -A MS RSS
for r in $(seq 1 "$RUNS"); do
  for mode in $MODES; do
    for app in $APPS; do
      read -r ms rss < <(measure "$app" "$mode")
      MS[$mode,$app]+="$ms " RSS[$mode,$app]+="$rss "
      echo "  appcds=$mode round $r $app: ${ms} ms, ${rss} MB" >&2
    done
  done
done

printf '%-24s %-6s %10s %8s %12s %10s\n' app appcds ready_ms rss_mb "ready/bare" "rss/bare"
for mode in $MODES; do
  bms=$(echo "${MS[$mode,bare]:-}" | median) brss=$(echo "${RSS[$mode,bare]:-}" | median)
  for app in $APPS; do
    ms=$(echo "${MS[$mode,$app]}" | median) rss=$(echo "${RSS[$mode,$app]}" | median)
    if [ -n "${MS[$mode,bare]:-}" ]; then
      printf '%-24s %-6s %10s %8s %11.2fx %9.2fx\n' "$app" "$mode" "$ms" "$rss" "$(echo "$ms / $bms" | bc -l)" "$(echo "$rss / $brss" | bc -l)"
    else
      printf '%-24s %-6s %10s %8s %12s %10s\n' "$app" "$mode" "$ms" "$rss" - -
    fi
  done
done
if [[ " $MODES " == *" off "* && " $MODES " == *" on "* ]]; then
  printf '\n%-24s %16s %14s\n' app "ready on/off" "rss on/off"
  for app in $APPS; do
    printf '%-24s %15.2fx %13.2fx\n' "$app" \
      "$(echo "$(echo "${MS[on,$app]}" | median) / $(echo "${MS[off,$app]}" | median)" | bc -l)" \
      "$(echo "$(echo "${RSS[on,$app]}" | median) / $(echo "${RSS[off,$app]}" | median)" | bc -l)"
  done
fi
