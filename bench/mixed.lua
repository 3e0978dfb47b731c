-- wrk script: one signed-in person's use of the app, mixed in proportions like real use. Reads
-- of every page, opening the add form, adding expenses and editing them (POSTs with the CSRF
-- token); 15 of every 100 requests write. Arguments after `--`:
--   csrf_token category_id date expense_ids(comma-separated) list_last_path filtered_path search_path
-- Each thread counts what it asked for and the answers outside 2xx/3xx; done() prints the totals.

local threads = {}
local token, category, day, ids, paths
local mix = {}
local form_headers = {}

function setup(thread)
  table.insert(threads, thread)
end

local function add(kind, weight)
  for _ = 1, weight do
    table.insert(mix, kind)
  end
end

function init(args)
  token, category, day = args[1], args[2], args[3]
  ids = {}
  for id in string.gmatch(args[4], "%d+") do
    table.insert(ids, id)
  end
  paths = {
    dashboard = "/", list_first = "/expenses", list_last = args[5], list_filtered = args[6],
    search = args[7], reports = "/reports", budgets = "/budgets", new_form = "/expenses/new",
  }
  add("dashboard", 25); add("list_first", 18); add("list_last", 3); add("list_filtered", 10)
  add("search", 8); add("reports", 8); add("budgets", 8); add("new_form", 5)
  add("add", 10); add("edit", 5)
  -- wrk.format takes the headers given instead of wrk.headers (the -H options: the cookie), not beside them.
  for name, value in pairs(wrk.headers) do
    form_headers[name] = value
  end
  form_headers["Content-Type"] = "application/x-www-form-urlencoded"
  reads, adds, edits, failed, statuses = 0, 0, 0, 0, ""
  math.randomseed(os.time() + tonumber(tostring({}):match("0x(%x+)") or "0", 16))
end

local function body(description)
  return "csrf_token=" .. token .. "&category_id=" .. category .. "&spent_on=" .. day
    .. "&description=" .. description .. "&amount=" .. math.random(1, 9999) .. ".50"
end

function request()
  local kind = mix[math.random(#mix)]
  if kind == "add" then
    adds = adds + 1
    return wrk.format("POST", "/expenses/new", form_headers, body("Mixed+coffee"))
  elseif kind == "edit" then
    edits = edits + 1
    local id = ids[math.random(#ids)]
    return wrk.format("POST", "/expenses/" .. id .. "/edit", form_headers, body("Mixed+edit"))
  end
  reads = reads + 1
  return wrk.format("GET", paths[kind])
end

function response(status, headers, body)
  if status >= 400 then
    failed = failed + 1
    statuses = statuses .. " " .. status
  end
end

function done(summary, latency, requests)
  local r, a, e, f, s = 0, 0, 0, 0, ""
  for _, thread in ipairs(threads) do
    r = r + thread:get("reads")
    a = a + thread:get("adds")
    e = e + thread:get("edits")
    f = f + thread:get("failed")
    s = s .. thread:get("statuses")
  end
  io.write(string.format("mixed: %d reads, %d adds, %d edits, %d answered 4xx/5xx\n", r, a, e, f))
  io.write("statuses outside 2xx/3xx:" .. s:sub(1, 600) .. "\n")
end
