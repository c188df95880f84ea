--[[
  Retention: deletes finished jobs older than the queue's retention (they stay in the MongoDB archive), but never a
  job the archive may not have yet: one finished at or after the oldest record still in the outbox (records are
  appended when the job finishes and trimmed in order once archived), nor one whose record is parked.
  KEYS[1] meta      (hash)  completedRetentionMs, failedRetentionMs
  KEYS[2] completed (zset)
  KEYS[3] dead      (zset)
  KEYS[4] cancelled (zset)
  KEYS[5] outbox    (list)
  ARGV[1] key prefix
  ARGV[2] max jobs per call
  Returns: number of jobs deleted
]]
-- @include now
local prefix = ARGV[1]
local m = redis.call('HMGET', KEYS[1], 'completedRetentionMs', 'failedRetentionMs')
if not m[1] then return 0 end
local now = nowMs()
-- the Redis time of the oldest pending record (a record without one, from an older version: keep everything)
local pendingSince = math.huge
local head = redis.call('LINDEX', KEYS[5], 0)
if head then
  local ok, record = pcall(cjson.decode, head)
  pendingSince = (ok and tonumber(record.at)) or 0
end
local removed = 0
local function clean(setKey, retention)
  local cutoff = math.min(now - retention, pendingSince - 1)
  local ids = redis.call('ZRANGEBYSCORE', setKey, '-inf', cutoff, 'LIMIT', 0, tonumber(ARGV[2]))
  for _, id in ipairs(ids) do
    local jobKey = prefix .. 'job:' .. id
    if redis.call('HGET', jobKey, 'parked') ~= '1' then
      redis.call('ZREM', setKey, id)
      redis.call('DEL', jobKey)
      removed = removed + 1
    end
  end
end
clean(KEYS[2], tonumber(m[1]))
clean(KEYS[3], tonumber(m[2]))
clean(KEYS[4], tonumber(m[2]))
return removed
