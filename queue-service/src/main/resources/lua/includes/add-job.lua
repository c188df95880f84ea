-- Creates one job (hash + wait, group wait or delayed set). Needs now.lua and ready-score.lua.
-- The id is '<incarnation>-<seq>': the incarnation is new each time the queue is created (also after Redis lost it),
-- so ids, archive documents and event ids of a deleted queue are never reused.
-- Returns the new id and its state.
local function addJob(prefix, incarnation, seqKey, waitKey, waitAgeKey, delayedKey, statsKey, now,
                      idem, priority, due, maxAttempts, timeoutMs, group, payload)
  local id = incarnation .. '-' .. redis.call('INCR', seqKey)
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
    makeReady(prefix, waitKey, waitAgeKey, jobKey, id, priority, now, group)
  end
  redis.call('HINCRBY', statsKey, 'enqueued', 1)
  return id, state
end

-- The queue's incarnation, set from the caller's fresh candidate the first time a job is added after the queue was
-- (re)created. meta is the queue's meta hash.
local function incarnationOf(metaKey, current, candidate)
  if current and current ~= '' then return current end
  redis.call('HSET', metaKey, 'inc', candidate)
  return candidate
end
