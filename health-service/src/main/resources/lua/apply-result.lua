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
-- KEYS[2]  vigil:h:{t:<target>}:hours   HASH <hourStart>:n / :up / :w  (the status page's 24 h bars)
-- KEYS[3]  vigil:h:{t:<target>}:recent  LIST latest latencies, newest first (the page's sparkline), 40 kept
-- ARGV[11] start of this result's hour (epoch ms)
-- ARGV[12] 1 for a peek: a parent checked early because a child failed. It records what was seen (lastOutcome,
--          checkedAt, lastError: children are blocked by it) but neither counts toward the thresholds nor the
--          uptime counters, so a parent with many failing children does not go DOWN faster than its own schedule.
-- Returns  { state, epoch, pSeq, pFrom, pTo, pReason, pAt, pLatency } where p* are '' when nothing is to be published.
local key = KEYS[1]
local outcome = ARGV[1]
local rank = { UNKNOWN = 0, UP = 1, DEGRADED = 2, DOWN = 3 }
if ARGV[12] == '1' then
  redis.call('HSET', key, 'lastOutcome', outcome, 'checkedAt', ARGV[5], 'latencyMs', ARGV[6])
  if outcome ~= 'UP' then redis.call('HSET', key, 'lastError', ARGV[4], 'lastErrorAt', ARGV[5]) end
  return { redis.call('HGET', key, 'state') or 'UNKNOWN', '', '', '', '', '', '', '' }
end
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

-- The page's 24 h bars: counted results (not UNREACHABLE, not in maintenance), those UP or DEGRADED, the worst.
local hour = ARGV[11]
local shown = outcome
if ARGV[7] == '1' then shown = 'UNREACHABLE' end
local shownRank = { UNKNOWN = 0, UP = 1, DEGRADED = 2, UNREACHABLE = 3, DOWN = 4 }
if ARGV[7] == '0' and ARGV[8] == '0' then
  redis.call('HINCRBY', KEYS[2], hour .. ':n', 1)
  if outcome ~= 'DOWN' then redis.call('HINCRBY', KEYS[2], hour .. ':up', 1) end
end
local worst = redis.call('HGET', KEYS[2], hour .. ':w')
if (not worst) or shownRank[shown] > shownRank[worst] then redis.call('HSET', KEYS[2], hour .. ':w', shown) end
local old = tostring(tonumber(hour) - 25 * 3600000)
redis.call('HDEL', KEYS[2], old .. ':n', old .. ':up', old .. ':w')
redis.call('LPUSH', KEYS[3], ARGV[6])
redis.call('LTRIM', KEYS[3], 0, 39)

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
