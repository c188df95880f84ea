-- admit_endpoint: the per-service cardinality cap, shared by all replicas.
-- KEYS[1]: SET of the service's admitted endpoints   ARGV[1]: endpoint   ARGV[2]: cap
-- Returns 1 if the endpoint is (now) admitted, 0 if it must be folded into 'other'.
if redis.call('SISMEMBER', KEYS[1], ARGV[1]) == 1 then
  return 1
end
if redis.call('SCARD', KEYS[1]) < tonumber(ARGV[2]) then
  redis.call('SADD', KEYS[1], ARGV[1])
  return 1
end
return 0
