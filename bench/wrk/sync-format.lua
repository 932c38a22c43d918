-- wrk request generator for the legacy sync endpoint in any of its four
-- request formats.
--
--   SYNC_FORMAT=xml wrk -t1 -c64 -d15s --latency -s bench/wrk/sync-format.lua \
--     http://127.0.0.1:9400 -- [N] [GATES] [SEED]
--
-- Gate and cursor are drawn as the bench kit's wrk/sync.lua draws them, so
-- that a run here and a run there send the same (gate, index) sequence:
-- per thread a PRNG seeded with SEED * 1000 + thread number, then for each
-- request gatenum uniform in 0001..GATES and lastsuccessindex uniform in
-- [0, N). Defaults N 20000, GATES 64, SEED 1 (env SYNC_N, SYNC_GATES,
-- SYNC_SEED when no argument is given).
--
-- SYNC_FORMAT picks the body and its Content-Type:
--   json  {"gatenum":"0001","lastsuccessindex":5}     application/json
--   xml   <GateSyncFaceInfoParm ...> of the original   application/xml
--   bson  the same document in BSON                    application/bson
--   form  gatenum=0001&lastsuccessindex=5              application/x-www-form-urlencoded
-- No Accept header is sent (SYNC_ACCEPT sets one), so the server answers
-- in the request's format: XML for XML, BSON for BSON, JSON for JSON and
-- form. The URL path is used if it has one, else the sync path.
--
-- done() prints the kit's machine-readable line, so that one parser reads
-- both:
--   WRKRESULT requests=.. duration_s=.. rps=.. bytes=.. mbps=.. p50_ms=..
--             p90_ms=.. p99_ms=.. max_ms=.. non2xx=.. connect_err=..
--             read_err=.. write_err=.. timeouts=..
--
-- The endpoint answers a body it cannot use with HTTP 200 and an errcode,
-- so non2xx=0 does not prove that the answers were records. SYNC_CHECK=1
-- makes the script read every answer (which slows wrk down: use it for a
-- short check run, not for a measurement) and done() adds
--   WRKCHECK records=.. caught_up=.. bad=..
-- records: HTTP 200 in the expected format (Content-Type and body) with
-- errcode 0, hasdata 1 and a non-empty faceimage; caught_up: the same with
-- hasdata 0; bad: anything else (the first one is shown on stderr).

local kSyncPath = "/api/CheckTicket/FaceInfo/Sync"

local kXmlOpen = '<GateSyncFaceInfoParm '
  .. 'xmlns:i="http://www.w3.org/2001/XMLSchema-instance" '
  .. 'xmlns="http://schemas.datacontract.org/2004/07/'
  .. 'DigitalScience.DataTransfer.Tour.V5.Parm">'

-- Little-endian 32-bit integer, as BSON stores lengths and int32 values.
local function le32(v)
  return string.char(v % 256, math.floor(v / 256) % 256,
                     math.floor(v / 65536) % 256,
                     math.floor(v / 16777216) % 256)
end

-- {gatenum: string, lastsuccessindex: int32}; indexes stay below 2^31.
local function bson_body(gate, index)
  local elements = "\2gatenum\0" .. le32(#gate + 1) .. gate .. "\0"
    .. "\16lastsuccessindex\0" .. le32(index)
  return le32(4 + #elements + 1) .. elements .. "\0"
end

local kRequests = {
  json = {
    content_type = "application/json",
    body = function(gate, index)
      return '{"gatenum":"' .. gate .. '","lastsuccessindex":' .. index .. '}'
    end,
  },
  xml = {
    content_type = "application/xml",
    body = function(gate, index)
      return kXmlOpen .. "<gatenum>" .. gate .. "</gatenum><lastsuccessindex>"
        .. index .. "</lastsuccessindex></GateSyncFaceInfoParm>"
    end,
  },
  bson = {content_type = "application/bson", body = bson_body},
  form = {
    content_type = "application/x-www-form-urlencoded",
    body = function(gate, index)
      return "gatenum=" .. gate .. "&lastsuccessindex=" .. index
    end,
  },
}

-- For SYNC_CHECK, what an answer holds, as plain substrings of its
-- Content-Type and body. BSON carries errcode as int32 0, hasdata as the
-- string "1" or "0" and the image as binary (element type 5).
local kJsonAnswer = {
  content_type = "json",
  ok = '"errcode":0,',
  record = '"hasdata":"1"',
  caught_up = '"hasdata":"0"',
  image = '"faceimage":"',
  image_empty = '"faceimage":""',
}
local kAnswers = {
  json = kJsonAnswer,
  form = kJsonAnswer,
  xml = {
    content_type = "xml",
    ok = "<errcode>0</errcode>",
    record = "hasdata>1</",
    caught_up = "hasdata>0</",
    image = "faceimage>",
    image_empty = "faceimage></",
  },
  bson = {
    content_type = "application/bson",
    ok = "\16errcode\0\0\0\0\0",
    record = "\2hasdata\0\2\0\0\0" .. "1\0",
    caught_up = "\2hasdata\0\2\0\0\0" .. "0\0",
    image = "\5faceimage\0",
    image_empty = "\5faceimage\0\0\0\0\0",
  },
}

local threads = {}

function setup(thread)
  table.insert(threads, thread)
  thread:set("thread_no", #threads)
end

local format_name, records, gates
local head -- request line and headers up to the Content-Length value

function init(args)
  records = tonumber(args[1] or os.getenv("SYNC_N") or "20000")
  gates = tonumber(args[2] or os.getenv("SYNC_GATES") or "64")
  local seed = tonumber(args[3] or os.getenv("SYNC_SEED") or "1")
  format_name = os.getenv("SYNC_FORMAT") or "json"
  local format = kRequests[format_name]
  if format == nil then
    io.stderr:write("sync-format.lua: SYNC_FORMAT must be json, xml, "
                    .. "bson or form, not " .. format_name .. "\n")
    os.exit(2)
  end
  math.randomseed(seed * 1000 + (thread_no or 1))

  local path = wrk.path
  if path == nil or path == "" or path == "/" then path = kSyncPath end
  local accept = os.getenv("SYNC_ACCEPT")
  head = "POST " .. path .. " HTTP/1.1\r\n"
    .. "Host: " .. (wrk.headers["Host"] or wrk.host) .. "\r\n"
    .. (accept and ("Accept: " .. accept .. "\r\n") or "")
    .. "Content-Type: " .. format.content_type .. "\r\n"
    .. "Content-Length: "
end

function request()
  -- Two draws in the kit's order: the gate, then the cursor.
  local gate = string.format("%04d", math.random(1, gates))
  local body = kRequests[format_name].body(gate, math.random(0, records - 1))
  return head .. #body .. "\r\n\r\n" .. body
end

local function has(text, part)
  return string.find(text, part, 1, true) ~= nil
end

local function content_type_of(headers)
  for name, value in pairs(headers) do
    if string.lower(name) == "content-type" then return value end
  end
  return ""
end

-- "records", "caught_up" or "bad", for one answer.
local function classify(status, headers, body)
  local want = kAnswers[format_name]
  if status ~= 200 or not has(body, want.ok)
     or not has(string.lower(content_type_of(headers)), want.content_type) then
    return "bad"
  end
  if has(body, want.caught_up) then return "caught_up" end
  if has(body, want.record) and has(body, want.image)
     and not has(body, want.image_empty) then
    return "records"
  end
  return "bad"
end

local check = os.getenv("SYNC_CHECK") == "1"

if check then
  -- Per-thread tallies, read back by done() through thread:get.
  records_seen, caught_up_seen, bad_seen = 0, 0, 0

  function response(status, headers, body)
    local verdict = classify(status, headers, body)
    if verdict == "records" then
      records_seen = records_seen + 1
    elseif verdict == "caught_up" then
      caught_up_seen = caught_up_seen + 1
    else
      if bad_seen == 0 then
        io.stderr:write(string.format(
          "sync-format.lua: unexpected %s answer: HTTP %d, Content-Type %q, "
            .. "body %q\n", format_name, status, content_type_of(headers),
          string.sub(body, 1, 200)))
      end
      bad_seen = bad_seen + 1
    end
  end
end

function done(summary, latency, requests)
  local secs = summary.duration / 1e6
  local e = summary.errors
  io.write(string.format(
    "WRKRESULT requests=%d duration_s=%.3f rps=%.1f bytes=%d mbps=%.2f"
      .. " p50_ms=%.3f p90_ms=%.3f p99_ms=%.3f max_ms=%.3f"
      .. " non2xx=%d connect_err=%d read_err=%d write_err=%d timeouts=%d\n",
    summary.requests, secs, summary.requests / secs, summary.bytes,
    summary.bytes / secs / 1e6,
    latency:percentile(50) / 1e3, latency:percentile(90) / 1e3,
    latency:percentile(99) / 1e3, latency.max / 1e3,
    e.status, e.connect, e.read, e.write, e.timeout))
  if not check then return end

  local seen = {records = 0, caught_up = 0, bad = 0}
  for _, thread in ipairs(threads) do
    seen.records = seen.records + thread:get("records_seen")
    seen.caught_up = seen.caught_up + thread:get("caught_up_seen")
    seen.bad = seen.bad + thread:get("bad_seen")
  end
  io.write(string.format("WRKCHECK records=%d caught_up=%d bad=%d\n",
                         seen.records, seen.caught_up, seen.bad))
end
