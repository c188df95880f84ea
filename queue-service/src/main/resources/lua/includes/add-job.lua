-- Creates one job (hash + wait or delayed set). Needs now.lua and ready-score.lua.
-- Returns the new id and its state.
local function addJob(prefix, seqKey, waitKey, waitAgeKey, delayedKey, statsKey, now,
                      idem, priority, due, maxAttempts, timeoutMs, group, payload)
  local id = tostring(redis.call('INCR', seqKey))
  local jobKey = prefix .. 'job:' .. id
  redis.call('HSET', jobKey, 'id', id, 'pri', priority, 'payload', payload, 'att', 0, 'max', maxAttempts,
    'timeout', timeoutMs, 'group', group, 'created', now, 'idem', idem)
  local state
  if due > now then
    state = 'delayed'
    redis.call('ZADD', delayedKey, due, id)
    redis.call('HSET', jobKey, 'state', 'delayed', 'due', due)
  else
    state = 'waiting'
    makeReady(prefix, waitKey, waitAgeKey, jobKey, id, priority, now)
  end
  redis.call('HINCRBY', statsKey, 'enqueued', 1)
  return id, state
end
