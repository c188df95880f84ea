--[[
  Finishes one outbox drain: drops the records the drainer has handled, parks the ones the archive refused, and
  releases its drain lock, but only if it still holds the lock. If the lock expired and another replica took over,
  that replica re-read the same records and trims them itself; trimming here too would drop records nobody handled.
  KEYS[1] outbox (list)    lifecycle records, oldest first
  KEYS[2] drain  (string)  the drain lock, holding its owner's token
  KEYS[3] parked (list)    records the archive refused: {record, error, at} JSON, for an admin to see and retry
  KEYS[4] stats  (hash)    'directPending': jobs enqueued directly (direct-enqueue.lua) that no replica counted yet
  ARGV[1] token            this drainer's lock token
  ARGV[2] count            how many records from the head were handled
  ARGV[3] key prefix
  ARGV[4..] pairs: job id ('' = none) and parked entry JSON; the job is flagged 'parked' so retention keeps it
  Returns {1, direct enqueues to count} when trimmed (the pending count is taken, so under the lock exactly one
  drainer counts each direct enqueue), {0, 0} when the lock was lost.
]]
if redis.call('GET', KEYS[2]) ~= ARGV[1] then
  return {0, 0}
end
for i = 4, #ARGV - 1, 2 do
  redis.call('RPUSH', KEYS[3], ARGV[i + 1])
  local jobKey = ARGV[3] .. 'job:' .. ARGV[i]
  if ARGV[i] ~= '' and redis.call('EXISTS', jobKey) == 1 then
    redis.call('HSET', jobKey, 'parked', '1')
  end
end
redis.call('LTRIM', KEYS[1], tonumber(ARGV[2]), -1)
redis.call('DEL', KEYS[2])
local direct = tonumber(redis.call('HGET', KEYS[4], 'directPending')) or 0
if direct > 0 then redis.call('HINCRBY', KEYS[4], 'directPending', -direct) end
return {1, direct}
