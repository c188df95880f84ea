--[[
  Depth per state, oldest waiting job and lifetime counters of one queue.
  KEYS[1] wait, KEYS[2] waitage, KEYS[3] delayed, KEYS[4] active, KEYS[5] completed, KEYS[6] dead,
  KEYS[7] cancelled (zsets), KEYS[8] stats (hash)
  Returns: {waiting, delayed, active, completed, dead, cancelled, oldestReadyMs (0 = none), nowMs,
            enqueued, completedTotal, failedTotal, deadTotal}
]]
-- @include now
local oldest = redis.call('ZRANGE', KEYS[2], 0, 0, 'WITHSCORES')
local c = redis.call('HMGET', KEYS[8], 'enqueued', 'completed', 'failed', 'dead')
-- waitage holds every ready job (the wait set holds group tokens, not grouped jobs)
return {redis.call('ZCARD', KEYS[2]), redis.call('ZCARD', KEYS[3]), redis.call('ZCARD', KEYS[4]),
  redis.call('ZCARD', KEYS[5]), redis.call('ZCARD', KEYS[6]), redis.call('ZCARD', KEYS[7]),
  tonumber(oldest[2]) or 0, nowMs(), tonumber(c[1]) or 0, tonumber(c[2]) or 0, tonumber(c[3]) or 0,
  tonumber(c[4]) or 0}
