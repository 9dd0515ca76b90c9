-- ARGV: prefix, now, id, queue, skills csv, score, not_before (or ''), then field/value pairs.
-- Joining twice keeps the first place.
local id, queue, skills, score = ARGV[3], ARGV[4], ARGV[5], ARGV[6]
local not_before = tonumber(ARGV[7])
local e = ekey(id)
if redis.call('EXISTS', e) == 0 then
  local line = P .. 'line:' .. queue .. '|' .. skills
  redis.call('HSET', e, 'queue', queue, 'skills', skills, 'score', score, 'line', line,
    'joined', NOW, unpack(ARGV, 8))
  place_entry(id, not_before)
end
return place_of(id)
