-- dedup_release: a failed handler gives its claim back at once, so the retry (by any member) need not wait for the
-- claim TTL. Only the owner's claim is deleted.
-- KEYS[1]: the claim   ARGV[1]: owner token
-- Returns 1 when released, 0 when the claim was not (or no longer) the caller's.
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
