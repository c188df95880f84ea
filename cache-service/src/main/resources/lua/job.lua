-- job: liveness of a job's progress record, on Redis' clock only (replicas' clocks are never compared).
-- KEYS[1] job hash vigil:c:{ns}:job:<id>
-- ARGV[1] 'beat': the replica running the job is alive: beat := now, and the record lives ARGV[3] s more.
--         'check': a running job whose beat is older than ARGV[2] ms belongs to a replica that died (or lost Redis
--         for that long): it is marked failed, never left running. Returns the hash (HGETALL) after that.
-- @include now
local now = now_ms()
if ARGV[1] == 'beat' then
  if redis.call('HGET', KEYS[1], 'state') == 'running' then
    redis.call('HSET', KEYS[1], 'beat', now)
    redis.call('EXPIRE', KEYS[1], ARGV[3])
  end
  return 1
end
if redis.call('HGET', KEYS[1], 'state') == 'running' then
  local beat = tonumber(redis.call('HGET', KEYS[1], 'beat') or '0')
  if now - beat > tonumber(ARGV[2]) then
    redis.call('HSET', KEYS[1], 'state', 'failed', 'error', 'the replica running it stopped: no heartbeat for '
      .. math.floor((now - beat) / 1000) .. ' s; nothing is running it (start it again)')
  end
end
return redis.call('HGETALL', KEYS[1])
