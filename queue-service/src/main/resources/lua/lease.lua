--[[
  Leases up to N ready jobs: highest priority first, FIFO within a priority; honours pause and rate limits.
  Groups (as in BullMQ Pro): each group has its own wait set and takes part in the wait set through one token, so
  groups are served round-robin within a priority (a group whose job was leased rejoins the line behind the others)
  and a rate-limited group's token is parked in glimited until its window ends: it never blocks other groups,
  however many of its jobs are ahead of theirs.
  KEYS[1] meta      (hash)  settings: paused, visibilityMs, rateMax, rateIntervalMs, groupRateMax, groupRateIntervalMs
  KEYS[2] wait      (zset)  ready ungrouped jobs and group tokens 'g:<group>'
  KEYS[3] waitage   (zset)
  KEYS[4] active    (zset)  leased jobs by lease deadline
  KEYS[5] limiter   (string) jobs leased in the current queue rate window (PX = window)
  KEYS[6] glimited  (zset)  tokens of rate-limited groups by the end of their window (ms)
  KEYS[7] seq       (string) the sequence counter, also the turn counter of the group rotation
  ARGV[1] key prefix
  ARGV[2] max jobs
  ARGV[3] visibilityMs for this lease (0 = queue default; a job's own timeoutMs wins)
  ARGV[4] lease token base (random); each job's token is base:index
  Returns: flat array, per job 9 values: id, token, deadline, attempts, maxAttempts, priority, group, createdAt, payload
  Errors: NOQUEUE
  Group keys: <prefix>gwait:<group> (zset), <prefix>glimit:<group> (string, PX = group window).
]]
-- @include now
local SCORE_BASE = 4294967296
local prefix = ARGV[1]
local m = redis.call('HMGET', KEYS[1], 'paused', 'visibilityMs', 'rateMax', 'rateIntervalMs',
  'groupRateMax', 'groupRateIntervalMs')
if not m[2] then return redis.error_reply('NOQUEUE') end
if m[1] == '1' then return {} end
local now = nowMs()
local want = tonumber(ARGV[2])
local rateMax, groupMax, groupWindow = tonumber(m[3]) or 0, tonumber(m[5]) or 0, tonumber(m[6]) or 1000
if rateMax > 0 then
  local used = tonumber(redis.call('GET', KEYS[5]) or '0')
  if used >= rateMax then return {} end
  want = math.min(want, rateMax - used)
end

-- Puts a group's token back in line behind every member now waiting at its best job's priority (round-robin),
-- or drops it when the group has no ready job left.
local function rotate(token, gz)
  local head = redis.call('ZRANGE', gz, 0, 0, 'WITHSCORES')
  if not head[1] then
    redis.call('ZREM', KEYS[2], token)
    return
  end
  local pri = math.floor(tonumber(head[2]) / SCORE_BASE)
  redis.call('ZADD', KEYS[2], pri * SCORE_BASE + (redis.call('INCR', KEYS[7]) % SCORE_BASE), token)
end

-- Parks a rate-limited group's token until its window ends.
local function park(token, gk)
  local ttl = redis.call('PTTL', gk)
  if ttl < 0 then ttl = groupWindow end
  redis.call('ZREM', KEYS[2], token)
  redis.call('ZADD', KEYS[6], now + ttl, token)
end

-- Groups whose window has ended are back in line.
for _, token in ipairs(redis.call('ZRANGEBYSCORE', KEYS[6], '-inf', now, 'LIMIT', 0, 1000)) do
  redis.call('ZREM', KEYS[6], token)
  rotate(token, prefix .. 'gwait:' .. string.sub(token, 3))
end

local defaultVis = tonumber(ARGV[3])
if defaultVis <= 0 then defaultVis = tonumber(m[2]) end
local out, leased = {}, 0

-- Leases one job: removes it from its set and marks it active; false when its hash is gone (purged).
local function take(id, fromSet)
  local jobKey = prefix .. 'job:' .. id
  local f = redis.call('HMGET', jobKey, 'group', 'timeout', 'att', 'max', 'pri', 'created', 'payload')
  redis.call('ZREM', fromSet, id)
  redis.call('ZREM', KEYS[3], id)
  if not f[5] then return false end -- the dangling entry is dropped
  local att = (tonumber(f[3]) or 0) + 1
  local vis = tonumber(f[2]) or 0
  if vis <= 0 then vis = defaultVis end
  local deadline = now + vis
  local token = ARGV[4] .. ':' .. leased
  redis.call('HSET', jobKey, 'state', 'active', 'att', att, 'leased', now, 'token', token, 'deadline', deadline)
  redis.call('ZADD', KEYS[4], deadline, id)
  leased = leased + 1
  out[#out + 1] = id; out[#out + 1] = token; out[#out + 1] = deadline; out[#out + 1] = att
  out[#out + 1] = f[4]; out[#out + 1] = f[5]; out[#out + 1] = f[1] or ''; out[#out + 1] = f[6]
  out[#out + 1] = f[7]
  return true
end

-- Serves a group's turn: its best job, then the token rejoins the line (or is set aside at the group's limit).
local function serveGroup(token)
  local group = string.sub(token, 3)
  local gz, gk = prefix .. 'gwait:' .. group, prefix .. 'glimit:' .. group
  local id = redis.call('ZRANGE', gz, 0, 0)[1]
  if not id then
    redis.call('ZREM', KEYS[2], token)
    return
  end
  if groupMax > 0 and tonumber(redis.call('GET', gk) or '0') >= groupMax then
    park(token, gk)
    return
  end
  local used = 0
  if take(id, gz) and groupMax > 0 then
    used = redis.call('INCR', gk)
    if used == 1 then redis.call('PEXPIRE', gk, groupWindow) end
  end
  if groupMax > 0 and used >= groupMax and redis.call('EXISTS', gz) == 1 then
    park(token, gk)
  else
    rotate(token, gz)
  end
end

-- Members are read in order, a chunk at a time; a group's turn changes the line, so it is read again after one.
while leased < want do
  local members = redis.call('ZRANGE', KEYS[2], 0, want - leased - 1)
  if #members == 0 then break end
  for _, member in ipairs(members) do
    if string.sub(member, 1, 2) == 'g:' then
      serveGroup(member)
      break
    end
    take(member, KEYS[2])
  end
end
if rateMax > 0 and leased > 0 then
  if redis.call('INCRBY', KEYS[5], leased) == leased then
    redis.call('PEXPIRE', KEYS[5], tonumber(m[4]) or 1000)
  end
end
return out
