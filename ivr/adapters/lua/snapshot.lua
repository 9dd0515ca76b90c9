-- ARGV: prefix, now, queue. {waiting, when the head of the queue arrived or '', agents
-- available, agents staffed}. The head's arrival, not its score: scores' units are the
-- adapter's business (and were milliseconds before).
local queue = ARGV[3]
local waiting, lowest, head_id = 0, false, false
for _, line in ipairs(redis.call('SMEMBERS', P .. 'lines:' .. queue)) do
  waiting = waiting + redis.call('ZCARD', line)
  local head = redis.call('ZRANGE', line, 0, 0, 'WITHSCORES')
  if #head > 0 and (not lowest or before(tonumber(head[2]), head[1], lowest, head_id)) then
    lowest, head_id = tonumber(head[2]), head[1]
  end
end
local arrived = head_id and redis.call('HGET', ekey(head_id), 'arrived') or false
local staffed = 0
for _, aid in ipairs(redis.call('SMEMBERS', P .. 'agents')) do
  local state = redis.call('HGET', akey(aid), 'state')
  if state and state ~= 'offline' then staffed = staffed + 1 end
end
return {waiting, arrived or '', redis.call('ZCARD', P .. 'available'), staffed}
