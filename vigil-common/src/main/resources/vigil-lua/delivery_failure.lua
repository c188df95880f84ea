-- delivery_failure: records how one delivery of a stream entry to a consumer group failed, so the max-deliveries
-- decision can leave out deliveries that were not the entry's fault (XPENDING's counter counts them all).
-- KEYS[1]: HASH vigil:deliveries:{<group>}:<stream>, fields per pending entry id:
--          <id>:excused (deliveries that ended in a dependency outage or found the event busy at another member),
--          <id>:poison (handler failures that were not outages), <id>:error (the last such failure)
-- ARGV[1]: entry id   ARGV[2]: 'excused' | 'poison'   ARGV[3]: error text (poison only)   ARGV[4]: TTL of the hash (ms)
-- The hash expires once no entry of the group failed for the TTL; the consumer deletes an entry's fields when it
-- acknowledges or dead-letters the entry.
redis.call('HINCRBY', KEYS[1], ARGV[1] .. ':' .. ARGV[2], 1)
if ARGV[2] == 'poison' then
  redis.call('HSET', KEYS[1], ARGV[1] .. ':error', ARGV[3])
end
redis.call('PEXPIRE', KEYS[1], ARGV[4])
return 1
