-- Appends a lifecycle record to the queue's outbox; queue-service drains it to the event stream and MongoDB.
local function outbox(outboxKey, kind, id, attempts, waitMs, runMs, err)
  redis.call('RPUSH', outboxKey, cjson.encode({t = kind, id = id, att = tonumber(attempts) or 0,
    waitMs = tonumber(waitMs) or 0, runMs = tonumber(runMs) or 0, error = err or ''}))
end

-- waitMs and runMs of the attempt that just ended, from the job's ready/leased times.
local function timings(ready, leased, now)
  local r, l = tonumber(ready) or 0, tonumber(leased) or 0
  local waitMs, runMs = 0, 0
  if l > 0 and r > 0 and l >= r then waitMs = l - r end
  if l > 0 then runMs = now - l end
  return waitMs, runMs
end
