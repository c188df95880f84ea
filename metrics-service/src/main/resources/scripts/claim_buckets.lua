-- claim_buckets: one replica takes closable buckets of one resolution out of the open set into the closing set.
-- The ZREM is the claim (only one caller gets each member); the closing score is a lease deadline, so a bucket whose
-- closer died is put back into the open set and closed by another replica.
-- KEYS[1]: open ZSET (member = bucket start, score = bucket start, epoch s)
-- KEYS[2]: closing ZSET (member = bucket start, score = lease deadline, epoch ms)
-- ARGV[1]: latest closable bucket start (epoch s)   ARGV[2]: lease deadline (epoch ms)
-- ARGV[3]: now (epoch ms)                            ARGV[4]: most buckets to claim
-- Returns the claimed bucket starts.
local expired = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', ARGV[3])
for _, start in ipairs(expired) do
  redis.call('ZREM', KEYS[2], start)
  redis.call('ZADD', KEYS[1], start, start)
end
local claimed = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[4]))
for _, start in ipairs(claimed) do
  redis.call('ZREM', KEYS[1], start)
  redis.call('ZADD', KEYS[2], ARGV[2], start)
end
return claimed
