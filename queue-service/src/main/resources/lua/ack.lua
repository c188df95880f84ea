--[[
  Completes a batch of leased jobs. A job whose cancellation was requested while active is refused and moved
  to cancelled; a token that is not the job's current lease is refused and nothing changes.
  KEYS[1] active    (zset)
  KEYS[2] completed (zset)  finished jobs by finish time
  KEYS[3] cancelled (zset)
  KEYS[4] outbox    (list)  lifecycle records for the event stream and the MongoDB archive
  KEYS[5] stats     (hash)
  ARGV[1] key prefix
  ARGV[2] number of acks n
  ARGV[3..] per ack, 3 values: id, token, result JSON ('' = none)
  Returns: per ack one status: ok | notfound | stale | cancelled
  Events (outbox): completed, cancelled
]]
-- @include now
-- @include outbox
local prefix = ARGV[1]
local now = nowMs()
local out = {}
for i = 0, tonumber(ARGV[2]) - 1 do
  local b = 3 + i * 3
  local id, token = ARGV[b], ARGV[b + 1]
  local jobKey = prefix .. 'job:' .. id
  local f = redis.call('HMGET', jobKey, 'state', 'token', 'cancel', 'ready', 'leased', 'att')
  if not f[1] then
    out[#out + 1] = 'notfound'
  elseif f[1] ~= 'active' or f[2] ~= token then
    out[#out + 1] = 'stale'
  else
    redis.call('ZREM', KEYS[1], id)
    local waitMs, runMs = timings(f[4], f[5], now)
    if f[3] == '1' then
      redis.call('HSET', jobKey, 'state', 'cancelled', 'finished', now, 'token', '')
      redis.call('ZADD', KEYS[3], now, id)
      outbox(KEYS[4], jobKey, 'cancelled', id, f[6], waitMs, runMs, 'cancelled', now)
      out[#out + 1] = 'cancelled'
    else
      redis.call('HSET', jobKey, 'state', 'completed', 'finished', now, 'result', ARGV[b + 2], 'token', '')
      redis.call('ZADD', KEYS[2], now, id)
      redis.call('HINCRBY', KEYS[5], 'completed', 1)
      outbox(KEYS[4], jobKey, 'completed', id, f[6], waitMs, runMs, '', now)
      out[#out + 1] = 'ok'
    end
  end
end
return out
