--[[
  Moves dead-lettered jobs back to wait with a fresh attempt budget.
  KEYS[1] dead      (zset)
  KEYS[2] wait      (zset)
  KEYS[3] waitage   (zset)
  ARGV[1] key prefix
  ARGV[2] id, or '*' for the oldest ARGV[3] dead jobs
  ARGV[3] max jobs when ARGV[2] is '*'
  Returns: number of jobs moved (0 = that id is not dead)
]]
-- @include now
-- @include ready-score
local prefix = ARGV[1]
local now = nowMs()
local ids
if ARGV[2] == '*' then
  ids = redis.call('ZRANGE', KEYS[1], 0, tonumber(ARGV[3]) - 1)
elseif redis.call('ZSCORE', KEYS[1], ARGV[2]) then
  ids = {ARGV[2]}
else
  return 0
end
for _, id in ipairs(ids) do
  redis.call('ZREM', KEYS[1], id)
  local jobKey = prefix .. 'job:' .. id
  local pri = redis.call('HGET', jobKey, 'pri')
  if pri then
    redis.call('HSET', jobKey, 'att', 0, 'finished', '')
    makeReady(prefix, KEYS[2], KEYS[3], jobKey, id, pri, now)
  end
end
if #ids > 0 then redis.call('PUBLISH', prefix .. 'notify', #ids) end
return #ids
