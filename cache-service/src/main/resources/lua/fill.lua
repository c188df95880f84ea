-- fill: stores a loaded value only if the caller still holds the load lock (fencing: a loader whose lock expired
-- and was taken over cannot overwrite the newer load), releases the lock and publishes the write.
-- KEYS[1] invalidation stream vigil:c:{ns}:inv, KEYS[2] entry hash vigil:c:{ns}:e:<key>, KEYS[3] lock vigil:c:{ns}:l:<key>
-- ARGV[1] key prefix, ARGV[2] stream MAXLEN ~, ARGV[3] fencing token,
-- ARGV[4..10] key name, value, content type, codec, tags, ttlMs, staleGraceMs
-- Returns the new version, or false when fenced out.
-- @include now
-- @include entries
if redis.call('GET', KEYS[3]) ~= ARGV[3] then return false end
local ver = publish(KEYS[1], ARGV[2], 'put', {ARGV[4]})
local now = now_ms()
prune_index(ARGV[1], now)
write_entry(ARGV[1], KEYS[2], ARGV[4], ARGV[5], ARGV[6], ARGV[7], ARGV[8], tonumber(ARGV[9]), tonumber(ARGV[10]),
  ver, now)
redis.call('DEL', KEYS[3])
return ver
