-- wrk -s build/bench/read.lua URL -- ROWS
-- GET /todos/{id} with ids spread uniformly over the seeded rows 1..ROWS (default 10000).
local here = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
local common = dofile(here .. "common.lua")

local rows = 10000

setup = common.setup
done = common.done

function init(args)
   rows = tonumber(args[1]) or rows
   common.seed()
end

function request()
   return wrk.format("GET", "/todos/" .. math.random(1, rows))
end
