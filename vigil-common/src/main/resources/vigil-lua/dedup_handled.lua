-- dedup_handled: after the handler succeeded, records the event id in the current time slice's SET and drops the
-- claim, in one step (a crash before it leaves the claim to expire and the entry to be handled again: at least once).
-- KEYS[1]: handled-id SET of the current slice   KEYS[2]: the claim
-- ARGV[1]: event id   ARGV[2]: slice expiry (epoch ms: slice end + dedup window)   ARGV[3]: owner token
-- Returns 1.
redis.call('SADD', KEYS[1], ARGV[1])
redis.call('PEXPIREAT', KEYS[1], ARGV[2])
if redis.call('GET', KEYS[2]) == ARGV[3] then
  redis.call('DEL', KEYS[2])
end
return 1
