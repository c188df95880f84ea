--[[
  Retention: deletes finished jobs older than the queue's retention (they stay in the MongoDB archive).
  KEYS[1] meta      (hash)  completedRetentionMs, failedRetentionMs
  KEYS[2] completed (zset)
  KEYS[3] dead      (zset)
  KEYS[4] cancelled (zset)
  ARGV[1] key prefix
  ARGV[2] max jobs per set per call
  Returns: number of jobs deleted
]]
-- @include now
local prefix = ARGV[1]
local m = redis.call('HMGET', KEYS[1], 'completedRetentionMs', 'failedRetentionMs')
if not m[1] then return 0 end
local now = nowMs()
local removed = 0
local function clean(setKey, retention)
  local ids = redis.call('ZRANGEBYSCORE', setKey, '-inf', now - retention, 'LIMIT', 0, tonumber(ARGV[2]))
  for _, id in ipairs(ids) do
    redis.call('ZREM', setKey, id)
    redis.call('DEL', prefix .. 'job:' .. id)
  end
  removed = removed + #ids
end
clean(KEYS[2], tonumber(m[1]))
clean(KEYS[3], tonumber(m[2]))
clean(KEYS[4], tonumber(m[2]))
return removed
