-- fill: stores a loaded value only if the caller still holds the load lock, releases the lock and publishes the
-- write. Fencing: the lock is gone when it expired (and may have been taken over by a newer load) or when a put or
-- delete of the key ran after the load started (they delete it), so a load never overwrites a newer write.
-- KEYS[1] invalidation stream vigil:c:{ns}:inv, KEYS[2] key index vigil:c:{ns}:keys,
-- KEYS[3] entry hash vigil:c:{ns}:e:<key>, KEYS[4] lock vigil:c:{ns}:l:<key>
-- ARGV[1] key prefix (tag sets derived, see put.lua), ARGV[2] stream MAXLEN ~, ARGV[3] fencing token,
-- ARGV[4..10] key name, value, content type, codec, tags, ttlMs, staleGraceMs
-- Returns the new version, or false when fenced out.
-- @include now
-- @include entries
if redis.call('GET', KEYS[4]) ~= ARGV[3] then return false end
local ver = publish(KEYS[1], ARGV[2], 'put', {ARGV[4]})
local now = now_ms()
prune_index(KEYS[2], now)
write_entry(ARGV[1], KEYS[2], KEYS[3], ARGV[4], ARGV[5], ARGV[6], ARGV[7], ARGV[8], tonumber(ARGV[9]),
  tonumber(ARGV[10]), ver, now)
redis.call('DEL', KEYS[4])
return ver
