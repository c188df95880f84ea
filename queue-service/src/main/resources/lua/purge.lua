--[[
  Admin purge: deletes up to ARGV[2] jobs of one state set (not active: leases must end by ack/nack/expiry).
  KEYS[1] the state set (wait, delayed, completed, dead or cancelled zset)
  KEYS[2] waitage   (zset)
  ARGV[1] key prefix
  ARGV[2] max jobs per call (the caller loops until 0)
  Returns: number of jobs deleted
]]
local prefix = ARGV[1]
local ids = redis.call('ZRANGE', KEYS[1], 0, tonumber(ARGV[2]) - 1)
for _, id in ipairs(ids) do
  redis.call('ZREM', KEYS[1], id)
  redis.call('ZREM', KEYS[2], id)
  redis.call('DEL', prefix .. 'job:' .. id)
end
return #ids
