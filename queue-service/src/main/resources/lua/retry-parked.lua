--[[
  Admin retry of parked outbox records: each goes back to the end of the outbox marked archiveOnly (its event was
  published and its outcome counted when it was parked), and its job loses the 'parked' flag (retention now waits
  for the outbox instead).
  KEYS[1] parked (list)  {record, error, at} JSON entries
  KEYS[2] outbox (list)
  ARGV[1] key prefix
  Returns: number of records moved back
]]
local entries = redis.call('LRANGE', KEYS[1], 0, -1)
for _, entry in ipairs(entries) do
  local parked = cjson.decode(entry)
  local record = parked.record
  if type(record) == 'table' then
    record.archiveOnly = true
    redis.call('RPUSH', KEYS[2], cjson.encode(record))
    if record.id then redis.call('HDEL', ARGV[1] .. 'job:' .. record.id, 'parked') end
  else
    redis.call('RPUSH', KEYS[2], tostring(record))
  end
end
redis.call('DEL', KEYS[1])
return #entries
