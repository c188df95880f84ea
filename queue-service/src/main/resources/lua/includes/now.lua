-- Redis server time in epoch milliseconds: every replica agrees on it, unlike the callers' clocks.
local function nowMs()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
