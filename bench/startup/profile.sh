#!/usr/bin/env bash
# What an app does between `java` and the first 200 of /q/health/ready (issue 19, "Start-up"): started like
# bench/startup.sh starts it (launcher flags, private redis-server, embedded MongoDB), once, with a JFR recording
# (settings=profile) and -Xlog:class+load. Prints ready ms, RSS, classes loaded (total and by origin), and the JFR
# execution samples by thread and by start-up item (samples are taken every ~10-20 ms of a thread running Java code,
# not while it loads classes or waits, so they are few), and Quarkus' own per-step start-up times
# (-Dquarkus.debug.print-startup-times=true, wall ms).
# Usage: bench/startup/profile.sh app...   (app: bare, a service directory, or service@before with BEFORE=dir as for
#        bench/startup.sh); OUT=dir keeps the .jfr and class logs.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=bench/startup/lib.sh
. "$ROOT/bench/startup/lib.sh"
OUT=${OUT:-$(mktemp -d)}
mkdir -p "$OUT"
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT
start_redis "$OUT/redis.log"

# Start-up items: a frame that marks each (matched against "class.method" of every frame of a sample).
ITEMS=(
  "io.quarkus.runtime.Application.start|Application.start (all of Quarkus' start)"
  "StaticInit|static init steps (build-time recorded)"
  "RuntimeInit|runtime init steps"
  "io.quarkus.arc.runtime.ArcRecorder.fireLifecycleEvent|StartupEvent observers"
  "io.vigil.mongo.embedded.EmbeddedMongo.customize|embedded MongoDB open (H2)"
  "com.mongodb|MongoDB driver"
  "de.bwaldvogel|mongo-java-server"
  "org.h2|H2"
  "io.quarkus.redis|Quarkus Redis client"
  "io.quarkus.scheduler|scheduler"
  "io.smallrye.openapi|OpenAPI"
  "io.quarkus.smallrye.openapi|OpenAPI (Quarkus)"
  "org.hibernate.validator|Hibernate Validator"
  "io.micrometer.core.instrument.binder|Micrometer binders"
  "com.github.benmanes.caffeine|Caffeine"
  "io.smallrye.faulttolerance|SmallRye Fault Tolerance"
  "io.vigil|Vigil code"
  "java.lang.ClassLoader.loadClass|class loading"
  "java.lang.ClassLoader.defineClass1|class definition"
)

for app in "$@"; do
  start_ready "$app" "$OUT" -Dquarkus.debug.print-startup-times=true \
    "-XX:StartFlightRecording=filename=$OUT/$app.jfr,settings=profile" "-Xlog:class+load=info:file=$OUT/$app.classes:uptime"
  pid=$APP_PID ms=$READY_MS rss=$RSS_MB
  classes=$(grep -c 'source:' "$OUT/$app.classes" || true)
  kill "$pid"; wait "$pid" 2>/dev/null || true
  echo "== $app: ready ${ms} ms, RSS ${rss} MB, ${classes} classes loaded by ready ($(grep -o 'started in [0-9.]*s' "$OUT/$app.log" | head -1))"
  echo "Quarkus' recorded steps, wall ms (top 15; LifecycleEventsBuildStep.startupEvent = all StartupEvent observers):"
  grep -o 'Build step .* completed in: [0-9]*ms' "$OUT/$app.log" | sed 's/Build step \(.*\) completed in: \([0-9]*\)ms/\2 \1/' \
    | sort -rn | head -15 | awk '{printf "  %6d ms  %s\n", $1, $2}' || true # head may close the pipe early
  echo "classes by origin (top 12):"
  sed -n 's/.*source: \(.*\)$/\1/p' "$OUT/$app.classes" \
    | sed -e 's#.*/lib/main/\([^/]*\)$#\1#' -e 's#.*/lib/boot/\([^/]*\)$#\1#' -e 's#-[0-9][0-9.]*\(-[A-Za-z0-9]*\)*\.jar$##' \
          -e 's#^jrt:/.*#JDK#' -e 's#^shared objects file.*#CDS archive#' -e 's#^__JVM_.*#JVM generated#' \
    | sort | uniq -c | sort -rn | head -12 || true
  "$JAVA" -DCUTOFF_MS="$ms" "$ROOT/bench/startup/JfrItems.java" "$OUT/$app.jfr" "${ITEMS[@]}"
done
echo "files: $OUT"
