--[[
  Leases up to N ready jobs: highest priority first, FIFO within a priority; honours pause and rate limits.
  KEYS[1] meta      (hash)  settings: paused, visibilityMs, rateMax, rateIntervalMs, groupRateMax, groupRateIntervalMs
  KEYS[2] wait      (zset)
  KEYS[3] waitage   (zset)
  KEYS[4] active    (zset)  leased jobs by lease deadline
  KEYS[5] limiter   (string) jobs leased in the current queue rate window (PX = window)
  ARGV[1] key prefix
  ARGV[2] max jobs
  ARGV[3] visibilityMs for this lease (0 = queue default; a job's own timeoutMs wins)
  ARGV[4] lease token base (random); each job's token is base:index
  Returns: flat array, per job 9 values: id, token, deadline, attempts, maxAttempts, priority, group, createdAt, payload
  Errors: NOQUEUE
  Group limit keys: <prefix>glimit:<group> (string, PX = group window).
]]
-- @include now
local prefix = ARGV[1]
local m = redis.call('HMGET', KEYS[1], 'paused', 'visibilityMs', 'rateMax', 'rateIntervalMs',
  'groupRateMax', 'groupRateIntervalMs')
if not m[2] then return redis.error_reply('NOQUEUE') end
if m[1] == '1' then return {} end
local now = nowMs()
local want = tonumber(ARGV[2])
local rateMax, groupMax = tonumber(m[3]) or 0, tonumber(m[5]) or 0
if rateMax > 0 then
  local used = tonumber(redis.call('GET', KEYS[5]) or '0')
  if used >= rateMax then return {} end
  want = math.min(want, rateMax - used)
end
-- With per-group limits some candidates may be skipped, so look further down the set (bounded).
local scan = want
if groupMax > 0 then scan = want * 4 + 100 end
local ids = redis.call('ZRANGE', KEYS[2], 0, scan - 1)
local defaultVis = tonumber(ARGV[3])
if defaultVis <= 0 then defaultVis = tonumber(m[2]) end
local out, leased = {}, 0
for _, id in ipairs(ids) do
  if leased >= want then break end
  local jobKey = prefix .. 'job:' .. id
  local f = redis.call('HMGET', jobKey, 'group', 'timeout', 'att', 'max', 'pri', 'created', 'payload')
  local take = true
  if not f[5] then
    -- hash gone (purged): drop the dangling entry
    redis.call('ZREM', KEYS[2], id); redis.call('ZREM', KEYS[3], id)
    take = false
  elseif groupMax > 0 and f[1] and f[1] ~= '' then
    local gk = prefix .. 'glimit:' .. f[1]
    local used = tonumber(redis.call('GET', gk) or '0')
    if used >= groupMax then
      take = false
    else
      if redis.call('INCR', gk) == 1 then redis.call('PEXPIRE', gk, tonumber(m[6]) or 1000) end
    end
  end
  if take then
    redis.call('ZREM', KEYS[2], id); redis.call('ZREM', KEYS[3], id)
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
  end
end
if rateMax > 0 and leased > 0 then
  if redis.call('INCRBY', KEYS[5], leased) == leased then
    redis.call('PEXPIRE', KEYS[5], tonumber(m[4]) or 1000)
  end
end
return out
