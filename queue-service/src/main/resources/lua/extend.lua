--[[
  Extends a lease (worker heartbeat).
  KEYS[1] meta      (hash)  visibilityMs
  KEYS[2] active    (zset)
  ARGV[1] key prefix
  ARGV[2] id
  ARGV[3] token
  ARGV[4] extension in ms from now (0 = the job's timeout or the queue visibility)
  Returns: {status, deadlineMs, cancelRequested(0|1)}; status ok | notfound | stale
]]
-- @include now
local prefix, id, token = ARGV[1], ARGV[2], ARGV[3]
local jobKey = prefix .. 'job:' .. id
local f = redis.call('HMGET', jobKey, 'state', 'token', 'timeout', 'cancel')
if not f[1] then return {'notfound', 0, 0} end
if f[1] ~= 'active' or f[2] ~= token then return {'stale', 0, 0} end
local ms = tonumber(ARGV[4])
if ms <= 0 then ms = tonumber(f[3]) or 0 end
if ms <= 0 then ms = tonumber(redis.call('HGET', KEYS[1], 'visibilityMs')) or 30000 end
local deadline = nowMs() + ms
redis.call('HSET', jobKey, 'deadline', deadline)
redis.call('ZADD', KEYS[2], deadline, id)
local cancel = 0
if f[4] == '1' then cancel = 1 end
return {'ok', deadline, cancel}
