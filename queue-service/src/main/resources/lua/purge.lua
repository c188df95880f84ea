--[[
  Admin purge: deletes up to ARGV[2] jobs of one state set (not active: leases must end by ack/nack/expiry).
  Waiting jobs are found through waitage (every ready job, grouped or not) and leave their wait or group set.
  KEYS[1] the state set (waitage for waiting; delayed, completed, dead or cancelled zset)
  KEYS[2] wait      (zset)
  KEYS[3] waitage   (zset)
  ARGV[1] key prefix
  ARGV[2] max jobs per call (the caller loops until 0)
  Returns: number of jobs deleted
]]
-- @include ready-score
local prefix = ARGV[1]
local ids = redis.call('ZRANGE', KEYS[1], 0, tonumber(ARGV[2]) - 1)
for _, id in ipairs(ids) do
  local jobKey = prefix .. 'job:' .. id
  unready(prefix, KEYS[2], KEYS[3], id, redis.call('HGET', jobKey, 'group'))
  redis.call('ZREM', KEYS[1], id)
  redis.call('DEL', jobKey)
end
return #ids
