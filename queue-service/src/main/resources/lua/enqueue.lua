--[[
  Enqueues a batch of jobs atomically.
  KEYS[1] meta      (hash)  queue settings; missing = unknown queue; 'inc' = the queue's incarnation
  KEYS[2] seq       (string) job id / FIFO counter
  KEYS[3] wait      (zset)  ready ungrouped jobs and ready group tokens, by priority then sequence
  KEYS[4] waitage   (zset)  ready jobs by ready time
  KEYS[5] delayed   (zset)  delayed jobs by due time
  KEYS[6] stats     (hash)  counters
  ARGV[1] key prefix "vigil:q:{name}:"
  ARGV[2] incarnation candidate (used when the queue has none yet: first job after it was created)
  ARGV[3] number of jobs n
  ARGV[4..] per job, 8 values: idempotencyKey ('' = none), priority, delayMs, runAtMs (0 = none),
            maxAttempts (0 = queue default), timeoutMs (0 = queue visibility), group ('' = none), payload JSON
  Returns: flat array, per job: id, duplicate (0|1), state
  Errors: NOQUEUE
  Group keys: <prefix>gwait:<group> (zset), <prefix>glimited (zset).
  Events: publishes on channel <prefix>notify when a job is ready.
  Queue-service validates every job first (JobMapper); direct-enqueue.lua is the entry for callers outside it.
]]
-- @include now
-- @include ready-score
-- @include add-job
-- @include enqueue-one
local prefix = ARGV[1]
local meta = redis.call('HMGET', KEYS[1], 'maxAttempts', 'completedRetentionMs', 'inc')
if not meta[1] then return redis.error_reply('NOQUEUE') end
local incarnation = incarnationOf(KEYS[1], meta[3], ARGV[2])
local now = nowMs()
local out, ready = {}, 0
for i = 0, tonumber(ARGV[3]) - 1 do
  local b = 4 + i * 8
  local id, duplicate, state = enqueueOne(prefix, incarnation, KEYS, meta, now, ARGV[b], ARGV[b + 1],
    tonumber(ARGV[b + 2]), tonumber(ARGV[b + 3]), ARGV[b + 4], ARGV[b + 5], ARGV[b + 6], ARGV[b + 7])
  if duplicate == 0 and state == 'waiting' then ready = ready + 1 end
  out[#out + 1] = id; out[#out + 1] = duplicate; out[#out + 1] = state
end
if ready > 0 then redis.call('PUBLISH', prefix .. 'notify', ready) end
return out
