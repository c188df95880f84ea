-- put: writes a batch of entries of one namespace and publishes one invalidation naming them, atomically, so no
-- replica can miss an overwrite (the stream entry exists iff the write happened).
-- KEYS[1]  invalidation stream  vigil:c:{ns}:inv
-- KEYS[2..] entry hashes        vigil:c:{ns}:e:<key>, one per entry, in ARGV order
-- ARGV[1]  key prefix vigil:c:{ns}: (tag sets <prefix>t:<tag> and the key index <prefix>keys are derived from it;
--          same slot)
-- ARGV[2]  stream MAXLEN ~
-- ARGV[3..] 7 per entry: key name, value, content type, codec, tags ('\n'-joined), ttlMs, staleGraceMs
-- Returns the version (stream id) now carried by every entry of the batch.
-- @include now
-- @include entries
local prefix, maxlen = ARGV[1], ARGV[2]
local names = {}
for i = 2, #KEYS do names[#names + 1] = ARGV[3 + (i - 2) * 7] end
local ver = publish(KEYS[1], maxlen, 'put', names)
local now = now_ms()
prune_index(prefix, now)
for i = 2, #KEYS do
  local a = 3 + (i - 2) * 7
  write_entry(prefix, KEYS[i], ARGV[a], ARGV[a + 1], ARGV[a + 2], ARGV[a + 3], ARGV[a + 4],
    tonumber(ARGV[a + 5]), tonumber(ARGV[a + 6]), ver, now)
end
return ver
