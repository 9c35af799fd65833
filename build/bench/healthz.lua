-- wrk -s build/bench/healthz.lua URL: GET /healthz, no database. What HTTP alone costs on this machine:
-- with pgbench's figure it bounds what any database-backed endpoint can reach when all share the cores.
local here = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
local common = dofile(here .. "common.lua")

setup = common.setup
done = common.done

function request()
   return wrk.format("GET", "/healthz")
end
