-- wrk -s build/bench/write.lua URL -- ROWS
-- The write mix: 4 of 5 requests POST /todos (a new row, 201), 1 of 5 PUT /todos/{id} on a seeded row
-- 1..ROWS (200). Titles vary in length; every response other than 2xx/3xx is counted as a failure.
local here = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
local common = dofile(here .. "common.lua")

local rows = 10000
local n = 0
local headers = { ["Content-Type"] = "application/json" }

setup = common.setup
done = common.done

function init(args)
   rows = tonumber(args[1]) or rows
   common.seed()
end

function request()
   n = n + 1
   local title = string.format("bench %d-%d %s", thread_id or 0, n, string.rep("x", n % 40))
   if n % 5 == 0 then
      local body = string.format('{"title":"%s","done":%s}', title, (n % 2 == 0) and "true" or "false")
      return wrk.format("PUT", "/todos/" .. math.random(1, rows), headers, body)
   end
   return wrk.format("POST", "/todos", headers, string.format('{"title":"%s"}', title))
end
