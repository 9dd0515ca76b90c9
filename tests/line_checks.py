"""The waiting line's invariant, read from a live Redis in one script, for the tests to assert.

Every script of the line keeps the invariant written down in ``ivr.adapters.redis_line``; a
sequence of scripts run by two web and two worker processes may still leave a state no single
script would (a caller rejoined after they left, two entries told the same place). The tests
assert it after their operations, and the end-to-end tests while the processes are still
running: the check is one Lua script, so it reads a consistent state, never half an operation.
"""

from __future__ import annotations

from importlib import resources

from redis import Redis

_CHECK = """
local problems = {}
local function problem(text) problems[#problems + 1] = text end
local function has(key, member) return redis.call('ZSCORE', key, member) ~= false end

local waiting_in = {}  -- queue -> ids of its waiting entries
for _, key in ipairs(redis.call('KEYS', P .. 'e:*')) do
  local id = string.sub(key, #P + 3)
  local state, line, queue, score, agent = unpack(redis.call('HMGET', key, 'state', 'line',
    'queue', 'score', 'agent'))
  local places = {}
  if line and has(line, id) then places[#places + 1] = 'waiting' end
  if has(P .. 'deferred', id) then places[#places + 1] = 'deferred' end
  if has(P .. 'reserved', id) then places[#places + 1] = 'reserved' end
  if #places ~= 1 or places[1] ~= state then
    problem(id .. ' is ' .. tostring(state) .. ' but in {' .. table.concat(places, ',') .. '}')
  end
  if state == 'waiting' and line then
    if tonumber(redis.call('ZSCORE', line, id)) ~= tonumber(score) then
      problem(id .. ' sits in its line at another score than its own')
    end
    if redis.call('SISMEMBER', P .. 'lines:' .. queue, line) == 0 then
      problem(id .. ': its line is not among the lines of queue ' .. tostring(queue))
    end
    waiting_in[queue] = waiting_in[queue] or {}
    table.insert(waiting_in[queue], id)
  end
  if state == 'reserved' then
    local astate, aentry = unpack(redis.call('HMGET', akey(agent or ''), 'state', 'entry'))
    if astate ~= 'reserved' or aentry ~= id then
      problem(id .. ' is reserved for agent ' .. tostring(agent) .. ', who is ' ..
        tostring(astate) .. ' with ' .. tostring(aentry))
    end
  end
end

local function members_have_hashes(key, state)
  for _, id in ipairs(redis.call('ZRANGE', key, 0, -1)) do
    local actual = redis.call('HGET', ekey(id), 'state')
    if actual ~= state then
      problem(id .. ' is in ' .. key .. ' but its entry is ' .. tostring(actual))
    end
  end
end
for _, line in ipairs(redis.call('SMEMBERS', P .. 'lines')) do
  members_have_hashes(line, 'waiting')
end
members_have_hashes(P .. 'deferred', 'deferred')
members_have_hashes(P .. 'reserved', 'reserved')

for _, aid in ipairs(redis.call('SMEMBERS', P .. 'agents')) do
  local astate, aentry = unpack(redis.call('HMGET', akey(aid), 'state', 'entry'))
  if astate == 'reserved' and redis.call('HGET', ekey(aentry or ''), 'agent') ~= aid then
    problem('agent ' .. aid .. ' is reserved for ' .. tostring(aentry) .. ', not reserved for them')
  end
end

-- Places: the entries waiting in a queue stand at 1, 2, ... n, each at a place of its own.
for queue, ids in pairs(waiting_in) do
  local seen = {}
  for _, id in ipairs(ids) do
    local position = place_of(id)[1]
    if seen[position] then
      problem(queue .. ': ' .. id .. ' and ' .. seen[position] .. ' both at place ' .. position)
    end
    if position < 1 or position > #ids then
      problem(queue .. ': ' .. id .. ' at place ' .. position .. ' of ' .. #ids)
    end
    seen[position] = id
  end
end
return problems
"""


def _script() -> str:
    common = resources.files("ivr.adapters") / "lua" / "common.lua"
    return common.read_text() + "\n" + _CHECK


def line_problems(redis: Redis, *, prefix: str = "ivr:") -> list[str]:
    """What breaks the line's invariant now (empty when nothing does)."""
    found = redis.eval(_script(), 0, prefix, "0")
    return [p.decode() if isinstance(p, bytes) else str(p) for p in found]


def assert_line_consistent(redis: Redis, *, prefix: str = "ivr:") -> None:
    problems = line_problems(redis, prefix=prefix)
    assert not problems, "the waiting line broke its invariant:\n" + "\n".join(problems)
