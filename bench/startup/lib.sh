# Shared by bench/startup.sh and bench/startup/profile.sh: where each app's build is, a private redis-server, and
# starting an app the way ./vigil up does (launcher flags, same env, embedded MongoDB, run from its quarkus-app) until
# its first 200 of /q/health/ready. Sourced; expects ROOT. Sets JAVA, FLAGS, PIDS (killed on exit), REDIS_PORT.
JAVA=${JAVA:-java}
FLAGS=${VIGIL_JAVA_OPTS:-$(sed -n 's/^JAVA_OPTS=\${VIGIL_JAVA_OPTS:-\(.*\)}$/\1/p' "$ROOT/vigil")}
PIDS=()

dir_of() { # app -> its quarkus-app directory (bare: the bare app; service@before: a copy of an older build in BEFORE)
  case $1 in
    bare) echo "$ROOT/bench/startup/bare-app/target/quarkus-app" ;;
    *@before) echo "$BEFORE/${1%@before}/quarkus-app" ;;
    *) echo "$ROOT/$1/target/quarkus-app" ;;
  esac
}

port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
free_port() { local p; while :; do p=$((20000 + RANDOM % 20000)); port_busy "$p" || { echo "$p"; return; }; done; }

start_redis() { # log file
  REDIS_PORT=$(free_port)
  redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save "" --appendonly no >"$1" 2>&1 &
  PIDS+=($!)
  until port_busy "$REDIS_PORT"; do sleep 0.05; done
}

# start_ready app workdir [java flags...]: starts the app with FLAGS plus the given flags, logs to workdir/app.log,
# waits for ready; sets APP_PID, READY_MS (from `java` to the first 200) and RSS_MB (VmRSS at that moment).
start_ready() {
  local app=$1 work=$2 d port t0
  shift 2
  d=$(dir_of "$app") port=$(free_port)
  rm -rf "$work/data-$app"; mkdir -p "$work/data-$app"
  t0=$(date +%s%N)
  # shellcheck disable=SC2086
  (cd "$d" && exec env QUARKUS_REDIS_HOSTS="redis://127.0.0.1:$REDIS_PORT" QUARKUS_HTTP_PORT="$port" \
    VIGIL_DATA_DIR="$work/data-$app" VIGIL_ALERT_DELIVERY_QUEUE_URL=http://127.0.0.1:8084 \
    VIGIL_AUTH_READER_KEYS=reader-bench VIGIL_AUTH_WRITER_KEYS=writer-bench VIGIL_AUTH_ADMIN_KEYS=admin-bench \
    VIGIL_ALERT_DELIVERY_QUEUE_API_KEY=writer-bench \
    "$JAVA" $FLAGS "$@" -jar quarkus-run.jar) >"$work/$app.log" 2>&1 &
  APP_PID=$!
  PIDS+=("$APP_PID")
  until [ "$(curl -s -o /dev/null -m 1 -w '%{http_code}' "http://127.0.0.1:$port/q/health/ready")" = 200 ]; do
    kill -0 "$APP_PID" 2>/dev/null || { echo "$app died: $(tail -5 "$work/$app.log")" >&2; exit 1; }
    sleep 0.01
  done
  READY_MS=$((($(date +%s%N) - t0) / 1000000))
  RSS_MB=$(awk '/VmRSS/ {printf "%.0f", $2 / 1024}' "/proc/$APP_PID/status")
}
