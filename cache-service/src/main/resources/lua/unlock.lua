-- unlock: releases a load lock if (and only if) the caller's fencing token still holds it.
-- KEYS[1] lock vigil:c:{ns}:l:<key>; ARGV[1] fencing token. Returns 1 when released.
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
