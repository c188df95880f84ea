-- count_event.lua: counts queue events (dead, failed, completed) of one queue in a time window, shared by replicas.
-- KEYS[1]  sorted set vigil:alert:queue:{<queue>}:<type>, member = event id (a replay adds nothing), score = time ms
-- ARGV[1]  event id
-- ARGV[2]  event time (ms)
-- ARGV[3]  longest window any rule asks for (ms): older members are removed
-- ARGV[4..] window starts (ms) to count from
-- Returns: one count per ARGV[4..], in order.
redis.call('ZADD', KEYS[1], ARGV[2], ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', '(' .. (tonumber(ARGV[2]) - tonumber(ARGV[3])))
redis.call('PEXPIRE', KEYS[1], ARGV[3])
local out = {}
for i = 4, #ARGV do
  out[#out + 1] = redis.call('ZCOUNT', KEYS[1], ARGV[i], '+inf')
end
return out
