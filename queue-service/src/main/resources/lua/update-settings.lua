--[[
  Changes some settings of an existing queue, field by field, so concurrent changes of other fields (a pause racing
  a settings PUT) are all kept. A queue that does not exist (deleted meanwhile) is not half-created.
  KEYS[1] meta (hash)
  ARGV pairs: field, value
  Returns: 1 when changed, 0 when the queue does not exist
]]
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('HSET', KEYS[1], unpack(ARGV))
return 1
