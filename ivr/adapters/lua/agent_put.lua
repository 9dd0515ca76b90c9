-- ARGV: prefix, now, agent, name, dial target, skills csv, chosen state, idle_since, force.
-- Registers or refreshes an agent. Their chosen state (available, offline, wrap-up) applies at
-- once unless they are reserved or on a call, in which case it applies when that call ends.
-- Without force, an agent already known keeps their live state (a resync after a restart).
local aid, name, target, skills, chosen, idle, force = ARGV[3], ARGV[4], ARGV[5], ARGV[6], ARGV[7], ARGV[8], ARGV[9]
local a = akey(aid)
local known = redis.call('EXISTS', a) == 1
redis.call('SADD', P .. 'agents', aid)
redis.call('HSET', a, 'name', name, 'target', target, 'skills', skills)
if not known then redis.call('HSET', a, 'idle_since', idle, 'state', 'offline', 'since', NOW) end
if known and force ~= '1' then return redis.call('HGET', a, 'state') end
redis.call('HSET', a, 'chosen', chosen)
local state = redis.call('HGET', a, 'state')
if state == 'reserved' or state == 'on-call' then return state end
if chosen == 'available' then
  if state ~= 'available' then make_available(aid) end
elseif chosen == 'wrap-up' then
  redis.call('ZREM', P .. 'available', aid)
  redis.call('ZREM', P .. 'timers', aid)
  redis.call('HSET', a, 'state', 'wrap-up', 'since', NOW)
else
  redis.call('ZREM', P .. 'available', aid)
  redis.call('ZREM', P .. 'timers', aid)
  redis.call('HDEL', a, 'entry')
  redis.call('HSET', a, 'state', 'offline', 'since', NOW)
end
return redis.call('HGET', a, 'state')
