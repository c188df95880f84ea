-- read: the invalidations after a replica's position in one namespace's stream, together (atomically) with what
-- tells whether any after that position are gone, so the check holds on every read, not only after a failure.
-- KEYS[1] invalidation stream vigil:c:{ns}:inv
-- ARGV[1] position (the last id applied; '0-0' for none), ARGV[2] most entries to return (0: only the counters)
-- Returns false when the stream does not exist, else {entries-added, length, last-generated-id,
-- max-deleted-entry-id, entries}, entries as XRANGE returns them. The scripts only trim (never XDEL), so the stream
-- holds the entries numbered entries-added - length + 1 .. entries-added.
if redis.call('EXISTS', KEYS[1]) == 0 then return false end
local info = redis.call('XINFO', 'STREAM', KEYS[1])
local f = {}
for i = 1, #info, 2 do f[info[i]] = info[i + 1] end
local entries = {}
if tonumber(ARGV[2]) > 0 then
  entries = redis.call('XRANGE', KEYS[1], '(' .. ARGV[1], '+', 'COUNT', ARGV[2])
end
return {f['entries-added'], f['length'], f['last-generated-id'], f['max-deleted-entry-id'] or '0-0', entries}
