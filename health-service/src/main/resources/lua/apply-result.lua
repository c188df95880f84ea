-- Applies one check result to a target's state: consecutive-result thresholds, the state the target last published,
-- and the transition to publish. The transition is kept in the hash (p* fields) until the publisher acknowledges it
-- (ack-transition.lua); whoever applies a result while one is unacknowledged and its publish lease has expired (the
-- publisher died) gets it again, with the same sequence number, so its event id is the same.
-- KEYS[1]  vigil:h:{t:<target>}:state  HASH (fields below)
-- ARGV[1]  outcome of this result: UP, DEGRADED or DOWN
-- ARGV[2]  failure threshold      ARGV[3] success threshold
-- ARGV[4]  reason ('' when UP)    ARGV[5] checkedAt (epoch ms)   ARGV[6] latency (ms)
-- ARGV[7]  1 when a parent is DOWN (the target is UNREACHABLE: it publishes nothing)
-- ARGV[8]  1 when a maintenance window mutes the target (it publishes nothing)
-- ARGV[9]  a fresh random epoch, kept only if the target has none (event ids are epoch + sequence)
-- ARGV[10] publish lease (ms)
-- Returns  { state, epoch, pSeq, pFrom, pTo, pReason, pAt, pLatency } where p* are '' when nothing is to be published.
local key = KEYS[1]
local outcome = ARGV[1]
local rank = { UNKNOWN = 0, UP = 1, DEGRADED = 2, DOWN = 3 }
local cur = redis.call('HMGET', key, 'state', 'published', 'streak', 'streakOutcome', 'seq', 'pSeq', 'pLeaseUntil')
local state = cur[1] or 'UNKNOWN'
local published = cur[2] or 'UNKNOWN'
local streak = tonumber(cur[3]) or 0
local seq = tonumber(cur[5]) or 0
if cur[4] == outcome then streak = streak + 1 else streak = 1 end

local newState = state
if state == 'UNKNOWN' then
  -- A first success counts at once; a first failure (often a cold start) only after the failure threshold.
  if outcome == 'UP' or streak >= tonumber(ARGV[2]) then newState = outcome end
elseif outcome ~= state then
  local need = tonumber(ARGV[2])
  if rank[outcome] < rank[state] then need = tonumber(ARGV[3]) end
  if streak >= need then newState = outcome end
end

redis.call('HSETNX', key, 'epoch', ARGV[9])
redis.call('HSET', key, 'state', newState, 'streak', streak, 'streakOutcome', outcome, 'lastOutcome', outcome,
  'reason', ARGV[4], 'checkedAt', ARGV[5], 'latencyMs', ARGV[6], 'blocked', ARGV[7], 'muted', ARGV[8])
if newState ~= state then redis.call('HSET', key, 'since', ARGV[5]) end
if outcome ~= 'UP' then redis.call('HSET', key, 'lastError', ARGV[4], 'lastErrorAt', ARGV[5]) end

local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local pending = cur[6]
if (not pending) and ARGV[7] == '0' and ARGV[8] == '0' and newState ~= published then
  seq = seq + 1
  redis.call('HSET', key, 'published', newState, 'seq', seq, 'pSeq', seq, 'pFrom', published, 'pTo', newState,
    'pReason', ARGV[4], 'pAt', ARGV[5], 'pLatency', ARGV[6], 'pLeaseUntil', now + tonumber(ARGV[10]))
elseif pending and tonumber(cur[7] or '0') < now then
  redis.call('HSET', key, 'pLeaseUntil', now + tonumber(ARGV[10]))
else
  return { newState, redis.call('HGET', key, 'epoch'), '', '', '', '', '', '' }
end
local p = redis.call('HMGET', key, 'epoch', 'pSeq', 'pFrom', 'pTo', 'pReason', 'pAt', 'pLatency')
return { newState, p[1], p[2], p[3], p[4], p[5], p[6], p[7] }
