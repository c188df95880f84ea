-- mark-namespace: publishes a namespace-wide invalidation: every replica drops each L1 entry of the namespace whose
-- version is older than this entry's id (values written after it stay).
-- KEYS[1] invalidation stream vigil:c:{ns}:inv; ARGV[1] stream MAXLEN ~
-- Returns the stream id.
return redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[1], '*', 'op', 'ns', 'keys', '')
