-- ARGV: prefix, now, id, agent, agent state after ('available' | 'not-ready' | ''), until,
-- entry not_before (or ''). An entry whose agent did not take it goes back to its place (the
-- head, as it was); the agent is made available, or not ready until a time.
local id, aid, after, untl, not_before = ARGV[3], ARGV[4], ARGV[5], tonumber(ARGV[6]), tonumber(ARGV[7])
local released = 0
local e = ekey(id)
if redis.call('EXISTS', e) == 1 then
  local state, agent = unpack(redis.call('HMGET', e, 'state', 'agent'))
  if state == 'reserved' and (aid == '' or agent == aid) then
    redis.call('HDEL', e, 'agent', 'reserved_at')
    place_entry(id, not_before)
    released = 1
  end
end
if aid ~= '' then
  local astate, aentry, chosen = unpack(redis.call('HMGET', akey(aid), 'state', 'entry', 'chosen'))
  if (astate == 'reserved' or astate == 'on-call') and (aentry == id or not aentry) then
    if chosen == 'offline' then
      redis.call('ZREM', P .. 'available', aid)
      redis.call('HDEL', akey(aid), 'entry')
      redis.call('HSET', akey(aid), 'state', 'offline', 'since', NOW)
    elseif after == 'not-ready' then
      make_timed(aid, 'not-ready', untl)
    else
      make_available(aid)
    end
  end
end
return released
