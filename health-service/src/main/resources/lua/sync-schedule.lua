-- Puts every known target on the schedule (idempotent: run by every replica at start and periodically, so a Redis that
-- lost its data gets the schedule back). A new target is first due at now + its offset (spread over its interval so
-- a thousand targets do not fire in the same millisecond); a target whose interval shrank is pulled in.
-- KEYS[1]  vigil:h:{sched}:due        ZSET target -> next due time (epoch ms)
-- KEYS[2]  vigil:h:{sched}:intervals  HASH target -> interval (ms)
-- ARGV     name1, interval1, offset1, name2, interval2, offset2, ...
-- Returns  how many targets were added to the schedule.
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local added = 0
for i = 1, #ARGV, 3 do
  local name = ARGV[i]
  local interval = tonumber(ARGV[i + 1])
  redis.call('HSET', KEYS[2], name, interval)
  local due = redis.call('ZSCORE', KEYS[1], name)
  if not due then
    redis.call('ZADD', KEYS[1], now + tonumber(ARGV[i + 2]), name)
    added = added + 1
  elseif tonumber(due) > now + interval then
    redis.call('ZADD', KEYS[1], now + tonumber(ARGV[i + 2]), name)
  end
end
return added
