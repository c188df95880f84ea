-- live_turn: decides whether this replica publishes the live signal for one tick. One replica holds the role (a lock
-- renewed every tick, so a dead holder's lock expires after its TTL and another replica takes over), and each tick
-- slot is published at most once, even across a takeover.
-- KEYS[1]: lock (STRING, value = holder token, PX = lock TTL)   KEYS[2]: last published slot (STRING)
-- ARGV[1]: token   ARGV[2]: lock TTL (ms)   ARGV[3]: tick slot (epoch ms / interval)   ARGV[4]: slot marker TTL (ms)
-- Returns 1 when the caller publishes this slot, 0 otherwise.
local holder = redis.call('GET', KEYS[1])
if holder and holder ~= ARGV[1] then
  return 0
end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
local last = tonumber(redis.call('GET', KEYS[2]) or '-1')
if last >= tonumber(ARGV[3]) then
  return 0
end
redis.call('SET', KEYS[2], ARGV[3], 'PX', ARGV[4])
return 1
