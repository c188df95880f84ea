-- delete: removes entries (and their tag-index memberships) and publishes one invalidation naming them. It also
-- deletes each key's load lock: a load in flight (started before this delete) is fenced out and cannot bring the
-- old value back.
-- KEYS[1]  invalidation stream vigil:c:{ns}:inv
-- KEYS[2]  key index           vigil:c:{ns}:keys
-- KEYS[3..n+2] entry hashes    vigil:c:{ns}:e:<key>
-- KEYS[n+3..2n+2] load locks   vigil:c:{ns}:l:<key>, same order
-- ARGV[1]  key prefix vigil:c:{ns}: (tag sets derived, see put.lua), ARGV[2] stream MAXLEN ~,
-- ARGV[3..] the key names, in KEYS order
-- Returns {number of entries that existed, stream id published}. Every name is published, present or not: a
-- replica may still hold an L1 copy of an entry Redis already expired.
-- @include entries
local prefix, maxlen = ARGV[1], ARGV[2]
local n = (#KEYS - 2) / 2
local names, deleted = {}, 0
for i = 1, n do
  names[i] = ARGV[i + 2]
  deleted = deleted + drop_entry(prefix, KEYS[2], KEYS[2 + i], ARGV[i + 2], nil)
  redis.call('DEL', KEYS[2 + n + i])
end
return {deleted, publish(KEYS[1], maxlen, 'del', names)}
