-- wrk script: each request is the next line of a prepared file, so every request can carry
-- its own body and cookie (one voter each). The file has one request per line:
--   METHOD<TAB>PATH<TAB>COOKIE<TAB>CLIENT_IP<TAB>BODY
-- CLIENT_IP goes in X-Forwarded-For, as the TLS proxy in front of production adds it.
-- Threads take interleaved lines and wrap around when they run out. Reports p95, the
-- answers other than the expected status ("unexpected") and, among them, those that are not
-- 2xx or 3xx ("failed": refusals and errors) as a JSON line at the end.
-- Usage: wrk -t THREADS -s wrk_requests.lua ... -- FILE EXPECTED_STATUS THREADS

local threads = {}
local counter = 0

function setup(thread)
  thread:set("id", counter)
  counter = counter + 1
  table.insert(threads, thread)
end

function init(args)
  local path, expected = args[1], tonumber(args[2])
  lines = {}
  for line in io.lines(path) do
    local method, target, cookie, client, body =
      line:match("([^\t]*)\t([^\t]*)\t([^\t]*)\t([^\t]*)\t?(.*)")
    local headers = { ["Cookie"] = cookie, ["Host"] = "127.0.0.1", ["X-Forwarded-For"] = client }
    if method == "POST" then
      headers["Content-Type"] = "application/x-www-form-urlencoded"
    else
      body = nil
    end
    table.insert(lines, wrk.format(method, target, headers, body))
  end
  expect = expected
  -- Each thread has its own Lua state: the thread count must come in as an argument.
  step = tonumber(args[3])
  index = id + 1
  unexpected = 0
  failed = 0
end

function request()
  local r = lines[index]
  index = index + step
  if index > #lines then index = (index - 1) % step + 1 end
  return r
end

function response(status, headers, body)
  if status ~= expect then unexpected = unexpected + 1 end
  if status < 200 or status > 399 then failed = failed + 1 end
end

function done(summary, latency, requests)
  local wrong, bad = 0, 0
  for _, thread in ipairs(threads) do
    wrong = wrong + thread:get("unexpected")
    bad = bad + thread:get("failed")
  end
  io.write(string.format(
    '{"requests": %d, "seconds": %.3f, "per_second": %.1f, "p50_ms": %.1f, "p95_ms": %.1f, "p99_ms": %.1f, "unexpected": %d, "failed": %d, "socket_errors": %d}\n',
    summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000,
    wrong, bad, summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
