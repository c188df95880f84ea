-- Appends a lifecycle record to the queue's outbox; queue-service drains it to the event stream and MongoDB.
-- n numbers the job's records (its event id is queue + job id + n, unique across replays and retries), at is the
-- Redis time of the record (retention never deletes a job finished at or after the oldest pending record).
local function outbox(outboxKey, jobKey, kind, id, attempts, waitMs, runMs, err, now)
  local n = redis.call('HINCRBY', jobKey, 'rec', 1)
  redis.call('RPUSH', outboxKey, cjson.encode({t = kind, id = id, n = n, at = now, att = tonumber(attempts) or 0,
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
