-- wrk script for bench/api_bench.py.
-- Arguments (after `--`): a file of requests, one per line as METHOD<TAB>TARGET<TAB>BODY
-- (BODY may be empty, otherwise JSON), and a bearer token ("-" for none).
-- Each thread cycles through the requests from its own starting point; every answer that
-- is not 2xx is counted (wrk itself counts only >= 400). At the end one line is printed:
-- API_BENCH_JSON {...} with the request count, the duration and latency percentiles in us.

local prepared = {}
local count = 0
local next_index = 0
non2xx = 0
local threads = {}
local started = 0

function setup(thread)
  thread:set("offset", started)
  started = started + 1
  table.insert(threads, thread)
end

function init(args)
  local path, token = args[1], args[2]
  for line in io.lines(path) do
    local method, target, body = line:match("^(%u+)\t([^\t]+)\t(.*)$")
    if method == nil then
      error("bad request line: " .. line)
    end
    local headers = {}
    if token ~= "-" then
      headers["Authorization"] = "Bearer " .. token
    end
    if body == "" then
      body = nil
    else
      headers["Content-Type"] = "application/json"
    end
    count = count + 1
    prepared[count] = wrk.format(method, target, headers, body)
  end
  -- Spread the threads over the list so that they do not send the same requests in step.
  next_index = math.floor(count * offset / 8) % count
end

function request()
  next_index = next_index % count + 1
  return prepared[next_index]
end

function response(status, headers, body)
  if status < 200 or status > 299 then
    non2xx = non2xx + 1
  end
end

function done(summary, latency, requests)
  local bad = 0
  for _, thread in ipairs(threads) do
    bad = bad + thread:get("non2xx")
  end
  local e = summary.errors
  io.write(string.format(
    'API_BENCH_JSON {"requests": %d, "duration_us": %d, "non2xx": %d, "connect_errors": %d, '
      .. '"read_errors": %d, "write_errors": %d, "timeouts": %d, "p50_us": %d, "p95_us": %d, '
      .. '"p99_us": %d, "max_us": %d, "mean_us": %.1f}\n',
    summary.requests, summary.duration, bad, e.connect, e.read, e.write, e.timeout,
    latency:percentile(50), latency:percentile(95), latency:percentile(99), latency.max,
    latency.mean
  ))
end
