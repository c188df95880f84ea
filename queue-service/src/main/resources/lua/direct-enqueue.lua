--[[
  Direct enqueue, contract v1: one job enqueued by a caller outside queue-service (EVALSHA on the same Redis), with
  the validation queue-service's REST API does, then the same steps as enqueue.lua (includes/enqueue-one.lua), so
  the job cannot be told apart from one enqueued over REST. queue-service publishes this script's text and SHA1 in
  the hash vigil:queue:contract:v1 (fields version, sha, script, keys, maxPayloadBytes); README "Direct enqueue".
  KEYS (all of queue q, one slot):
  KEYS[1] vigil:q:{q}:meta     KEYS[2] vigil:q:{q}:seq      KEYS[3] vigil:q:{q}:wait
  KEYS[4] vigil:q:{q}:waitage  KEYS[5] vigil:q:{q}:delayed  KEYS[6] vigil:q:{q}:stats
  ARGV[1] contract version: 1
  ARGV[2] queue name q: [a-z0-9][a-z0-9._-]{0,63}; the queue must exist (PUT /api/v1/queues/{q})
  ARGV[3] payload: JSON text, at most maxPayloadBytes bytes, stored and leased as sent
  ARGV[4] priority: urgent | high | normal | low | integer 0..1000000; '' = normal
  ARGV[5] delayMs: integer >= 0; '' = 0
  ARGV[6] runAtMs: epoch ms, wins over delayMs; '' or 0 = none
  ARGV[7] maxAttempts: 1..100; '' = the queue's
  ARGV[8] timeoutMs: 1..86400000, lease length of each attempt; '' = the queue's visibility
  ARGV[9] idempotencyKey: 1..200 bytes; '' = none
  ARGV[10] group: 1..200 bytes; '' = none
  ARGV[4..10] may be left off from the end (as '').
  Returns: {id, duplicate (0|1), state ('waiting' | 'delayed'; for a duplicate the existing job's state)}
  Errors: 'ERR vigil: <what is wrong>'; nothing is written.
  Events: publishes the number of ready jobs on <prefix>notify (wakes long-polling leases on every replica);
  counts the job in stats 'enqueued' and in stats 'directPending', which queue-service's outbox drainer moves to
  vigil_queue_jobs_total{outcome="enqueued"}.
]]
-- @include now
-- @include ready-score
-- @include add-job
-- @include enqueue-one
local MAX_PAYLOAD_BYTES = 262144 -- @param maxPayloadBytes
local function fail(message) return redis.error_reply('ERR vigil: ' .. message) end

local function optionalInt(value, name, min, max)
  if value == nil or value == '' then return 0 end
  if not string.match(value, '^%d+$') or tonumber(value) < min or tonumber(value) > max then
    return nil, fail(name .. ' must be an integer from ' .. min .. ' to ' .. string.format('%d', max)
      .. ', got ' .. string.sub(value, 1, 40))
  end
  return tonumber(value)
end

local function priorityOf(value)
  local p = string.lower(string.match(value or '', '^%s*(.-)%s*$'))
  if p == '' or p == 'normal' then return 100 end
  if p == 'urgent' then return 1 elseif p == 'high' then return 10 elseif p == 'low' then return 1000 end
  if string.match(p, '^%d+$') and tonumber(p) <= 1000000 then return tonumber(p) end
  return nil
end

local function base36(n)
  local digits, s = '0123456789abcdefghijklmnopqrstuvwxyz', ''
  repeat
    local d = n % 36
    s = string.sub(digits, d + 1, d + 1) .. s
    n = math.floor(n / 36)
  until n == 0
  return s
end

if #KEYS ~= 6 then return fail('expected 6 KEYS (meta seq wait waitage delayed stats), got ' .. #KEYS) end
if #ARGV < 3 or #ARGV > 10 then return fail('expected 3 to 10 ARGV (version queue payload ...), got ' .. #ARGV) end
if ARGV[1] ~= '1' then return fail('contract version ' .. string.sub(ARGV[1], 1, 20) .. ' is not served; this is v1') end
local queue = ARGV[2]
if #queue > 64 or not string.match(queue, '^[a-z0-9][a-z0-9._-]*$') then
  return fail('queue must match [a-z0-9][a-z0-9._-]{0,63}')
end
local prefix = 'vigil:q:{' .. queue .. '}:'
local names = {'meta', 'seq', 'wait', 'waitage', 'delayed', 'stats'}
for i, name in ipairs(names) do
  if KEYS[i] ~= prefix .. name then return fail('KEYS[' .. i .. '] must be ' .. prefix .. name) end
end
local payload = ARGV[3]
if payload == '' then return fail('payload is required (JSON)') end
if #payload > MAX_PAYLOAD_BYTES then
  return fail('payload is ' .. #payload .. ' bytes; the limit is ' .. MAX_PAYLOAD_BYTES)
end
if not pcall(cjson.decode, payload) then return fail('payload is not valid JSON') end
local priority = priorityOf(ARGV[4])
if not priority then return fail('priority must be urgent, high, normal, low or an integer from 0 to 1000000') end
local delay, err = optionalInt(ARGV[5], 'delayMs', 0, 2 ^ 53)
if err then return err end
local runAt
runAt, err = optionalInt(ARGV[6], 'runAtMs', 0, 2 ^ 53)
if err then return err end
local maxAttempts
maxAttempts, err = optionalInt(ARGV[7], 'maxAttempts', 1, 100)
if err then return err end
local timeoutMs
timeoutMs, err = optionalInt(ARGV[8], 'timeoutMs', 1, 86400000)
if err then return err end
local idem, group = ARGV[9] or '', ARGV[10] or ''
if #idem > 200 then return fail('idempotencyKey must be 1 to 200 bytes') end
if #group > 200 then return fail('group must be 1 to 200 bytes') end

local meta = redis.call('HMGET', KEYS[1], 'maxAttempts', 'completedRetentionMs', 'inc')
if not meta[1] then return fail("queue '" .. queue .. "' does not exist") end
local now = nowMs()
-- a fresh incarnation as queue-service makes one (QueueStore.newIncarnation): time in base 36 and a varying suffix
local incarnation = incarnationOf(KEYS[1], meta[3], base36(now) .. base36(tonumber(redis.call('TIME')[2]) % 1296))
local id, duplicate, state = enqueueOne(prefix, incarnation, KEYS, meta, now, idem, tostring(priority), delay,
  runAt, tostring(maxAttempts), tostring(timeoutMs), group, payload)
if duplicate == 0 then
  redis.call('HINCRBY', KEYS[6], 'directPending', 1)
  if state == 'waiting' then redis.call('PUBLISH', prefix .. 'notify', 1) end
end
return {id, duplicate, state}
