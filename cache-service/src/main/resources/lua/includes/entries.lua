-- Shared entry helpers. An entry is a hash at <prefix>e:<key> with fields
--   v (value, maybe compressed), ct (content type), z (codec: '' or 'lz4:<original length>'), tags ('\n'-joined),
--   ver (version: the invalidation-stream id its write published), exp (fresh until, ms), ttl (ms it was put with)
-- and a PEXPIRE of ttl + stale grace. Tag sets <prefix>t:<tag> hold key names; the key index <prefix>keys (sorted
-- set: key name -> when its hash expires, ms) lists every entry of the namespace, so pattern and namespace
-- invalidations ZSCAN one key instead of SCANning the keyspace (which on Redis Cluster sees one node only). Every key
-- shares the {ns} hash tag. Callers name the index and entry hashes in KEYS; tag sets are derived from the prefix
-- (their names come from the entry's stored tags, known only inside the script): same slot.

local function split_tags(s)
  local out = {}
  if s and s ~= '' then
    for tag in string.gmatch(s, '[^\n]+') do out[#out + 1] = tag end
  end
  return out
end

-- Removes the key from the tag sets it is listed in (except those in keep) and deletes the hash; without keep (a
-- delete, not a rewrite, which re-adds it) also from the key index.
local function drop_entry(prefix, index, entry_key, key_name, keep)
  if not keep then redis.call('ZREM', index, key_name) end
  local old = redis.call('HGET', entry_key, 'tags')
  if old then
    for _, tag in ipairs(split_tags(old)) do
      if not (keep and keep[tag]) then redis.call('SREM', prefix .. 't:' .. tag, key_name) end
    end
  end
  return redis.call('DEL', entry_key)
end

local function write_entry(prefix, index, entry_key, key_name, value, ct, codec, tags, ttl, grace, ver, now)
  local keep = {}
  local tag_list = split_tags(tags)
  for _, tag in ipairs(tag_list) do keep[tag] = true end
  drop_entry(prefix, index, entry_key, key_name, keep)
  redis.call('HSET', entry_key, 'v', value, 'ct', ct, 'z', codec, 'tags', tags, 'ver', ver,
    'exp', now + ttl, 'ttl', ttl)
  local life = ttl + grace
  redis.call('PEXPIRE', entry_key, life)
  redis.call('ZADD', index, now + life, key_name)
  for _, tag in ipairs(tag_list) do
    local set = prefix .. 't:' .. tag
    redis.call('SADD', set, key_name)
    -- the index lives as long as its longest-lived member
    if redis.call('PTTL', set) < life then redis.call('PEXPIRE', set, life) end
  end
end

-- Drops index members whose hash Redis has expired (nothing else tells the index); a second of slack, since the
-- score is computed from TIME while the expiry counts from the script's start.
local function prune_index(index, now)
  redis.call('ZREMRANGEBYSCORE', index, '-inf', '(' .. (now - 1000))
end

local function publish(stream, maxlen, op, names)
  return redis.call('XADD', stream, 'MAXLEN', '~', maxlen, '*', 'op', op, 'keys', table.concat(names, '\n'))
end
