-- wrk script: replays pre-signed webhook requests, one line each: path \t body \t signature.
-- Each wrk thread walks its own slice of the file, so no two threads send the same CallSid.
local threads = {}

function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end

function init(args)
  requests = {}
  -- args[3] "close": every request on a new connection, as a proxy with no upstream
  -- keep-alive sends them (nginx's default); otherwise wrk keeps its connections open.
  local close = nil
  if args[3] == "close" then close = "close" end
  for line in io.lines(args[1]) do
    local path, body, signature = line:match("([^\t]*)\t([^\t]*)\t([^\t]*)")
    table.insert(requests, wrk.format("POST", path, {
      ["Content-Type"] = "application/x-www-form-urlencoded",
      ["X-Twilio-Signature"] = signature,
      ["Connection"] = close,
    }, body))
  end
  counter = id
  stride = tonumber(args[2])
end

function request()
  counter = counter + stride
  return requests[(counter % #requests) + 1]
end
