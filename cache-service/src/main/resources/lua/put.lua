-- put: writes a batch of entries of one namespace and publishes one invalidation naming them, atomically, so no
-- replica can miss an overwrite (the stream entry exists iff the write happened). It also deletes each key's load
-- lock: a load in flight (started before this write) is fenced out and cannot overwrite the newer value.
-- KEYS[1]  invalidation stream  vigil:c:{ns}:inv
-- KEYS[2]  key index            vigil:c:{ns}:keys
-- KEYS[3..n+2] entry hashes     vigil:c:{ns}:e:<key>, one per entry, in ARGV order
-- KEYS[n+3..2n+2] load locks    vigil:c:{ns}:l:<key>, same order
-- ARGV[1]  key prefix vigil:c:{ns}: (tag sets <prefix>t:<tag> are derived from it: their names are only known
--          inside the script, from the entry's old tags; same slot)
-- ARGV[2]  stream MAXLEN ~
-- ARGV[3..] 7 per entry: key name, value, content type, codec, tags ('\n'-joined), ttlMs, staleGraceMs
-- Returns the version (stream id) now carried by every entry of the batch.
-- @include now
-- @include entries
local prefix, maxlen = ARGV[1], ARGV[2]
local n = (#KEYS - 2) / 2
local names = {}
for i = 1, n do names[i] = ARGV[3 + (i - 1) * 7] end
local ver = publish(KEYS[1], maxlen, 'put', names)
local now = now_ms()
prune_index(KEYS[2], now)
for i = 1, n do
  local a = 3 + (i - 1) * 7
  write_entry(prefix, KEYS[2], KEYS[2 + i], ARGV[a], ARGV[a + 1], ARGV[a + 2], ARGV[a + 3], ARGV[a + 4],
    tonumber(ARGV[a + 5]), tonumber(ARGV[a + 6]), ver, now)
  redis.call('DEL', KEYS[2 + n + i])
end
return ver
