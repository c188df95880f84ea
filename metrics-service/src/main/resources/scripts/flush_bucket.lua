-- flush_bucket: merges one pre-aggregated histogram of one series into its 10 s, 1 min and 1 h bucket hashes.
-- All keys carry the series hash tag, so the script touches one slot. Counts merge with HINCRBY (exact, no
-- read-modify-write across replicas); only the max needs a compare.
-- All or nothing, so that a refused flush can be retried without counting anything twice: the key types are checked
-- before any write (a WRONGTYPE key refuses the whole series), and the first write decides under maxmemory (Redis
-- refuses it when memory is full, and lets a script that has written finish).
-- KEYS[1..n]: bucket hashes of the series (one per resolution)
-- ARGV[1..n]: TTL in seconds of each key
-- ARGV[n+1]: largest duration in this flush (ms, decimal)
-- ARGV[n+2..]: field, increment pairs (c count, s sum in µs, w warn, k critical, b<index> bin counts)
-- Returns 1 when merged; otherwise a string naming why nothing was written (the caller retries later).
local n = #KEYS
for k = 1, n do
  local t = redis.call('TYPE', KEYS[k])['ok']
  if t ~= 'hash' and t ~= 'none' then
    return 'WRONGTYPE ' .. KEYS[k] .. ' is a ' .. t
  end
end
local first = redis.pcall('HINCRBY', KEYS[1], ARGV[n + 2], ARGV[n + 3])
if type(first) == 'table' and first['err'] then
  return first['err']
end
local max = tonumber(ARGV[n + 1])
for k = 1, n do
  local key = KEYS[k]
  for i = n + 2, #ARGV, 2 do
    if k > 1 or i > n + 2 then
      redis.call('HINCRBY', key, ARGV[i], ARGV[i + 1])
    end
  end
  local old = tonumber(redis.call('HGET', key, 'x') or '-1')
  if max > old then
    redis.call('HSET', key, 'x', ARGV[n + 1])
  end
  redis.call('EXPIRE', key, ARGV[k])
end
return 1
