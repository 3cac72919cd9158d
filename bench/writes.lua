-- wrk script: POST /subjects/{subject}/versions with a DISTINCT Avro schema on every request (run with
-- the global compatibility at NONE). Subjects rotate over 32 per wrk thread.
-- Usage: wrk -t2 -c16 -d20s --latency -s bench/writes.lua http://127.0.0.1:PORT -- RUN_TAG
-- RUN_TAG keeps the schemas of separate runs apart (a schema registered before would be answered from
-- the cache, not written).

local thread_count = 0
local tag, n
-- `tid` is a global of the thread's Lua state, set by setup() through thread:set.

function setup(thread)
   thread:set("tid", thread_count)
   thread_count = thread_count + 1
end

function init(args)
   tag = args[1] or "run"
   n = 0
end

function request()
   n = n + 1
   local name = "W_" .. tag .. "_" .. tid .. "_" .. n
   local schema = '{\\"type\\":\\"record\\",\\"name\\":\\"' .. name ..
      '\\",\\"namespace\\":\\"bench.writes\\",\\"fields\\":[' ..
      '{\\"name\\":\\"id\\",\\"type\\":\\"long\\"},' ..
      '{\\"name\\":\\"created_at\\",\\"type\\":{\\"type\\":\\"long\\",\\"logicalType\\":\\"timestamp-millis\\"}},' ..
      '{\\"name\\":\\"note\\",\\"type\\":[\\"null\\",\\"string\\"],\\"default\\":null},' ..
      '{\\"name\\":\\"v' .. n .. '\\",\\"type\\":\\"string\\",\\"default\\":\\"\\"}]}'
   local body = '{"schema":"' .. schema .. '"}'
   local subject = "bench-" .. tag .. "-" .. tid .. "-" .. (n % 32) .. "-value"
   return wrk.format("POST", "/subjects/" .. subject .. "/versions",
      {["Content-Type"] = "application/vnd.schemaregistry.v1+json"}, body)
end
