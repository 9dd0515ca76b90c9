-- ARGV: prefix, now, id, agent. The agent took the entry: it leaves the line for good and the
-- agent is on a call. Returns the entry's fields, or empty when it was no longer reserved for
-- that agent (a late or repeated accept).
local id, aid = ARGV[3], ARGV[4]
local e = ekey(id)
local state, agent = unpack(redis.call('HMGET', e, 'state', 'agent'))
if state ~= 'reserved' or agent ~= aid then return {} end
local fields = redis.call('HGETALL', e)
redis.call('ZREM', P .. 'reserved', id)
redis.call('DEL', e)
redis.call('ZREM', P .. 'available', aid)
redis.call('ZREM', P .. 'timers', aid)
redis.call('HSET', akey(aid), 'state', 'on-call', 'entry', id, 'since', NOW)
return fields
