-- Order in the wait set: priority first (lower runs first), then the job's sequence number (FIFO within a priority).
-- priority <= 1,000,000 and sequence mod 2^32 keep the score below 2^53, exact in a double.
local function readyScore(priority, id)
  return tonumber(priority) * 4294967296 + (tonumber(id) % 4294967296)
end

-- Puts a job in the wait set (and the age index used for "oldest waiting").
local function makeReady(prefix, waitKey, waitAgeKey, jobKey, id, priority, now)
  redis.call('ZADD', waitKey, readyScore(priority, id), id)
  redis.call('ZADD', waitAgeKey, now, id)
  redis.call('HSET', jobKey, 'state', 'waiting', 'ready', now)
end
