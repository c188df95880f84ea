-- get: reads entries of one namespace in one round trip; for sliding (session) namespaces every hit extends the
-- entry's TTL by the TTL it was put with.
-- KEYS[1] key index vigil:c:{ns}:keys (a slid entry's new expiry goes there)
-- KEYS[2..] entry hashes vigil:c:{ns}:e:<key>
-- ARGV[1]  '1' to slide the expiry, else '0'; ARGV[2] key prefix vigil:c:{ns}: (key names are the entry hashes'
--          names after it)
-- Returns per key either false (missing) or {v, ct, z, tags, ver, exp, ttl, pttl}, then Redis' clock (ms): callers
-- turn exp into their own clock by the difference, never comparing Redis' clock with theirs.
-- @include now
local slide = ARGV[1] == '1'
local out = {}
local now = now_ms()
for i = 2, #KEYS do
  local key = KEYS[i]
  local f = redis.call('HMGET', key, 'v', 'ct', 'z', 'tags', 'ver', 'exp', 'ttl')
  if f[1] then
    if slide then
      local ttl = tonumber(f[7])
      f[6] = tostring(now + ttl)
      redis.call('HSET', key, 'exp', f[6])
      redis.call('PEXPIRE', key, ttl)
      redis.call('ZADD', KEYS[1], now + ttl, string.sub(key, #ARGV[2] + 3))
    end
    f[8] = redis.call('PTTL', key)
    out[i - 1] = f
  else
    out[i - 1] = false
  end
end
out[#KEYS] = now
return out
