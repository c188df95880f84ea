-- observe.lua: records one observation in a per-series hash and returns the series' recent observations, in one
-- round trip, so replicas that each see part of a series' events (consumer groups split them) evaluate the whole.
-- KEYS[1]  hash of one series, e.g. vigil:alert:series:{shop|/checkout|POST} (field -> "<timeMs>,<csv values>")
-- ARGV[1]  field (status class, status class|bucket start, or health target)
-- ARGV[2]  value; must start with its time in ms followed by ','
-- ARGV[3]  drop fields whose time is older than this (ms; 0 keeps all)
-- ARGV[4]  key TTL in ms (the hash disappears when the series goes quiet)
-- Returns: flat array field, value, field, value ... of what remains.
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
local all = redis.call('HGETALL', KEYS[1])
local minTime = tonumber(ARGV[3])
local out = {}
for i = 1, #all, 2 do
  local t = tonumber(string.match(all[i + 1], '^(%-?%d+),'))
  if minTime > 0 and t ~= nil and t < minTime then
    redis.call('HDEL', KEYS[1], all[i])
  else
    out[#out + 1] = all[i]
    out[#out + 1] = all[i + 1]
  end
end
redis.call('PEXPIRE', KEYS[1], ARGV[4])
return out
