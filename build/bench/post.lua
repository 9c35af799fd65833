-- wrk -s build/bench/post.lua URL -- ROWS LABEL
-- POST /todos (201) with a new todo and an Idempotency-Key of its own, as a client that retries safely sends:
-- the key is LABEL-thread-n, so no two requests of one bench run share one (LABEL names the wrk run).
-- Titles vary in length. The service and the raw reference get the same requests.
local here = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
local common = dofile(here .. "common.lua")

local label = "post"
local n = 0

setup = common.setup
done = common.done

function init(args)
   label = args[2] or label
   common.seed()
end

function request()
   n = n + 1
   local title = string.format("bench %d-%d %s", thread_id or 0, n, string.rep("x", n % 40))
   local headers = { ["Content-Type"] = "application/json", ["Idempotency-Key"] = string.format("%s-%d-%d", label, thread_id or 0, n) }
   return wrk.format("POST", "/todos", headers, string.format('{"title":"%s"}', title))
end
