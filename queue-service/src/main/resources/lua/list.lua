--[[
  One page of a state set with each job's hash, in one consistent read.
  KEYS[1] the state set (zset)
  ARGV[1] key prefix
  ARGV[2] start index
  ARGV[3] count
  Returns: flat array of {id, {field, value, ...}} pairs
]]
local prefix = ARGV[1]
local start = tonumber(ARGV[2])
local ids = redis.call('ZRANGE', KEYS[1], start, start + tonumber(ARGV[3]) - 1)
local out = {}
for _, id in ipairs(ids) do
  out[#out + 1] = id
  out[#out + 1] = redis.call('HGETALL', prefix .. 'job:' .. id)
end
return out
