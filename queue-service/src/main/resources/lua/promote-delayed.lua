--[[
  Moves delayed jobs whose due time has come to the wait set.
  KEYS[1] delayed   (zset)
  KEYS[2] wait      (zset)
  KEYS[3] waitage   (zset)
  ARGV[1] key prefix
  ARGV[2] max jobs per call
  Returns: number of jobs promoted
]]
-- @include now
-- @include ready-score
local prefix = ARGV[1]
local now = nowMs()
local ids = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now, 'LIMIT', 0, tonumber(ARGV[2]))
for _, id in ipairs(ids) do
  redis.call('ZREM', KEYS[1], id)
  local jobKey = prefix .. 'job:' .. id
  local f = redis.call('HMGET', jobKey, 'pri', 'group')
  if f[1] then makeReady(prefix, KEYS[2], KEYS[3], jobKey, id, f[1], now, f[2]) end
end
if #ids > 0 then redis.call('PUBLISH', prefix .. 'notify', #ids) end
return #ids
