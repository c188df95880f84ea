-- flush_bucket: merges one pre-aggregated histogram of one series into its 10 s, 1 min and 1 h bucket hashes.
-- All keys carry the series hash tag, so the script touches one slot. Counts merge with HINCRBY (exact, no
-- read-modify-write across replicas); only the max needs a compare.
-- KEYS[1..n]: bucket hashes of the series (one per resolution)
-- ARGV[1..n]: TTL in seconds of each key
-- ARGV[n+1]: largest duration in this flush (ms, decimal)
-- ARGV[n+2..]: field, increment pairs (c count, s sum in µs, w warn, k critical, b<index> bin counts)
local n = #KEYS
local max = tonumber(ARGV[n + 1])
for k = 1, n do
  local key = KEYS[k]
  for i = n + 2, #ARGV, 2 do
    redis.call('HINCRBY', key, ARGV[i], ARGV[i + 1])
  end
  local old = tonumber(redis.call('HGET', key, 'x') or '-1')
  if max > old then
    redis.call('HSET', key, 'x', ARGV[n + 1])
  end
  redis.call('EXPIRE', key, ARGV[k])
end
return n
