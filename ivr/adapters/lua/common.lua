-- Shared by every script (prepended by the adapter). Keys are built from the prefix in
-- ARGV[1]: this runs on a single Redis, not a cluster.
local P = ARGV[1]
local NOW = tonumber(ARGV[2])

local function ekey(id) return P .. 'e:' .. id end
local function akey(id) return P .. 'a:' .. id end

local function skillset(csv)
  local set = {}
  for skill in string.gmatch(csv or '', '[^,]+') do set[skill] = true end
  return set
end

local function covers(agent_skills, entry_csv)
  for skill in string.gmatch(entry_csv or '', '[^,]+') do
    if not agent_skills[skill] then return false end
  end
  return true
end

-- Make an agent available again (longest idle keeps its place by idle_since).
local function make_available(aid)
  local a = akey(aid)
  local idle = redis.call('HGET', a, 'idle_since') or tostring(NOW)
  redis.call('HSET', a, 'state', 'available', 'since', NOW)
  redis.call('HDEL', a, 'entry')
  redis.call('ZREM', P .. 'timers', aid)
  redis.call('ZADD', P .. 'available', idle, aid)
end

-- Put an agent in a timed state (wrap-up, not-ready); 0 seconds means at once available.
local function make_timed(aid, state, untl)
  local a = akey(aid)
  redis.call('ZREM', P .. 'available', aid)
  redis.call('HDEL', a, 'entry')
  if untl <= NOW then
    make_available(aid)
    return
  end
  redis.call('HSET', a, 'state', state, 'since', NOW, 'until', untl)
  redis.call('ZADD', P .. 'timers', untl, aid)
end

-- An entry goes (back) into its line at its original score, or waits until not_before.
local function place_entry(id, not_before)
  local e = ekey(id)
  local line, score, queue = unpack(redis.call('HMGET', e, 'line', 'score', 'queue'))
  redis.call('ZREM', P .. 'reserved', id)
  if not_before and not_before > NOW then
    redis.call('HSET', e, 'state', 'deferred', 'not_before', not_before)
    redis.call('ZREM', line, id)
    redis.call('ZADD', P .. 'deferred', not_before, id)
  else
    redis.call('HSET', e, 'state', 'waiting')
    redis.call('HDEL', e, 'not_before')
    redis.call('ZREM', P .. 'deferred', id)
    redis.call('ZADD', line, score, id)
    redis.call('SADD', P .. 'lines:' .. queue, line)
    redis.call('SADD', P .. 'lines', line)
  end
end

-- Entries of one score are ordered by id, byte by byte: the order a sorted set keeps them in.
-- (Lua's own < on strings follows the server's locale, which need not be that order.)
local function id_before(a, b)
  for i = 1, math.min(#a, #b) do
    local x, y = string.byte(a, i), string.byte(b, i)
    if x ~= y then return x < y end
  end
  return #a < #b
end

-- The line's one order, across the lines of a queue: score, then id. Entries may share a score
-- (callbacks booked for the same time keep the same place in time); they must still stand one
-- behind the other, the same way when told their place as when an agent is matched.
local function before(score_a, id_a, score_b, id_b)
  if score_a ~= score_b then return score_a < score_b end
  return id_before(id_a, id_b)
end

-- Callers ahead of an entry in its queue (in the order above: no two share a place), everyone
-- waiting there, and the staffed agents (and available ones) able to take it.
local function place_of(id)
  local e = ekey(id)
  local queue, score, skills, state = unpack(redis.call('HMGET', e, 'queue', 'score', 'skills', 'state'))
  if not queue then return false end
  local ahead, waiting = 0, 0
  for _, line in ipairs(redis.call('SMEMBERS', P .. 'lines:' .. queue)) do
    ahead = ahead + redis.call('ZCOUNT', line, '-inf', '(' .. score)
    for _, other in ipairs(redis.call('ZRANGEBYSCORE', line, score, score)) do
      if id_before(other, id) then ahead = ahead + 1 end
    end
    waiting = waiting + redis.call('ZCARD', line)
  end
  local staffed, available = 0, 0
  for _, aid in ipairs(redis.call('SMEMBERS', P .. 'agents')) do
    local astate, askills = unpack(redis.call('HMGET', akey(aid), 'state', 'skills'))
    if astate and astate ~= 'offline' and covers(skillset(askills), skills) then
      staffed = staffed + 1
      if astate == 'available' then available = available + 1 end
    end
  end
  return {ahead + 1, waiting, staffed, available, state}
end
