--[[
  Stalled-job detection: leases past their deadline go back to wait (the attempt stays counted), or to the
  dead-letter queue when attempts are exhausted, or to cancelled when cancellation was requested.
  KEYS[1] active    (zset)
  KEYS[2] wait      (zset)
  KEYS[3] waitage   (zset)
  KEYS[4] dead      (zset)
  KEYS[5] cancelled (zset)
  KEYS[6] outbox    (list)
  KEYS[7] stats     (hash)
  ARGV[1] key prefix
  ARGV[2] max jobs per call
  Returns: number of leases reclaimed
  Events (outbox): failed (error "lease expired"), dead, cancelled
]]
-- @include now
-- @include ready-score
-- @include outbox
local prefix = ARGV[1]
local now = nowMs()
local ids = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now, 'LIMIT', 0, tonumber(ARGV[2]))
local err = 'lease expired'
local readyCount = 0
for _, id in ipairs(ids) do
  redis.call('ZREM', KEYS[1], id)
  local jobKey = prefix .. 'job:' .. id
  local f = redis.call('HMGET', jobKey, 'att', 'max', 'pri', 'cancel', 'ready', 'leased', 'group')
  if f[3] then
    local waitMs, runMs = timings(f[5], f[6], now)
    redis.call('HSET', jobKey, 'token', '', 'error', err)
    if f[4] == '1' then
      redis.call('HSET', jobKey, 'state', 'cancelled', 'finished', now)
      redis.call('ZADD', KEYS[5], now, id)
      outbox(KEYS[6], jobKey, 'cancelled', id, f[1], waitMs, runMs, err, now)
    else
      redis.call('HINCRBY', KEYS[7], 'failed', 1)
      outbox(KEYS[6], jobKey, 'failed', id, f[1], waitMs, runMs, err, now)
      if tonumber(f[1]) >= tonumber(f[2]) then
        redis.call('HSET', jobKey, 'state', 'dead', 'finished', now)
        redis.call('ZADD', KEYS[4], now, id)
        redis.call('HINCRBY', KEYS[7], 'dead', 1)
        outbox(KEYS[6], jobKey, 'dead', id, f[1], waitMs, runMs, err, now)
      else
        makeReady(prefix, KEYS[2], KEYS[3], jobKey, id, f[3], now, f[7])
        readyCount = readyCount + 1
      end
    end
  end
end
if readyCount > 0 then redis.call('PUBLISH', prefix .. 'notify', readyCount) end
return #ids
