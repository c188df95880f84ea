--[[
  Fails the current attempt of a leased job: retried after backoff, or dead-lettered after max attempts.
  KEYS[1] meta      (hash)  backoff, backoffBaseMs, backoffCapMs
  KEYS[2] active    (zset)
  KEYS[3] delayed   (zset)
  KEYS[4] wait      (zset)
  KEYS[5] waitage   (zset)
  KEYS[6] dead      (zset)  dead-letter queue by time
  KEYS[7] cancelled (zset)
  KEYS[8] outbox    (list)
  KEYS[9] stats     (hash)
  ARGV[1] key prefix
  ARGV[2] id
  ARGV[3] token
  ARGV[4] error message
  ARGV[5] jitter in [0,1) (from the caller: scripts must stay deterministic)
  ARGV[6] 1 = dead-letter now, no retry
  Returns: {status, state, retryAtMs}; status ok | notfound | stale | cancelled
  Events (outbox): failed, dead, cancelled
]]
-- @include now
-- @include ready-score
-- @include outbox
local prefix, id, token = ARGV[1], ARGV[2], ARGV[3]
local jobKey = prefix .. 'job:' .. id
local f = redis.call('HMGET', jobKey, 'state', 'token', 'cancel', 'att', 'max', 'pri', 'ready', 'leased', 'group')
if not f[1] then return {'notfound', '', 0} end
if f[1] ~= 'active' or f[2] ~= token then return {'stale', f[1], 0} end
local now = nowMs()
local att, max = tonumber(f[4]), tonumber(f[5])
local waitMs, runMs = timings(f[7], f[8], now)
redis.call('ZREM', KEYS[2], id)
redis.call('HSET', jobKey, 'error', ARGV[4], 'token', '')
if f[3] == '1' then
  redis.call('HSET', jobKey, 'state', 'cancelled', 'finished', now)
  redis.call('ZADD', KEYS[7], now, id)
  outbox(KEYS[8], jobKey, 'cancelled', id, att, waitMs, runMs, ARGV[4], now)
  return {'cancelled', 'cancelled', 0}
end
redis.call('HINCRBY', KEYS[9], 'failed', 1)
outbox(KEYS[8], jobKey, 'failed', id, att, waitMs, runMs, ARGV[4], now)
if att >= max or ARGV[6] == '1' then
  redis.call('HSET', jobKey, 'state', 'dead', 'finished', now)
  redis.call('ZADD', KEYS[6], now, id)
  redis.call('HINCRBY', KEYS[9], 'dead', 1)
  outbox(KEYS[8], jobKey, 'dead', id, att, waitMs, runMs, ARGV[4], now)
  return {'ok', 'dead', 0}
end
local m = redis.call('HMGET', KEYS[1], 'backoff', 'backoffBaseMs', 'backoffCapMs')
local base, cap = tonumber(m[2]) or 1000, tonumber(m[3]) or 3600000
local delay = base
if m[1] == 'exponential' then
  delay = math.min(cap, base * (2 ^ (att - 1)))
  -- "equal jitter": half fixed, half random, so retries of a burst spread out
  delay = math.floor(delay / 2 + tonumber(ARGV[5]) * delay / 2)
end
delay = math.min(delay, cap)
if delay <= 0 then
  makeReady(prefix, KEYS[4], KEYS[5], jobKey, id, f[6], now, f[9])
  redis.call('PUBLISH', prefix .. 'notify', 1)
  return {'ok', 'waiting', now}
end
redis.call('HSET', jobKey, 'state', 'delayed', 'due', now + delay)
redis.call('ZADD', KEYS[3], now + delay, id)
return {'ok', 'delayed', now + delay}
