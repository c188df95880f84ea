-- renew_lock.lua: takes or renews the scheduler lock, so exactly one replica runs timers at a time.
-- KEYS[1]  vigil:alert:{scheduler}:leader (string: the holder's fencing token)
-- ARGV[1]  this holder's token: instance name + a random id per process, so a restarted process under the same
--          name does not inherit its predecessor's lease, and a holder can tell its own lease from a successor's
-- ARGV[2]  lease in ms: a holder that stops renewing (killed, stalled) loses the lock after this
-- Returns: 1 if this token holds the lock now, 0 if another does.
local holder = redis.call('GET', KEYS[1])
if holder == false or holder == ARGV[1] then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
  return 1
end
return 0
