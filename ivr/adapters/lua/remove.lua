-- ARGV: prefix, now, id. Takes an entry out of every structure; an agent reserved for it is
-- made available again. Returns the entry's fields (empty when it was not there).
local id = ARGV[3]
local e = ekey(id)
local fields = redis.call('HGETALL', e)
if #fields == 0 then return fields end
local line, state, agent = unpack(redis.call('HMGET', e, 'line', 'state', 'agent'))
redis.call('ZREM', line, id)
redis.call('ZREM', P .. 'deferred', id)
redis.call('ZREM', P .. 'reserved', id)
redis.call('DEL', e)
if state == 'reserved' and agent then
  local astate, aentry = unpack(redis.call('HMGET', akey(agent), 'state', 'entry'))
  if astate == 'reserved' and aentry == id then make_available(agent) end
end
return fields
