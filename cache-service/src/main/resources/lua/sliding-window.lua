-- sliding-window: one exact sliding-log decision. The key is a sorted set of the units taken in the last window
-- (score = time in ms); memory is O(limit) per subject, in exchange for never allowing more than `limit` units in
-- any window of `window` ms.
-- KEYS[1] vigil:rl:{<policy>}:<subject>, KEYS[2] its member counter vigil:rl:{<policy>}:<subject>:seq
-- ARGV[1] limit, ARGV[2] window ms, ARGV[3] cost
-- Returns CL.THROTTLE's five values, in ms: {limited 0|1, limit, remaining, retry after (-1 if allowed), reset}.
-- @include now
local limit, window, cost = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local now = now_ms()
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
local used = redis.call('ZCARD', KEYS[1])
if used + cost > limit then
  local retry = -1
  if cost <= limit then
    -- the request fits once the (used + cost - limit) oldest units have left the window
    local oldest = redis.call('ZRANGE', KEYS[1], used + cost - limit - 1, used + cost - limit - 1, 'WITHSCORES')
    retry = math.max(1, tonumber(oldest[2]) + window - now)
  end
  local newest = redis.call('ZRANGE', KEYS[1], -1, -1, 'WITHSCORES')
  local reset = 0
  if newest[2] then reset = tonumber(newest[2]) + window - now end
  return {1, limit, math.max(0, limit - used), retry, reset}
end
if cost > 0 then
  local seq = redis.call('INCRBY', KEYS[2], cost)
  local args = {}
  for i = 1, cost do
    args[#args + 1] = now
    args[#args + 1] = tostring(seq - cost + i)
  end
  redis.call('ZADD', KEYS[1], unpack(args))
  redis.call('PEXPIRE', KEYS[1], window)
  redis.call('PEXPIRE', KEYS[2], window)
end
return {0, limit, limit - used - cost, -1, window}
