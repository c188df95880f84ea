-- Claims the targets whose check is due. Each claimed target is moved one interval ahead in the same script, so across
-- all replicas exactly one claims each check of each interval; a replica that dies after claiming loses only that one
-- check, and the next one is due for every replica one interval later.
-- KEYS[1]  vigil:h:{sched}:due        ZSET target -> next due time (epoch ms)
-- KEYS[2]  vigil:h:{sched}:intervals  HASH target -> interval (ms)
-- ARGV[1]  most targets to claim
-- Returns  { now, name1, due1, name2, due2, ... } (times in epoch ms, Redis' clock); a due target without an
--          interval (deleted meanwhile) is dropped from the schedule.
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now, 'WITHSCORES', 'LIMIT', 0, tonumber(ARGV[1]))
local out = { tostring(now) }
for i = 1, #due, 2 do
  local name = due[i]
  local score = tonumber(due[i + 1])
  local interval = tonumber(redis.call('HGET', KEYS[2], name))
  if interval then
    local nextDue = score + interval
    if nextDue <= now then
      nextDue = now + interval
    end
    redis.call('ZADD', KEYS[1], nextDue, name)
    out[#out + 1] = name
    out[#out + 1] = tostring(score)
  else
    redis.call('ZREM', KEYS[1], name)
  end
end
return out
