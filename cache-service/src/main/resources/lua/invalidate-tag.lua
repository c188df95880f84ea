-- invalidate-tag: pops up to ARGV[3] members of a tag index, deletes those entries (and their load locks, fencing
-- loads in flight, see put.lua) and publishes their names. Called until it returns 0, so a huge tag never blocks
-- Redis for long.
-- KEYS[1] invalidation stream vigil:c:{ns}:inv, KEYS[2] tag set vigil:c:{ns}:t:<tag>, KEYS[3] key index
-- vigil:c:{ns}:keys
-- ARGV[1] key prefix vigil:c:{ns}:, ARGV[2] stream MAXLEN ~, ARGV[3] batch size
-- The entry hashes, their locks and other tag sets are named by the popped members, so only the script knows them:
-- it derives them from the prefix (same slot).
-- Returns {stream id or '' , names popped...}; no names when the tag is exhausted.
-- @include entries
local prefix, maxlen = ARGV[1], ARGV[2]
local names = redis.call('SPOP', KEYS[2], tonumber(ARGV[3]))
if #names == 0 then return {''} end
for _, name in ipairs(names) do
  drop_entry(prefix, KEYS[3], prefix .. 'e:' .. name, name, nil)
  redis.call('DEL', prefix .. 'l:' .. name)
end
local id = publish(KEYS[1], maxlen, 'del', names)
return {id, unpack(names)}
