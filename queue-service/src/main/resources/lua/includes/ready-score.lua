-- Job ids are '<incarnation>-<seq>' (a bare number for jobs of queues created before incarnations existed).
local function seqOf(id)
  return tonumber(string.match(id, '(%d+)$')) or 0
end

-- Order in a wait set: priority first (lower runs first), then the job's sequence number (FIFO within a priority).
-- priority <= 1,000,000 and sequence mod 2^32 keep the score below 2^53, exact in a double.
local function readyScore(priority, id)
  return tonumber(priority) * 4294967296 + (seqOf(id) % 4294967296)
end

-- Makes a job ready (and indexes it by ready time for "oldest waiting" and the waiting depth).
-- Ungrouped jobs go to the wait set itself. Grouped jobs (BullMQ Pro-style groups) go to their group's own wait set
-- <prefix>gwait:<group>, and the group takes part in the wait set through one member, its token 'g:<group>', scored
-- by its best job; a rate-limited group's token waits in <prefix>glimited instead, so it never blocks other groups.
local function makeReady(prefix, waitKey, waitAgeKey, jobKey, id, priority, now, group)
  local score = readyScore(priority, id)
  if group and group ~= '' then
    redis.call('ZADD', prefix .. 'gwait:' .. group, score, id)
    local token = 'g:' .. group
    if not redis.call('ZSCORE', prefix .. 'glimited', token) then
      -- LT: a better job moves the group forward; a later one leaves the group's turn where it is
      redis.call('ZADD', waitKey, 'LT', score, token)
    end
  else
    redis.call('ZADD', waitKey, score, id)
  end
  redis.call('ZADD', waitAgeKey, now, id)
  redis.call('HSET', jobKey, 'state', 'waiting', 'ready', now)
end

-- Removes a waiting job from the ready structures (cancel, purge); an emptied group leaves the rotation.
local function unready(prefix, waitKey, waitAgeKey, id, group)
  redis.call('ZREM', waitAgeKey, id)
  if group and group ~= '' then
    local gz = prefix .. 'gwait:' .. group
    redis.call('ZREM', gz, id)
    if redis.call('ZCARD', gz) == 0 then
      redis.call('ZREM', waitKey, 'g:' .. group)
      redis.call('ZREM', prefix .. 'glimited', 'g:' .. group)
    end
  else
    redis.call('ZREM', waitKey, id)
  end
end
