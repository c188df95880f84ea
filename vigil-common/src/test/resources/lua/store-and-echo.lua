-- store-and-echo: a test script. KEYS[1] a string key; ARGV[1] a value (any bytes), ARGV[2] a number.
-- Returns {the value read back from KEYS[1], ARGV[2]}.
redis.call('SET', KEYS[1], ARGV[1])
return {redis.call('GET', KEYS[1]), ARGV[2]}
