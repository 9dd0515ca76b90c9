-- ARGV: prefix, now, agent, wrap-up seconds. A call ended: wrap-up, then available (or offline
-- when the agent chose so meanwhile). Idle time counts from now.
local aid, wrap = ARGV[3], tonumber(ARGV[4])
local a = akey(aid)
if redis.call('EXISTS', a) == 0 then return 0 end
redis.call('HSET', a, 'idle_since', NOW)
if redis.call('HGET', a, 'chosen') == 'offline' then
  redis.call('ZREM', P .. 'available', aid)
  redis.call('ZREM', P .. 'timers', aid)
  redis.call('HDEL', a, 'entry')
  redis.call('HSET', a, 'state', 'offline', 'since', NOW)
  return 1
end
if redis.call('HGET', a, 'chosen') == 'wrap-up' then
  -- They chose wrap-up during the call: it lasts until they say available, not a timer.
  redis.call('ZREM', P .. 'available', aid)
  redis.call('ZREM', P .. 'timers', aid)
  redis.call('HDEL', a, 'entry')
  redis.call('HSET', a, 'state', 'wrap-up', 'since', NOW)
  return 1
end
make_timed(aid, 'wrap-up', NOW + wrap)
return 1
