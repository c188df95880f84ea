-- get: reads entries of one namespace in one round trip; for sliding (session) namespaces every hit extends the
-- entry's TTL by the TTL it was put with.
-- KEYS[1..] entry hashes vigil:c:{ns}:e:<key>
-- ARGV[1]  '1' to slide the expiry, else '0'; ARGV[2] key prefix vigil:c:{ns}: (a slid entry's new expiry goes to
--          the key index <prefix>keys; same slot)
-- Returns per key either false (missing) or {v, ct, z, tags, ver, exp, ttl, pttl}.
-- @include now
local slide = ARGV[1] == '1'
local out = {}
local now = nil
for i, key in ipairs(KEYS) do
  local f = redis.call('HMGET', key, 'v', 'ct', 'z', 'tags', 'ver', 'exp', 'ttl')
  if f[1] then
    if slide then
      now = now or now_ms()
      local ttl = tonumber(f[7])
      f[6] = tostring(now + ttl)
      redis.call('HSET', key, 'exp', f[6])
      redis.call('PEXPIRE', key, ttl)
      redis.call('ZADD', ARGV[2] .. 'keys', now + ttl, string.sub(key, #ARGV[2] + 3))
    end
    f[8] = redis.call('PTTL', key)
    out[i] = f
  else
    out[i] = false
  end
end
return out
