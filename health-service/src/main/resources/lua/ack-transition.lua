-- Marks a target's pending transition as published, once its event is on the stream. Only the sequence number that
-- was published is cleared, so an acknowledgement that arrives late never drops a newer transition.
-- KEYS[1]  vigil:h:{t:<target>}:state  HASH
-- ARGV[1]  the published transition's sequence number
-- Returns  1 when cleared, 0 when that transition was no longer pending.
if redis.call('HGET', KEYS[1], 'pSeq') == ARGV[1] then
  redis.call('HDEL', KEYS[1], 'pSeq', 'pFrom', 'pTo', 'pReason', 'pAt', 'pLatency', 'pLeaseUntil')
  return 1
end
return 0
