--[[
  Recurring jobs: enqueues one occurrence of a schedule and advances it, only if the schedule's next-run score is
  still the one the caller saw (compare-and-set), so with several replicas exactly one enqueues each occurrence.
  An occurrence is skipped while the previous one is still waiting, delayed or active (one instance at a time).
  KEYS[1] meta      (hash)
  KEYS[2] seq       (string)
  KEYS[3] wait      (zset)
  KEYS[4] waitage   (zset)
  KEYS[5] delayed   (zset)
  KEYS[6] stats     (hash)
  KEYS[7] schedules (zset)  schedule name by next run time
  KEYS[8] schedule  (hash)  this schedule's definition: priority, maxAttempts, timeoutMs, payload, lastJob
  ARGV[1] key prefix
  ARGV[2] schedule name
  ARGV[3] expected next run (ms)
  ARGV[4] following run (ms)
  ARGV[5] incarnation candidate (see enqueue.lua)
  Returns: new job id, '' when skipped, or false when another replica won / not due
]]
-- @include now
-- @include ready-score
-- @include add-job
local prefix = ARGV[1]
local current = redis.call('ZSCORE', KEYS[7], ARGV[2])
if not current or tonumber(current) ~= tonumber(ARGV[3]) then return false end
local now = nowMs()
if tonumber(current) > now then return false end
local meta = redis.call('HMGET', KEYS[1], 'maxAttempts', 'inc')
if not meta[1] then return false end
redis.call('ZADD', KEYS[7], ARGV[4], ARGV[2])
local d = redis.call('HMGET', KEYS[8], 'priority', 'maxAttempts', 'timeoutMs', 'payload', 'lastJob')
if d[5] and d[5] ~= '' then
  local state = redis.call('HGET', prefix .. 'job:' .. d[5], 'state')
  if state == 'waiting' or state == 'delayed' or state == 'active' then return '' end
end
local maxAttempts = d[2]
if not maxAttempts or maxAttempts == '0' then maxAttempts = meta[1] end
local id = addJob(prefix, incarnationOf(KEYS[1], meta[2], ARGV[5]), KEYS[2], KEYS[3], KEYS[4], KEYS[5], KEYS[6], now, '', d[1] or '100', 0,
  maxAttempts, d[3] or '0', '', d[4] or '{}')
redis.call('HSET', KEYS[8], 'lastJob', id)
redis.call('PUBLISH', prefix .. 'notify', 1)
return id
