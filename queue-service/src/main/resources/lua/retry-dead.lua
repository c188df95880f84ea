--[[
  Moves dead-lettered jobs back to wait with a fresh attempt budget.
  KEYS[1] dead      (zset)
  KEYS[2] wait      (zset)
  KEYS[3] waitage   (zset)
  ARGV[1] key prefix
  ARGV[2] mode: 'one' (the job ARGV[3]) or 'oldest' (up to ARGV[3] of the oldest dead jobs); an id is never a mode
  ARGV[3] job id, or max jobs
  Returns: number of jobs moved (0 = that id is not dead)
]]
-- @include now
-- @include ready-score
local prefix = ARGV[1]
local now = nowMs()
local ids
if ARGV[2] == 'oldest' then
  ids = redis.call('ZRANGE', KEYS[1], 0, tonumber(ARGV[3]) - 1)
elseif ARGV[2] == 'one' and redis.call('ZSCORE', KEYS[1], ARGV[3]) then
  ids = {ARGV[3]}
else
  return 0
end
for _, id in ipairs(ids) do
  redis.call('ZREM', KEYS[1], id)
  local jobKey = prefix .. 'job:' .. id
  local f = redis.call('HMGET', jobKey, 'pri', 'group')
  if f[1] then
    redis.call('HSET', jobKey, 'att', 0, 'finished', '')
    makeReady(prefix, KEYS[2], KEYS[3], jobKey, id, f[1], now, f[2])
  end
end
if #ids > 0 then redis.call('PUBLISH', prefix .. 'notify', #ids) end
return #ids
