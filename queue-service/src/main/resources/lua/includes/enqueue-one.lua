-- Enqueues one job, or finds the job its idempotency key already names. Needs now.lua, ready-score.lua and
-- add-job.lua. Shared by enqueue.lua (REST) and direct-enqueue.lua (contract v1), so a job is the same whichever
-- way it came in. meta = HMGET of meta 'maxAttempts', 'completedRetentionMs'; keys = the six KEYS of both scripts
-- (meta, seq, wait, waitage, delayed, stats). delay, runAt: numbers (0 = none); maxAttempts: '0' = queue default.
-- Returns id, duplicate (0|1), state.
local function enqueueOne(prefix, incarnation, keys, meta, now, idem, priority, delay, runAt, maxAttempts,
                          timeoutMs, group, payload)
  if idem ~= '' then
    local existing = redis.call('GET', prefix .. 'idem:' .. idem)
    if existing then
      return existing, 1, redis.call('HGET', prefix .. 'job:' .. existing, 'state') or 'archived'
    end
  end
  local due = 0
  if runAt > 0 then due = runAt elseif delay > 0 then due = now + delay end
  if maxAttempts == '0' then maxAttempts = meta[1] end
  local id, state = addJob(prefix, incarnation, keys[2], keys[3], keys[4], keys[5], keys[6], now,
    idem, priority, due, maxAttempts, timeoutMs, group, payload)
  if idem ~= '' then
    redis.call('SET', prefix .. 'idem:' .. idem, id, 'PX', tonumber(meta[2]) or 86400000)
  end
  return id, 0, state
end
