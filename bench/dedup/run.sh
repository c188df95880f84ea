#!/usr/bin/env bash
# Redis memory of the stream dedup per 1M handled event ids: the one-key-per-id scheme (baseline, vigil-common before
# issue 9) against the time-sliced SETs (EventDedup). Writes the same keys the code writes, through redis-cli --pipe.
# Usage: bench/dedup/run.sh   (env IDS, default 1000000; SLICES, default 24: one day of 1 h slices)
set -euo pipefail
IDS="${IDS:-1000000}"
SLICES="${SLICES:-24}"
PORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')"
WORK="$(mktemp -d /tmp/vigil-dedup-bench.XXXXXX)"
redis-server --port "$PORT" --bind 127.0.0.1 --save "" --appendonly no --dir "$WORK" >"$WORK/redis.log" 2>&1 &
REDIS_PID=$!
trap 'kill $REDIS_PID 2>/dev/null; wait $REDIS_PID 2>/dev/null; rm -rf "$WORK"' EXIT
for _ in $(seq 1 50); do redis-cli -p "$PORT" ping >/dev/null 2>&1 && break; sleep 0.1; done

used() { redis-cli -p "$PORT" info memory | awk -F: '/^used_memory:/{print $2}' | tr -d '\r'; }

python3 - "$IDS" "$SLICES" "$WORK" <<'PY'
import sys, uuid, time, base64
ids, slices, work = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
def cmd(*a):
    out = [b"*%d\r\n" % len(a)]
    for x in a:
        x = x.encode() if isinstance(x, str) else x
        out.append(b"$%d\r\n%s\r\n" % (len(x), x))
    return b"".join(out)
group = "alert-service"
now = int(time.time() * 1000)
hour = 3600_000
with open(work + "/legacy.resp", "wb") as legacy, open(work + "/sliced.resp", "wb") as sliced, \
        open(work + "/compact.resp", "wb") as compact:
    for i in range(ids):
        eid = str(uuid.uuid4())
        legacy.write(cmd("SET", "vigil:handled:{%s}:%s" % (group, eid), "1", "PX", "86400000"))
        s = now // hour - (i * slices // ids)
        sliced.write(cmd("SADD", "vigil:handled:{%s}:slice:%d" % (group, s), eid))
        # What EventDedup.member stores for a UUID: its 16 bytes, URL-safe base64 without padding.
        b64 = base64.urlsafe_b64encode(uuid.UUID(eid).bytes).rstrip(b"=").decode()
        compact.write(cmd("SADD", "vigil:handled:{%s}:slice:%d" % (group, s), b64))
    for k in range(slices):
        s = now // hour - k
        for f in (sliced, compact):
            f.write(cmd("PEXPIREAT", "vigil:handled:{%s}:slice:%d" % (group, s), str((s + 1) * hour + 86400000)))
PY

measure() {
  redis-cli -p "$PORT" flushall >/dev/null
  local before after
  before="$(used)"
  redis-cli -p "$PORT" --pipe <"$WORK/$1.resp" >/dev/null
  after="$(used)"
  echo $((after - before))
}
LEGACY="$(measure legacy)"
SLICED="$(measure sliced)"
COMPACT="$(measure compact)"
echo "redis $(redis-server --version | awk '{print $3}'), $IDS event ids, group alert-service, UUID ids"
printf 'one key per id (baseline):                %6.1f MB  %5.1f bytes/id  %d keys\n' "$(echo "$LEGACY/1048576" | bc -l)" "$(echo "$LEGACY/$IDS" | bc -l)" "$IDS"
printf 'time-sliced SETs, ids as text:            %6.1f MB  %5.1f bytes/id  %d keys  %.2fx baseline\n' "$(echo "$SLICED/1048576" | bc -l)" "$(echo "$SLICED/$IDS" | bc -l)" "$SLICES" "$(echo "$SLICED/$LEGACY" | bc -l)"
printf 'time-sliced SETs, UUIDs as base64 (used): %6.1f MB  %5.1f bytes/id  %d keys  %.2fx baseline\n' "$(echo "$COMPACT/1048576" | bc -l)" "$(echo "$COMPACT/$IDS" | bc -l)" "$SLICES" "$(echo "$COMPACT/$LEGACY" | bc -l)"
