-- Shared by read.lua and write.lua (build/bench.sh, issue 7): per-thread seeding and one
-- machine-readable result line, so bench.sh never scrapes wrk's human-readable output.
local M = {}

local threads = {}
local counter = 0

-- setup() runs in the main Lua state once per thread before the load starts.
function M.setup(thread)
   counter = counter + 1
   thread:set("thread_id", counter)
   table.insert(threads, thread)
end

-- Deterministic per thread: two runs send the same id sequence.
function M.seed()
   math.randomseed(1000003 * (thread_id or 1))
end

-- done() runs once, after all threads stop. errors.status counts HTTP status > 399.
function M.done(summary, latency, requests)
   local e = summary.errors
   io.write(string.format(
      "WRK_RESULT requests=%d duration_us=%d bytes=%d connect=%d read=%d write=%d status=%d timeout=%d p50_us=%d p90_us=%d p99_us=%d max_us=%d\n",
      summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write, e.status, e.timeout,
      latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max))
end

return M
