-- gcra: one token-bucket decision (generic cell rate algorithm), what redis-cell's CL.THROTTLE does, on stock Redis.
-- The bucket holds `limit` units and refills one unit every window/limit ms; the key stores the theoretical
-- arrival time (TAT) and expires when the bucket is full again.
-- KEYS[1] vigil:rl:{<policy>}:<subject>
-- ARGV[1] limit, ARGV[2] window ms, ARGV[3] cost (units this request takes; 0 only peeks)
-- Returns CL.THROTTLE's five values, in ms: {limited 0|1, limit, remaining, retry after (-1 if allowed), reset}.
-- @include now
local limit, window, cost = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local interval = window / limit
local now = now_ms()
local tat = tonumber(redis.call('GET', KEYS[1]) or now)
if tat < now then tat = now end
local new_tat = tat + cost * interval
local allow_at = new_tat - window
local diff = now - allow_at
if diff < 0 then
  local retry = -1
  if cost * interval <= window then retry = math.ceil(-diff) end
  local remaining = math.floor((now - (tat - window)) / interval)
  if remaining < 0 then remaining = 0 end
  return {1, limit, remaining, retry, math.ceil(tat - now)}
end
local ttl = math.ceil(new_tat - now)
if ttl > 0 then redis.call('SET', KEYS[1], string.format('%.3f', new_tat), 'PX', ttl) end
return {0, limit, math.floor(diff / interval), -1, ttl}
