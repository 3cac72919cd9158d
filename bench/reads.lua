-- wrk script: GET /schemas/ids/{id}, rotating over the ids first..last (default 1..1000).
-- Usage: wrk -t2 -c64 -d20s --latency -s bench/reads.lua http://127.0.0.1:PORT -- FIRST LAST
-- Each wrk thread starts at its own offset so threads do not walk the ids in lockstep.

local first, count, next_index

function setup(thread)
   thread:set("thread_offset", math.random(0, 1000003))
end

function init(args)
   first = tonumber(args[1]) or 1
   local last = tonumber(args[2]) or 1000
   count = last - first + 1
   next_index = (thread_offset or 0) % count
end

function request()
   local id = first + next_index
   next_index = (next_index + 1) % count
   return wrk.format("GET", "/schemas/ids/" .. id)
end
