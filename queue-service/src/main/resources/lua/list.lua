--[[
  One page of a state set with each job's hash, in one consistent read. For the wait set, each group token is
  expanded into its group's jobs in their order, at the group's place in line; rate-limited groups come last.
  KEYS[1] the state set (zset)
  KEYS[2] glimited (zset; only read for the wait set)
  ARGV[1] key prefix
  ARGV[2] start index
  ARGV[3] count
  ARGV[4] 1 = KEYS[1] is the wait set (expand group tokens)
  Returns: flat array of {id, {field, value, ...}} pairs
]]
local prefix = ARGV[1]
local start, count = tonumber(ARGV[2]), tonumber(ARGV[3])
local ids = {}
if ARGV[4] == '1' then
  -- walk from the head: page offsets count jobs, not set members
  local skipped, pos, set = 0, 0, 1
  while #ids < count and set <= 2 do
    local members = redis.call('ZRANGE', KEYS[set], pos, pos + 99)
    pos = pos + #members
    if #members == 0 then set = set + 1; pos = 0 end
    for _, member in ipairs(members) do
      local group = {member}
      if string.sub(member, 1, 2) == 'g:' then
        local gz = prefix .. 'gwait:' .. string.sub(member, 3)
        local size = redis.call('ZCARD', gz)
        if skipped + size <= start then
          skipped = skipped + size
          group = {}
        else
          group = redis.call('ZRANGE', gz, math.max(0, start - skipped), start - skipped + count - #ids - 1)
          skipped = start
        end
      elseif skipped < start then
        skipped = skipped + 1
        group = {}
      end
      for _, id in ipairs(group) do
        if #ids < count then ids[#ids + 1] = id end
      end
      if #ids >= count then break end
    end
  end
else
  ids = redis.call('ZRANGE', KEYS[1], start, start + count - 1)
end
local out = {}
for _, id in ipairs(ids) do
  out[#out + 1] = id
  out[#out + 1] = redis.call('HGETALL', prefix .. 'job:' .. id)
end
return out
