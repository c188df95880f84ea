-- admit_label: one cardinality cap (services, a service's methods or a service's endpoints), shared by all replicas.
-- Values not seen for the idle time are forgotten, so a cap filled by old deploys frees up again.
-- KEYS[1]: ZSET of admitted values (score = last seen, epoch ms)
-- ARGV[1]: value   ARGV[2]: cap   ARGV[3]: now (epoch ms)   ARGV[4]: idle time (ms)
-- Returns 1 if the value is (now) admitted, 0 if it must be folded into 'other'.
local now = tonumber(ARGV[3])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - tonumber(ARGV[4]))
if redis.call('ZSCORE', KEYS[1], ARGV[1]) then
  redis.call('ZADD', KEYS[1], now, ARGV[1])
  return 1
end
if redis.call('ZCARD', KEYS[1]) < tonumber(ARGV[2]) then
  redis.call('ZADD', KEYS[1], now, ARGV[1])
  return 1
end
return 0
