-- dedup_claim: before a consumer-group member handles an event, it claims the event id, so two members that receive
-- copies of one event (a publisher retry, an outbox replay) never both run the handler.
-- KEYS[1]: the claim (STRING, value = owner token, PX = claim TTL: a claim left by a crashed member expires soon)
-- KEYS[2]: the legacy one-key-per-id marker of earlier versions (STRING; only read, so an upgrade within a day of
--          handling an event still drops its redelivery)
-- KEYS[3..]: handled-id SETs, one per time slice, covering the dedup window (newest first)
-- ARGV[1]: event id   ARGV[2]: owner token   ARGV[3]: claim TTL (ms)
-- Returns 0 when the id was handled already, 1 when the caller now holds the claim, -1 when another member holds it
-- (the caller must leave its entry pending: the holder may still fail and release the claim).
for i = 3, #KEYS do
  if redis.call('SISMEMBER', KEYS[i], ARGV[1]) == 1 then
    return 0
  end
end
if redis.call('EXISTS', KEYS[2]) == 1 then
  return 0
end
if redis.call('SET', KEYS[1], ARGV[2], 'NX', 'PX', ARGV[3]) then
  return 1
end
if redis.call('GET', KEYS[1]) == ARGV[2] then
  redis.call('PEXPIRE', KEYS[1], ARGV[3])
  return 1
end
return -1
