--[[
  Cancels a job: a waiting or delayed job is removed and never runs; an active job is flagged so its ack is refused.
  KEYS[1] wait      (zset)
  KEYS[2] waitage   (zset)
  KEYS[3] delayed   (zset)
  KEYS[4] cancelled (zset)
  KEYS[5] outbox    (list)
  ARGV[1] key prefix
  ARGV[2] id
  Returns: ok (cancelled now) | flagged | notfound | <current state> (completed, dead, cancelled: nothing changed)
  Events (outbox): cancelled
]]
-- @include now
-- @include ready-score
-- @include outbox
local prefix, id = ARGV[1], ARGV[2]
local jobKey = prefix .. 'job:' .. id
local f = redis.call('HMGET', jobKey, 'state', 'att', 'group')
if not f[1] then return 'notfound' end
if f[1] == 'active' then
  redis.call('HSET', jobKey, 'cancel', '1')
  return 'flagged'
end
if f[1] ~= 'waiting' and f[1] ~= 'delayed' then return f[1] end
local now = nowMs()
unready(prefix, KEYS[1], KEYS[2], id, f[3]); redis.call('ZREM', KEYS[3], id)
redis.call('HSET', jobKey, 'state', 'cancelled', 'finished', now, 'cancel', '1')
redis.call('ZADD', KEYS[4], now, id)
outbox(KEYS[5], jobKey, 'cancelled', id, f[2], 0, 0, 'cancelled', now)
return 'ok'
