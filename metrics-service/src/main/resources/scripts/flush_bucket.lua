-- flush_bucket: merges one pre-aggregated histogram of one series into its 10 s, 1 min and 1 h bucket hashes.
-- All keys carry the series hash tag, so the script touches one slot. Counts merge with HINCRBY (exact, no
-- read-modify-write across replicas); only the max needs a compare.
-- All or nothing, so that a refused flush can be retried without counting anything twice: the key types are checked
-- before any write (a WRONGTYPE key refuses the whole series), and the first write decides under maxmemory (Redis
-- refuses it when memory is full, and lets a script that has written finish).
-- Idempotent for stream samples: with a marker key, the merge is recorded there as "<seq>:<raw bucket start>" under
-- the flushing process's run id, and a merge already recorded is not applied again. So a flush replayed after a crash
-- between its merges and its XACK (by the journal, see FlushJournal) counts each entry once. Marks of flushes below
-- the run's oldest unfinished one are dropped as the run writes new ones, so a run's list stays a few marks long.
-- KEYS[1..n]: bucket hashes of the series (one per resolution); KEYS[n+1] (optional): the series' marker hash
-- ARGV[1]: n
-- ARGV[2..n+1]: TTL in seconds of each bucket key
-- ARGV[n+2]: largest duration in this flush (ms, decimal)
-- ARGV[n+3..n+5]: run id, mark "<seq>:<raw start>", oldest unfinished seq of the run (ignored without a marker)
-- ARGV[n+6..]: field, increment pairs (c count, s sum in µs, w warn, k critical, b<index> bin counts)
-- Returns 1 when merged, 2 when this mark was merged before (nothing written); otherwise a string naming why nothing
-- was written (the caller retries later).
local n = tonumber(ARGV[1])
local marker = KEYS[n + 1]
local kept = {}
if marker then
  local mark, oldest = ARGV[n + 4], tonumber(ARGV[n + 5])
  local marks = redis.call('HGET', marker, ARGV[n + 3])
  if marks then
    for m in string.gmatch(marks, '%S+') do
      if m == mark then
        return 2
      end
      if tonumber(string.match(m, '^(%d+):')) >= oldest then
        kept[#kept + 1] = m
      end
    end
  end
end
for k = 1, n do
  local t = redis.call('TYPE', KEYS[k])['ok']
  if t ~= 'hash' and t ~= 'none' then
    return 'WRONGTYPE ' .. KEYS[k] .. ' is a ' .. t
  end
end
local p = n + 6
local first = redis.pcall('HINCRBY', KEYS[1], ARGV[p], ARGV[p + 1])
if type(first) == 'table' and first['err'] then
  return first['err']
end
local max = tonumber(ARGV[n + 2])
for k = 1, n do
  local key = KEYS[k]
  for i = p, #ARGV, 2 do
    if k > 1 or i > p then
      redis.call('HINCRBY', key, ARGV[i], ARGV[i + 1])
    end
  end
  local old = tonumber(redis.call('HGET', key, 'x') or '-1')
  if max > old then
    redis.call('HSET', key, 'x', ARGV[n + 2])
  end
  redis.call('EXPIRE', key, ARGV[k + 1])
end
if marker then
  kept[#kept + 1] = ARGV[n + 4]
  redis.call('HSET', marker, ARGV[n + 3], table.concat(kept, ' '))
  redis.call('EXPIRE', marker, 86400)
end
return 1
