--[[
  Finishes one outbox drain: drops the records the drainer has handled and releases its drain lock, but only if it
  still holds the lock. If the lock expired and another replica took over, that replica re-read the same records and
  trims them itself; trimming here too would drop records nobody handled.
  KEYS[1] outbox (list)    lifecycle records, oldest first
  KEYS[2] drain  (string)  the drain lock, holding its owner's token
  ARGV[1] token            this drainer's lock token
  ARGV[2] count            how many records from the head were handled
  Returns 1 when trimmed, 0 when the lock was lost.
]]
if redis.call('GET', KEYS[2]) ~= ARGV[1] then
  return 0
end
redis.call('LTRIM', KEYS[1], tonumber(ARGV[2]), -1)
redis.call('DEL', KEYS[2])
return 1
