-- invalidate-tag: pops up to ARGV[3] members of a tag index, deletes those entries and publishes their names.
-- Called until it returns 0, so a huge tag never blocks Redis for long.
-- KEYS[1] invalidation stream vigil:c:{ns}:inv, KEYS[2] tag set vigil:c:{ns}:t:<tag>
-- ARGV[1] key prefix vigil:c:{ns}:, ARGV[2] stream MAXLEN ~, ARGV[3] batch size
-- Returns {stream id or '' , names popped...}; no names when the tag is exhausted.
-- @include entries
local prefix, maxlen = ARGV[1], ARGV[2]
local names = redis.call('SPOP', KEYS[2], tonumber(ARGV[3]))
if #names == 0 then return {''} end
for _, name in ipairs(names) do drop_entry(prefix, prefix .. 'e:' .. name, name, nil) end
local id = publish(KEYS[1], maxlen, 'del', names)
return {id, unpack(names)}
