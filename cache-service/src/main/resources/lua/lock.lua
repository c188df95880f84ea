-- lock: the single-flight lock of one key's load, across replicas, with a fencing token.
-- KEYS[1] lock vigil:c:{ns}:l:<key>, KEYS[2] fencing counter vigil:c:{ns}:fence
-- ARGV[1] lock TTL in ms (a crashed loader releases the lock by expiry)
-- Returns {token, ttl}: token > 0 when this caller holds the lock (a number larger than any earlier holder's),
-- 0 when another holds it (ttl = its remaining PTTL).
if redis.call('EXISTS', KEYS[1]) == 1 then
  return {0, redis.call('PTTL', KEYS[1])}
end
local token = redis.call('INCR', KEYS[2])
redis.call('SET', KEYS[1], token, 'PX', ARGV[1])
return {token, tonumber(ARGV[1])}
