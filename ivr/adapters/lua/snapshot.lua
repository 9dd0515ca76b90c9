-- ARGV: prefix, now, queue. {waiting, lowest score or '', agents available, agents staffed}.
local queue = ARGV[3]
local waiting, lowest = 0, false
for _, line in ipairs(redis.call('SMEMBERS', P .. 'lines:' .. queue)) do
  waiting = waiting + redis.call('ZCARD', line)
  local head = redis.call('ZRANGE', line, 0, 0, 'WITHSCORES')
  if #head > 0 and (not lowest or tonumber(head[2]) < lowest) then lowest = tonumber(head[2]) end
end
local staffed = 0
for _, aid in ipairs(redis.call('SMEMBERS', P .. 'agents')) do
  local state = redis.call('HGET', akey(aid), 'state')
  if state and state ~= 'offline' then staffed = staffed + 1 end
end
return {waiting, lowest and tostring(lowest) or '', redis.call('ZCARD', P .. 'available'), staffed}
