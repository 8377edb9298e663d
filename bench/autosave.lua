-- Autosave load: POSTs distinct answers to the criteria of the draft assessments given as
-- arguments ("<id> <code,code,...>" pairs), each based on the version the previous answer to
-- that criterion returned, never two at once on one criterion (so a conflict would be a bug).
local slots, free, inflight, version = {}, {}, {}, {}
local counter = 0
local cookie

function init(args)
  cookie = args[1]
  for i = 2, #args, 2 do
    local id = args[i]
    for code in string.gmatch(args[i + 1], "[^,]+") do
      local key = "/evaluations/" .. id .. "/reponses/" .. code
      table.insert(slots, { path = key, code = code })
      version[key] = 1
    end
  end
  for i = 1, #slots do free[i] = i end
end

function request()
  local index = table.remove(free, 1)
  if index == nil then
    -- Every criterion has a save in flight: fall back to the first (counted as a conflict).
    index = 1
  end
  local slot = slots[index]
  inflight[slot.path] = index
  counter = counter + 1
  local code = slot.code
  local body = code .. ".level=" .. (counter % 5) .. "&" .. code .. ".importance=" .. (1 + counter % 3)
    .. "&" .. code .. ".evidence=constat+" .. counter .. "&" .. code .. ".version=" .. version[slot.path]
  return wrk.format("POST", slot.path, {
    ["Content-Type"] = "application/x-www-form-urlencoded",
    ["HX-Request"] = "true",
    ["Cookie"] = cookie,
  }, body)
end

function response(status, headers, body)
  local saved, path = string.match(body, 'value="(%d+)" data%-hx%-swap%-oob="true" data%-saved%-at="([^"]+)"')
  if path ~= nil then
    version[path] = tonumber(saved)
    local index = inflight[path]
    if index ~= nil then
      inflight[path] = nil
      table.insert(free, index)
    end
  end
end
