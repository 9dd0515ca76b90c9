-- ARGV: prefix, now, scan depth. Promotes due timers, then reserves the best (entry, agent):
-- the lowest-scored entry some available agent can take, given to the longest-idle such agent
-- (or to the agent a repeat caller is waiting for). Returns {entry id, agent id} or false.
local scan = tonumber(ARGV[3])

for _, id in ipairs(redis.call('ZRANGEBYSCORE', P .. 'deferred', '-inf', NOW, 'LIMIT', 0, 100)) do
  if redis.call('EXISTS', ekey(id)) == 1 then place_entry(id, nil)
  else redis.call('ZREM', P .. 'deferred', id) end
end
for _, aid in ipairs(redis.call('ZRANGEBYSCORE', P .. 'timers', '-inf', NOW, 'LIMIT', 0, 100)) do
  local state, chosen = unpack(redis.call('HMGET', akey(aid), 'state', 'chosen'))
  redis.call('ZREM', P .. 'timers', aid)
  if (state == 'wrap-up' or state == 'not-ready') then
    if chosen == 'offline' then
      redis.call('HSET', akey(aid), 'state', 'offline', 'since', NOW)
    else
      make_available(aid)
    end
  end
end

local available = redis.call('ZRANGE', P .. 'available', 0, -1)
if #available == 0 then return false end
local skills_of, free = {}, {}
for _, aid in ipairs(available) do
  skills_of[aid] = skillset(redis.call('HGET', akey(aid), 'skills'))
  free[aid] = true
end

local best_score, best_id, best_agent = nil, nil, nil
local function consider(score, id, aid)
  if best_score == nil or before(score, id, best_score, best_id) then
    best_score, best_id, best_agent = score, id, aid
  end
end

-- Each line's head is read a page at a time (1, then 4, 16, ... entries, up to the scan depth):
-- the first entry almost always settles the line, and reading the whole scan depth for every
-- line made a match cost more with 50 callers waiting than with 5.
for _, line in ipairs(redis.call('SMEMBERS', P .. 'lines')) do
  local taker = false  -- the longest-idle agent able to take this line (same skills for all)
  local looked = false
  local done = false
  local first, page = 0, 1
  while not done and first < scan do
    local last = math.min(first + page, scan) - 1
    local head = redis.call('ZRANGE', line, first, last, 'WITHSCORES')
    for i = 1, #head, 2 do
      local id, score = head[i], tonumber(head[i + 1])
      -- A line's entries come in the line's order: none further on can be served first.
      if best_score ~= nil and not before(score, id, best_score, best_id) then done = true; break end
      local skills, pref, pref_until = unpack(redis.call('HMGET', ekey(id), 'skills', 'preferred_agent', 'preferred_until'))
      if pref and pref_until and tonumber(pref_until) > NOW then
        -- A repeat caller waits a while for their agent; others behind them go ahead meanwhile.
        if free[pref] and covers(skills_of[pref], skills) then
          consider(score, id, pref)
          done = true
          break
        end
      else
        if not looked then
          looked = true
          for _, aid in ipairs(available) do
            if covers(skills_of[aid], skills) then taker = aid; break end
          end
        end
        if taker then consider(score, id, taker) end
        done = true
        break
      end
    end
    if #head < 2 * (last - first + 1) then break end  -- the line has no more
    first, page = last + 1, page * 4
  end
end

if best_id == nil then return false end
local e = ekey(best_id)
redis.call('ZREM', redis.call('HGET', e, 'line'), best_id)
redis.call('HSET', e, 'state', 'reserved', 'agent', best_agent, 'reserved_at', NOW)
redis.call('ZADD', P .. 'reserved', NOW, best_id)
redis.call('ZREM', P .. 'available', best_agent)
redis.call('HSET', akey(best_agent), 'state', 'reserved', 'entry', best_id, 'since', NOW)
return {best_id, best_agent}
