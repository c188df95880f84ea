-- delete: removes entries (and their tag-index memberships) and publishes one invalidation naming them.
-- KEYS[1]  invalidation stream vigil:c:{ns}:inv
-- KEYS[2..] entry hashes       vigil:c:{ns}:e:<key>
-- ARGV[1]  key prefix vigil:c:{ns}:, ARGV[2] stream MAXLEN ~, ARGV[3..] the key names, in KEYS order
-- Returns {number of entries that existed, stream id published}. Every name is published, present or not: a
-- replica may still hold an L1 copy of an entry Redis already expired.
-- @include entries
local prefix, maxlen = ARGV[1], ARGV[2]
local names, deleted = {}, 0
for i = 2, #KEYS do
  names[#names + 1] = ARGV[i + 1]
  deleted = deleted + drop_entry(prefix, KEYS[i], ARGV[i + 1], nil)
end
return {deleted, publish(KEYS[1], maxlen, 'del', names)}
